import { existsSync, statSync } from 'node:fs';
import { instanceFiles } from '../common/paths.js';
import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { followFile } from './follow.js';
import { commandFor } from './format.js';
import { logsHelp } from './help.js';
import { HELP_SPEC, configFlagsFrom, configSpecs, parseOptions } from './parse.js';
import { lastLines } from './tail.js';

const DEFAULT_LINES = 50;

export async function logsCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(
    argv,
    { ...configSpecs(true), lines: { type: 'string', short: 'n' }, follow: { type: 'boolean', short: 'f' }, ...HELP_SPEC },
    'cco daemon logs',
  );
  if (values.help) {
    ctx.out(logsHelp());
    return EXIT.ok;
  }
  const count = lineCount(values.lines);
  const { config, dataDir } = resolveCliConfig(ctx, configFlagsFrom(values), { manage: true });
  const { logFile } = instanceFiles(dataDir, config.port);
  const exists = existsSync(logFile);
  if (!exists && !values.follow) {
    throw new CliError(`No log file for the daemon on port ${config.port} yet: ${logFile}`, EXIT.failure, [
      `It is created when the daemon first starts (${commandFor('cco daemon start', config.port)}).`,
    ]);
  }
  // One size for both halves, so a line appended in between is printed once, by the follower.
  const end = exists ? statSync(logFile).size : 0;
  if (exists) for (const line of lastLines(logFile, count, end)) ctx.out(line);
  if (!values.follow) return EXIT.ok;
  await followUntilInterrupted(logFile, end);
  return EXIT.ok;
}

function lineCount(value: string | boolean | undefined): number {
  if (value === undefined || typeof value === 'boolean') return DEFAULT_LINES;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`-n must be a whole number of lines, got '${value}'`, 'cco daemon logs');
  return n;
}

/** Streams appended text to stdout (as is, partial lines included) until Ctrl-C or SIGTERM. */
function followUntilInterrupted(file: string, start: number): Promise<void> {
  return new Promise((resolve) => {
    const follower = followFile(file, start, (text) => process.stdout.write(text));
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      follower.stop();
      resolve();
    };
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
  });
}
