import type { ServiceSpec } from './spec.js';

/** One systemd user unit per port, so several instances can be services side by side. */
export function systemdUnitName(port: number): string {
  return `cco-daemon-${port}.service`;
}

/**
 * A word of ExecStart or an Environment assignment, quoted as systemd.syntax(7) reads it.
 * `%` starts a specifier in unit files and must be doubled everywhere.
 */
export function systemdQuote(word: string): string {
  const escaped = word.replace(/%/g, '%%');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The unit `cco daemon install` writes on Linux. */
export function systemdUnit(spec: ServiceSpec): string {
  const exec = [spec.program, ...spec.args].map(systemdQuote).join(' ');
  const env = Object.entries(spec.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `Environment=${systemdQuote(`${key}=${value}`)}`);
  return [
    '# Written by `cco daemon install`; remove it with `cco daemon uninstall`.',
    '# To keep it running after you log out (servers, CI runners): loginctl enable-linger "$USER"',
    '[Unit]',
    `Description=CCO daemon on port ${spec.port} (Claude Code proxy and cache)`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    ...env,
    // A path setting: taken whole (spaces included), never unquoted; only specifiers need escaping.
    `WorkingDirectory=${spec.dataDir.replace(/%/g, '%%')}`,
    // The daemon exits 0 on SIGTERM after draining: a clean stop is never restarted, a crash is.
    'Restart=on-failure',
    'RestartSec=2',
    // Longer than the daemon's own drain (10 s) so a clean shutdown is never cut short.
    'TimeoutStopSec=20',
    'KillSignal=SIGTERM',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}
