export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const parts = [days && `${days}d`, hours && `${hours}h`, minutes && `${minutes}m`, `${seconds}s`].filter(Boolean);
  return parts.slice(0, 3).join(' ');
}

/** hitRate is a fraction (0..1) as the daemon reports it. */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

const LOOPBACK_OR_ANY = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::', '']);

/** What a browser should open: `localhost` when the daemon is reachable there. */
export function dashboardUrl(host: string, port: number, daemonUrl: string): string {
  return LOOPBACK_OR_ANY.has(host) ? `http://localhost:${port}` : daemonUrl;
}
