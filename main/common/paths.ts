import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The data directory: `CCO_HOME` when set, otherwise the per-user data directory of the OS
 * (the same place Electron's `app.getPath('userData')` points to for an app named CCO).
 */
export function dataDir(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CCO_HOME) return env.CCO_HOME;
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'CCO');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'CCO');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'CCO');
}

/** Files that belong to one daemon instance; instances are told apart by port. */
export function instanceFiles(dir: string, port: number) {
  return {
    pidFile: join(dir, `daemon-${port}.pid`),
    logFile: join(dir, 'logs', `daemon-${port}.log`),
    lockFile: join(dir, `daemon-${port}.lock`),
    database: join(dir, `usage-${port}.db`),
    /** How far each Claude Code transcript has been imported (private; rebuilt by reading again). */
    transcriptCursors: join(dir, `transcripts-${port}.json`),
  };
}

export function settingsFile(dir: string): string {
  return join(dir, 'settings.json');
}

/** Which providers answer which models (see the README's "Model routing"). */
export function routingFile(dir: string, configured = ''): string {
  return configured === '' ? join(dir, 'model-routing.json') : configured;
}
