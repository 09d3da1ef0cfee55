// The `cco` launcher's own cost: passthrough to a stub Claude Code with the daemon up, and the
// first launch that has to start the daemon, each against running the stub directly.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installStubClaude } from '../test/support/stub-claude-bin.js';

const CCO = fileURLToPath(new URL('../../bin/cco.js', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const result = spawnSync(command, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function cliBench(runs = 21): Promise<string[]> {
  const home = mkdtempSync(join(tmpdir(), 'cco-bench-cli-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  const stub = installStubClaude(bin);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, CCO_HOME: join(home, 'data'), CCO_PORT: String(await freePort()), CCO_UPSTREAM_URL: 'http://127.0.0.1:9' };
  for (const key of Object.keys(env)) if (/^(ANTHROPIC_|ORCHESTRATOR_)/.test(key)) delete env[key];
  try {
    const cold: number[] = [];
    for (let i = 0; i < 5; i++) {
      cold.push(timed(process.execPath, [CCO, '--', '--version'], env));
      timed(process.execPath, [CCO, 'daemon', 'stop'], env);
    }
    timed(process.execPath, [CCO, 'daemon', 'start'], env);
    const direct: number[] = [];
    const through: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(timed(process.execPath, ['-e', '0'], env));
      direct.push(timed(stub, ['--version'], env));
      through.push(timed(process.execPath, [CCO, '--', '--version'], env));
    }
    const d = median(direct);
    const t = median(through);
    const c = median(cold);
    const n = median(bare);
    // cco's own work: what a launch through it costs beyond starting Node and running the stub.
    const own = t - d - n;
    return [
      `${'cco passthrough vs stub claude'.padEnd(34)} median ×${(t / d).toFixed(2)} (+${(t - d).toFixed(0)} ms over the stub)`,
      `${'cco own launch work'.padEnd(34)} ×${(own / n).toFixed(2)} of a bare \`node -e 0\` start ` +
        `(+${own.toFixed(1)} ms over it; target ≤ 15 ms, i.e. ×${(15 / n).toFixed(2)} here)`,
      `${'cco first launch (starts daemon)'.padEnd(34)} median ×${(c / d).toFixed(2)} of the stub (+${(c - d).toFixed(0)} ms: daemon start-up and health wait)`,
    ];
  } finally {
    spawnSync(process.execPath, [CCO, 'daemon', 'stop'], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}

const STATUS_INPUT = fileURLToPath(new URL('../../test/fixtures/claude-code-statusline/input.json', import.meta.url));

function timedWithInput(args: string[], env: NodeJS.ProcessEnv, input: Buffer): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { env, input, stdio: ['pipe', 'ignore', 'ignore'] });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return performance.now() - start;
}

/** `cco statusline` (Claude Code runs it on every update) against a bare `node -e 0`; target ≤ ×2.5. */
export async function statuslineBench(runs = 15): Promise<string[]> {
  const home = mkdtempSync(join(tmpdir(), 'cco-bench-statusline-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CCO_HOME: join(home, 'data'), CCO_PORT: String(await freePort()), CCO_UPSTREAM_URL: 'http://127.0.0.1:9' };
  for (const key of Object.keys(env)) if (/^(ANTHROPIC_|ORCHESTRATOR_)/.test(key)) delete env[key];
  const input = readFileSync(STATUS_INPUT);
  try {
    const bare: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(timedWithInput(['-e', '0'], env, input));
      down.push(timedWithInput([CCO, 'statusline'], env, input));
    }
    timed(process.execPath, [CCO, 'daemon', 'start'], env);
    const up: number[] = [];
    for (let i = 0; i < runs; i++) up.push(timedWithInput([CCO, 'statusline'], env, input));
    const b = median(bare);
    return [
      `${'cco statusline, daemon up'.padEnd(34)} median ×${(median(up) / b).toFixed(2)} of node -e 0 (${median(up).toFixed(0)} vs ${b.toFixed(0)} ms)`,
      `${'cco statusline, daemon down'.padEnd(34)} median ×${(median(down) / b).toFixed(2)} of node -e 0 (${median(down).toFixed(0)} ms)`,
    ];
  } finally {
    spawnSync(process.execPath, [CCO, 'daemon', 'stop'], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}
