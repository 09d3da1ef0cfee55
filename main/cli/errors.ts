/** Exit codes the CLI promises: scripts branch on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notRunning: 3,
  notFound: 127,
} as const;

/**
 * A failure to report to the user: the first line says what went wrong, the rest how to fix it.
 * Thrown anywhere in the CLI and printed once by the entry point.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string, helpCommand: string) {
    super(message, EXIT.usage, [`Run '${helpCommand} --help' to see the options.`]);
  }
}

export { errorCode } from '../common/format.js';
