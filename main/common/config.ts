import { isIP } from 'node:net';
import { cpus } from 'node:os';
import { resolve } from 'node:path';

/** Everything that shapes one daemon instance. Shared by the CLI, the daemon host and the desktop app. */
export interface DaemonConfig {
  host: string;
  port: number;
  upstream: string;
  cacheSize: number;
  cacheTtlSeconds: number;
  cacheMaxBytes: number;
  workers: number;
  logLevel: LogLevel;
  bodyLimitBytes: number;
  /** Longest wait for the upstream's response headers before answering 504. */
  upstreamTimeoutMs: number;
  /** Longest silence between two chunks of an upstream body before the request is given up. */
  upstreamIdleTimeoutMs: number;
  /** model-routing.json; '' means the one in the data directory. */
  routingFile: string;
  /** A terminal session no page shows is ended after this many minutes (its browser tab was closed). */
  terminalIdleMinutes: number;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'off'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function defaultConfig(): DaemonConfig {
  return {
    host: '127.0.0.1',
    port: 3000,
    upstream: 'https://api.anthropic.com',
    cacheSize: 1000,
    cacheTtlSeconds: 3600,
    cacheMaxBytes: 256 * 1024 * 1024,
    workers: 2 * Math.max(1, cpus().length),
    logLevel: 'info',
    bodyLimitBytes: 32 * 1024 * 1024,
    upstreamTimeoutMs: 10 * 60 * 1000,
    upstreamIdleTimeoutMs: 5 * 60 * 1000,
    routingFile: '',
    terminalIdleMinutes: 60,
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Raw = Partial<Record<keyof DaemonConfig, unknown>>;

function integer(name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** A byte count, also written with a unit as people do (`256MB`, `256 MiB`, `1G`; binary multiples). */
function byteSize(name: string, value: unknown, max: number): number {
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value) : null;
  const unit = match ? SIZE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return integer(name, value, 0, max);
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes > max) throw new ConfigError(`${name} must be at most ${max} bytes, got ${JSON.stringify(value)}`);
  return bytes;
}

function upstreamUrl(value: unknown): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigError(`upstream must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`upstream must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/**
 * An address to bind: an IP literal (brackets around IPv6 allowed) or `localhost`. A host name
 * would be resolved at bind time and fail there with a stack trace instead of a reason.
 */
function bindHost(value: unknown): string {
  const host = String(value).trim().replace(/^\[(.*)\]$/, '$1');
  if (host.toLowerCase() === 'localhost') return 'localhost';
  if (isIP(host) === 0) {
    throw new ConfigError(
      `host must be an IP address to listen on (127.0.0.1, ::1, or 0.0.0.0 for every interface), got ${JSON.stringify(value)}`,
    );
  }
  return host;
}

function logLevel(value: unknown): LogLevel {
  const v = String(value).toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(v)) {
    throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return v as LogLevel;
}

/** Validates one layer of settings (flags, environment or file) over a base; unknown keys are ignored. */
export function applyConfig(base: DaemonConfig, raw: Raw): DaemonConfig {
  const c = { ...base };
  if (raw.host !== undefined) c.host = bindHost(raw.host);
  if (raw.port !== undefined) c.port = integer('port', raw.port, 0, 65535);
  if (raw.upstream !== undefined) c.upstream = upstreamUrl(raw.upstream);
  if (raw.cacheSize !== undefined) c.cacheSize = integer('cache size', raw.cacheSize, 0, 10_000_000);
  if (raw.cacheTtlSeconds !== undefined) c.cacheTtlSeconds = integer('cache TTL', raw.cacheTtlSeconds, 1, 365 * 86400);
  if (raw.cacheMaxBytes !== undefined) c.cacheMaxBytes = byteSize('cache max bytes', raw.cacheMaxBytes, 2 ** 40);
  if (raw.workers !== undefined) c.workers = integer('workers', raw.workers, 1, 1024);
  if (raw.logLevel !== undefined) c.logLevel = logLevel(raw.logLevel);
  if (raw.bodyLimitBytes !== undefined) c.bodyLimitBytes = integer('body limit', raw.bodyLimitBytes, 1024, 2 ** 31);
  if (raw.upstreamTimeoutMs !== undefined) c.upstreamTimeoutMs = integer('upstream timeout', raw.upstreamTimeoutMs, 1, 2 ** 31);
  if (raw.upstreamIdleTimeoutMs !== undefined) {
    c.upstreamIdleTimeoutMs = integer('upstream idle timeout', raw.upstreamIdleTimeoutMs, 1, 2 ** 31);
  }
  if (raw.terminalIdleMinutes !== undefined) {
    c.terminalIdleMinutes = integer('terminal idle minutes', raw.terminalIdleMinutes, 1, 7 * 24 * 60);
  }
  // Absolute, so a daemon spawned elsewhere reads the same file.
  if (raw.routingFile !== undefined) c.routingFile = raw.routingFile === '' ? '' : resolve(String(raw.routingFile));
  return c;
}

const ENV_KEYS: ReadonlyArray<[string, keyof DaemonConfig]> = [
  ['CCO_HOST', 'host'],
  ['CCO_PORT', 'port'],
  ['CCO_UPSTREAM_URL', 'upstream'],
  ['CCO_CACHE_SIZE', 'cacheSize'],
  ['CCO_CACHE_TTL', 'cacheTtlSeconds'],
  ['CCO_CACHE_MAX_BYTES', 'cacheMaxBytes'],
  ['CCO_WORKERS', 'workers'],
  ['CCO_LOG_LEVEL', 'logLevel'],
  ['CCO_ROUTING_FILE', 'routingFile'],
  ['CCO_TERMINAL_IDLE_MINUTES', 'terminalIdleMinutes'],
];

export function configFromEnv(env: Readonly<Record<string, string | undefined>>): Raw {
  const raw: Raw = {};
  for (const [name, key] of ENV_KEYS) if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  return raw;
}

/** Precedence: flags > environment > settings file > defaults. */
export function resolveConfig(layers: { file?: Raw; env?: Raw; flags?: Raw }): DaemonConfig {
  let c = defaultConfig();
  for (const layer of [layers.file, layers.env, layers.flags]) if (layer) c = applyConfig(c, layer);
  return c;
}
