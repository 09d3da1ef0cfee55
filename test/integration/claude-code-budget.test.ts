import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

// The real Claude Code client, a devDependency (its native binary comes in a registry package, no download).
const CLAUDE = resolve('node_modules/.bin/claude');
const missing = existsSync(CLAUDE) ? false : 'Claude Code is not installed here (npm install)';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;

before(async () => {
  if (missing) return;
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-claude-budget-'));
  daemon = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });
});
after(async () => {
  if (missing) return;
  await daemon.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function runClaude(home: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(CLAUDE, ['-p', 'hi', '--output-format', 'json'], {
      cwd: home,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        ANTHROPIC_API_KEY: 'sk-ant-api03-fake-key-for-tests',
        ANTHROPIC_BASE_URL: daemon.url,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('Claude Code shows the budget refusal to the user and gives up at once', { skip: missing }, async () => {
  const set = await fetch(`${daemon.url}/api/budgets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scope: { type: 'global' }, period: 'daily', limitUsd: 0.0001, mode: 'enforce' }),
  });
  assert.equal(set.status, 201);
  await sdk(daemon.url).messages.create(userMessage('use up the budget'));
  // The 100 % alert is raised by the same check that starts refusing.
  await waitFor(async () => {
    const { alerts } = (await (await fetch(`${daemon.url}/api/alerts`)).json()) as { alerts: Array<{ threshold: number }> };
    return alerts.some((a) => a.threshold === 100);
  }, { message: 'the budget is exhausted' });
  const upstreamBefore = fake.requests.length;
  const home = mkdtempSync(join(tmpdir(), 'cco-claude-home-'));
  try {
    const run = await runClaude(home);
    const result = JSON.parse(run.stdout) as { is_error: boolean; result: string };
    assert.equal(result.is_error, true, `Claude Code reports an error (stderr: ${run.stderr.slice(0, 300)})`);
    assert.match(result.result, /CCO budget exceeded: global spent \$0\.\d{4} of its \$0\.0001 daily budget \(resets 00:00\)\. Raise it: cco budget set --global --daily/);
    assert.notEqual(run.code, 0);
    assert.equal(fake.requests.length, upstreamBefore, 'nothing reached the upstream');
    // No retries: a retried refusal would show as several refusals of the same request and take seconds of backoff.
    assert.ok(run.ms < 15_000, `gave up in ${run.ms} ms`);
    const refusals = async () => {
      const { requests } = (await (await fetch(`${daemon.url}/api/requests?limit=50&cache=budget`)).json()) as { requests: Array<{ requestedModel: string }> };
      return requests;
    };
    await waitFor(async () => (await refusals()).length > 0, { message: 'the refusal is recorded' });
    const models = (await refusals()).map((r) => r.requestedModel);
    // No retries: Claude Code retries what it may with backoff (several identical calls, seconds apart).
    assert.ok(models.length <= 2, `one refused call per model, not retries: ${models.join(', ')}`);
    console.log(`Claude Code gave up after ${run.ms} ms; refused calls: ${models.join(', ')}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
