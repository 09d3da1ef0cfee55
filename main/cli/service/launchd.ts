import type { ServiceSpec } from './spec.js';

export function launchdLabel(port: number): string {
  return `dev.cco.daemon.${port}`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The LaunchAgent `cco daemon install` writes on macOS (~/Library/LaunchAgents). */
export function launchdPlist(spec: ServiceSpec): string {
  const args = [spec.program, ...spec.args].map((a) => `      <string>${xml(a)}</string>`);
  const env = Object.entries(spec.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([key, value]) => [`      <key>${xml(key)}</key>`, `      <string>${xml(value)}</string>`]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '  <dict>',
    '    <key>Label</key>',
    `    <string>${launchdLabel(spec.port)}</string>`,
    '    <key>ProgramArguments</key>',
    '    <array>',
    ...args,
    '    </array>',
    '    <key>EnvironmentVariables</key>',
    '    <dict>',
    ...env,
    '    </dict>',
    '    <key>WorkingDirectory</key>',
    `    <string>${xml(spec.dataDir)}</string>`,
    '    <key>RunAtLoad</key>',
    '    <true/>',
    // Restarted after a crash, not after a clean exit (the daemon exits 0 when told to stop).
    '    <key>KeepAlive</key>',
    '    <dict>',
    '      <key>SuccessfulExit</key>',
    '      <false/>',
    '    </dict>',
    '    <key>ExitTimeOut</key>',
    '    <integer>20</integer>',
    '    <key>StandardOutPath</key>',
    `    <string>${xml(spec.logFile)}</string>`,
    '    <key>StandardErrorPath</key>',
    `    <string>${xml(spec.logFile)}</string>`,
    '  </dict>',
    '</plist>',
    '',
  ].join('\n');
}
