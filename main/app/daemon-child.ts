import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DaemonConfig } from '../common/config.js';
import { asHostReport } from '../common/daemon-process.js';
import type { Logger } from '../common/logger.js';
import { instanceFiles } from '../common/paths.js';
import type { RunningDaemon } from '../daemon/host.js';
import type { DaemonChild, ForkDaemon } from './ports.js';

/** A daemon the app runs in a child process: what a RunningDaemon is, plus its pid and crash news. */
export interface HostedDaemon extends RunningDaemon {
  readonly pid: number;
  /**
   * Called once if the process ends without the app having asked: `clean` when it drained and
   * exited on a stop signal from outside (`kill PID`), not when it crashed or was killed outright.
   */
  onUnexpectedExit(listener: (detail: string, clean: boolean) => void): void;
}

export interface ChildHostOptions {
  fork: ForkDaemon;
  /** The compiled main/daemon/host-entry.js. */
  entry: string;
  env: NodeJS.ProcessEnv;
  config: DaemonConfig;
  dataDir: string;
  logger: Logger;
  /** Longest wait for the child to open its database and bind its port. */
  startTimeoutMs?: number;
  /** How long past the drain a stopping child may take before it is killed. */
  killGraceMs?: number;
}

/** An Error with the host's code (EADDRINUSE, ...), which the controller acts on. */
class ChildHostError extends Error {
  constructor(message: string, readonly code: string | null) {
    super(message);
  }
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

/** Appends what the child printed outside its logger to the daemon's log file, where a user looks. */
function keepOutput(child: DaemonChild, logFile: string, logger: Logger): void {
  child.onOutput((chunk) => {
    try {
      mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
      appendFileSync(logFile, chunk, { mode: 0o600 });
    } catch (error) {
      logger.warn(`Could not write the daemon's output to ${logFile}: ${(error as Error).message}`);
    }
  });
}

/**
 * Starts the daemon in a child process and resolves once it listens. Rejects with the child's own
 * reason (and code) when it cannot start, or when it dies or hangs before that.
 */
export function hostInChild(options: ChildHostOptions): Promise<HostedDaemon> {
  const { config, dataDir, logger } = options;
  const logFile = instanceFiles(dataDir, config.port).logFile;
  const child = options.fork(options.entry, options.env);
  keepOutput(child, logFile, logger);
  let stopping = false;
  const exitListeners = new Set<(detail: string, clean: boolean) => void>();
  const exited = new Promise<{ detail: string; clean: boolean }>((resolve) => {
    child.onExit((code, signal) => {
      const detail = describeExit(code, signal);
      logger.info(`The daemon process ended (${detail})`);
      resolve({ detail, clean: code === 0 && signal === null });
    });
  });

  return new Promise<HostedDaemon>((resolve, reject) => {
    let ready = false;
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      reject(new ChildHostError(`The daemon did not start within ${timeoutMs / 1000} s; see ${logFile}`, null));
      child.kill();
    }, timeoutMs);
    void exited.then(({ detail, clean }) => {
      clearTimeout(timer);
      const early = `The daemon process ended before it was ready (${detail}); see ${logFile}`;
      if (!ready) reject(new ChildHostError(early, null));
      else if (!stopping) for (const listener of exitListeners) listener(detail, clean);
    });
    child.onMessage((message) => {
      const report = asHostReport(message);
      if (!report || ready) return;
      if (report.type === 'waiting') return child.post({ type: 'start', config, dataDir });
      clearTimeout(timer);
      if (report.type === 'failed') {
        reject(new ChildHostError(report.message, report.code));
        child.kill();
        return;
      }
      ready = true;
      resolve({
        url: report.url,
        port: report.port,
        logFile: report.logFile,
        pid: report.pid,
        onUnexpectedExit: (listener) => void exitListeners.add(listener),
        async close(drainMs = options.config.drainTimeoutSeconds * 1000) {
          if (stopping) return void (await exited);
          stopping = true;
          child.post({ type: 'stop', drainMs });
          const grace = setTimeout(() => {
            logger.warn(`The daemon did not stop within ${drainMs / 1000} s of draining; ending it`);
            child.kill();
          }, drainMs + (options.killGraceMs ?? 5_000));
          await exited;
          clearTimeout(grace);
        },
      });
    });
  });
}
