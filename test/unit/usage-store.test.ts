import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'libsql';
import { SCHEMA_VERSION, UsageDatabaseError } from '../../main/daemon/usage/schema.js';
import { v2Totals, writeV2Database } from './usage-v2-fixture.js';
import { countRows, DAY, makeRecord, near, NOON, openTestStore, SONNET_COST, tempDir } from './usage-fixtures.js';

const tmp = tempDir('cco-usage-');
after(() => tmp.remove());
let seq = 0;
const freshFile = () => join(tmp.dir, `usage-${++seq}.db`);

describe('costs', () => {
  test('a miss costs its tokens; a hit or coalesced request costs 0 and saves the same amount', async () => {
    const { store } = openTestStore(freshFile());
    store.record(makeRecord({ cache: 'miss' }));
    store.record(makeRecord({ cache: 'hit', latencyMs: 2 }));
    store.record(makeRecord({ cache: 'coalesced' }));
    // Below the long-context threshold (200,000 prompt tokens), so at the standard read rate.
    store.record(makeRecord({ cache: 'bypass', cacheReadTokens: 100_000 }));
    const rows = await store.requests({ limit: 10 });
    const byCache = Object.fromEntries(rows.map((r) => [r.cache, r]));
    near(byCache.miss!.costUsd, SONNET_COST);
    assert.equal(byCache.miss!.savedUsd, 0);
    assert.equal(byCache.hit!.costUsd, 0);
    near(byCache.hit!.savedUsd, SONNET_COST);
    assert.equal(byCache.coalesced!.costUsd, 0);
    near(byCache.coalesced!.savedUsd, SONNET_COST);
    near(byCache.bypass!.costUsd, SONNET_COST + 0.03, 'cache reads at their own rate');
    const summary = await store.summary('today');
    near(summary.costUsd, 2 * SONNET_COST + 0.03);
    near(summary.savedUsd, 2 * SONNET_COST);
    assert.equal(summary.hitRate, 2 / 3, 'bypassed requests are not cache lookups');
    store.close();
  });

  test('an unknown model leaves the cost unknown, never zero', async () => {
    const { store, lines } = openTestStore(freshFile());
    store.record(makeRecord({ servedModel: 'mystery-1', requestedModel: 'mystery-1' }));
    store.record(makeRecord({ servedModel: 'mystery-1', requestedModel: 'mystery-1' }));
    store.record(makeRecord({ servedModel: 'claude-opus-4-9', requestedModel: 'claude-opus-4-9' }));
    const [estimated, unknown] = (await store.requests({ limit: 10 })).sort((a, b) => a.id - b.id).reverse();
    assert.equal(unknown!.costUsd, null);
    assert.equal(estimated!.costEstimated, true);
    near(estimated!.costUsd, 0.005 + 0.025);
    assert.equal((await store.summary('today')).unpricedRequests, 2);
    assert.equal(lines.warn.filter((l) => l.includes('mystery-1')).length, 1);
    store.close();
  });
});

describe('batching', () => {
  test('records reach the file only when the flush interval passes, in one go', () => {
    const file = freshFile();
    const { store, clock } = openTestStore(file, { flushIntervalMs: 500 });
    for (let i = 0; i < 5; i++) store.record(makeRecord({ session: `s${i}` }));
    assert.equal(countRows(file), 0);
    clock.advance(499);
    assert.equal(countRows(file), 0);
    clock.advance(1);
    assert.equal(countRows(file), 5);
    store.record(makeRecord());
    assert.equal(countRows(file), 5);
    assert.equal(store.flush(), 1);
    assert.equal(countRows(file), 6);
    store.close();
  });

  test('a full queue drops new records, counts them and warns once', () => {
    const file = freshFile();
    const { store, lines } = openTestStore(file, { maxQueue: 3 });
    for (let i = 0; i < 10; i++) store.record(makeRecord());
    assert.deepEqual(store.queueStats(), { queued: 3, dropped: 7 });
    assert.equal(lines.warn.length, 1);
    assert.equal(store.flush(), 3);
    assert.match(lines.warn[1] ?? '', /7 records were dropped/);
    store.close();
  });

  test('rows survive close and reopen; close commits what is queued', async () => {
    const file = freshFile();
    const first = openTestStore(file);
    const original = makeRecord({ project: 'persist', errorType: 'stream_cut', ttfbMs: null, streaming: false });
    first.store.record(original);
    first.store.close();
    first.store.close();
    const second = openTestStore(file);
    const [row] = await second.store.requests({ limit: 5 });
    assert.ok(row);
    const { id, costUsd, savedUsd, costEstimated, ...record } = row;
    assert.deepEqual(record, {
      ...original, source: 'proxy', sessionId: null, gitBranch: null, agentType: null, isSidechain: false,
      cacheWrite5mTokens: null, cacheWrite1hTokens: null, credentialFingerprint: null, upstreamRequestId: null,
      serviceTier: null, billing: 'payg', messageId: null,
    });
    assert.equal(id, 1);
    near(costUsd, SONNET_COST);
    assert.equal(savedUsd, 0);
    assert.equal(costEstimated, false);
    second.store.close();
  });
});

describe('schema', () => {
  test('the file is in WAL mode at the current schema version', () => {
    const file = freshFile();
    openTestStore(file).store.close();
    const db = new Database(file);
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, SCHEMA_VERSION);
    db.close();
  });

  test('a version 2 file is upgraded in place, keeping its rows', async () => {
    const file = freshFile();
    writeV2Database(file, 20, NOON, 3);
    const before = v2Totals(file);
    const { store } = openTestStore(file);
    assert.equal((await store.summary('all')).requests, before.requests);
    assert.equal(countRows(file), 20);
    store.close();
    const check = new Database(file);
    assert.equal((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, SCHEMA_VERSION);
    assert.equal(check.prepare("SELECT name FROM sqlite_master WHERE name = 'daily'").get(), undefined);
    check.close();
  });

  test('a file from a newer schema is refused, naming the file and both versions, and left alone', () => {
    const file = freshFile();
    const db = new Database(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(
      () => openTestStore(file),
      (error: Error) =>
        error instanceof UsageDatabaseError &&
        error.message.includes(file) &&
        error.message.includes(`version ${SCHEMA_VERSION + 1}`) &&
        error.message.includes(`version ${SCHEMA_VERSION}`),
    );
    const check = new Database(file);
    assert.equal((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, SCHEMA_VERSION + 1);
    check.close();
  });
});

describe('retention', () => {
  test('old raw rows are deleted; the day roll-ups keep their totals for the all-time summary', async () => {
    const file = freshFile();
    const { store } = openTestStore(file, { retentionDays: 90 });
    store.record(makeRecord({ startedAt: NOON - 100 * DAY, project: 'old' }));
    store.record(makeRecord({ startedAt: NOON - 100 * DAY + 60_000, project: 'old', cache: 'hit' }));
    store.record(makeRecord({ startedAt: NOON - 95 * DAY, project: 'old', status: 529, errorType: 'overloaded_error', inputTokens: 0, outputTokens: 0 }));
    store.record(makeRecord({ startedAt: NOON - DAY, project: 'new' }));
    const before = await store.summary('all');

    assert.deepEqual(await store.prune(NOON), { pruned: 3 });
    assert.equal(countRows(file), 1);
    assert.equal(countRows(file, 'SELECT COUNT(*) AS n FROM rollup WHERE res = 86400000'), 4, 'day roll-ups stay');

    const afterPrune = await store.summary('all');
    assert.equal(afterPrune.requests, 4);
    assert.equal(afterPrune.errors, 1);
    assert.deepEqual(afterPrune.tokens, before.tokens);
    near(afterPrune.costUsd, before.costUsd);
    near(afterPrune.savedUsd, before.savedUsd);
    assert.equal(afterPrune.hitRate, before.hitRate);
    assert.equal((await store.summary('7d')).requests, 1);
    const projects = await store.projects();
    assert.deepEqual(projects.map((p) => [p.project, p.requests]), [['old', 3], ['new', 1]]);
    assert.deepEqual((await store.projects('7d')).map((p) => [p.project, p.requests]), [['new', 1]], 'a range keeps to its projects');

    assert.deepEqual(await store.prune(NOON), { pruned: 0 }, 'pruning again changes nothing');
    assert.equal((await store.summary('all')).requests, 4);
    store.close();
  });

  test('pruning runs about hourly on the injected clock', async () => {
    const file = freshFile();
    const { store, clock } = openTestStore(file, { retentionDays: 1 });
    store.record(makeRecord({ startedAt: NOON - 3 * DAY }));
    store.flush();
    assert.equal(countRows(file), 1);
    clock.advance(60 * 60 * 1000);
    assert.equal(countRows(file), 0);
    assert.equal((await store.summary('all')).requests, 1);
    store.close();
  });
});

describe('events', () => {
  test('listeners get each record with its cost as it is recorded', () => {
    const { store } = openTestStore(freshFile());
    const seen: Array<number | null> = [];
    const unsubscribe = store.subscribe((rec) => seen.push(rec.costUsd));
    store.record(makeRecord());
    unsubscribe();
    store.record(makeRecord());
    assert.equal(seen.length, 1);
    near(seen[0], SONNET_COST);
    assert.equal(store.listenerCount, 0);
    store.close();
  });
});

describe('a stuck database', () => {
  test('keeps records queued, backs off, and commits them once the lock is gone', () => {
    const file = freshFile();
    const { store, clock, lines } = openTestStore(file, { busyTimeoutMs: 1, flushIntervalMs: 500, maxQueue: 4 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 0; i < 3; i++) store.record(makeRecord());
      assert.equal(store.flush(), 0);
      assert.deepEqual(store.queueStats(), { queued: 3, dropped: 0 });
      assert.equal(lines.error.length, 1);
      clock.advance(500);
      assert.equal(lines.error.length, 1, 'one error per episode, not per attempt');
      for (let i = 0; i < 3; i++) store.record(makeRecord());
      assert.deepEqual(store.queueStats(), { queued: 4, dropped: 2 });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    clock.advance(30_000);
    assert.equal(countRows(file), 4);
    assert.ok(lines.info.some((l) => l.includes('commits work again')));
    assert.ok(lines.warn.some((l) => l.includes('2 records were dropped')));
    store.close();
  });
});
