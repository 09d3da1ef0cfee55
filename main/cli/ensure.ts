import { readFileSync } from 'node:fs';
import { instanceFiles } from '../common/paths.js';
import type { ResolvedCli } from './config.js';
import { CliError } from './errors.js';
import { daemonUrl, fetchHealth, type Health } from '../common/daemon-client.js';
import { tryLock, lockHolder } from './lock.js';
import { assertOwnDaemon } from './own-daemon.js';
import { removePidFileIf } from '../common/pidfile.js';
import { assertPortFree, assertWritableDir } from './preflight.js';
import { delay } from '../common/processes.js';
import { spawnDaemon, type SpawnedDaemon } from './spawn-daemon.js';
import { startSpinner } from './spinner.js';
import { lastLinesOrNone } from './tail.js';

export interface DaemonHandle {
  url: string;
  health: Health;
  /** False when a daemon was already answering. */
  started: boolean;
}

export interface EnsureOptions {
  startTimeoutMs?: number;
  spinner?: boolean;
}

const HEALTH_TIMEOUT_MS = 1000;
const POLL_MS = 50;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const LOG_LINES_ON_FAILURE = 20;

/** The running daemon for this config, or null; one short GET, the launch fast path. */
export async function findDaemon(resolved: ResolvedCli, timeoutMs = 500): Promise<DaemonHandle | null> {
  const url = daemonUrl(resolved.config.host, resolved.config.port);
  const health = await fetchHealth(url, timeoutMs);
  if (health) assertOwnDaemon(resolved, health);
  return health ? { url, health, started: false } : null;
}

/**
 * Makes sure the daemon for this port answers, starting it if needed. Concurrent callers
 * serialise on the instance's lock file: one starts the daemon, the others wait for /health.
 */
export async function ensureDaemon(resolved: ResolvedCli, options: EnsureOptions = {}): Promise<DaemonHandle> {
  const running = await findDaemon(resolved);
  if (running) return running;
  assertWritableDir(resolved.dataDir);
  const spinner = options.spinner === false ? { stop() {} } : startSpinner('Starting the CCO daemon…');
  try {
    return await startOrWait(resolved, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  } finally {
    spinner.stop();
  }
}

async function startOrWait(resolved: ResolvedCli, startTimeoutMs: number): Promise<DaemonHandle> {
  const { lockFile } = instanceFiles(resolved.dataDir, resolved.config.port);
  // A holder keeps the lock at most startTimeoutMs; past twice that it is presumed dead.
  const lockOptions = { staleMs: 2 * startTimeoutMs };
  const deadline = Date.now() + startTimeoutMs + 5000;
  for (;;) {
    const lock = tryLock(lockFile, lockOptions);
    if (lock) {
      try {
        return (await findDaemon(resolved, HEALTH_TIMEOUT_MS)) ?? (await startLocked(resolved, startTimeoutMs));
      } finally {
        lock.release();
      }
    }
    const other = await findDaemon(resolved, HEALTH_TIMEOUT_MS);
    if (other) return other;
    if (Date.now() > deadline) throw lockTimeout(lockFile);
    await delay(POLL_MS);
  }
}

function lockTimeout(lockFile: string): CliError {
  let holder: number | undefined;
  try {
    holder = lockHolder(readFileSync(lockFile, 'utf8'));
  } catch {
    holder = undefined;
  }
  return new CliError('Timed out waiting for another cco to start the daemon', 1, [
    `The start-up lock ${lockFile} is held${holder ? ` by PID ${holder}` : ''}.`,
    'If no other cco is starting, delete that file and try again.',
  ]);
}

async function startLocked(resolved: ResolvedCli, startTimeoutMs: number): Promise<DaemonHandle> {
  const { config, dataDir } = resolved;
  const files = instanceFiles(dataDir, config.port);
  await assertPortFree(config.host, config.port);
  const spawned = spawnDaemon(config, dataDir, files.logFile);
  const url = daemonUrl(config.host, config.port);
  const outcome = await awaitHealth(url, spawned, startTimeoutMs);
  if (outcome !== 'exited' && outcome !== 'timeout') return { url, health: outcome, started: true };
  const how = exitDescription(spawned);
  await abandon(spawned, files.pidFile);
  throw failure(outcome === 'timeout' ? `it did not answer /health within ${Math.round(startTimeoutMs / 1000)} s` : how, files.logFile);
}

/** Health once it answers, or why it never will. */
async function awaitHealth(url: string, spawned: SpawnedDaemon, timeoutMs: number): Promise<Health | 'exited' | 'timeout'> {
  let exited = false;
  void spawned.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = await fetchHealth(url, HEALTH_TIMEOUT_MS);
    if (health) return health;
    if (exited) return 'exited';
    await delay(POLL_MS);
  }
  return 'timeout';
}

function exitDescription(spawned: SpawnedDaemon): string {
  const { exitCode, signalCode } = spawned.child;
  if (exitCode !== null) return `it exited with code ${exitCode}`;
  if (signalCode !== null) return `it was killed by ${signalCode}`;
  return 'it could not be launched';
}

/** Leaves nothing half-started: a child that never answered is killed and its PID file dropped. */
async function abandon(spawned: SpawnedDaemon, pidFile: string): Promise<void> {
  const pid = spawned.child.pid;
  if (spawned.child.exitCode === null && spawned.child.signalCode === null && pid !== undefined) {
    spawned.child.kill('SIGKILL');
    await spawned.exited;
  }
  if (pid !== undefined) removePidFileIf(pidFile, pid);
}

function failure(reason: string, logFile: string): CliError {
  const lines = lastLinesOrNone(logFile, LOG_LINES_ON_FAILURE);
  return new CliError(`Daemon failed to start: ${reason}`, 1, [
    lines.length > 0 ? `Last lines of ${logFile}:` : `Nothing was logged to ${logFile}.`,
    ...lines.map((line) => `  ${line}`),
  ]);
}
