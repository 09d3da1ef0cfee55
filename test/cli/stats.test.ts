import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { instanceFiles } from '../../main/common/paths.js';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import { makeRecord, openTestStore } from '../unit/usage-fixtures.js';
import { destroySandbox, makeSandbox, runCco, startCco, waitFor, type Sandbox } from './harness.js';

interface StatsJson {
  summary: { requests: number; costUsd: number; savedUsd: number; hitRate: number } | null;
  projects: Array<{ project: string; requests: number; costUsd: number }>;
}

async function statsJson(sandbox: Sandbox, args: string[] = []): Promise<StatsJson> {
  const run = await runCco(['stats', '--json', ...args], { env: sandbox.env });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as StatsJson;
}

describe('cco stats and cco export', () => {
  let sandbox: Sandbox;
  let fake: FakeAnthropic;
  before(async () => {
    fake = await startFakeAnthropic();
    sandbox = await makeSandbox();
    sandbox.env.CCO_UPSTREAM_URL = fake.url;
  });
  after(async () => {
    await destroySandbox(sandbox);
    await fake.close();
  });

  it('says nothing was recorded yet when there is no database, in text and JSON', async () => {
    const text = await runCco(['stats'], { env: sandbox.env });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /No usage recorded yet on port/);
    const empty = await statsJson(sandbox);
    assert.deepEqual([empty.summary, empty.projects], [null, []]);
    const exported = await runCco(['export'], { env: sandbox.env });
    assert.equal(exported.code, 0, 'no usage is not a failure, for export as for stats');
    assert.match(exported.stderr, /No usage recorded yet/);
    assert.match(exported.stdout, /^\S+,/, 'a CSV with its header row and no rows');
    const json = await runCco(['export', '--json'], { env: sandbox.env });
    assert.deepEqual(JSON.parse(json.stdout), []);
  });

  it('reports requests, cost and savings per project while the daemon runs', async () => {
    const started = await runCco(['daemon', 'start'], { env: sandbox.env });
    assert.equal(started.code, 0, started.stderr);
    const base = `http://127.0.0.1:${sandbox.port}`;
    const alpha = sdk(base, { defaultHeaders: { 'x-cco-project': '/work/alpha' } });
    const beta = sdk(base, { defaultHeaders: { 'x-cco-project': '/work/beta' } });
    await alpha.messages.create(userMessage('LONG:400 first'));
    await alpha.messages.create(userMessage('LONG:400 first')); // a cache hit
    await beta.messages.create(userMessage('second'));
    await waitFor(async () => (await statsJson(sandbox)).summary?.requests === 3, 10_000, 'three recorded requests');
    const { summary, projects } = await statsJson(sandbox);
    assert.ok(summary && summary.costUsd > 0 && summary.savedUsd > 0);
    assert.equal(summary.hitRate, 1 / 3);
    assert.deepEqual(projects.map((p) => [p.project, p.requests]), [['/work/alpha', 2], ['/work/beta', 1]]);
    const text = await runCco(['stats', '--range', '7d'], { env: sandbox.env });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /Usage on port \d+, the last 7 days/);
    assert.match(text.stdout, /Requests\s+3/);
    assert.match(text.stdout, /hit rate 33%/);
    assert.match(text.stdout, /\/work\/alpha\s+2\s+\$/);
    assert.match(text.stdout, /Projects, the last 7 days, most expensive first/);
  });

  it('exports the rows as CSV to stdout and as JSON to a file', async () => {
    const csv = await runCco(['export', '--csv'], { env: sandbox.env });
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split('\n');
    assert.equal(lines.length, 4);
    const header = lines[0]!.split(',');
    assert.ok(header.includes('project') && header.includes('cost_usd'));
    assert.equal(lines.filter((l) => l.includes('/work/alpha')).length, 2);
    assert.ok(!csv.stdout.includes('sk-ant'), 'no credential in an export');
    const file = join(sandbox.home, 'usage.json');
    const json = await runCco(['export', '--json', '--range', 'today', '-o', file], { env: sandbox.env });
    assert.equal(json.code, 0, json.stderr);
    assert.match(json.stderr, /Wrote 3 requests to/);
    const rows = JSON.parse(readFileSync(file, 'utf8')) as Array<{ cache: string }>;
    assert.deepEqual(rows.map((r) => r.cache).sort(), ['hit', 'miss', 'miss']);
  });

  it('still answers from the database after the daemon stops', async () => {
    assert.equal((await runCco(['daemon', 'stop'], { env: sandbox.env })).code, 0);
    assert.equal((await statsJson(sandbox, ['--range', 'all'])).summary?.requests, 3);
  });

  it('takes a custom period of days with --from and --to, the API\'s parser', async () => {
    const day = (offset: number) => {
      const d = new Date();
      d.setDate(d.getDate() + offset);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    assert.equal((await statsJson(sandbox, ['--from', day(-1), '--to', day(0)])).summary?.requests, 3);
    assert.equal((await statsJson(sandbox, ['--from', day(-3), '--to', day(-1)])).summary?.requests, 0);
    const text = await runCco(['stats', '--from', day(0), '--to', day(0)], { env: sandbox.env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Usage on port \d+, \d{1,2} [A-Z][a-z]{2}\n/);
    const alone = await runCco(['stats', '--from', day(-1)], { env: sandbox.env });
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--from and --to must be given together/);
    const backwards = await runCco(['stats', '--from', day(0), '--to', day(-2)], { env: sandbox.env });
    assert.match(backwards.stderr, /--from must be before --to/);
    const team = await runCco(['stats', '--team', '--from', day(-1), '--to', day(0)], { env: sandbox.env });
    assert.equal(team.code, 2);
  });

  it('refuses bad options with the reason and exit 2', async () => {
    const range = await runCco(['stats', '--range', 'week'], { env: sandbox.env });
    assert.equal(range.code, 2);
    assert.match(range.stderr, /--range must be one of 1h, 24h, today, 7d, 30d, all, got 'week'/);
    const both = await runCco(['export', '--csv', '--json'], { env: sandbox.env });
    assert.equal(both.code, 2);
    for (const args of [['stats', '--help'], ['export', '--help']]) {
      const help = await runCco(args, { env: sandbox.env });
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: cco (stats|export)/);
    }
  });
});

describe('cco export into a reader that stops early (cco export --csv | head)', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
    mkdirSync(sandbox.env.CCO_HOME!, { recursive: true });
    // Far more than a pipe's buffer, so the export is still writing when the reader leaves.
    const { store } = openTestStore(instanceFiles(sandbox.env.CCO_HOME!, sandbox.port).database);
    for (let i = 0; i < 5000; i++) store.record(makeRecord({ project: `/work/p${i % 9}` }));
    store.close();
  });
  after(() => destroySandbox(sandbox));

  it('stops quietly with exit 0 instead of a broken-pipe stack trace', async () => {
    const started = startCco(['export', '--csv'], { env: sandbox.env });
    await waitFor(() => started.output().stdout.length > 0, 10_000, 'the first rows');
    started.child.stdout!.destroy();
    const result = await started.result;
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EPIPE|Error/);
  });
});

describe('cco stats: prompt cache and estimated prices', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
    mkdirSync(sandbox.env.CCO_HOME!, { recursive: true });
    const now = Date.now();
    const { store } = openTestStore(instanceFiles(sandbox.env.CCO_HOME!, sandbox.port).database, {}, new ManualClock(now));
    // 3000 of 4000 input tokens read from the provider's cache: 75 %. The second model has no price of its own.
    store.record(makeRecord({ startedAt: now - 1000, project: '/work/a', inputTokens: 500, cacheReadTokens: 3000,
      cacheCreationTokens: 500 }));
    store.record(makeRecord({ startedAt: now - 500, project: '/work/b', servedModel: 'claude-sonnet-4-9',
      requestedModel: 'claude-sonnet-4-9', inputTokens: 0 }));
    store.close();
  });
  after(() => destroySandbox(sandbox));

  it('shows the prompt-cache ratio and marks figures that contain an estimated price', async () => {
    const text = await runCco(['stats'], { env: sandbox.env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Prompt cache 75% of input read from the provider's cache/);
    assert.match(text.stdout, /Cost\s+≈\$\d/);
    assert.match(text.stdout, /\/work\/b\s+1\s+≈\$\d/);
    assert.match(text.stdout, /\/work\/a\s+1\s+\$\d/);
    const run = await runCco(['stats', '--json'], { env: sandbox.env });
    const json = JSON.parse(run.stdout) as {
      summary: { promptCache: { hitRatio: number; readTokens: number }; sources: { proxy: number }; costSplit: { estimatedUsd: number } };
      projects: Array<{ project: string; promptCache: { hitRatio: number | null } }>;
    };
    assert.equal(json.summary.promptCache.hitRatio, 0.75);
    assert.equal(json.summary.sources.proxy, 2);
    assert.ok(json.summary.costSplit.estimatedUsd > 0);
    assert.equal(json.projects.find((p) => p.project === '/work/a')!.promptCache.hitRatio, 0.75);
  });
});
