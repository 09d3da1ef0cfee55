import { TerminalError } from './errors.js';
import { errorMessage } from '../../common/format.js';

/** The part of node-pty the terminal uses; a narrow type so tests and other loaders can stand in. */
export interface Pty {
  readonly pid: number;
  onData(listener: (data: Buffer | string) => void): unknown;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): unknown;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}

export interface PtySpawnOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
  /** null: raw bytes, so the session decodes UTF-8 itself and never splits a character. */
  encoding: null;
}

export interface PtyModule {
  spawn(file: string, args: string[], options: PtySpawnOptions): Pty;
}

export type PtyLoader = () => Promise<PtyModule>;

/**
 * node-pty, imported on the first terminal only: it is a native module, and a build that does not
 * load (wrong ABI, missing prebuild) must disable the terminal, never the daemon. The outcome is
 * remembered, so a broken build is reported the same way every time without retrying the import.
 */
export function lazyNodePty(specifier = 'node-pty'): PtyLoader {
  let loading: Promise<PtyModule> | undefined;
  return () => {
    loading ??= (import(specifier) as Promise<{ default?: unknown }>).then(
      (mod) => (mod.default ?? mod) as PtyModule,
      (error: unknown) => {
        throw new TerminalError(
          'unavailable',
          `The terminal is unavailable: node-pty could not be loaded (${errorMessage(error).split('\n')[0]}). ` +
            'Reinstall it with `npm rebuild node-pty` (it needs a C++ toolchain when no prebuilt binary fits).',
        );
      },
    );
    return loading;
  };
}
