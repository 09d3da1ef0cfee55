// A stand-in for `systemctl --user` in tests: it reads the unit file the CLI wrote, starts its
// ExecStart with its Environment= lines (as systemd would), stops it with SIGTERM, and appends
// each call to FAKE_SYSTEMCTL_LOG. Only the verbs `cco daemon` uses are known.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FAKE_SYSTEMCTL_SCRIPT = fileURLToPath(import.meta.url);

/** Installs `systemctl` into `binDir`, logging to `logFile`. */
export function installFakeSystemctl(binDir: string): string {
  const path = join(binDir, 'systemctl');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(path, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(FAKE_SYSTEMCTL_SCRIPT)} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    out.push((m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!).replace(/%%/g, '%'));
  }
  return out;
}

function unitFile(name: string): string {
  return join(process.env.XDG_CONFIG_HOME ?? '', 'systemd', 'user', name);
}

function pidFile(name: string): string {
  return join(process.env.XDG_CONFIG_HOME ?? '', `${name}.fake-pid`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function start(name: string): void {
  const unit = readFileSync(unitFile(name), 'utf8');
  const [program, ...args] = words(/^ExecStart=(.*)$/m.exec(unit)![1]!);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const m of unit.matchAll(/^Environment=(.*)$/gm)) {
    const assignment = words(m[1]!)[0]!;
    env[assignment.slice(0, assignment.indexOf('='))] = assignment.slice(assignment.indexOf('=') + 1);
  }
  const cwd = /^WorkingDirectory=(.*)$/m.exec(unit)?.[1]?.replace(/%%/g, '%');
  const out = openSync(join(process.env.XDG_CONFIG_HOME ?? '', `${name}.out`), 'a');
  const child = spawn(program!, args, { env, detached: true, stdio: ['ignore', out, out], ...(cwd && existsSync(cwd) ? { cwd } : {}) });
  closeSync(out);
  writeFileSync(pidFile(name), String(child.pid));
  child.unref();
}

async function stop(name: string): Promise<void> {
  if (!existsSync(pidFile(name))) return;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  rmSync(pidFile(name));
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

async function main(argv: string[]): Promise<number> {
  appendFileSync(process.env.FAKE_SYSTEMCTL_LOG ?? '/dev/null', `${argv.join(' ')}\n`);
  if (argv[0] !== '--user') return 1;
  const [verb, ...rest] = argv.slice(1);
  const name = rest.filter((a) => !a.startsWith('-')).at(-1) ?? '';
  switch (verb) {
    case 'daemon-reload':
      return 0;
    case 'enable':
      if (!existsSync(unitFile(name))) return 5;
      if (rest.includes('--now')) start(name);
      return 0;
    case 'disable':
      if (rest.includes('--now')) await stop(name);
      return 0;
    case 'start':
      start(name);
      return 0;
    case 'stop':
      await stop(name);
      return 0;
    case 'restart':
      await stop(name);
      start(name);
      return 0;
    default:
      return 1;
  }
}

if (process.argv[1] === FAKE_SYSTEMCTL_SCRIPT) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
    process.stderr.write(`fake systemctl: ${String(error)}\n`);
    process.exit(1);
  });
}
