import type { CacheStatsResponse, HealthResponse } from '../../shared/api.js';
import { connect } from 'node:net';
import type { DaemonConfig } from './config.js';
import type { Logger } from './logger.js';
import { instanceFiles } from './paths.js';
import { readPidFile, removePidFile, removePidFileIf } from './pidfile.js';
import { commandLineOf, isRunning, looksLikeForegroundDaemon, waitUntil } from './processes.js';

/**
 * What `GET /health` answers (shared/api.ts); only the fields every daemon version sends are
 * required, since the daemon on the port may be older or newer than this command.
 */
export type Health = Pick<HealthResponse, 'status' | 'pid' | 'port'> & Partial<HealthResponse>;

/** What `GET /api/cache/stats` answers; only the fields the summary line uses are required. */
export type CacheSummary = Pick<CacheStatsResponse, 'size' | 'bytes' | 'hitRate'> & Partial<CacheStatsResponse>;

/** The address a client dials: a wildcard bind is reached over loopback. */
export function clientHost(bindHost: string): string {
  if (bindHost === '' || bindHost === '0.0.0.0') return '127.0.0.1';
  if (bindHost === '::' || bindHost === '[::]') return '::1';
  return bindHost;
}

export function daemonUrl(bindHost: string, port: number): string {
  const host = clientHost(bindHost);
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Reads a complete HTTP/1.x response once it is all there: undefined while more is expected,
 * null for anything but a 200 with a JSON body.
 */
export function parseJsonResponse(raw: Buffer, ended: boolean): unknown {
  const split = raw.indexOf(HEADER_END);
  if (split === -1) return ended ? null : undefined;
  const head = raw.subarray(0, split).toString('latin1');
  if (!/^HTTP\/1\.[01] 200 /.test(head)) return null;
  if (/^transfer-encoding:\s*chunked/im.test(head)) return null;
  const length = /^content-length:\s*(\d+)/im.exec(head)?.[1];
  const body = raw.subarray(split + HEADER_END.length);
  const complete = length !== undefined ? body.length >= Number(length) : ended;
  if (!complete) return ended ? null : undefined;
  try {
    return JSON.parse(body.subarray(0, length !== undefined ? Number(length) : body.length).toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * GET a JSON document over a raw socket; null on any failure (refused, timeout, non-200, not
 * JSON). An HTTP/1.0 request keeps the answer unchunked. This is the one place the project does
 * not use undici (the daemon's client): `cco` asks /health on every launch, and loading undici
 * cost 190-810 ms there in a measurement on this 2-core machine under load (node:net 3-20 ms,
 * node:http after it another 1.3 ms), against a launch budget of 15 ms of cco's own work.
 */
export function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(target.port || 80) });
    const chunks: Buffer[] = [];
    const finish = (value: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    const request = `GET ${target.pathname}${target.search} HTTP/1.0\r\nHost: ${target.host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`;
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const value = parseJsonResponse(Buffer.concat(chunks), false);
      if (value !== undefined) finish(value);
    });
    socket.once('end', () => finish(parseJsonResponse(Buffer.concat(chunks), true) ?? null));
    socket.once('error', () => finish(null));
  });
}

function isHealth(value: unknown): value is Health {
  const v = value as Partial<Health> | null;
  return typeof v === 'object' && v !== null && v.status === 'ok' && typeof v.pid === 'number';
}

/** The daemon's health, or null when nothing (or something that is not a CCO daemon) answers. */
export async function fetchHealth(baseUrl: string, timeoutMs: number): Promise<Health | null> {
  const body = await getJson(`${baseUrl}/health`, timeoutMs);
  return isHealth(body) ? body : null;
}

export async function fetchCacheStats(baseUrl: string, timeoutMs: number): Promise<CacheSummary | null> {
  const body = (await getJson(`${baseUrl}/api/cache/stats`, timeoutMs)) as Partial<CacheSummary> | null;
  if (!body || typeof body.size !== 'number' || typeof body.bytes !== 'number' || typeof body.hitRate !== 'number') {
    return null;
  }
  return body as CacheSummary;
}

export type StopOutcome = 'stopped' | 'not-running';

/** The daemon a client talks to: where it listens and the data directory holding its PID file. */
export interface DaemonTarget {
  config: Pick<DaemonConfig, 'host' | 'port'> & Partial<Pick<DaemonConfig, 'drainTimeoutSeconds'>>;
  dataDir: string;
}

/** A daemon that cannot be stopped: the message says why, the details how to go on. */
export class DaemonClientError extends Error {
  override name = 'DaemonClientError';
  constructor(message: string, readonly details: readonly string[] = []) {
    super(message);
  }
}

/** Added to the daemon's own drain (`drainTimeoutSeconds`) so a clean shutdown is never cut short. */
const GRACE_BEYOND_DRAIN_MS = 5_000;
const DEFAULT_DRAIN_SECONDS = 10;
const KILL_WAIT_MS = 5_000;

/**
 * A daemon on our port that belongs to another data directory: its token is not ours, so a
 * dashboard link made here would be refused, and its usage is recorded elsewhere. A daemon too
 * old to say which directory it serves is taken as ours, as before.
 */
export function otherDataDirError(health: Health, dataDir: string, port: number, ownId: string): DaemonClientError | null {
  if (health.dataDirId === undefined || health.dataDirId === ownId) return null;
  return new DaemonClientError(`Port ${port} is held by a CCO daemon of another data directory (PID ${health.pid})`, [
    `This data directory is ${dataDir}; that daemon keeps its own token, cache and usage.`,
    'Stop it with the CCO_HOME it was started with (cco daemon stop), or use another port: --port N.',
  ]);
}

/**
 * Stops the daemon named by the instance's PID file, but only after proving the pid is that
 * daemon: its /health on this port reports the same pid (or, on Linux, its command line is ours
 * while it is too hung to answer). Anything else is a stale file, removed without killing.
 */
export async function stopDaemon(target: DaemonTarget, log: Logger): Promise<StopOutcome> {
  const { port, host } = target.config;
  const { pidFile } = instanceFiles(target.dataDir, port);
  const url = daemonUrl(host, port);
  const pid = readPidFile(pidFile);
  const health = await fetchHealth(url, 2000);
  // Loaded here, not at the top: node:crypto stays off the `cco` launch path, which imports this module.
  const other = health && otherDataDirError(health, target.dataDir, port, (await import('./data-dir-id.js')).dataDirId(target.dataDir));
  if (other) throw other;
  if (pid === undefined) {
    if (health) throw foreignDaemon(port, health.pid, pidFile);
    log.info(`Daemon is not running on port ${port}`);
    return 'not-running';
  }
  const ours = isRunning(pid) && (health ? health.pid === pid : isHungDaemon(pid, port));
  if (!ours) {
    removePidFile(pidFile);
    log.info(`Daemon is not running on port ${port} (removed a stale PID file naming PID ${pid})`);
    if (health) throw foreignDaemon(port, health.pid, pidFile);
    return 'not-running';
  }
  await terminate(pid, log, target.config.drainTimeoutSeconds ?? DEFAULT_DRAIN_SECONDS);
  removePidFileIf(pidFile, pid);
  log.info(`✅ Daemon stopped (PID ${pid})`);
  return 'stopped';
}

function isHungDaemon(pid: number, port: number): boolean {
  const argv = commandLineOf(pid);
  return argv !== undefined && looksLikeForegroundDaemon(argv, port);
}

function foreignDaemon(port: number, pid: number, pidFile: string): DaemonClientError {
  return new DaemonClientError(`The daemon on port ${port} (PID ${pid}) was not started by the cco command`, [
    `There is no PID file for it (${pidFile}).`,
    'Stop it from the program that started it, e.g. the CCO desktop app.',
  ]);
}

async function terminate(pid: number, log: Logger, drainSeconds: number): Promise<void> {
  const graceMs = drainSeconds * 1000 + GRACE_BEYOND_DRAIN_MS;
  signal(pid, 'SIGTERM');
  if (await waitUntil(() => !isRunning(pid), graceMs, 50)) return;
  log.warn(`Daemon (PID ${pid}) did not exit within ${graceMs / 1000} s; killing it (SIGKILL).`);
  signal(pid, 'SIGKILL');
  if (await waitUntil(() => !isRunning(pid), KILL_WAIT_MS, 50)) return;
  throw new DaemonClientError(`Daemon (PID ${pid}) is still running after SIGKILL`, [
    'It may be stuck in the kernel (e.g. on a network file system); check it with your process manager.',
  ]);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Exited in the meantime, which is the goal.
  }
}
