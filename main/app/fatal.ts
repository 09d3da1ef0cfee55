import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../common/private-fs.js';

export interface FatalHandlers {
  /** Appends one line to the app's log, synchronously. */
  log(line: string): void;
  /** The app cannot go on (e.g. it failed to start): log it, tell the user, exit with 1. */
  fail(error: unknown): void;
}

/**
 * Installed before anything else loads, so even a crash while starting is written down. Writes
 * synchronously: the process may be about to die. A crash also tells the user (when a way to do
 * that is given) instead of vanishing from the tray.
 */
export function installFatalHandlers(options: {
  logFile: string;
  onFatal?: (message: string) => void;
  exit?: (code: number) => void;
  now?: () => Date;
}): FatalHandlers {
  const now = options.now ?? (() => new Date());
  const log = (line: string) => {
    try {
      ensurePrivateDir(dirname(options.logFile));
      appendFileSync(options.logFile, `${now().toISOString()} ${line}\n`, { mode: PRIVATE_FILE_MODE });
    } catch {
      process.stderr.write(`${line}\n`);
    }
  };
  const fail = (error: unknown, what = 'uncaught exception') => {
    const err = error instanceof Error ? error : new Error(String(error));
    log(`FATAL ${what}: ${err.stack ?? String(err)}`);
    try {
      options.onFatal?.(`${err.message}\n\nDetails are in ${options.logFile}`);
    } finally {
      (options.exit ?? process.exit)(1);
    }
  };
  process.on('uncaughtException', (error) => fail(error));
  process.on('unhandledRejection', (reason) => {
    log(`ERROR unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`);
  });
  return { log, fail: (error) => fail(error, 'error while starting') };
}
