/**
 * A stand-in for Claude Code, run as `claude` from a temp bin directory. It records what it was
 * given to STUB_CLAUDE_RECORD (JSON) and exits with STUB_CLAUDE_EXIT (default 0), or with
 * `--exit N` if that is among its arguments.
 *
 * STUB_CLAUDE_WAIT_SIGNAL=SIGTERM makes it wait for that signal after recording; it then adds
 * the signal to the record and exits with STUB_CLAUDE_SIGNAL_EXIT.
 */
import { renameSync, writeFileSync } from 'node:fs';

const RECORDED_ENV = [
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_CUSTOM_HEADERS',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ORCHESTRATOR_ENABLED',
  'ORCHESTRATOR_API_URL',
  'ORCHESTRATOR_PORT',
  'ORCHESTRATOR_PROJECT',
  'ORCHESTRATOR_SESSION_ID',
  'ORCHESTRATOR_VERSION',
];

export interface StubRecord {
  argv: string[];
  cwd: string;
  pid: number;
  env: Record<string, string | undefined>;
  signal?: string;
}

const args = process.argv.slice(2);
const record: StubRecord = {
  argv: args,
  cwd: process.cwd(),
  pid: process.pid,
  env: Object.fromEntries(RECORDED_ENV.map((name) => [name, process.env[name]])),
};

function save(): void {
  const file = process.env.STUB_CLAUDE_RECORD;
  if (!file) return;
  // Written whole then renamed, so a test polling for the file never reads half of it.
  writeFileSync(`${file}.tmp`, JSON.stringify(record));
  renameSync(`${file}.tmp`, file);
}

function exitCode(): number {
  const flag = args.indexOf('--exit');
  const fromArgs = flag === -1 ? undefined : args[flag + 1];
  return Number(fromArgs ?? process.env.STUB_CLAUDE_EXIT ?? 0);
}

const awaited = process.env.STUB_CLAUDE_WAIT_SIGNAL as NodeJS.Signals | undefined;
if (awaited) {
  const keepAlive = setInterval(() => {}, 1 << 30);
  process.on(awaited, () => {
    clearInterval(keepAlive);
    record.signal = awaited;
    save();
    process.exit(Number(process.env.STUB_CLAUDE_SIGNAL_EXIT ?? 0));
  });
  save();
} else {
  save();
  process.exit(exitCode());
}
