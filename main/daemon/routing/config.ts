import { findNodeAtLocation, type Node, parseTree, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { isRecord } from '../../common/format.js';

/**
 * model-routing.json: which provider answers which model. Dependency note: jsonc-parser (the
 * parser of VS Code's JSON support, no dependencies of its own) gives the offset of every value,
 * which JSON.parse does not, so every message can name the line and the field. Comments and
 * trailing commas are still refused: the file is strict JSON.
 */

export const PROVIDER_TYPES = ['anthropic', 'openai', 'ollama'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** The built-in provider: the daemon's configured upstream, with the client's own credentials. */
export const BUILTIN_PROVIDER = 'anthropic';
export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434/v1';

/** The fields each object may have; assets/schema/model-routing.schema.json lists the same (a test checks). */
export const FIELDS = {
  file: ['$schema', 'providers', 'routes', 'default'],
  provider: ['type', 'baseUrl', 'apiKeyEnv', 'headers', 'timeoutMs'],
  route: ['match', 'when', 'provider', 'model', 'fallback'],
  when: ['stream', 'thinking', 'promptTokensOver'],
  target: ['provider', 'model'],
} as const;

export interface ProviderConfig {
  name: string;
  type: ProviderType;
  baseUrl: string;
  /** Name of the environment variable that holds the key; the key itself never sits in the file. */
  apiKeyEnv?: string;
  headers: Record<string, string>;
  /** Longest wait for the provider's response headers. */
  timeoutMs?: number;
}

export interface RouteConditions {
  stream?: boolean;
  thinking?: boolean;
  /** The request's estimated prompt size must be over this many tokens. */
  promptTokensOver?: number;
}

export interface FallbackTarget {
  provider: string;
  /** Absent: the requested model name. */
  model?: string;
}

export interface RouteConfig {
  /** Model names or globs (`*`, `?`), any of which matches. */
  match: string[];
  when: RouteConditions;
  provider: string;
  model?: string;
  fallback: FallbackTarget[];
}

export interface RoutingConfig {
  providers: Record<string, ProviderConfig>;
  routes: RouteConfig[];
  default: string;
}

export class RoutingConfigError extends Error {
  override name = 'RoutingConfigError';
}

/** No file: everything goes to the configured upstream, as before routing existed. */
export function defaultRouting(upstream: string): RoutingConfig {
  return { providers: { [BUILTIN_PROVIDER]: builtinProvider(upstream) }, routes: [], default: BUILTIN_PROVIDER };
}

function builtinProvider(upstream: string): ProviderConfig {
  return { name: BUILTIN_PROVIDER, type: 'anthropic', baseUrl: upstream, headers: {} };
}

type Path = Array<string | number>;

class Reader {
  constructor(
    private readonly text: string,
    private readonly root: Node,
    private readonly source: string,
  ) {}

  /** An error that points at the field: `file:LINE: routes[1].provider: message`. */
  fail(path: Path, message: string): never {
    const node = findNodeAtLocation(this.root, path) ?? nearestParent(this.root, path);
    const line = node ? lineOf(this.text, node.offset) : 1;
    throw new RoutingConfigError(`${this.source}:${line}: ${formatPath(path)}: ${message}`);
  }
}

function nearestParent(root: Node, path: Path): Node | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const node = findNodeAtLocation(root, path.slice(0, i));
    if (node) return node.parent?.type === 'property' ? node.parent : node;
  }
  return undefined;
}

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function formatPath(path: Path): string {
  if (path.length === 0) return '(file)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const describe = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Parses and validates the file's text. `upstream` is the built-in `anthropic` provider's URL. */
export function parseRoutingConfig(text: string, source: string, upstream: string): RoutingConfig {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first || !root) {
    const line = first ? lineOf(text, first.offset) : 1;
    const what = first ? printParseErrorCode(first.error) : 'empty file';
    throw new RoutingConfigError(`${source}:${line}: not valid JSON (${what})`);
  }
  const value = JSON.parse(text) as unknown;
  const r: Reader = new Reader(text, root, source);
  if (!isRecord(value)) r.fail([], 'must be a JSON object with "providers", "routes" and "default"');
  checkKeys(r, [], value, FIELDS.file);
  const providers = parseProviders(r, value.providers, upstream);
  const routes = parseRoutes(r, value.routes, providers);
  const fallbackDefault = value.default ?? BUILTIN_PROVIDER;
  if (typeof fallbackDefault !== 'string' || !providers[fallbackDefault]) {
    r.fail(['default'], `must name a provider (${Object.keys(providers).join(', ')}), got ${describe(fallbackDefault)}`);
  }
  return { providers, routes, default: fallbackDefault };
}

function checkKeys(r: Reader, path: Path, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) r.fail([...path, key], `unknown field (expected one of ${known.join(', ')})`);
  }
}

function parseProviders(r: Reader, value: unknown, upstream: string): Record<string, ProviderConfig> {
  const out: Record<string, ProviderConfig> = { [BUILTIN_PROVIDER]: builtinProvider(upstream) };
  if (value === undefined) return out;
  if (!isRecord(value)) r.fail(['providers'], 'must be an object of providers by name');
  for (const [name, raw] of Object.entries(value)) {
    if (name === BUILTIN_PROVIDER) {
      r.fail(['providers', name], `"${BUILTIN_PROVIDER}" is built in (the daemon's --upstream); give your provider another name`);
    }
    out[name] = parseProvider(r, ['providers', name], name, raw);
  }
  return out;
}

function parseProvider(r: Reader, path: Path, name: string, raw: unknown): ProviderConfig {
  if (!isRecord(raw)) r.fail(path, 'must be an object with "type" and "baseUrl"');
  checkKeys(r, path, raw, FIELDS.provider);
  if (typeof raw.type !== 'string' || !(PROVIDER_TYPES as readonly string[]).includes(raw.type)) {
    r.fail([...path, 'type'], `must be one of ${PROVIDER_TYPES.join(', ')}, got ${describe(raw.type)}`);
  }
  const type = raw.type as ProviderType;
  const provider: ProviderConfig = { name, type, baseUrl: parseUrl(r, [...path, 'baseUrl'], raw.baseUrl ?? defaultUrl(type)), headers: {} };
  if (raw.apiKeyEnv !== undefined) {
    if (typeof raw.apiKeyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw.apiKeyEnv)) {
      r.fail([...path, 'apiKeyEnv'], `must be the NAME of an environment variable (the key itself never goes in this file), got ${describe(raw.apiKeyEnv)}`);
    }
    provider.apiKeyEnv = raw.apiKeyEnv;
  }
  if (raw.headers !== undefined) provider.headers = parseHeaders(r, [...path, 'headers'], raw.headers);
  if (raw.timeoutMs !== undefined) {
    const t = raw.timeoutMs;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1) r.fail([...path, 'timeoutMs'], `must be a whole number of milliseconds >= 1, got ${describe(t)}`);
    provider.timeoutMs = t;
  }
  return provider;
}

function defaultUrl(type: ProviderType): unknown {
  return type === 'ollama' ? OLLAMA_DEFAULT_URL : undefined;
}

function parseUrl(r: Reader, path: Path, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) r.fail(path, `must be an http(s) URL, got ${describe(value)}`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function parseHeaders(r: Reader, path: Path, value: unknown): Record<string, string> {
  if (!isRecord(value)) r.fail(path, 'must be an object of header names to string values');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') r.fail([...path, name], `must be a string, got ${describe(v)}`);
    out[name.toLowerCase()] = v;
  }
  return out;
}

function parseRoutes(r: Reader, value: unknown, providers: Record<string, ProviderConfig>): RouteConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) r.fail(['routes'], 'must be an array of routes (the first that matches wins)');
  return value.map((raw, i) => parseRoute(r, ['routes', i], raw, providers));
}

function providerName(r: Reader, path: Path, value: unknown, providers: Record<string, ProviderConfig>): string {
  if (typeof value !== 'string' || !providers[value]) {
    r.fail(path, `must name a provider (${Object.keys(providers).join(', ')}), got ${describe(value)}`);
  }
  return value;
}

function modelName(r: Reader, path: Path, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') r.fail(path, `must be a model name, got ${describe(value)}`);
  return value;
}

function parseRoute(r: Reader, path: Path, raw: unknown, providers: Record<string, ProviderConfig>): RouteConfig {
  if (!isRecord(raw)) r.fail(path, 'must be an object with "match" and "provider"');
  checkKeys(r, path, raw, FIELDS.route);
  const route: RouteConfig = {
    match: parseMatch(r, [...path, 'match'], raw.match),
    when: parseConditions(r, [...path, 'when'], raw.when),
    provider: providerName(r, [...path, 'provider'], raw.provider, providers),
    fallback: [],
  };
  if (raw.model !== undefined) route.model = modelName(r, [...path, 'model'], raw.model);
  if (raw.fallback !== undefined) route.fallback = parseFallback(r, [...path, 'fallback'], raw.fallback, providers);
  return route;
}

function parseMatch(r: Reader, path: Path, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) r.fail(path, `must be a model name or glob, or a list of them, got ${describe(value)}`);
  list.forEach((item, i) => {
    if (typeof item !== 'string' || item === '') r.fail(typeof value === 'string' ? path : [...path, i], `must be a non-empty string, got ${describe(item)}`);
  });
  return list as string[];
}

function parseConditions(r: Reader, path: Path, value: unknown): RouteConditions {
  if (value === undefined) return {};
  if (!isRecord(value)) r.fail(path, 'must be an object (stream, thinking, promptTokensOver)');
  checkKeys(r, path, value, FIELDS.when);
  const when: RouteConditions = {};
  for (const flag of ['stream', 'thinking'] as const) {
    const v = value[flag];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') r.fail([...path, flag], `must be true or false, got ${describe(v)}`);
    when[flag] = v;
  }
  const over = value.promptTokensOver;
  if (over !== undefined) {
    if (typeof over !== 'number' || !Number.isInteger(over) || over < 0) r.fail([...path, 'promptTokensOver'], `must be a whole number of tokens >= 0, got ${describe(over)}`);
    when.promptTokensOver = over;
  }
  return when;
}

function parseFallback(r: Reader, path: Path, value: unknown, providers: Record<string, ProviderConfig>): FallbackTarget[] {
  if (!Array.isArray(value)) r.fail(path, 'must be a list of provider names (or { "provider", "model" })');
  return value.map((item, i) => {
    if (typeof item === 'string') return { provider: providerName(r, [...path, i], item, providers) };
    if (!isRecord(item)) r.fail([...path, i], `must be a provider name or { "provider", "model" }, got ${describe(item)}`);
    checkKeys(r, [...path, i], item, FIELDS.target);
    const target: FallbackTarget = { provider: providerName(r, [...path, i, 'provider'], item.provider, providers) };
    if (item.model !== undefined) target.model = modelName(r, [...path, i, 'model'], item.model);
    return target;
  });
}
