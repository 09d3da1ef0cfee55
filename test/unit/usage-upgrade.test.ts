// Upgrading a v2 file (today's) with 100k generated rows: totals identical, and a kill mid-way resumes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import Database from 'libsql';
import { backfillRemaining } from '../../main/daemon/usage/backfill.js';
import { openUsageDatabase } from '../../main/daemon/usage/schema.js';
import { querySummary } from '../../main/daemon/usage/summary.js';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import { rangeWindow } from '../../main/daemon/usage/window.js';
import { makeRecord, openTestStore, tempDir, waitFor } from './usage-fixtures.js';
import { v2Totals, writeV2Database } from './usage-v2-fixture.js';

const tmp = tempDir('cco-upgrade-');
after(() => tmp.remove());
const NOW = Date.UTC(2026, 10, 20, 9, 30);
const ROWS = 100_000;

function rollupTotals(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  const row = db.prepare(`SELECT TOTAL(requests) AS requests, TOTAL(input_tokens) AS input, TOTAL(output_tokens) AS output,
    TOTAL(cache_creation_tokens) AS cw, TOTAL(cache_read_tokens) AS cr, TOTAL(cost_nanos) AS cost,
    TOTAL(saved_nanos) AS saved FROM rollup WHERE res = 86400000`).get() as Record<string, number>;
  db.close();
  return Object.fromEntries(Object.entries(row).filter(([k]) => k !== '_metadata').map(([k, v]) => [k, Number(v)]));
}

// The upgrade in a child process, a small batch at a time, reporting each batch; killed mid-way.
function upgradeChild(file: string): string {
  const url = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);
  return `
    import { openUsageDatabase } from ${url('../../main/daemon/usage/schema.js')};
    openUsageDatabase(${JSON.stringify(file)}, 1000, (done, total) => {
      process.stdout.write('progress ' + done + ' ' + total + '\\n');
      if (done >= 40000) process.kill(process.pid, 'SIGKILL');
    });
  `;
}

test('a v2 file with 100k rows upgrades with identical totals, resuming after a kill', async () => {
  const file = join(tmp.dir, 'v2.db');
  writeV2Database(file, ROWS, NOW);
  const before = v2Totals(file);
  assert.equal(before.requests! > ROWS, true, 'the fixture has raw rows and older day totals');

  const child = spawn(process.execPath, ['--input-type=module', '-e', upgradeChild(file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: process.cwd(),
  });
  const exited = once(child, 'exit');
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) lines.push(line);
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
  assert.match(lines[0] ?? '', /^progress 0 100000$/, 'a progress line from the start');

  const half = new Database(file);
  const left = backfillRemaining(half);
  half.close();
  assert.ok(left > 0 && left < ROWS, `the kill left the upgrade part done (${left} rows to go)`);

  const progress: Array<[number, number]> = [];
  const db = openUsageDatabase(file, 1000, (done, total) => progress.push([done, total]));
  try {
    assert.equal(progress[0]?.[1], left, 'the second run resumes with only what was left');
    assert.equal(backfillRemaining(db), 0);
    const summary = querySummary(db, rangeWindow('all', NOW), NOW);
    assert.equal(summary.requests, before.requests);
    assert.deepEqual(
      [summary.tokens.input, summary.tokens.output, summary.tokens.cacheCreation, summary.tokens.cacheRead],
      [before.input, before.output, before.cw, before.cr],
    );
    // Costs to the last digit: the same integer nano-dollars, so the same figure in dollars.
    assert.equal(Math.round(summary.costUsd * 1e9), before.cost);
    assert.equal(Math.round(summary.savedUsd * 1e9), before.saved);
  } finally {
    db.close();
  }
  assert.deepEqual(rollupTotals(file), before);
});

test('a daemon opens an older file at once and upgrades it while it records; nothing is pruned before the upgrade ends', async () => {
  const file = join(tmp.dir, 'v2-background.db');
  writeV2Database(file, ROWS, NOW);
  const before = v2Totals(file);
  const progress: number[] = [];
  const { store, lines } = openTestStore(
    file,
    { writer: 'thread', reader: 'thread', upgradeInBackground: true, retentionDays: 30, onUpgradeProgress: (done) => progress.push(done) },
    new ManualClock(NOW),
  );
  try {
    const upgrade = store.upgrade;
    assert.ok(upgrade !== null && upgrade.done < upgrade.total, 'the store opened before the upgrade ended');
    // A request served meanwhile is recorded with the rows of the upgrade, and counted once.
    for (let i = 0; i < 10; i++) store.record(makeRecord({ startedAt: NOW - 1000 - i }));
    store.flush();
    // Half the rows are past a 30-day retention: a prune now would lose the totals not yet rolled up.
    const early = await store.prune();
    assert.equal(early.pruned, 0, 'no prune while the upgrade is under way');
    await waitFor(() => store.upgrade === null, 'the upgrade to end', 60_000);
    assert.ok(progress.length > 2 && progress.at(-1) === upgrade.total, 'progress reported up to the whole');
    await waitFor(() => lines.info.some((l) => l.startsWith('Usage: removed')), 'the prune that waited for the upgrade', 30_000);
    const summary = await store.summary('all');
    assert.equal(summary.requests, before.requests! + 10);
    assert.equal(lines.error.length, 0, lines.error.join('\n'));
  } finally {
    store.close();
  }
});
