// Small pure helpers every process may use (the daemon, the CLI, the app and the dashboard).

/** "12.3MB"-style sizes for people (API fields that say `freedMemory`); `' '` gives "12.3 MB" (CLI, dashboard). */
export function formatBytes(bytes: number, separator = ''): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)}${separator}${units[unit]}`;
}
