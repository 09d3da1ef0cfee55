process.env.TZ = 'Europe/Berlin'; // periods follow local time; this zone has DST changes to test across

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { silentLogger, type Logger } from '../../main/common/logger.js';
import { AlertCenter } from '../../main/daemon/budgets/alerts.js';
import { readBudgetsFile } from '../../main/daemon/budgets/file.js';
import { periodWindow, resetLabel } from '../../main/daemon/budgets/period.js';
import { BudgetValidationError, parseBudget, parseBudgetsFile } from '../../main/daemon/budgets/schema.js';
import { scopeMatches } from '../../main/daemon/budgets/scope.js';
import { BudgetService } from '../../main/daemon/budgets/service.js';
import { groupedSpendSource, type SpendRow } from '../../main/daemon/budgets/spend.js';
import { postWebhook } from '../../main/daemon/budgets/webhook.js';
import { ManualClock } from '../../main/daemon/usage/clock.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cco-budgets-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();

test('a daily period runs from local midnight to the next, 23 hours long on the spring DST day', () => {
  const w = periodWindow('daily', local(2026, 3, 29, 15));
  assert.equal(new Date(w.start).toISOString(), '2026-03-28T23:00:00.000Z'); // 00:00 CET
  assert.equal(new Date(w.end).toISOString(), '2026-03-29T22:00:00.000Z'); // 00:00 CEST
  assert.equal((w.end - w.start) / 3_600_000, 23);
  assert.equal(w.key, 'daily:2026-03-29');
  assert.equal(resetLabel('daily', w.end), '00:00');
  const autumn = periodWindow('daily', local(2026, 10, 25, 12));
  assert.equal((autumn.end - autumn.start) / 3_600_000, 25);
});

test('a week starts on Monday 00:00 local and a month on the 1st, across DST', () => {
  const w = periodWindow('weekly', local(2026, 3, 29, 23, 59)); // Sunday
  assert.equal(new Date(w.start).getDay(), 1);
  assert.equal(w.start, local(2026, 3, 23));
  assert.equal(w.end, local(2026, 3, 30));
  assert.equal(resetLabel('weekly', w.end), 'Mon 00:00');
  const monday = periodWindow('weekly', local(2026, 3, 30, 0, 0));
  assert.equal(monday.start, local(2026, 3, 30), 'midnight Monday belongs to the new week');
  const m = periodWindow('monthly', local(2026, 3, 31, 23, 30));
  assert.equal(m.start, local(2026, 3, 1));
  assert.equal(m.end, local(2026, 4, 1));
  assert.equal(m.key, 'monthly:2026-03');
  assert.equal(resetLabel('monthly', m.end), 'Apr 1 00:00');
  assert.equal(periodWindow('monthly', local(2026, 12, 15)).end, local(2027, 1, 1));
});

test('invalid budgets are refused with the field named', () => {
  assert.throws(() => parseBudget({ scope: { type: 'global' }, period: 'daily', limitUsd: 0 }), /limitUsd: must be more than 0/);
  assert.throws(() => parseBudget({ scope: { type: 'global' }, period: 'hourly', limitUsd: 1 }), /period:/);
  assert.throws(() => parseBudget({ scope: { type: 'project' }, period: 'daily', limitUsd: 1 }), /scope\.path:/);
  assert.throws(
    () => parseBudgetsFile({ budgets: [{ scope: { type: 'global' }, period: 'daily', limitUsd: 5 }, { scope: { type: 'global' }, period: 'daily', limitUsd: 5, thresholds: [0] }] }),
    (error: unknown) => error instanceof BudgetValidationError && /^budgets\[1\]\.thresholds\[0\]: must be at least 1/.test(error.message),
  );
  const b = parseBudget({ scope: { type: 'model', glob: 'claude-opus-*' }, period: 'weekly', limitUsd: 20 });
  assert.deepEqual(b.thresholds, [50, 80, 100]);
  assert.equal(b.mode, 'alert');
  assert.match(b.id, /^model-weekly-[0-9a-f]{6}$/);
});

test('a broken budgets file names the file and the field', () => {
  const file = join(tempDir(), 'budgets.json');
  writeFileSync(file, JSON.stringify({ budgets: [{ scope: { type: 'global' }, period: 'daily', limitUsd: 'five' }] }));
  assert.throws(() => readBudgetsFile(file), (e: Error) => e.message.includes(file) && e.message.includes('budgets[0].limitUsd'));
});

test('scopes: a project covers its subfolders only, a model glob matches the family', () => {
  const project = { type: 'project' as const, path: '/home/u/shop' };
  assert.ok(scopeMatches(project, { project: '/home/u/shop', model: null }));
  assert.ok(scopeMatches(project, { project: '/home/u/shop/api', model: null }));
  assert.ok(!scopeMatches(project, { project: '/home/u/shopping', model: null }));
  const opus = { type: 'model' as const, glob: 'claude-opus-*' };
  assert.ok(scopeMatches(opus, { project: 'x', model: 'claude-opus-4-5-20251101' }));
  assert.ok(!scopeMatches(opus, { project: 'x', model: 'claude-sonnet-4-5' }));
});

interface Harness {
  clock: ManualClock;
  rows: SpendRow[];
  service: BudgetService;
  alerts: AlertCenter;
  raised: string[];
  dir: string;
}

function harness(dir = tempDir(), rows: SpendRow[] = [], clock = new ManualClock(local(2026, 3, 29, 12))): Harness {
  const alerts = new AlertCenter({ file: join(dir, 'alerts-3000.json'), clock, logger: silentLogger });
  const raised: string[] = [];
  alerts.subscribe((a) => raised.push(`${a.budgetId}@${a.threshold}`));
  const service = new BudgetService({
    file: join(dir, 'budgets.json'),
    spend: groupedSpendSource(() => rows),
    clock,
    logger: silentLogger,
    alerts,
  });
  return { clock, rows, service, alerts, raised, dir };
}

test('each threshold alerts once per period, and not again after a restart', () => {
  const h = harness();
  h.service.set({ scope: { type: 'global' }, period: 'daily', limitUsd: 10 });
  assert.deepEqual(h.raised, []);
  h.rows.push({ project: '/p', model: 'claude-sonnet-4-5', payg: 5.5, apiEquivalent: 0 });
  h.service.refresh();
  h.service.refresh();
  assert.deepEqual(h.raised, ['global-daily@50']);
  h.rows.push({ project: '/p', model: 'claude-sonnet-4-5', payg: 4, apiEquivalent: 0 });
  h.service.refresh();
  assert.deepEqual(h.raised, ['global-daily@50', 'global-daily@80']);
  assert.equal(statSync(join(h.dir, 'alerts-3000.json')).mode & 0o777, 0o600);

  const restarted = harness(h.dir, h.rows, h.clock);
  restarted.service.refresh();
  assert.deepEqual(restarted.raised, [], 'a restart does not raise the same alerts again');
  assert.equal(restarted.alerts.recent().length, 2);
  // The next day is a new period: spend there starts over and alerts may fire again.
  restarted.clock.set(local(2026, 3, 30, 9));
  restarted.service.refresh();
  assert.deepEqual(restarted.raised, ['global-daily@80'], 'one alert for the highest threshold crossed, not one each');
});

test('an enforce budget refuses only requests in its scope, with the spend, limit, reset and fix', () => {
  const h = harness();
  h.service.set({ scope: { type: 'project', path: '/home/u/shop' }, period: 'daily', limitUsd: 5, mode: 'enforce' });
  h.rows.push({ project: '/home/u/shop', model: 'claude-sonnet-4-5', payg: 5.02, apiEquivalent: 0 });
  assert.equal(h.service.admit({ project: '/home/u/shop', model: 'claude-sonnet-4-5' }), null, 'spend is read on refresh');
  h.service.refresh();
  const message = h.service.admit({ project: '/home/u/shop/web', model: 'claude-sonnet-4-5' });
  assert.match(message ?? '', /^CCO budget exceeded: project \/home\/u\/shop spent \$5\.02 of its \$5\.00 daily budget \(resets 00:00\)\. Raise it: cco budget set --project \/home\/u\/shop --daily 10$/);
  assert.equal(h.service.admit({ project: '/home/u/other', model: 'claude-sonnet-4-5' }), null);
  h.clock.set(local(2026, 3, 30, 0, 0));
  assert.equal(h.service.admit({ project: '/home/u/shop', model: 'x' }), null, 'the next period admits before any refresh');
});

test('an alert-mode budget never refuses; removing a budget applies at once', () => {
  const h = harness();
  const status = h.service.set({ scope: { type: 'global' }, period: 'monthly', limitUsd: 1 });
  h.rows.push({ project: '/p', model: 'm', payg: 3, apiEquivalent: 0 });
  h.service.refresh();
  assert.equal(h.service.admit({ project: '/p', model: 'm' }), null);
  const enforced = h.service.set({ scope: { type: 'global' }, period: 'monthly', limitUsd: 1, mode: 'enforce' });
  assert.equal(enforced.budget.id, status.budget.id, 'the same scope and period replaces the budget');
  assert.notEqual(h.service.admit({ project: '/p', model: 'm' }), null);
  assert.equal(h.service.remove(enforced.budget.id), true);
  assert.equal(h.service.admit({ project: '/p', model: 'm' }), null);
  assert.deepEqual(JSON.parse(readFileSync(join(h.dir, 'budgets.json'), 'utf8')).budgets, []);
});

interface Receiver {
  url: string;
  bodies: unknown[];
  close(): Promise<void>;
}

async function receiver(statuses: number[]): Promise<Receiver> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook/SECRET`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

test('alerts reach a webhook as Slack-compatible text, retried with backoff after a failure', async () => {
  const hook = await receiver([503]);
  try {
    const clock = new ManualClock(local(2026, 5, 4, 10));
    const sleeps: number[] = [];
    const alerts = new AlertCenter({
      file: join(tempDir(), 'alerts-1.json'),
      clock,
      logger: silentLogger,
      webhook: () => hook.url,
      webhookOptions: { baseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) },
    });
    const service = new BudgetService({ file: join(tempDir(), 'b.json'), spend: groupedSpendSource(() => [{ project: '/p', model: 'm', payg: 9, apiEquivalent: 0 }]), clock, logger: silentLogger, alerts });
    service.set({ scope: { type: 'global' }, period: 'daily', limitUsd: 10 });
    await alerts.settled();
    assert.equal(hook.bodies.length, 2, 'the 503 is retried once, then delivered');
    assert.deepEqual(sleeps, [10]);
    const body = hook.bodies[1] as { text: string; alert: { threshold: number } };
    assert.match(body.text, /global daily budget passed 80 %: \$9\.00 of \$10\.00/);
    assert.equal(body.alert.threshold, 80);
    assert.doesNotMatch(JSON.stringify(body), /sk-ant|SECRET/);
  } finally {
    await hook.close();
  }
});

test('a webhook receiver that is down is retried with growing waits, then logged without its secret path', async () => {
  const down = await receiver([]);
  await down.close(); // nothing listens on this port any more
  const sleeps: number[] = [];
  const logger = recordingLogger();
  const ok = await postWebhook(down.url, { text: 'x' }, logger, { attempts: 3, baseDelayMs: 5, sleep: async (ms) => void sleeps.push(ms) });
  assert.equal(ok, false);
  assert.deepEqual(sleeps, [5, 20]);
  assert.equal(logger.lines.length, 1);
  assert.match(logger.lines[0]!, /failed after 3 tries \(ECONNREFUSED\)/);
  assert.doesNotMatch(logger.lines[0]!, /SECRET/);
});
