import { SETTINGS } from '../common/settings-schema.js';

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

/** A command to suggest, with `--port` when the port is not the default one, so it reaches the same daemon. */
export function commandFor(command: string, port: number): string {
  return port === Number(SETTINGS.port.default()) ? command : `${command} --port ${port}`;
}
