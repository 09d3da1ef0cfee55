import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installStubClaude } from '../support/stub-claude-bin.js';
import type { StubRecord } from '../support/stub-claude.js';

/** The repository root, from dist/test/cli/. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CCO = join(ROOT, 'bin', 'cco.js');

export interface Sandbox {
  home: string;
  bin: string;
  port: number;
  recordFile: string;
  env: Record<string, string>;
}

/** A free port right now: bound to 0, read, released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The test runner's environment without anything that would leak a real cco or Claude setup in. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(CCO_|ANTHROPIC_|ORCHESTRATOR_|STUB_CLAUDE_)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Own CCO_HOME, own port, a stub `claude` first on PATH, and an upstream that is never the internet. */
export async function makeSandbox(): Promise<Sandbox> {
  const home = mkdtempSync(join(tmpdir(), 'cco-cli-test-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  installStubClaude(bin);
  const port = await freePort();
  const recordFile = join(home, 'claude-record.json');
  const env = {
    ...cleanEnv(),
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    CCO_HOME: join(home, 'data'),
    CCO_PORT: String(port),
    CCO_UPSTREAM_URL: 'http://127.0.0.1:9',
    STUB_CLAUDE_RECORD: recordFile,
    // Claude Code gets exactly the test's arguments; the status-line offer is tested on its own.
    CCO_STATUSLINE: 'off',
  };
  return { home, bin, port, recordFile, env };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  result: Promise<RunResult>;
  output(): { stdout: string; stderr: string };
}

export function startCco(args: readonly string[], options: { env: Record<string, string>; cwd?: string }): Started {
  const child = spawn(process.execPath, [CCO, ...args], { env: options.env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const result = new Promise<RunResult>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, result, output: () => ({ stdout, stderr }) };
}

export function runCco(args: readonly string[], options: { env: Record<string, string>; cwd?: string }): Promise<RunResult> {
  return startCco(args, options).result;
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function readRecord(sandbox: Sandbox): StubRecord {
  return JSON.parse(readFileSync(sandbox.recordFile, 'utf8')) as StubRecord;
}

export function pidFile(sandbox: Sandbox, port = sandbox.port): string {
  return join(sandbox.env.CCO_HOME ?? '', `daemon-${port}.pid`);
}

export function logFile(sandbox: Sandbox, port = sandbox.port): string {
  return join(sandbox.env.CCO_HOME ?? '', 'logs', `daemon-${port}.log`);
}

export function healthOf(port: number): Promise<{ pid: number; [key: string]: unknown } | null> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { pid: number }) : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Exited: no such process, or a zombie nobody reaps (PID 1 in some containers does not). */
export function isGone(pid: number): boolean {
  return !isAlive(pid) || isZombie(pid);
}

/** Kills every daemon the sandbox may have started (PID files, and whatever answers its port), then removes it. */
export async function destroySandbox(sandbox: Sandbox, extraPorts: readonly number[] = []): Promise<void> {
  const pids = new Set<number>();
  const dataDir = sandbox.env.CCO_HOME ?? '';
  if (existsSync(dataDir)) {
    for (const name of readdirSync(dataDir)) {
      if (!/^daemon-\d+\.pid$/.test(name)) continue;
      const pid = Number.parseInt(readFileSync(join(dataDir, name), 'utf8'), 10);
      if (pid > 0) pids.add(pid);
    }
  }
  for (const port of [sandbox.port, ...extraPorts]) {
    const health = await healthOf(port);
    if (health) pids.add(health.pid);
  }
  for (const pid of pids) {
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await waitFor(() => [...pids].every(isGone), 5000, 'daemons to die');
  rmSync(sandbox.home, { recursive: true, force: true });
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
