import type { TerminalErrorCode } from '../../../shared/terminal.js';

/** A request the terminal cannot serve; its message is shown to the user as is. */
export class TerminalError extends Error {
  override name = 'TerminalError';
  constructor(readonly code: TerminalErrorCode, message: string) {
    super(message);
  }
}
