import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

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
}): (line: string) => void {
  const now = options.now ?? (() => new Date());
  const write = (line: string) => {
    try {
      mkdirSync(dirname(options.logFile), { recursive: true });
      appendFileSync(options.logFile, `${now().toISOString()} ${line}\n`);
    } catch {
      process.stderr.write(`${line}\n`);
    }
  };
  process.on('uncaughtException', (error) => {
    write(`FATAL uncaught exception: ${error.stack ?? String(error)}`);
    options.onFatal?.(`${error.message}\n\nDetails are in ${options.logFile}`);
    (options.exit ?? process.exit)(1);
  });
  process.on('unhandledRejection', (reason) => {
    write(`ERROR unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`);
  });
  return write;
}
