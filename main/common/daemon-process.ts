// The contract between a host process (the desktop app) and the daemon it runs in a child process
// (main/daemon/host-entry.ts), over the process message channel: Electron's parentPort or
// child_process's IPC. Declared once here, where both sides may import it.
import type { DaemonConfig } from './config.js';

/** Set in a daemon child's environment: its console output already goes to the log file. */
export const SPAWNED_ENV = 'CCO_DAEMON_SPAWNED';

/** Parent → child. */
export type HostRequest =
  | { type: 'start'; config: DaemonConfig; dataDir: string }
  /** Stop accepting, let requests under way finish for at most `drainMs`, flush records, exit. */
  | { type: 'stop'; drainMs: number };

/** Child → parent. */
export type HostReport =
  /** Listening for `start`: sent first, since a message that arrives before that is lost. */
  | { type: 'waiting' }
  | { type: 'ready'; url: string; port: number; logFile: string; pid: number }
  /** Starting failed; `code` is the host's error code (EADDRINUSE, EACCES, DATA_DIR, DATABASE) when known. */
  | { type: 'failed'; message: string; code: string | null };

/** Narrows a message from the channel; anything else (a stray or garbled message) is ignored. */
export function asHostReport(message: unknown): HostReport | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  if (m.type === 'waiting') return { type: 'waiting' };
  if (m.type === 'ready' && typeof m.url === 'string' && typeof m.port === 'number' && typeof m.logFile === 'string'
    && typeof m.pid === 'number') {
    return { type: 'ready', url: m.url, port: m.port, logFile: m.logFile, pid: m.pid };
  }
  if (m.type === 'failed' && typeof m.message === 'string') {
    return { type: 'failed', message: m.message, code: typeof m.code === 'string' ? m.code : null };
  }
  return null;
}

export function asHostRequest(message: unknown): HostRequest | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  if (m.type === 'start' && typeof m.dataDir === 'string' && typeof m.config === 'object' && m.config !== null) {
    return { type: 'start', config: m.config as DaemonConfig, dataDir: m.dataDir };
  }
  if (m.type === 'stop' && typeof m.drainMs === 'number') return { type: 'stop', drainMs: m.drainMs };
  return null;
}

/**
 * The environment a daemon child gets, whoever starts it (the CLI's `cco daemon start`, the app):
 * the parent's own (shells in the terminal need PATH, HOME, ...), the data directory, and the mark
 * that its console output is already in the log file.
 */
export function daemonEnv(base: NodeJS.ProcessEnv, dataDir: string): NodeJS.ProcessEnv {
  return { ...base, CCO_HOME: dataDir, [SPAWNED_ENV]: '1' };
}
