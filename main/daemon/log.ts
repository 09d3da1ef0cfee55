import log4js from 'log4js';
import type { LogLevel } from '../common/config.js';
import { type Logger, logLine } from '../common/logger.js';

export interface LogOptions {
  file: string;
  level: LogLevel;
  console: boolean;
}

/**
 * Configures log4js for a daemon host: a rolling file (10 MB × 5) and, in the foreground, the
 * console. Every line passes through logLine: a key that slips into a message is masked, and a
 * control character from a request is escaped, so one record is always one line.
 */
export function createLogger(options: LogOptions): { logger: Logger; shutdown(): Promise<void> } {
  const appenders: Record<string, log4js.Appender> = {
    file: {
      type: 'file',
      filename: options.file,
      maxLogSize: 10 * 1024 * 1024,
      backups: 5,
      keepFileExt: true,
      layout: { type: 'pattern', pattern: '%d{ISO8601} %p %m' },
    },
  };
  if (options.console) {
    // Colour only on a terminal: escape codes in a redirected log or a pipe are noise.
    const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
    appenders.console = { type: 'stdout', layout: { type: 'pattern', pattern: colour ? '%d{hh:mm:ss} %[%p%] %m' : '%d{hh:mm:ss} %p %m' } };
  }
  log4js.configure({
    appenders,
    categories: { default: { appenders: Object.keys(appenders), level: options.level } },
  });
  const l4 = log4js.getLogger('cco');
  const line = logLine;
  return {
    logger: {
      debugEnabled: () => l4.isDebugEnabled(),
      debug: (m, ...a) => l4.isDebugEnabled() && l4.debug(line(m, a)),
      info: (m, ...a) => l4.isInfoEnabled() && l4.info(line(m, a)),
      warn: (m, ...a) => l4.warn(line(m, a)),
      error: (m, ...a) => l4.error(line(m, a)),
    },
    shutdown: () => new Promise((resolve) => log4js.shutdown(() => resolve())),
  };
}
