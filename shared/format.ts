// Small pure helpers every process may use (the daemon, the CLI, the app and the dashboard).

/** "12.3MiB"-style sizes for people (API fields that say `freedMemory`); `' '` gives "12.3 MiB" (CLI, dashboard). */
export function formatBytes(bytes: number, separator = ''): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']; // binary multiples, named as such
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)}${separator}${units[unit]}`;
}
