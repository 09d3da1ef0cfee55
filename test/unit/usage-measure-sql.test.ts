// Filters no roll-up keeps (a status, a session, a search) are summed by SQLite with MEASURE_SQL:
// on random rows of every kind (failed, cached, refused by a budget, from a transcript, by
// subscription, estimated, unpriced, prompt-cache busters), each SQL measure equals measuresOf.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'libsql';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import { rawSumsBy } from '../../main/daemon/usage/match-sums.js';
import { MEASURE_SQL, measuresOf, rollupRowFromDb } from '../../main/daemon/usage/rollup.js';
import { ROLLUP_SOURCE_COLUMNS } from '../../main/daemon/usage/rollup-read.js';
import { ROLLUP_MEASURES } from '../../main/daemon/usage/rollup-schema.js';
import { DAY, makeRecord, openTestStore, tempDir } from './usage-fixtures.js';
import { seeded } from './usage-v2-fixture.js';

const tmp = tempDir('cco-measure-sql-');
after(() => tmp.remove());

const NOW = Date.UTC(2026, 5, 10, 13, 47, 12, 345);

test('every SQL measure equals measuresOf, row by row and summed', async () => {
  const file = join(tmp.dir, 'measures.db');
  const rnd = seeded(11);
  const int = (n: number) => Math.floor(rnd() * n);
  const { store } = openTestStore(file, { retentionDays: 365 }, new ManualClock(NOW));
  for (let i = 0; i < 1500; i++) {
    const model = ['claude-sonnet-4-5', 'claude-opus-4-1', 'mystery-model'][int(3)]!;
    store.record(makeRecord({
      startedAt: NOW - int(20 * DAY), project: `p${int(3)}`, servedModel: rnd() < 0.1 ? null : model, requestedModel: model,
      cache: (['miss', 'hit', 'bypass', 'coalesced', 'budget'] as const)[int(5)],
      status: [200, 200, 200, 429, 529, 400][int(6)]!, errorType: rnd() < 0.05 ? 'api_error' : null,
      inputTokens: int(3000), outputTokens: int(3000), cacheCreationTokens: int(500), cacheReadTokens: int(9000),
      latencyMs: 1 + int(60_000), ttfbMs: rnd() < 0.2 ? null : int(5000), sessionId: `s${int(10)}`,
    }));
  }
  await store.summary('all');
  store.close();
  // What the write path sets on its own (billing, estimates, busters, transcripts), varied directly.
  const rw = new Database(file);
  rw.exec(`UPDATE requests SET billing = 'subscription' WHERE id % 7 = 0;
    UPDATE requests SET cost_estimated = 1 WHERE id % 5 = 0;
    UPDATE requests SET cache_buster = 1 WHERE id % 6 = 0;
    UPDATE requests SET source = 'transcript' WHERE id % 11 = 0;
    UPDATE requests SET cost_usd = NULL WHERE id % 13 = 0;
    UPDATE requests SET saved_usd = NULL WHERE id % 17 = 0;
    UPDATE requests SET cache_write_1h_tokens = NULL, cache_write_5m_tokens = NULL WHERE id % 19 = 0;`);
  rw.close();

  const db = new Database(file, { readonly: true });
  try {
    const exprs = ROLLUP_MEASURES.map((m) => `(${MEASURE_SQL[m]}) AS ${m}`).join(', ');
    const rows = db.prepare(`SELECT ${ROLLUP_SOURCE_COLUMNS}, ${exprs} FROM requests`).all() as Array<Record<string, unknown>>;
    assert.equal(rows.length, 1500);
    const totals = new Map<string, number[]>();
    for (const row of rows) {
      const r = rollupRowFromDb(row);
      const js = measuresOf(r);
      assert.deepEqual(ROLLUP_MEASURES.map((m) => Number(row[m])), js, `row at ${r.startedAt}`);
      const sum = totals.get(r.project) ?? ROLLUP_MEASURES.map(() => 0);
      js.forEach((v, i) => { sum[i]! += v; });
      totals.set(r.project, sum);
    }
    const summed = rawSumsBy(db, { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER }, {}, 'project');
    assert.deepEqual(new Map([...summed].map(([p, s]) => [p, s.sums])), totals);
  } finally {
    db.close();
  }
});
