// Prompt-cache busters judged as rows are written (busters.ts) against a window over the raw rows:
// dense chains, recorded out of order and in batches, late rows after a write's lifetime ran out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'libsql';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import { busterParts, promptCacheParts, type BusterPart } from '../../main/daemon/usage/prompt-cache.js';
import { sumsBy } from '../../main/daemon/usage/match-sums.js';
import { MEASURE_INDEX } from '../../main/daemon/usage/rollup.js';
import type { RequestRecord } from '../../main/daemon/usage/record.js';
import { makeRecord, NOON, openTestStore, tempDir } from './usage-fixtures.js';
import { seeded } from './usage-v2-fixture.js';

const tmp = tempDir('cco-busters-');
after(() => tmp.remove());
const MINUTE = 60_000;

function total(parts: BusterPart[]): [number, number] {
  return parts.reduce<[number, number]>(([w, t], b) => [w + b.writes, t + b.tokens], [0, 0]);
}

function judgedAndRaw(file: string, from: number, now: number): { judged: [number, number]; raw: [number, number] } {
  const db = new Database(file, { readonly: true });
  try {
    return { judged: total(promptCacheParts(db, { from, to: Number.MAX_SAFE_INTEGER }, now).busters), raw: total(busterParts(db, { from, to: Number.MAX_SAFE_INTEGER }, now, null)) };
  } finally {
    db.close();
  }
}

/** Calls of 2 sessions × 2 models, 1 to 9 minutes apart, some of them not upstream calls at all. */
function chainCalls(rnd: () => number, start: number, count: number): RequestRecord[] {
  const int = (n: number) => Math.floor(rnd() * n);
  const at = new Map<string, number>();
  const calls: RequestRecord[] = [];
  for (let i = 0; i < count; i++) {
    const sessionId = `s${int(2)}`;
    const model = ['claude-sonnet-4-5', 'claude-opus-4-1'][int(2)]!;
    const t = (at.get(sessionId + model) ?? start) + MINUTE * (1 + int(9)) - int(3);
    at.set(sessionId + model, t);
    const oneHour = rnd() < 0.2;
    calls.push(makeRecord({
      startedAt: t, sessionId, servedModel: model, requestedModel: model, project: `p${int(2)}`,
      cache: (['miss', 'miss', 'bypass', 'hit', 'budget'] as const)[int(5)], status: rnd() < 0.1 ? 529 : 200,
      cacheCreationTokens: rnd() < 0.6 ? 100 + int(900) : 0, cacheReadTokens: rnd() < 0.25 ? 0 : 1000 + int(9000),
      cacheWrite1hTokens: oneHour ? 50 : null, cacheWrite5mTokens: oneHour ? null : 50,
    }));
  }
  return calls;
}

test('busters judged as calls arrive, out of order and in batches, equal a window over the raw rows', () => {
  for (const seed of [1, 2, 3, 4]) {
    const rnd = seeded(seed);
    const file = join(tmp.dir, `dense-${seed}.db`);
    const calls = chainCalls(rnd, NOON - 6 * 60 * MINUTE, 400);
    const end = Math.max(...calls.map((c) => c.startedAt));
    // Requests are recorded when they end: shuffle within a window of a few neighbours.
    const order = calls.map((c, i) => ({ c, key: i + rnd() * 6 })).sort((a, b) => a.key - b.key).map((x) => x.c);
    const clock = new ManualClock(end + 1);
    const { store } = openTestStore(file, {}, clock);
    for (const [i, c] of order.entries()) {
      store.record(c);
      if (rnd() < 0.1 || i === order.length - 1) store.flush();
    }
    store.close();
    for (const now of [end + 1, end + 3 * MINUTE, end + 30 * MINUTE, end + 2 * 60 * MINUTE]) {
      for (const from of [NOON - 7 * 60 * MINUTE, NOON - 3 * 60 * MINUTE]) {
        const { judged, raw } = judgedAndRaw(file, from, now);
        assert.deepEqual(judged, raw, `seed ${seed}, from ${from}, now ${now}`);
      }
    }
    const { raw } = judgedAndRaw(file, 0, end + 1);
    const writes = calls.filter((c) => c.cacheCreationTokens > 0 && c.status < 400 && !['hit', 'budget'].includes(c.cache));
    // Both kinds of judgement occur: some writes were read back, some were not.
    assert.ok(raw[0] > 0 && raw[0] < writes.length, `${raw[0]} busters of ${writes.length} writes`);
  }
});

test('a write whose lifetime ran out is a buster until a late call shows it was read back', () => {
  const file = join(tmp.dir, 'late.db');
  const clock = new ManualClock(NOON);
  const { store } = openTestStore(file, {}, clock);
  const call = (t: number, overrides: Partial<RequestRecord> = {}) =>
    makeRecord({ startedAt: t, sessionId: 'late', cacheCreationTokens: 500, cacheReadTokens: 800, ...overrides });
  store.record(call(NOON - 20 * MINUTE));
  store.flush();
  // Another session's write moves the writer on after both lifetimes: both count as busters.
  clock.set(NOON + 10 * MINUTE);
  store.record(call(NOON, { sessionId: 'other' }));
  store.flush();
  store.close();
  assert.deepEqual(judgedAndRaw(file, 0, NOON + 10 * MINUTE), { judged: [2, 1000], raw: [2, 1000] });

  // The call that read it back, started within the lifetime, is recorded late (an import, a long stream).
  const again = openTestStore(file, {}, new ManualClock(NOON + 11 * MINUTE));
  again.store.record(call(NOON - 17 * MINUTE, { cacheCreationTokens: 0 }));
  again.store.close();
  const after = judgedAndRaw(file, 0, NOON + 11 * MINUTE);
  assert.deepEqual(after.judged, after.raw);
  assert.deepEqual(after.judged, [1, 500], 'only the other session\'s write is left a buster');
  const db = new Database(file, { readonly: true });
  try {
    const sums = sumsBy(db, { from: 0, to: Number.MAX_SAFE_INTEGER }, NOON + 11 * MINUTE, null).get('')!.sums;
    assert.equal(sums[MEASURE_INDEX.buster_writes], 1, 'the roll-ups took the first judgement back');
  } finally {
    db.close();
  }
});
