import { UsageError } from './errors.js';

export interface LaunchArgs {
  port?: string;
  noDaemon: boolean;
  help: boolean;
  version: boolean;
  /** Everything after cco's own leading options, verbatim, for Claude Code. */
  claudeArgs: string[];
}

/**
 * Consumes cco's options only while they lead the command line; the first argument that is not
 * one of them (or `--`) hands the rest to Claude Code untouched, so `cco -p "hi" --port 1` gives
 * Claude Code all four arguments.
 */
export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const parsed: LaunchArgs = { noDaemon: false, help: false, version: false, claudeArgs: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '--no-daemon') parsed.noDaemon = true;
    else if (arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--version') parsed.version = true;
    else if (arg === '--port') parsed.port = valueAfter(argv, ++i);
    else if (arg.startsWith('--port=')) parsed.port = arg.slice('--port='.length);
    else break;
  }
  parsed.claudeArgs = argv.slice(i);
  return parsed;
}

function valueAfter(argv: readonly string[], index: number): string {
  const value = argv[index];
  if (value === undefined) throw new UsageError("option '--port' needs a value", 'cco');
  return value;
}
