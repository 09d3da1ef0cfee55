import { processContext, type CliContext } from './context.js';
import { CliError } from './errors.js';

/**
 * The `cco` entry point; resolves to the exit status. Commands are imported on demand so that
 * launching Claude Code loads neither the daemon nor anything it depends on.
 */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  try {
    if (argv[0] === 'daemon') {
      const { daemonCommand } = await import('./daemon-command.js');
      return await daemonCommand(argv.slice(1), ctx);
    }
    if (argv[0] === 'dashboard') {
      const { dashboardCommand } = await import('./dashboard-command.js');
      return await dashboardCommand(argv.slice(1), ctx);
    }
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
