import { resolveCliConfig, type ResolvedCli } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './errors.js';
import { daemonUrl, fetchHealth } from './health.js';
import { ensureDaemon } from './ensure.js';
import { dashboardLink } from './dashboard-link.js';
import { startHelp } from './help.js';
import { HELP_SPEC, configFlagsFrom, configSpecs, parseOptions, type ParsedValues } from './parse.js';
import { stopDaemon } from './stop.js';

export async function startCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(), foreground: { type: 'boolean' }, ...HELP_SPEC }, 'cco daemon start');
  if (values.help) {
    ctx.out(startHelp('start'));
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values));
  if (values.foreground) {
    // Only this path loads the daemon (Koa, the database, log4js).
    const { runDaemonInForeground } = await import('./foreground.js');
    return runDaemonInForeground(resolved, ctx);
  }
  const { managerOf, startService } = await import('./service/command.js');
  const manager = managerOf(resolved, ctx);
  if (manager) {
    if (hasConfigFlags(values)) throw managedOptionsError(resolved, 'start');
    const health = await fetchHealth(daemonUrl(resolved.config.host, resolved.config.port), 2000);
    if (health) {
      ctx.out(`✅ Daemon is already running on port ${resolved.config.port} (managed by ${manager.kind})`);
      return EXIT.ok;
    }
    await startService(manager, resolved, ctx, false);
    return EXIT.ok;
  }
  return startInBackground(resolved, ctx, hasConfigFlags(values));
}

function managedOptionsError(resolved: ResolvedCli, command: string): CliError {
  return new CliError(`The daemon on port ${resolved.config.port} is a service: its options are set at install`, EXIT.usage, [
    `Run 'cco daemon install' with the new options instead of 'cco daemon ${command}' with them.`,
  ]);
}

export async function restartCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(), ...HELP_SPEC }, 'cco daemon restart');
  if (values.help) {
    ctx.out(startHelp('restart'));
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values));
  const { managerOf, startService } = await import('./service/command.js');
  const manager = managerOf(resolved, ctx);
  if (manager) {
    if (hasConfigFlags(values)) throw managedOptionsError(resolved, 'restart');
    await startService(manager, resolved, ctx, true);
    return EXIT.ok;
  }
  await stopDaemon(resolved, ctx);
  return startInBackground(resolved, ctx, false);
}

function hasConfigFlags(values: ParsedValues): boolean {
  return Object.keys(configFlagsFrom(values)).some((key) => key !== 'port');
}

async function startInBackground(resolved: ResolvedCli, ctx: CliContext, flagsGiven: boolean): Promise<number> {
  const { config } = resolved;
  const daemon = await ensureDaemon(resolved, { spinner: ctx.stderrIsTTY });
  ctx.out(daemon.started ? '✅ Daemon started successfully' : `✅ Daemon is already running on port ${config.port}`);
  ctx.out(`   PID: ${daemon.health.pid}`);
  ctx.out(`   Dashboard: ${dashboardLink(resolved, daemon.url)}`);
  if (!daemon.started && flagsGiven) {
    ctx.out("   The options given apply from the next start: use 'cco daemon restart' with them.");
  }
  return EXIT.ok;
}
