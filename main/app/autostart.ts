import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Start at login on Linux, where Electron has no login-item API: a freedesktop autostart entry
 * ($XDG_CONFIG_HOME/autostart/*.desktop), which GNOME, KDE, Xfce and most others honour.
 */
export function autostartFile(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart', 'cco.desktop');
}

/** One argument of an Exec= line, quoted as the Desktop Entry spec asks (then escaped as a string value). */
export function desktopExecArg(arg: string): string {
  const quoted = /^[A-Za-z0-9_\-./:=+,@]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=CCO',
    'Comment=Claude Code Orchestrator (tray)',
    `Exec=${command.map(desktopExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes or removes the entry; `command` is what starts the app (AppImage file, or binary and app folder). */
export function setLinuxAutostart(file: string, enabled: boolean, command: readonly string[]): void {
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, autostartEntry(command));
}
