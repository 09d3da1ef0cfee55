import { ConfigError, resolveConfig, type DaemonConfig } from '../common/config.js';
import { CONFIG_FLAGS, resolveCliConfig, type ConfigFlags, type ResolvedCli } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './errors.js';
import { daemonUrl, fetchHealth } from '../common/daemon-client.js';
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
  const flags = configFlagsFrom(values);
  const resolved = resolveCliConfig(ctx, flags);
  const { managerOf, startService } = await import('./service/command.js');
  const manager = managerOf(resolved, ctx);
  if (manager) {
    if (hasConfigFlags(values)) throw managedOptionsError(resolved, 'restart');
    await startService(manager, resolved, ctx, true);
    return EXIT.ok;
  }
  const health = await fetchHealth(daemonUrl(resolved.config.host, resolved.config.port), 2000);
  // Keep what the running daemon uses; change only the options given now.
  const next = health?.options ? { ...resolved, config: keptOptions(health.options, flags, resolved.config) } : resolved;
  await stopDaemon(resolved, ctx);
  if (health?.options) ctx.out(describeChanges(next.config, health.options));
  return startInBackground(next, ctx, false);
}

function keptOptions(running: Record<string, unknown>, flags: ConfigFlags, fallback: DaemonConfig): DaemonConfig {
  try {
    return resolveConfig({ file: { ...fallback, ...running, port: fallback.port }, flags });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/** One line per option that differs from what the stopped daemon ran with. */
function describeChanges(next: DaemonConfig, running: Record<string, unknown>): string {
  const changed = CONFIG_FLAGS.filter(({ key }) => running[key] !== undefined && running[key] !== next[key]);
  if (changed.length === 0) return '   Options unchanged';
  return ['   Changed:', ...changed.map(({ flag, key }) => `     --${flag}: ${String(running[key])} → ${String(next[key])}`)].join('\n');
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
