import { resolveCliConfig, type ResolvedCli } from './config.js';
import type { CliContext } from './context.js';
import { EXIT } from './errors.js';
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
  return startInBackground(resolved, ctx, hasConfigFlags(values));
}

export async function restartCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(), ...HELP_SPEC }, 'cco daemon restart');
  if (values.help) {
    ctx.out(startHelp('restart'));
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values));
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
