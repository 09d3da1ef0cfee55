/** What a command needs from the outside world, passed in so commands stay free of globals. */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (spinners and colours only there). */
  stderrIsTTY: boolean;
}

/**
 * `cco export | head`, `cco daemon logs -f | grep -m1 ...`: when the reader of stdout goes away,
 * cco stops, as Unix tools do, instead of dying on an unhandled EPIPE with a stack trace (or
 * following a log nobody reads).
 */
export function stopWhenStdoutCloses(stdout: NodeJS.WriteStream, exit: (code: number) => void): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    exit(0);
  });
}

/** The real process; built once per run by the entry point. */
export function processContext(): CliContext {
  stopWhenStdoutCloses(process.stdout, (code) => process.exit(code));
  return {
    env: process.env,
    cwd: process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}
