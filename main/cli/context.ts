/** What a command needs from the outside world, passed in so commands stay free of globals. */
export interface CliContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (spinners and colours only there). */
  stderrIsTTY: boolean;
}

export function processContext(): CliContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}
