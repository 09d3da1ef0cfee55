import type { Logger } from '../common/logger.js';
import { DaemonClientError, stopDaemon as stopNamedDaemon, type StopOutcome } from '../common/daemon-client.js';
import { resolveCliConfig, type ResolvedCli } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './errors.js';
import { stopHelp } from './help.js';
import { HELP_SPEC, configFlagsFrom, configSpecs, parseOptions } from './parse.js';

export type { StopOutcome };

export async function stopCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(true), ...HELP_SPEC }, 'cco daemon stop');
  if (values.help) {
    ctx.out(stopHelp());
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values), { manage: true });
  const { managerOf, stopService } = await import('./service/command.js');
  const manager = managerOf(resolved, ctx);
  // A service stopped behind its manager's back would be started again (or shown as failed).
  if (manager) await stopService(manager, resolved, ctx);
  else await stopDaemon(resolved, ctx);
  return EXIT.ok;
}

/** The daemon client's stop, reporting to this terminal and failing as a CLI error. */
export async function stopDaemon(resolved: ResolvedCli, ctx: CliContext): Promise<StopOutcome> {
  try {
    return await stopNamedDaemon(resolved, terminalLog(ctx));
  } catch (error) {
    if (error instanceof DaemonClientError) throw new CliError(error.message, EXIT.failure, error.details);
    throw error;
  }
}

function terminalLog(ctx: CliContext): Logger {
  return { debug() {}, info: (line) => ctx.out(line), warn: (line) => ctx.err(line), error: (line) => ctx.err(line) };
}
