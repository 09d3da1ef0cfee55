import { findNodeAtLocation, type Node, parseTree, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { core } from 'zod';
import { BUILTIN_PROVIDER, describeValue, type RoutingFile, routingSchemas } from './schema.js';

type ZodIssue = core.$ZodIssue;

/**
 * model-routing.json: which provider answers which model. Dependency note: jsonc-parser (the
 * parser of VS Code's JSON support, no dependencies of its own) gives the offset of every value,
 * which JSON.parse does not, so every message can name the line and the field. Comments and
 * trailing commas are still refused: the file is strict JSON.
 */

export { BUILTIN_PROVIDER, OLLAMA_DEFAULT_URL, PROVIDER_TYPES, type ProviderType } from './schema.js';

type Parsed = RoutingFile;
/** One provider; `apiKeyEnv` names the environment variable that holds the key, never the key. */
export type ProviderConfig = Parsed['providers'][string] & { name: string };
export type RouteConfig = Parsed['routes'][number];
export type RouteConditions = RouteConfig['when'];
export type FallbackTarget = RouteConfig['fallback'][number];

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
    readonly root: Node,
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
  const r: Reader = new Reader(text, root, source);
  const result = routingSchemas().file.safeParse(JSON.parse(text));
  if (!result.success) {
    const [path, message] = firstProblem(result.error.issues);
    r.fail(path, message);
  }
  return resolveNames(r, result.data, upstream);
}

/** An unknown field first (a typo in a name explains the other problems); its path names the field. */
function firstProblem(issues: readonly ZodIssue[]): [Path, string] {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) return [[], 'is not valid'];
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  return [path, issue.message];
}

/** What the schema cannot say: names must refer to providers, and the built-in one stays built in. */
function resolveNames(r: Reader, file: RoutingFile, upstream: string): RoutingConfig {
  const providers: Record<string, ProviderConfig> = { [BUILTIN_PROVIDER]: builtinProvider(upstream) };
  for (const [name, provider] of Object.entries(file.providers)) {
    if (name === BUILTIN_PROVIDER) {
      r.fail(
        ['providers', name],
        `"${BUILTIN_PROVIDER}" is built in (the daemon's --upstream); give your provider another name`,
      );
    }
    providers[name] = { name, ...provider };
  }
  const known = (path: Path, value: string): void => {
    if (!providers[value]) {
      r.fail(path, `must name a provider (${Object.keys(providers).join(', ')}), got ${describeValue(value)}`);
    }
  };
  file.routes.forEach((route, i) => {
    known(['routes', i, 'provider'], route.provider);
    route.fallback.forEach((target, j) => {
      const path = ['routes', i, 'fallback', j];
      // A bare name is the provider itself; an object has it in its `provider` field.
      known(findNodeAtLocation(r.root, path)?.type === 'string' ? path : [...path, 'provider'], target.provider);
    });
  });
  known(['default'], file.default);
  return { providers, routes: file.routes, default: file.default };
}
