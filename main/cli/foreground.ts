import { instanceFiles } from '../common/paths.js';
import { appVersion } from '../common/version.js';
import type { RunningDaemon } from '../daemon/host.js';
import type { ResolvedCli } from './config.js';
import type { CliContext } from './context.js';
import { dashboardLink } from './dashboard-link.js';
import { CliError, EXIT, errorCode } from './errors.js';
import { readPidFile, removePidFileIf, writePidFile } from '../common/pidfile.js';
import { assertPortFree, assertWritableDir, assertWritableParent, portDeniedError, portInUseError } from './preflight.js';
import { isRunning } from '../common/processes.js';
import { SPAWNED_ENV } from './spawn-daemon.js';
import { errorMessage } from '../common/format.js';

/** After close, whatever a library left open must not keep a stopped daemon alive. */
const EXIT_GRACE_MS = 2_000;
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * `cco daemon start --foreground`: the daemon in this process until a stop signal. This process
 * owns the PID file: written once the port is bound, removed on the way out if still ours.
 */
export async function runDaemonInForeground(resolved: ResolvedCli, ctx: CliContext): Promise<number> {
  const { config, dataDir } = resolved;
  const files = instanceFiles(dataDir, config.port);
  assertWritableDir(dataDir);
  assertWritableParent(files.logFile);
  await assertPortFree(config.host, config.port);
  const daemon = await host(resolved, ctx);
  const ownPid = () => removePidFileIf(files.pidFile, process.pid);
  warnIfReplacingLiveDaemon(files.pidFile, ctx);
  writePidFile(files.pidFile, process.pid);
  process.on('exit', ownPid);
  ctx.out(`CCO daemon ${appVersion()} listening on ${daemon.url} (PID ${process.pid})`);
  // Spawned by `cco daemon start`, this output is the log file: the link (and its token) goes only
  // to the terminal that asked, printed by the parent.
  if (!spawned(ctx)) ctx.out(`Dashboard: ${dashboardLink(resolved, daemon.url)}`);
  const signal = await nextSignal();
  const drainSeconds = config.drainTimeoutSeconds;
  ctx.out(`${signal} received: finishing requests in flight (at most ${drainSeconds} s; signal again to quit now)`);
  process.once('SIGINT', () => process.exit(EXIT.failure));
  process.once('SIGTERM', () => process.exit(EXIT.failure));
  await daemon.close(drainSeconds * 1000);
  ownPid();
  setTimeout(() => process.exit(EXIT.ok), EXIT_GRACE_MS).unref();
  return EXIT.ok;
}

async function host(resolved: ResolvedCli, ctx: CliContext): Promise<RunningDaemon> {
  const { runDaemonHost } = await import('../daemon/host.js');
  try {
    return await runDaemonHost({ config: resolved.config, dataDir: resolved.dataDir, console: !spawned(ctx) });
  } catch (error) {
    // The port can be taken between the probe and the bind; the host may wrap the cause.
    const code = errorCode(error) ?? errorCode((error as { cause?: unknown }).cause);
    if (code === 'EADDRINUSE') throw portInUseError(resolved.config.port);
    if (code === 'EACCES') throw portDeniedError(resolved.config.host, resolved.config.port);
    // The host's own message already names the directory and the fix.
    if (code === 'DATA_DIR') throw new CliError(errorMessage(error));
    throw error;
  }
}

function spawned(ctx: CliContext): boolean {
  return ctx.env[SPAWNED_ENV] === '1';
}

/** The port was free, so a live pid in the file is not serving it; say so rather than clobber silently. */
function warnIfReplacingLiveDaemon(pidFile: string, ctx: CliContext): void {
  const previous = readPidFile(pidFile);
  if (previous !== undefined && previous !== process.pid && isRunning(previous)) {
    ctx.err(`Note: replacing PID file ${pidFile}, which named PID ${previous} (not serving this port).`);
  }
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handlers = STOP_SIGNALS.map((signal) => {
      const handler = () => {
        for (const [s, h] of handlers) process.off(s, h);
        resolve(signal);
      };
      process.on(signal, handler);
      return [signal, handler] as const;
    });
  });
}
