import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type * as Z from 'zod/mini';
import {
  bindHost, byteSize, flagBoolean, httpUrl, httpUrlKeepingPath, MAX_TIMER_SECONDS, postgresUrl, seconds, shortName, text, whole,
  type Zod, ZOD_FUNCTIONS,
} from './setting-kinds.js';

/**
 * Every daemon and app setting, declared once. Types, defaults, environment variables, flags,
 * help text, validation, the settings.json migration and the app's editable keys all derive from
 * this table (config.ts, settings.ts, cli/config.ts, cli/help.ts, app/settings-model.ts).
 * Adding a setting is one entry here plus its use.
 *
 * Zod is loaded on the first validation, not at import, and from a bundle of the few functions
 * used: zod/mini from node_modules costs the `cco` command about 60 ms of CPU (a hundred module
 * files), the bundle about 2 ms; with nothing to validate (no flags, env or file) it
 * is not loaded at all.
 */

export { ZOD_FUNCTIONS };

export interface SettingSpec {
  /** Validates and normalises one value: a string from a flag or the environment, or a JSON value. */
  readonly schema: (z: Zod) => Z.ZodMiniType;
  readonly default: () => unknown;
  /** How messages name the field. */
  readonly label: string;
  readonly help: string;
  /** The default as `--help` shows it, when String(default) does not read well. */
  readonly defaultHelp?: string;
  readonly flag?: { readonly name: string; readonly value: string };
  readonly env?: string;
  /** Read from settings.json (the CLI reads the file, the app writes it). */
  readonly file?: boolean;
  /** Offered in the desktop app's settings window. */
  readonly editable?: boolean;
  /** Earlier names of the key in settings.json; the migration moves them. */
  readonly renamedFrom?: readonly string[];
  /** A desktop-app preference, not part of the daemon's configuration. */
  readonly appOnly?: boolean;
  /**
   * Holds a credential (a password in a URL): never quoted in a message, never in `/health`'s
   * options, and handed to a spawned daemon through its environment, never its command line.
   */
  readonly secret?: boolean;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'off'] as const;

export const TEAM_PROJECT_NAMES = ['full', 'basename', 'hashed'] as const;

export const SETTINGS = {
  port: {
    schema: (z) => whole(z, 0, 65535),
    default: () => 3000,
    label: 'port',
    help: 'port to listen on (one daemon per port)',
    flag: { name: 'port', value: 'N' },
    env: 'CCO_PORT',
    file: true,
    editable: true,
  },
  // The settings window offers it, and warns when the address is reachable from other machines.
  host: {
    schema: (z) => text(z, 'must be an IP address to listen on (127.0.0.1, ::1, or 0.0.0.0 for every interface)', bindHost),
    default: () => '127.0.0.1',
    label: 'host',
    help: 'address to bind',
    flag: { name: 'host', value: 'ADDR' },
    env: 'CCO_HOST',
    file: true,
    editable: true,
  },
  upstream: {
    schema: (z) => text(z, 'must be an http(s) URL', httpUrl),
    default: () => 'https://api.anthropic.com',
    label: 'upstream',
    help: 'API the daemon forwards to',
    flag: { name: 'upstream', value: 'URL' },
    env: 'CCO_UPSTREAM_URL',
    file: true,
    editable: true,
    renamedFrom: ['upstreamUrl', 'upstreamURL'],
  },
  cacheSize: {
    schema: (z) => whole(z, 0, 10_000_000),
    default: () => 1000,
    label: 'cache size',
    help: 'most cached responses (0 disables the cache)',
    flag: { name: 'cache-size', value: 'N' },
    env: 'CCO_CACHE_SIZE',
    file: true,
    editable: true,
    renamedFrom: ['maxCacheSize', 'cacheMaxSize'],
  },
  cacheTtlSeconds: {
    schema: (z) => whole(z, 1, 365 * 86400),
    default: () => 3600,
    label: 'cache TTL',
    help: 'seconds a cached response stays valid',
    flag: { name: 'cache-ttl', value: 'S' },
    env: 'CCO_CACHE_TTL',
    file: true,
    editable: true,
    renamedFrom: ['cacheTTL', 'cacheTtl'],
  },
  cacheMaxBytes: {
    schema: (z) => byteSize(z, 2 ** 40),
    default: () => 256 * 1024 * 1024,
    label: 'cache max bytes',
    help: 'most bytes held by the cache (a number, or with a unit: 512MB, 1G)',
    defaultHelp: '268435456 (256 MiB)',
    flag: { name: 'cache-max-bytes', value: 'B' },
    env: 'CCO_CACHE_MAX_BYTES',
    file: true,
    editable: true,
    renamedFrom: ['maxCacheBytes'],
  },
  workers: {
    schema: (z) => whole(z, 1, 1024),
    // Concurrent model calls last minutes; a cap near the CPU count would queue ordinary sessions.
    default: () => Math.max(64, 2 * cpus().length),
    label: 'workers',
    help: 'most concurrent upstream requests (more wait in a queue)',
    defaultHelp: '64, or 2 × CPUs when that is more',
    flag: { name: 'workers', value: 'N' },
    env: 'CCO_WORKERS',
    file: true,
    editable: true,
  },
  logLevel: {
    schema: (z) =>
      z.pipe(
        z.transform((v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)),
        z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
      ),
    default: () => 'info' as (typeof LOG_LEVELS)[number],
    label: 'log level',
    help: 'trace, debug, info, warn, error, fatal or off',
    flag: { name: 'log-level', value: 'L' },
    env: 'CCO_LOG_LEVEL',
    file: true,
    editable: true,
  },
  bodyLimitBytes: {
    schema: (z) => whole(z, 1024, 2 ** 31),
    default: () => 32 * 1024 * 1024,
    label: 'body limit',
    help: 'largest request body accepted, in bytes',
  },
  // A non-streaming answer sends its headers only once the model has finished thinking.
  upstreamTimeoutSeconds: {
    schema: (z) => seconds(z, 0.001, MAX_TIMER_SECONDS),
    default: () => 600,
    label: 'upstream timeout',
    help: "seconds to wait for the upstream's response headers before 504",
    flag: { name: 'upstream-timeout', value: 'S' },
    env: 'CCO_UPSTREAM_TIMEOUT',
    file: true,
    editable: true,
    renamedFrom: ['upstreamTimeout'],
  },
  upstreamIdleTimeoutSeconds: {
    schema: (z) => seconds(z, 0.001, MAX_TIMER_SECONDS),
    default: () => 300,
    label: 'upstream idle timeout',
    help: 'seconds of upstream silence mid-answer before giving up',
    flag: { name: 'upstream-idle-timeout', value: 'S' },
    env: 'CCO_UPSTREAM_IDLE_TIMEOUT',
    file: true,
    editable: true,
  },
  queueTimeoutSeconds: {
    schema: (z) => seconds(z, 0.001, MAX_TIMER_SECONDS),
    default: () => 120,
    label: 'queue timeout',
    help: 'seconds a request may wait for a worker before 529',
    flag: { name: 'queue-timeout', value: 'S' },
    env: 'CCO_QUEUE_TIMEOUT',
    file: true,
    editable: true,
  },
  drainTimeoutSeconds: {
    schema: (z) => seconds(z, 0, 3600),
    default: () => 10,
    label: 'drain timeout',
    help: 'on stop, seconds requests under way may still finish',
    flag: { name: 'drain-timeout', value: 'S' },
    env: 'CCO_DRAIN_TIMEOUT',
    file: true,
    editable: true,
  },
  /** model-routing.json; '' means the one in the data directory. */
  routingFile: {
    // Absolute, so a daemon spawned elsewhere reads the same file.
    schema: (z) => z.pipe(z.string({ error: 'must be a file path' }), z.transform((v: string) => (v === '' ? '' : resolve(v)))),
    default: () => '',
    label: 'routing file',
    help: 'model routing file',
    defaultHelp: 'model-routing.json in the data directory',
    flag: { name: 'routing-file', value: 'PATH' },
    env: 'CCO_ROUTING_FILE',
    file: true,
    editable: true,
  },
  teamDb: {
    schema: (z) => text(z, 'must be a postgres:// URL (postgres://user:password@host:5432/db?sslmode=require)', postgresUrl),
    default: () => '',
    label: 'team DB',
    help: 'postgres:// URL of the team ledger (usage rows are shipped there)',
    defaultHelp: 'none',
    flag: { name: 'team-db', value: 'URL' },
    env: 'CCO_TEAM_DB',
    file: true,
    secret: true,
  },
  teamProjectNames: {
    schema: (z) =>
      z.pipe(
        z.transform((v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)),
        z.enum(TEAM_PROJECT_NAMES, { error: `must be one of ${TEAM_PROJECT_NAMES.join(', ')}` }),
      ),
    default: () => 'basename' as (typeof TEAM_PROJECT_NAMES)[number],
    label: 'team project names',
    help: 'project names sent to the team ledger: full, basename or hashed',
    flag: { name: 'team-project-names', value: 'M' },
    env: 'CCO_TEAM_PROJECT_NAMES',
    file: true,
  },
  teamMachine: {
    schema: (z) => text(z, 'must be at most 200 characters', shortName),
    default: () => '',
    label: 'team machine name',
    help: 'machine name in the team ledger',
    defaultHelp: 'the host name',
    flag: { name: 'team-machine', value: 'NAME' },
    env: 'CCO_TEAM_MACHINE',
    file: true,
  },
  teamUser: {
    schema: (z) => text(z, 'must be at most 200 characters', shortName),
    default: () => '',
    label: 'team user name',
    help: 'user name in the team ledger',
    defaultHelp: 'the OS user',
    flag: { name: 'team-user', value: 'NAME' },
    env: 'CCO_TEAM_USER',
    file: true,
  },
  terminalIdleMinutes: {
    schema: (z) => whole(z, 1, 7 * 24 * 60),
    default: () => 60,
    label: 'terminal idle minutes',
    help: 'minutes a terminal session no page shows stays reachable',
    flag: { name: 'terminal-idle-minutes', value: 'M' },
    env: 'CCO_TERMINAL_IDLE_MINUTES',
    file: true,
    editable: true,
  },
  // A chat webhook carries its secret in the path: a secret setting, never echoed or put on a command line.
  alertWebhook: {
    schema: (z) => text(z, 'must be an http(s) URL', (v) => (v.trim() === '' ? '' : httpUrlKeepingPath(v))),
    default: () => '',
    label: 'alert webhook',
    help: 'also post budget alerts here (Slack-compatible JSON)',
    defaultHelp: 'none, or the one set with cco budget webhook',
    flag: { name: 'alert-webhook', value: 'URL' },
    env: 'CCO_ALERT_WEBHOOK',
    file: true,
    secret: true,
  },
  // On by default: sessions that never went through cco (IDE, desktop app, plain `claude`) are counted too.
  watchTranscripts: {
    schema: flagBoolean,
    default: () => true,
    label: 'watchTranscripts',
    help: "import Claude Code's session transcripts as they are written ($CLAUDE_CONFIG_DIR or ~/.claude)",
    flag: { name: 'watch-transcripts', value: 'true|false' },
    env: 'CCO_WATCH_TRANSCRIPTS',
    file: true,
    editable: true,
  },
  /** Read by `cco` itself when it launches Claude Code; the daemon ignores it. */
  offerStatusLine: {
    schema: flagBoolean,
    default: () => true,
    label: 'offerStatusLine',
    help: "give Claude Code CCO's status line when none of its settings define one",
    file: true,
    appOnly: true,
  },
  startAtLogin: {
    schema: flagBoolean,
    default: () => false,
    label: 'startAtLogin',
    help: 'start the desktop app at login',
    file: true,
    editable: true,
    appOnly: true,
    renamedFrom: ['launchAtLogin', 'openAtLogin'],
  },
  openDashboardOnStart: {
    schema: flagBoolean,
    default: () => false,
    label: 'openDashboardOnStart',
    help: 'open the dashboard when the desktop app starts',
    file: true,
    editable: true,
    appOnly: true,
    renamedFrom: ['openDashboard'],
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
type Spec<K extends SettingKey> = (typeof SETTINGS)[K];
/** The value a setting has after validation: the output type of its schema. */
export type SettingValue<K extends SettingKey> = Z.output<ReturnType<Spec<K>['schema']>>;

type KeysWhere<M> = { [K in SettingKey]: Spec<K> extends M ? K : never }[SettingKey];
export type DaemonKey = Exclude<SettingKey, KeysWhere<{ appOnly: true }>>;
export type FileKey = KeysWhere<{ file: true }>;
export type EditableKey = KeysWhere<{ editable: true }>;

export type DaemonConfig = { [K in DaemonKey]: SettingValue<K> };
/** settings.json: daemon keys share DaemonConfig's names so one file serves the CLI and the app. */
export type Settings = { [K in FileKey]?: SettingValue<K> };
export type EditableSettings = { [K in EditableKey]?: SettingValue<K> };

const entries = Object.entries(SETTINGS) as Array<[SettingKey, SettingSpec]>;
const keysWhere = (test: (spec: SettingSpec) => boolean) => entries.filter(([, s]) => test(s)).map(([k]) => k);

export const DAEMON_KEYS = keysWhere((s) => !s.appOnly) as DaemonKey[];
export const FILE_KEYS = keysWhere((s) => s.file === true) as FileKey[];
export const DAEMON_FILE_KEYS = keysWhere((s) => s.file === true && !s.appOnly) as Array<FileKey & DaemonKey>;
export const EDITABLE_KEYS = keysWhere((s) => s.editable === true) as EditableKey[];
/** Settings holding a credential (see SettingSpec.secret). */
export const SECRET_KEYS: ReadonlySet<DaemonKey> = new Set(keysWhere((s) => s.secret === true) as DaemonKey[]);

/** The configuration with every secret setting left out: what `/health` and logs may show. */
export function publicOptions(config: Readonly<Record<DaemonKey, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !SECRET_KEYS.has(key as DaemonKey)));
}

/** Command-line and environment spelling of each setting that has one. */
export const CONFIG_FLAGS = entries.flatMap(([key, s]) =>
  s.flag ? [{ flag: s.flag.name, key: key as DaemonKey, value: s.flag.value, help: s.help, env: s.env }] : [],
);
export const ENV_NAMES = entries.flatMap(([key, s]) => (s.env ? [[s.env, key as DaemonKey] as const] : []));

export function defaultHelp(key: SettingKey): string {
  const spec: SettingSpec = SETTINGS[key];
  return spec.defaultHelp ?? String(spec.default());
}

let zod: Zod | undefined;
const compiled = new Map<SettingKey, Z.ZodMiniType>();

function loadZod(): Zod {
  const require = createRequire(import.meta.url);
  try {
    return require('./zod-mini.cjs') as Zod;
  } catch {
    return require('zod/mini') as Zod; // a build without the bundle step (tsc only)
  }
}

function schemaOf(key: SettingKey): Z.ZodMiniType {
  let schema = compiled.get(key);
  if (!schema) {
    zod ??= loadZod();
    schema = (SETTINGS[key] as SettingSpec).schema(zod);
    compiled.set(key, schema);
  }
  return schema;
}

export type CheckResult<K extends SettingKey> = { ok: true; value: SettingValue<K> } | { ok: false; message: string };

/** Validates one value; the message names the field and quotes what was given. */
export function checkSetting<K extends SettingKey>(key: K, value: unknown): CheckResult<K> {
  const result = schemaOf(key).safeParse(value);
  if (result.success) return { ok: true, value: result.data as SettingValue<K> };
  const problem = result.error.issues[0]?.message ?? 'is not valid';
  const spec: SettingSpec = SETTINGS[key];
  // A secret's value may hold a password: the message never repeats it.
  return { ok: false, message: `${spec.label} ${problem}${spec.secret ? '' : `, got ${JSON.stringify(value)}`}` };
}
