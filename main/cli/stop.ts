import { instanceFiles } from '../common/paths.js';
import { resolveCliConfig, type ResolvedCli } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './errors.js';
import { daemonUrl, fetchHealth } from './health.js';
import { stopHelp } from './help.js';
import { HELP_SPEC, configFlagsFrom, configSpecs, parseOptions } from './parse.js';
import { readPidFile, removePidFile, removePidFileIf } from './pidfile.js';
import { commandLineOf, isRunning, looksLikeForegroundDaemon, waitUntil } from './processes.js';

/** Longer than the daemon's own drain (10 s) so a clean shutdown is never cut short. */
const GRACE_MS = 15_000;
const KILL_WAIT_MS = 5_000;

export type StopOutcome = 'stopped' | 'not-running';

export async function stopCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(true), ...HELP_SPEC }, 'cco daemon stop');
  if (values.help) {
    ctx.out(stopHelp());
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values));
  const { managerOf, stopService } = await import('./service/command.js');
  const manager = managerOf(resolved, ctx);
  // A service stopped behind its manager's back would be started again (or shown as failed).
  if (manager) await stopService(manager, resolved, ctx);
  else await stopDaemon(resolved, ctx);
  return EXIT.ok;
}

/**
 * Stops the daemon named by the instance's PID file, but only after proving the pid is that
 * daemon: its /health on this port reports the same pid (or, on Linux, its command line is ours
 * while it is too hung to answer). Anything else is a stale file, removed without killing.
 */
export async function stopDaemon(resolved: ResolvedCli, ctx: CliContext): Promise<StopOutcome> {
  const { port, host } = resolved.config;
  const { pidFile } = instanceFiles(resolved.dataDir, port);
  const url = daemonUrl(host, port);
  const pid = readPidFile(pidFile);
  const health = await fetchHealth(url, 2000);
  if (pid === undefined) {
    if (health) throw foreignDaemon(port, health.pid, pidFile);
    ctx.out(`Daemon is not running on port ${port}`);
    return 'not-running';
  }
  const ours = isRunning(pid) && (health ? health.pid === pid : isHungDaemon(pid, port));
  if (!ours) {
    removePidFile(pidFile);
    ctx.out(`Daemon is not running on port ${port} (removed a stale PID file naming PID ${pid})`);
    if (health) throw foreignDaemon(port, health.pid, pidFile);
    return 'not-running';
  }
  await terminate(pid, ctx);
  removePidFileIf(pidFile, pid);
  ctx.out(`✅ Daemon stopped (PID ${pid})`);
  return 'stopped';
}

function isHungDaemon(pid: number, port: number): boolean {
  const argv = commandLineOf(pid);
  return argv !== undefined && looksLikeForegroundDaemon(argv, port);
}

function foreignDaemon(port: number, pid: number, pidFile: string): CliError {
  return new CliError(`The daemon on port ${port} (PID ${pid}) was not started by the cco command`, EXIT.failure, [
    `There is no PID file for it (${pidFile}).`,
    'Stop it from the program that started it, e.g. the CCO desktop app.',
  ]);
}

async function terminate(pid: number, ctx: CliContext): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitUntil(() => !isRunning(pid), GRACE_MS, 50)) return;
  ctx.err(`Daemon (PID ${pid}) did not exit within ${GRACE_MS / 1000} s; killing it (SIGKILL).`);
  signal(pid, 'SIGKILL');
  if (await waitUntil(() => !isRunning(pid), KILL_WAIT_MS, 50)) return;
  throw new CliError(`Daemon (PID ${pid}) is still running after SIGKILL`, EXIT.failure, [
    'It may be stuck in the kernel (e.g. on a network file system); check it with your process manager.',
  ]);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Exited in the meantime, which is the goal.
  }
}
