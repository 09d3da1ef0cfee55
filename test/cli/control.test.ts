import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { instanceFiles } from '../../main/common/paths.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { makeRecord, openTestStore } from '../unit/usage-fixtures.js';
import { CCO, destroySandbox, makeSandbox, readRecord, ROOT, runCco, type RunResult, type Sandbox, waitFor } from './harness.js';

const STATUS_INPUT = readFileSync(join(ROOT, 'test/fixtures/claude-code-statusline/input.json'), 'utf8');

function statusline(args: string[], env: Record<string, string>, stdin: string): Promise<RunResult> {
  const child = spawn(process.execPath, [CCO, 'statusline', ...args], { env, cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('cco budget without a daemon edits budgets.json', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
  });
  after(() => destroySandbox(sandbox));

  it('sets, lists with spend and reset, replaces, and removes budgets; mistakes name the option', async () => {
    const set = await runCco(['budget', 'set', '--project', '/work/shop', '--daily', '5', '--enforce'], { env: sandbox.env });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /Budget project-daily-[0-9a-f]{6} set \(in .*budgets\.json; the daemon is not running\): project \/work\/shop daily \$5\.00, enforce/);
    const file = join(sandbox.env.CCO_HOME!, 'budgets.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    await runCco(['budget', 'set', '--global', '--monthly', '100', '--thresholds', '80,100'], { env: sandbox.env });
    await runCco(['budget', 'set', '--project', '/work/shop', '--daily', '7'], { env: sandbox.env });
    const listed = await runCco(['budget', 'list', '--json'], { env: sandbox.env });
    assert.equal(listed.code, 0, listed.stderr);
    const { budgets } = JSON.parse(listed.stdout) as { budgets: Array<{ budget: { id: string; limitUsd: number; mode: string; thresholds: number[] }; spent: { total: number }; remainingUsd: number; percent: number; resetsAt: number }> };
    assert.equal(budgets.length, 2, 'setting the same scope and period again replaced it');
    const shop = budgets.find((b) => b.budget.id.startsWith('project-'))!;
    assert.equal(shop.budget.limitUsd, 7);
    assert.equal(shop.budget.mode, 'alert');
    assert.equal(shop.spent.total, 0);
    assert.equal(shop.remainingUsd, 7);
    assert.ok(shop.resetsAt > Date.now());
    const text = await runCco(['budget', 'list'], { env: sandbox.env });
    assert.match(text.stdout, /^ID\s+BUDGET\s+MODE\s+SPENT\s+LIMIT\s+REMAINING\s+USED\s+RESETS/);
    assert.match(text.stdout, /global-monthly\s+global monthly\s+alert\s+\$0\.00\s+\$100\.00\s+\$100\.00\s+0 %/);

    const bad = await runCco(['budget', 'set', '--global', '--daily', '--thresholds', '0', '5'], { env: sandbox.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /thresholds\[0\]: must be at least 1/);
    const noScope = await runCco(['budget', 'set', '--daily', '5'], { env: sandbox.env });
    assert.equal(noScope.code, 2);
    assert.match(noScope.stderr, /exactly one of --global, --project PATH, --model GLOB/);
    const help = await runCco(['budget', '--help'], { env: sandbox.env });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: cco budget set/);

    const removed = await runCco(['budget', 'rm', shop.budget.id], { env: sandbox.env });
    assert.equal(removed.code, 0, removed.stderr);
    const missing = await runCco(['budget', 'rm', shop.budget.id], { env: sandbox.env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No budget with ID/);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).budgets.length, 1);
  });

  it('--team sets a budget on the team total, kept apart from the same local budget', async () => {
    const local = await runCco(['budget', 'set', '--global', '--weekly', '50'], { env: sandbox.env });
    assert.equal(local.code, 0, local.stderr);
    const team = await runCco(['budget', 'set', '--team', '--global', '--weekly', '500', '--enforce', '--json'], { env: sandbox.env });
    assert.equal(team.code, 0, team.stderr);
    const set = JSON.parse(team.stdout) as { budget: { id: string; team: boolean; limitUsd: number }; label: string };
    assert.deepEqual([set.budget.id, set.budget.team, set.budget.limitUsd, set.label], ['team-global-weekly', true, 500, 'team global weekly']);
    const listed = JSON.parse((await runCco(['budget', 'list', '--json'], { env: sandbox.env })).stdout) as { budgets: Array<{ budget: { id: string } }> };
    assert.ok(listed.budgets.some((b) => b.budget.id === 'global-weekly'), 'the local budget is still there');
    const plan = await runCco(['budget', 'set', '--team', '--plan', '5h', '--thresholds', '80'], { env: sandbox.env });
    assert.equal(plan.code, 2);
    assert.match(plan.stderr, /a --plan rule takes only --thresholds/);
  });
});

describe('cco cost gate', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
    mkdirSync(sandbox.env.CCO_HOME!, { recursive: true });
    const { store } = openTestStore(instanceFiles(sandbox.env.CCO_HOME!, sandbox.port).database);
    const now = Date.now();
    // Sonnet 4.5, 1000 in + 1000 out: $0.018 a request.
    for (let i = 0; i < 3; i++) store.record(makeRecord({ startedAt: now - 1000, project: '/work/ci', session: 'run-1' }));
    store.record(makeRecord({ startedAt: now - 1000, project: '/work/other', session: 'run-2' }));
    store.close();
  });
  after(() => destroySandbox(sandbox));

  it('exits 1 with a breakdown when over, 0 when within, 2 on bad usage', async () => {
    const over = await runCco(['cost', 'gate', '--max-usd', '0.05'], { env: sandbox.env });
    assert.equal(over.code, 1, over.stderr);
    assert.match(over.stdout, /CCO cost gate: \$0\.0720 spent today, OVER the limit of \$0\.0500/);
    assert.match(over.stdout, /By model:\n\s+\$0\.0720\s+claude-sonnet-4-5-20250929 \(4 requests\)/);
    assert.match(over.stdout, /By project:\n\s+\$0\.0540\s+\/work\/ci \(3 requests\)\n\s+\$0\.0180\s+\/work\/other \(1 request\)/);
    const within = await runCco(['cost', 'gate', '--max-usd', '0.06', '--project', '/work/ci'], { env: sandbox.env });
    assert.equal(within.code, 0, within.stdout);
    const session = await runCco(['cost', 'gate', '--max-usd', '0.02', '--session', 'run-1', '--json'], { env: sandbox.env });
    assert.equal(session.code, 1);
    const json = JSON.parse(session.stdout) as { passed: boolean; spentUsd: number; requests: number };
    assert.equal(json.passed, false);
    assert.equal(json.requests, 3);
    assert.ok(Math.abs(json.spentUsd - 0.054) < 1e-9);
    const bad = await runCco(['cost', 'gate', '--max-usd', 'lots'], { env: sandbox.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-usd must be an amount/);
  });

  it('passes with no usage database at all', async () => {
    const empty = await makeSandbox();
    try {
      const run = await runCco(['cost', 'gate', '--max-usd', '0'], { env: empty.env });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /\$0\.00 spent today, within/);
    } finally {
      await destroySandbox(empty);
    }
  });
});

describe('cco statusline', () => {
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

  it('prints the stdin figures alone when no daemon answers, in colour unless NO_COLOR', async () => {
    const run = await statusline([], sandbox.env, STATUS_INPUT);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, '');
    assert.ok(run.stdout.includes('\x1b[36mOpus 4.5\x1b[0m'), run.stdout);
    const plain = await statusline([], { ...sandbox.env, NO_COLOR: '1' }, STATUS_INPUT);
    assert.match(plain.stdout, /^Opus 4\.5 · \$0\.42 session · 5h 42 % \(\d+d\) 7d 13 % \(\d+d\) · cache 97 %\n$/);
  });

  it('never fails: garbage, empty or no JSON on stdin still exits 0 with no error', async () => {
    for (const input of ['{not json', '', '[1,2]', 'null', '{"model":{"display_name":42},"cost":"x","rate_limits":7}']) {
      const run = await statusline([], { ...sandbox.env, NO_COLOR: '1' }, input);
      assert.equal(run.code, 0, `input ${JSON.stringify(input)}`);
      assert.equal(run.stderr, '');
    }
  });

  it('adds the project today, the tightest budget and response-cache hits from the running daemon; --format picks segments', async () => {
    const started = await runCco(['daemon', 'start'], { env: sandbox.env });
    assert.equal(started.code, 0, started.stderr);
    const base = `http://127.0.0.1:${sandbox.port}`;
    const session = 'launch-42';
    const client = sdk(base, { defaultHeaders: { 'x-cco-project': '/work/shop', 'x-cco-session': session } });
    await client.messages.create(userMessage('LONG:400 status'));
    await client.messages.create(userMessage('LONG:400 status')); // a response-cache hit
    const set = await runCco(['budget', 'set', '--project', '/work/shop', '--daily', '0.001'], { env: sandbox.env });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /applied by the daemon/);
    const env = { ...sandbox.env, NO_COLOR: '1', ORCHESTRATOR_PROJECT: '/work/shop', ORCHESTRATOR_SESSION_ID: session };
    let line = '';
    await waitFor(async () => {
      line = (await statusline([], env, STATUS_INPUT)).stdout;
      return /1 hit/.test(line);
    }, 10_000, `the daemon's figures (last line: ${line})`);
    assert.match(line, /^Opus 4\.5 · \$0\.42 session · \$0\.\d+ today · budget \d+ % · 5h 42 %.* · cache 97 % · 1 hit\n$/);
    const picked = await statusline(['--format', '{budget} | {model}'], env, STATUS_INPUT);
    assert.match(picked.stdout, /^budget \d+ % \| Opus 4\.5\n$/);
    // No rate_limits in the input: plan usage comes from the daemon's /api/quota (the fake upstream's headers).
    const fromDaemon = await statusline(['--format', '{model} · {plan} · {hits}'], env, JSON.stringify({ model: { display_name: 'Haiku' } }));
    assert.match(fromDaemon.stdout, /^Haiku · 5h \d+ % \(\S+\) 7d \d+ % \(\S+\) · 1 hit\n$/);
    const stop = await runCco(['daemon', 'stop'], { env: sandbox.env });
    assert.equal(stop.code, 0, stop.stderr);
  });
});

describe('cco offers its status line to Claude Code', () => {
  let sandbox: Sandbox;
  let project: string;
  let env: Record<string, string>;
  before(async () => {
    sandbox = await makeSandbox();
    project = join(sandbox.home, 'proj');
    mkdirSync(project);
    // A throwaway Claude Code home: the test never reads the real user's settings.
    const { CCO_STATUSLINE: _off, ...rest } = sandbox.env;
    env = { ...rest, HOME: sandbox.home, CLAUDE_CONFIG_DIR: join(sandbox.home, 'claude-config') };
  });
  after(() => destroySandbox(sandbox));

  const argvOf = async (extraEnv: Record<string, string> = {}, args: string[] = ['-p', 'x']) => {
    const run = await runCco(args, { env: { ...env, ...extraEnv }, cwd: project });
    assert.equal(run.code, 0, run.stderr);
    return readRecord(sandbox).argv;
  };

  it('passes --settings with an absolute statusline command when no settings define one, and never otherwise', async () => {
    const offered = await argvOf();
    assert.equal(offered[0], '--settings');
    const settings = JSON.parse(offered[1]!) as { statusLine: { type: string; command: string } };
    assert.equal(settings.statusLine.type, 'command');
    assert.match(settings.statusLine.command, /^'\/[^']+' '\/[^']+cco\.js' statusline$/);
    assert.deepEqual(offered.slice(2), ['-p', 'x']);

    mkdirSync(join(project, '.claude'));
    writeFileSync(join(project, '.claude', 'settings.local.json'), JSON.stringify({ statusLine: { type: 'command', command: 'mine' } }));
    assert.deepEqual(await argvOf(), ['-p', 'x'], 'a local status line is kept');
    rmSync(join(project, '.claude'), { recursive: true });

    mkdirSync(env.CLAUDE_CONFIG_DIR!, { recursive: true });
    writeFileSync(join(env.CLAUDE_CONFIG_DIR!, 'settings.json'), '{ "statusLine": { "type": "command", "command": "mine" } }');
    assert.deepEqual(await argvOf(), ['-p', 'x'], "the user's status line is kept");
    rmSync(join(env.CLAUDE_CONFIG_DIR!, 'settings.json'));

    assert.deepEqual(await argvOf({}, ['--settings', '{}', '-p', 'x']), ['--settings', '{}', '-p', 'x'], 'their own --settings is left alone');
    mkdirSync(env.CCO_HOME!, { recursive: true });
    writeFileSync(join(env.CCO_HOME!, 'settings.json'), JSON.stringify({ offerStatusLine: false }));
    assert.deepEqual(await argvOf(), ['-p', 'x'], 'the setting turns the offer off');
    await runCco(['daemon', 'stop'], { env });
  });
});
