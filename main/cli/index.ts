import { processContext, type CliContext } from './context.js';
import { CliError } from './errors.js';

type Command = (argv: readonly string[], ctx: CliContext) => Promise<number>;

/** cco's own commands; any other first argument belongs to Claude Code. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  daemon: async () => (await import('./daemon-command.js')).daemonCommand,
  stats: async () => (await import('./stats.js')).statsCommand,
  export: async () => (await import('./export.js')).exportCommand,
  route: async () => (await import('./route.js')).routeCommand,
  dashboard: async () => (await import('./dashboard-command.js')).dashboardCommand,
  budget: async () => (await import('./budget.js')).budgetCommand,
  cost: async () => (await import('./cost-gate.js')).costCommand,
  statusline: async () => (await import('./statusline.js')).statuslineCommand,
  import: async () => (await import('./import-command.js')).importCommand,
};

/**
 * The `cco` entry point; resolves to the exit status. Commands are imported on demand so that
 * launching Claude Code loads neither the daemon nor anything it depends on.
 */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  try {
    const name = argv[0];
    const load = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (load) return await (await load())(argv.slice(1), ctx);
    const { launch } = await import('./launch.js');
    return await launch(argv, ctx);
  } catch (error) {
    return report(error, ctx);
  }
}

function report(error: unknown, ctx: CliContext): number {
  if (error instanceof CliError) {
    ctx.err(`Error: ${error.message}`);
    for (const line of error.details) ctx.err(line);
    return error.exitCode;
  }
  ctx.err(`Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}
