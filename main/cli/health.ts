import type { CacheStatsResponse, HealthResponse } from '../../shared/api.js';
import { connect } from 'node:net';

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
 * JSON). An HTTP/1.0 request keeps the answer unchunked, and skipping node:http saves the launch
 * path several milliseconds.
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
