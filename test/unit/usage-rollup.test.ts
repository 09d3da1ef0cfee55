// Roll-ups against the raw rows they summarise: every figure equal, percentiles within the bound.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'libsql';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import { statusCounts } from '../../main/daemon/usage/chart-extras.js';
import { RELATIVE_ERROR } from '../../main/daemon/usage/histogram.js';
import { queryModels } from '../../main/daemon/usage/models.js';
import { summaryStart, type SummaryRange } from '../../main/daemon/usage/ranges.js';
import { sumsBy } from '../../main/daemon/usage/match-sums.js';
import { ROLLUP_MEASURES } from '../../main/daemon/usage/rollup-schema.js';
import { busterParts, promptCacheParts, type BusterPart } from '../../main/daemon/usage/prompt-cache.js';
import { percentilesSince } from '../../main/daemon/usage/summary.js';
import { FAILED_SQL } from '../../main/daemon/usage/totals.js';
import { makeRecord, openTestStore, tempDir } from './usage-fixtures.js';
import { seeded } from './usage-v2-fixture.js';

const tmp = tempDir('cco-rollup-');
after(() => tmp.remove());
const DAY = 86_400_000;

const ANSWERED = `source != 'transcript' AND cache NOT IN ('hit', 'coalesced', 'budget') AND NOT ${FAILED_SQL}`;

// Raw aggregation written independently of the roll-up code, straight in SQL.
const RAW_MEASURES: Record<(typeof ROLLUP_MEASURES)[number], string> = {
  requests: 'COUNT(*)',
  hits: `TOTAL(cache IN ('hit', 'coalesced') AND NOT ${FAILED_SQL})`,
  misses: `TOTAL(cache = 'miss' AND NOT ${FAILED_SQL})`,
  errors: `TOTAL(${FAILED_SQL})`,
  unpriced: 'TOTAL(cost_usd IS NULL OR saved_usd IS NULL)',
  input_tokens: 'TOTAL(input_tokens)',
  output_tokens: 'TOTAL(output_tokens)',
  cache_creation_tokens: 'TOTAL(cache_creation_tokens)',
  cache_read_tokens: 'TOTAL(cache_read_tokens)',
  cache_write_5m_tokens: 'TOTAL(cache_write_5m_tokens)',
  cache_write_1h_tokens: 'TOTAL(cache_write_1h_tokens)',
  cost_nanos: 'TOTAL(CAST(ROUND(cost_usd * 1e9) AS INTEGER))',
  payg_nanos: "TOTAL(CASE WHEN billing = 'payg' THEN CAST(ROUND(cost_usd * 1e9) AS INTEGER) END)",
  api_equiv_nanos: "TOTAL(CASE WHEN billing = 'subscription' THEN CAST(ROUND(cost_usd * 1e9) AS INTEGER) END)",
  estimated_nanos: 'TOTAL(CASE WHEN cost_estimated = 1 THEN CAST(ROUND(cost_usd * 1e9) AS INTEGER) END)',
  saved_nanos: 'TOTAL(CAST(ROUND(saved_usd * 1e9) AS INTEGER))',
  answered: `TOTAL(${ANSWERED})`,
  answered_latency_ms: `TOTAL(CASE WHEN ${ANSWERED} THEN latency_ms END)`,
  // The rows' own judgements (checked against a window over the raw rows in busters.test.ts).
  buster_writes: 'TOTAL(cache_buster)',
  buster_tokens: 'TOTAL(cache_buster * cache_creation_tokens)',
};

function rawSums(db: Database.Database, from: number, group: 'project' | 'model' | null): Map<string, number[]> {
  const key = group === 'model' ? "COALESCE(served_model, requested_model, '')" : group ?? "''";
  const sql = `SELECT ${key} AS g, ${ROLLUP_MEASURES.map((m) => `${RAW_MEASURES[m]} AS ${m}`).join(', ')}, MAX(started_at) AS last
    FROM requests WHERE started_at >= ? GROUP BY 1`;
  const out = new Map<string, number[]>();
  for (const row of db.prepare(sql).all([from]) as Array<Record<string, number | string>>) {
    out.set(String(row.g), [...ROLLUP_MEASURES.map((m) => Number(row[m])), Number(row.last)]);
  }
  return out;
}

function exactPercentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

const MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'mystery-model', 'claude-opus-4-8'];

/** [from, now and on): what the named ranges read. */
const since = (from: number) => ({ from, to: Number.MAX_SAFE_INTEGER });

function check(file: string, now: number, froms: number[]): void {
  const db = new Database(file, { readonly: true });
  try {
    for (const from of froms) {
      for (const group of [null, 'project', 'model'] as const) {
        const raw = rawSums(db, from, group);
        const rolled = sumsBy(db, since(from), now, group);
        const rolledPlain = new Map([...rolled].map(([k, s]) => [k, [...s.sums, s.lastSeen ?? 0]]));
        if (group === null && raw.size === 0) continue;
        assert.deepEqual(rolledPlain, raw, `from ${from} by ${group ?? 'nothing'}`);
      }
      // Busters judged as rows arrived (out of order, in batches) equal a window over the raw rows.
      const grouped = (parts: BusterPart[], key: (b: BusterPart) => string) => {
        const out = new Map<string, [number, number]>();
        for (const b of parts) {
          const [w, t] = out.get(key(b)) ?? [0, 0];
          out.set(key(b), [w + b.writes, t + b.tokens]);
        }
        return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
      };
      const judged = promptCacheParts(db, since(from), now);
      const raw = busterParts(db, since(from), now, null);
      const byProject = (b: BusterPart) => `${b.project} ${b.model}`;
      const byDay = (b: BusterPart) => `${b.model} ${b.day}`;
      assert.ok(judged.busters.length > 0 || from > now - DAY, `busters found from ${from}`);
      assert.deepEqual(grouped(judged.busters, byProject), grouped(raw, byProject), `busters from ${from}`);
      assert.deepEqual(grouped(judged.dayBusters, byDay), grouped(raw, byDay), `busters by day from ${from}`);
      // Statuses and the models' latency (schema v5) against the raw rows too.
      const statuses = db.prepare('SELECT status, COUNT(*) AS count FROM requests WHERE started_at >= ? GROUP BY status')
        .all([from]) as Array<{ status: number; count: number }>;
      assert.deepEqual(
        new Map(statusCounts(db, since(from), now).map((c) => [c.status, c.count])),
        new Map(statuses.map((r) => [Number(r.status), Number(r.count)])), `statuses from ${from}`,
      );
      for (const m of queryModels(db, since(from), now)) {
        const values = (db.prepare(`SELECT latency_ms AS v FROM requests WHERE started_at >= ? AND ${ANSWERED}
          AND COALESCE(served_model, requested_model, '') = ? ORDER BY 1`).all([from, m.model]) as Array<{ v: number }>)
          .map((r) => Number(r.v));
        const exact = exactPercentile(values, 0.95);
        if (exact === null || exact === 0) assert.equal(m.latencyMs.p95, exact, `${m.model} p95`);
        else assert.ok(Math.abs(m.latencyMs.p95! / exact - 1) <= RELATIVE_ERROR + 1e-12, `${m.model} p95 ${m.latencyMs.p95} vs ${exact}`);
        const avg = values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
        assert.equal(m.latencyMs.avg === null ? null : Math.round(m.latencyMs.avg * 1e6), avg === null ? null : Math.round(avg * 1e6));
      }
      const hit = "cache IN ('hit', 'coalesced')";
      for (const [metric, column, only] of [
        [0, 'latency_ms', `NOT ${hit}`], [1, 'ttfb_ms', '1'], [2, 'latency_ms', hit],
      ] as const) {
        const values = (db.prepare(`SELECT ${column} AS v FROM requests WHERE started_at >= ? AND ${column} IS NOT NULL
          AND ${only} ORDER BY 1`).all([from]) as Array<{ v: number }>).map((r) => Number(r.v));
        const got = percentilesSince(db, since(from), now, metric);
        for (const [q, estimate] of [[0.5, got.p50], [0.95, got.p95]] as const) {
          const exact = exactPercentile(values, q);
          if (exact === null) assert.equal(estimate, null);
          else if (exact === 0) assert.equal(estimate, 0);
          else assert.ok(Math.abs(estimate! / exact - 1) <= RELATIVE_ERROR + 1e-12, `p${q * 100} ${estimate} vs ${exact}`);
        }
      }
    }
  } finally {
    db.close();
  }
}

function fill(file: string, now: number, spanMs: number, rows: number, seed: number): void {
  const rnd = seeded(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const { store } = openTestStore(file, { retentionDays: 365 }, new ManualClock(now));
  // Batches of records out of time order, many right on minute, hour and day edges.
  for (let i = 0; i < rows; i++) {
    const edge = [60_000, 3_600_000, DAY][int(3)]!;
    const t = rnd() < 0.4 ? Math.floor((now - int(spanMs)) / edge) * edge - int(2) : now - int(spanMs);
    const model = MODELS[int(MODELS.length)]!;
    store.record(makeRecord({
      startedAt: t, project: `p${int(5)}`, servedModel: rnd() < 0.1 ? null : model, requestedModel: rnd() < 0.1 ? null : model,
      cache: (['miss', 'hit', 'bypass', 'coalesced'] as const)[int(4)], status: rnd() < 0.1 ? 529 : 200,
      inputTokens: int(3000), outputTokens: int(3000), cacheCreationTokens: int(500), cacheReadTokens: int(9000),
      cacheWrite5mTokens: rnd() < 0.5 ? int(300) : null, cacheWrite1hTokens: rnd() < 0.5 ? int(300) : null,
      latencyMs: rnd() < 0.05 ? 0 : 1 + int(60_000), ttfbMs: rnd() < 0.2 ? null : int(5000),
      billing: rnd() < 0.3 ? 'subscription' : 'payg', sessionId: `s${int(20)}`, gitBranch: rnd() < 0.5 ? 'main' : null,
    }));
    if (int(50) === 0) store.flush();
  }
  store.close();
}

function rangeFroms(now: number, rnd: () => number): number[] {
  const ranges: SummaryRange[] = ['today', '7d', '30d', 'all'];
  return [
    ...ranges.map((r) => summaryStart(r, now)),
    ...Array.from({ length: 4 }, () => now - Math.floor(rnd() * 40 * DAY)),
  ];
}

describe('roll-ups equal the raw aggregation', () => {
  for (const [zone, now] of [
    ['UTC', Date.UTC(2026, 5, 10, 13, 47, 12, 345)],
    // The day after clocks went forward in New York, and one with a half-hour offset.
    ['America/New_York', Date.UTC(2026, 2, 9, 4, 30, 0, 1)],
    ['Asia/Kolkata', Date.UTC(2026, 10, 3, 20, 12, 5, 9)],
  ] as const) {
    test(`random rows out of order, over bucket edges (${zone})`, () => {
      const saved = process.env.TZ;
      process.env.TZ = zone;
      try {
        const file = join(tmp.dir, `${zone.replace('/', '-')}.db`);
        fill(file, now, 40 * DAY, 1500, zone.length);
        check(file, now, rangeFroms(now, seeded(now % 1000)));
      } finally {
        process.env.TZ = saved;
      }
    });
  }

  test('session roll-ups add up to the same totals', () => {
    const file = join(tmp.dir, 'UTC.db');
    const db = new Database(file, { readonly: true });
    const sessions = db.prepare('SELECT TOTAL(requests) AS r, TOTAL(cost_nanos) AS c FROM session_rollup').get() as { r: number; c: number };
    const raw = db.prepare('SELECT COUNT(*) AS r, TOTAL(CAST(ROUND(cost_usd * 1e9) AS INTEGER)) AS c FROM requests').get() as { r: number; c: number };
    db.close();
    assert.deepEqual([sessions.r, sessions.c], [raw.r, raw.c]);
  });
});
