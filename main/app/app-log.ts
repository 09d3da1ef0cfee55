import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Logger, logLine } from '../common/logger.js';
import { ensurePrivateDir, touchPrivateFile } from '../common/private-fs.js';

/**
 * The app's own log (logs/app.log): tray and window events. Kept apart from log4js, which the
 * daemon host configures globally for the daemon's log. Lines are few, so synchronous appends
 * are cheap and survive a crash right after them.
 */
export function createAppLogger(file: string, now: () => Date = () => new Date()): Logger {
  ensurePrivateDir(dirname(file));
  touchPrivateFile(file);
  const write = (level: string, message: string, args: unknown[]) => {
    const text = logLine(message, args);
    try {
      appendFileSync(file, `${now().toISOString()} ${level} ${text}\n`);
    } catch {
      // A full disk must not take the tray down with it.
    }
  };
  return {
    debug: () => {},
    info: (m, ...a) => write('INFO', m, a),
    warn: (m, ...a) => write('WARN', m, a),
    error: (m, ...a) => write('ERROR', m, a),
  };
}
