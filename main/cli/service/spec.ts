import { join } from 'node:path';
import { instanceFiles } from '../../common/paths.js';
import type { ResolvedCli } from '../config.js';
import { cliScript, SPAWNED_ENV } from '../spawn-daemon.js';

/** What every platform's service runs: `cco daemon start --foreground` with the install's options. */
export interface ServiceSpec {
  port: number;
  /** The program and its arguments, unquoted. */
  program: string;
  args: string[];
  /** Set in the service's environment: the data directory and the CCO_* settings given at install. */
  env: Record<string, string>;
  dataDir: string;
  logFile: string;
}

/** Variables that are per-shell noise, or would make the service act as a child of this terminal. */
const NOT_CARRIED = new Set(['CCO_HOME', SPAWNED_ENV]);

/**
 * The service gets the flags given to `install` (baked in), the CCO_* variables of this shell and
 * the data directory; settings.json is read at each start, as `cco daemon start` does, so the
 * desktop app's settings still apply to a service.
 */
export function serviceSpec(
  resolved: ResolvedCli,
  flags: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ServiceSpec {
  const { port } = resolved.config;
  const carried: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('CCO_') && !NOT_CARRIED.has(key) && value !== undefined && value !== '') carried[key] = value;
  }
  const serviceEnv: Record<string, string> = { ...carried, CCO_HOME: resolved.dataDir, [SPAWNED_ENV]: '1' };
  // Inside the packaged app process.execPath is Electron, which must be told to act as Node.
  if (process.versions.electron) serviceEnv.ELECTRON_RUN_AS_NODE = '1';
  return {
    port,
    program: process.execPath,
    args: [cliScript(), 'daemon', 'start', '--foreground', '--port', String(port), ...flags],
    env: serviceEnv,
    dataDir: resolved.dataDir,
    logFile: instanceFiles(resolved.dataDir, port).logFile,
  };
}

/** Where the Windows task's XML is kept (schtasks reads it from a file). */
export function taskXmlFile(dataDir: string, port: number): string {
  return join(dataDir, `daemon-${port}-task.xml`);
}
