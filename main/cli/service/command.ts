import { CONFIG_FLAGS, configToEnv, resolveCliConfig, type ResolvedCli } from '../config.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../errors.js';
import { daemonUrl, fetchHealth } from '../../common/daemon-client.js';
import { installHelp, uninstallHelp } from '../help.js';
import { HELP_SPEC, configFlagsFrom, configSpecs, parseOptions, type ParsedValues } from '../parse.js';
import { waitUntil } from '../../common/processes.js';
import { stopDaemon } from '../stop.js';
import { serviceManager, type ServiceManager } from './manager.js';
import { serviceSpec } from './spec.js';

const START_WAIT_MS = 20_000;
const STOP_WAIT_MS = 25_000;

/** `cco daemon install [options]`: the daemon as a service of the platform, started now and at login. */
export async function installCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(), json: { type: 'boolean' }, ...HELP_SPEC }, 'cco daemon install');
  if (values.help) {
    ctx.out(installHelp());
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values));
  const manager = serviceManager(ctx.env, resolved.dataDir);
  const { port } = resolved.config;
  const reinstall = manager.installed(port);
  if (reinstall) manager.uninstall(port);
  // A daemon started by `cco daemon start` holds the port: hand it over to the service.
  else await stopDaemon(resolved, quiet(ctx));
  // A team DB given as a flag goes into the service's environment, never its command line.
  const env = typeof values['team-db'] === 'string' ? { ...ctx.env, ...configToEnv(resolved.config) } : ctx.env;
  manager.install(serviceSpec(resolved, givenFlags(values, resolved), env));
  const answering = await waitForHealth(resolved, true, START_WAIT_MS);
  if (values.json) {
    const installed = { installed: true, manager: manager.kind, name: manager.name(port), file: manager.file(port) };
    ctx.out(JSON.stringify({ ...installed, running: answering }, null, 2));
  } else {
    const verb = reinstall ? 'Reinstalled' : 'Installed';
    ctx.out(`✅ ${verb} the daemon on port ${port} as a ${manager.kind} service (${manager.name(port)})`);
    ctx.out(`   File: ${manager.file(port)}`);
    ctx.out('   It starts at login and is restarted if it fails; stop and restart go through the service manager.');
    if (manager.kind === 'systemd') {
      ctx.out('   To keep it running after you log out (servers, CI runners): loginctl enable-linger "$USER"');
    }
  }
  if (!answering) {
    throw new CliError(`The service was installed but the daemon does not answer on port ${port} yet`, EXIT.failure, [
      "See why with 'cco daemon logs' and your service manager's status.",
    ]);
  }
  return EXIT.ok;
}

/** `cco daemon uninstall`: stops the service and removes it; a daemon started by hand is left alone. */
export async function uninstallCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(true), ...HELP_SPEC }, 'cco daemon uninstall');
  if (values.help) {
    ctx.out(uninstallHelp());
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values));
  const manager = serviceManager(ctx.env, resolved.dataDir);
  const { port } = resolved.config;
  if (!manager.installed(port)) {
    ctx.out(`No CCO service is installed for port ${port}; nothing to do.`);
    return EXIT.ok;
  }
  manager.uninstall(port);
  await waitForHealth(resolved, false, STOP_WAIT_MS);
  ctx.out(`✅ Removed the ${manager.kind} service ${manager.name(port)}; the daemon on port ${port} is stopped.`);
  return EXIT.ok;
}

/** The service manager that runs this instance, or null when `cco daemon start` would. */
export function managerOf(resolved: ResolvedCli, ctx: CliContext): ServiceManager | null {
  const manager = serviceManager(ctx.env, resolved.dataDir);
  return manager.installed(resolved.config.port) ? manager : null;
}

/** `cco daemon stop` on a service: the manager stops it, so it does not start it again. */
export async function stopService(manager: ServiceManager, resolved: ResolvedCli, ctx: CliContext): Promise<void> {
  manager.stop(resolved.config.port);
  if (!(await waitForHealth(resolved, false, STOP_WAIT_MS))) {
    const { port } = resolved.config;
    throw new CliError(`${manager.kind} stopped ${manager.name(port)}, but something still answers on port ${port}`);
  }
  ctx.out(`✅ Daemon stopped (through ${manager.kind}: ${manager.name(resolved.config.port)})`);
}

export async function startService(
  manager: ServiceManager,
  resolved: ResolvedCli,
  ctx: CliContext,
  restart: boolean,
): Promise<void> {
  const { port } = resolved.config;
  if (restart) manager.restart(port);
  else manager.start(port);
  if (!(await waitForHealth(resolved, true, START_WAIT_MS))) {
    const did = restart ? 'restarted' : 'started';
    throw new CliError(`${manager.kind} ${did} ${manager.name(port)}, but the daemon does not answer on port ${port}`, EXIT.failure, [
      "See why with 'cco daemon logs'.",
    ]);
  }
  ctx.out(`✅ Daemon ${restart ? 'restarted' : 'started'} (through ${manager.kind}: ${manager.name(port)})`);
}

async function waitForHealth(resolved: ResolvedCli, up: boolean, timeoutMs: number): Promise<boolean> {
  const url = daemonUrl(resolved.config.host, resolved.config.port);
  return waitUntil(async () => ((await fetchHealth(url, 1000)) !== null) === up, timeoutMs, 100);
}

/** The flags given to install, with their resolved values (an absolute routing file), for the service. */
function givenFlags(values: ParsedValues, resolved: ResolvedCli): string[] {
  return CONFIG_FLAGS.flatMap(({ flag, key }) =>
    typeof values[flag] === 'string' && flag !== 'port' && key !== 'teamDb'
      ? [`--${flag}`, String(resolved.config[key])]
      : [],
  );
}

function quiet(ctx: CliContext): CliContext {
  return { ...ctx, out() {} };
}
