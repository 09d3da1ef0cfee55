import { spawn, type SpawnOptions } from 'node:child_process';
import { constants } from 'node:os';
import { extname } from 'node:path';
import { errorCode } from './errors.js';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface ChildResult {
  /** The code to exit with: the child's, or 128 + signal number as a shell reports it. */
  exitCode: number;
  /** Set when the program could not be started at all. */
  spawnError?: NodeJS.ErrnoException;
}

const CMD_META = /([()\][%!^"`<>&|;, *?])/g;

/**
 * Quotes an argument for cmd.exe the way cross-spawn does. npm's .cmd shims hand `%*` to cmd a
 * second time, so their metacharacters are escaped twice.
 */
export function quoteForCmd(arg: string, doubleEscape: boolean): string {
  const quoted = `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1')}"`.replace(CMD_META, '^$1');
  return doubleEscape ? quoted.replace(CMD_META, '^$1') : quoted;
}

/** Node refuses to spawn .cmd/.bat directly (CVE-2024-27980); they go through cmd.exe, escaped. */
function commandFor(file: string, args: readonly string[], platform: NodeJS.Platform) {
  if (platform !== 'win32' || !/^\.(cmd|bat)$/i.test(extname(file))) {
    return { command: file, args: [...args], verbatim: false };
  }
  const line = [file.replace(CMD_META, '^$1'), ...args.map((arg) => quoteForCmd(arg, true))].join(' ');
  return { command: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', `"${line}"`], verbatim: true };
}

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Runs a program in the foreground with this terminal and forwards termination signals to it.
 * SIGINT from a terminal already reaches the whole foreground process group, so it is passed on
 * only when stdin is not a terminal (someone sent it to this process alone); forwarding a Ctrl-C
 * again would make Claude Code see it twice.
 */
export function runForeground(
  file: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string; platform?: NodeJS.Platform },
): Promise<ChildResult> {
  const { command, args: argv, verbatim } = commandFor(file, args, options.platform ?? process.platform);
  const spawnOptions: SpawnOptions = { stdio: 'inherit', env: options.env, cwd: options.cwd, windowsVerbatimArguments: verbatim };
  return new Promise((resolve) => {
    const child = spawn(command, argv, spawnOptions);
    const forward = (signal: NodeJS.Signals) => {
      if (signal === 'SIGINT' && process.stdin.isTTY) return;
      try {
        child.kill(signal);
      } catch {
        // The child is already gone; its exit event settles the promise.
      }
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    const done = (result: ChildResult) => {
      for (const signal of FORWARDED) process.off(signal, forward);
      resolve(result);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      done({ exitCode: errorCode(error) === 'ENOENT' ? 127 : 126, spawnError: error });
    });
    child.once('exit', (code, signal) => done({ exitCode: code ?? (signal ? signalExitCode(signal) : 1) }));
  });
}
