import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DaemonConfig } from '../common/config.js';
import { configToFlags } from './config.js';

/** Set in the spawned daemon's environment: its console output already goes to the log file. */
export const SPAWNED_ENV = 'CCO_DAEMON_SPAWNED';

/** The CLI's launcher, found from this compiled file (dist/main/cli → bin/cco.js). */
export function cliScript(): string {
  return fileURLToPath(new URL('../../../bin/cco.js', import.meta.url));
}

function daemonEnv(dataDir: string, config: DaemonConfig): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CCO_HOME: dataDir, [SPAWNED_ENV]: '1' };
  if (config.alertWebhook !== '') env.CCO_ALERT_WEBHOOK = config.alertWebhook;
  // Inside the packaged app process.execPath is Electron, which must be told to act as Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}

export interface SpawnedDaemon {
  child: ChildProcess;
  /** Settles when the child exits; never rejects. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `cco daemon start --foreground` detached from this terminal, with every resolved
 * setting as a flag so the child sees exactly the config this process resolved. Its stdout and
 * stderr are appended to the instance log so a crash before logging is set up is still on record.
 */
export function spawnDaemon(config: DaemonConfig, dataDir: string, logFile: string): SpawnedDaemon {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, [cliScript(), 'daemon', 'start', '--foreground', ...configToFlags(config)], {
      detached: true,
      stdio: ['ignore', out, out],
      windowsHide: true,
      env: daemonEnv(dataDir, config),
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    child.unref();
    return { child, exited };
  } finally {
    closeSync(out);
  }
}
