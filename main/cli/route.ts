import { readFileSync } from 'node:fs';
import { routingFile } from '../common/paths.js';
import { defaultRouting, parseRoutingConfig, RoutingConfigError, type RoutingConfig } from '../daemon/routing/config.js';
import { decideRoute, type RouteDecision, type Target } from '../daemon/routing/match.js';
import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { renderHelp, HELP_OPTION } from './help.js';
import { parseCommandLine, type OptionSpecs } from './parse.js';
import { errorMessage } from '../common/format.js';

export function routeHelp(): string {
  return renderHelp(
    'cco route test MODEL [--stream] [--thinking] [--tokens N] [--routing-file PATH] [--json]',
    'Prints which provider and model a request for MODEL would go to, by model-routing.json\n(read from disk now: the daemon applies the same file as soon as it changes).',
    [
      { names: '--stream', help: 'as a streaming request' },
      { names: '--thinking', help: 'as a request asking for extended thinking' },
      { names: '--tokens N', help: 'with a prompt of about N tokens (default: 1000)' },
      { names: '--routing-file PATH', help: 'another routing file (default: model-routing.json in the data directory; env CCO_ROUTING_FILE)' },
      { names: '--json', help: 'print the decision as JSON' },
      HELP_OPTION,
    ],
  );
}

const SPEC = {
  stream: { type: 'boolean' },
  thinking: { type: 'boolean' },
  tokens: { type: 'string' },
  'routing-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies OptionSpecs;

/** `cco route test MODEL`: loads only the routing modules, never the daemon. */
export async function routeCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    ctx.err(routeHelp());
    return EXIT.usage;
  }
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    ctx.out(routeHelp());
    return EXIT.ok;
  }
  if (sub !== 'test') throw new UsageError(`unknown command 'route ${sub}'`, 'cco route');
  const parsed = parseCommandLine(rest, SPEC, 'cco route test');
  const { values, positionals } = parsed;
  if (values.help) {
    ctx.out(routeHelp());
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one model name', 'cco route test');
  const tokens = values.tokens === undefined ? 1000 : Number(values.tokens);
  if (!Number.isInteger(tokens) || tokens < 0) throw new UsageError(`--tokens must be a whole number, got '${String(values.tokens)}'`, 'cco route test');
  const flags = typeof values['routing-file'] === 'string' ? { routingFile: values['routing-file'] } : {};
  const { config, dataDir } = resolveCliConfig(ctx, flags);
  const file = routingFile(dataDir, config.routingFile);
  const routing = loadRouting(file, config.upstream);
  const decision = decideRoute(routing.config, {
    model: positionals[0]!,
    stream: values.stream === true,
    thinking: values.thinking === true,
    promptTokens: tokens,
  });
  if (values.json) ctx.out(JSON.stringify(asJson(decision, routing.config, routing.file), null, 2));
  else for (const line of describeDecision(positionals[0]!, decision, routing.config, routing.file)) ctx.out(line);
  return EXIT.ok;
}

function loadRouting(file: string, upstream: string): { config: RoutingConfig; file: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: defaultRouting(upstream), file: null };
    throw new CliError(`cannot read ${file}: ${errorMessage(error)}`);
  }
  try {
    return { config: parseRoutingConfig(text, file, upstream), file };
  } catch (error) {
    if (error instanceof RoutingConfigError) throw new CliError(error.message, EXIT.failure, ['The daemon keeps its previous routes until the file is fixed.']);
    throw error;
  }
}

function describeTarget(t: Target): string {
  return `${t.provider.name} (${t.provider.type}, ${t.provider.baseUrl}) as ${t.model}`;
}

function describeDecision(model: string, d: RouteDecision, config: RoutingConfig, file: string | null): string[] {
  const route = d.route === null ? undefined : config.routes[d.route];
  return [
    `${model} → ${describeTarget(d)}`,
    route
      ? `  route #${d.route! + 1}: match ${route.match.map((m) => JSON.stringify(m)).join(', ')}${Object.keys(route.when).length ? ` when ${JSON.stringify(route.when)}` : ''}`
      : `  no route matches: the default provider (${config.default})`,
    ...(d.fallbacks.length ? [`  fallbacks: ${d.fallbacks.map((f) => `${f.provider.name} as ${f.model}`).join(', ')}`] : []),
    `  file: ${file ?? 'none (every model goes to the upstream)'}`,
  ];
}

function asJson(d: RouteDecision, config: RoutingConfig, file: string | null) {
  return {
    provider: d.provider.name,
    type: d.provider.type,
    baseUrl: d.provider.baseUrl,
    model: d.model,
    route: d.route === null ? null : d.route + 1,
    match: d.route === null ? null : config.routes[d.route]!.match,
    fallbacks: d.fallbacks.map((f) => ({ provider: f.provider.name, model: f.model })),
    file,
  };
}
