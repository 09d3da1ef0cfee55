// Filtered charts (the dashboard's drill-down) against the raw rows they count: every request,
// cost and token figure equal, per bucket; and a filter matching everything draws what the
// unfiltered roll-ups draw.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'libsql';
import { queryChartExtras } from '../../main/daemon/usage/chart-extras.js';
import { queryCharts } from '../../main/daemon/usage/charts.js';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import { queryFilteredCharts } from '../../main/daemon/usage/filtered-charts.js';
import { latestTimings } from '../../main/daemon/usage/match-sums.js';
import { queryProjects } from '../../main/daemon/usage/projects.js';
import { CHART_RANGES, summaryStart } from '../../main/daemon/usage/ranges.js';
import type { RequestMatch } from '../../main/daemon/usage/request-list.js';
import { FAILED_SQL } from '../../main/daemon/usage/totals.js';
import { rangeWindow, type Window } from '../../main/daemon/usage/window.js';
import { DAY, makeRecord, openTestStore, tempDir } from './usage-fixtures.js';
import { seeded } from './usage-v2-fixture.js';

const tmp = tempDir('cco-filtered-charts-');
after(() => tmp.remove());

const NOW = Date.UTC(2026, 5, 10, 13, 47, 12, 345);
const MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'mystery-model'];

function fill(file: string): void {
  const rnd = seeded(7);
  const int = (n: number) => Math.floor(rnd() * n);
  const { store } = openTestStore(file, { retentionDays: 365 }, new ManualClock(NOW));
  // Dense in the last hour (the 1h chart), then spread over 35 days, many on bucket edges.
  for (let i = 0; i < 2000; i++) {
    const span = i % 3 === 0 ? 3_600_000 : 35 * DAY;
    const edge = [60_000, 3_600_000, DAY][int(3)]!;
    const t = rnd() < 0.3 ? Math.floor((NOW - int(span)) / edge) * edge - int(2) : NOW - int(span);
    const model = MODELS[int(MODELS.length)]!;
    store.record(makeRecord({
      startedAt: t, project: `p${int(4)}`, servedModel: rnd() < 0.1 ? null : model, requestedModel: model,
      cache: (['miss', 'hit', 'bypass', 'coalesced'] as const)[int(4)], status: rnd() < 0.1 ? 529 : 200,
      inputTokens: int(3000), outputTokens: int(3000), cacheCreationTokens: int(500), cacheReadTokens: int(9000),
      latencyMs: 1 + int(60_000), ttfbMs: rnd() < 0.2 ? null : int(5000), sessionId: `s${int(10)}`,
    }));
    if (int(50) === 0) store.flush();
  }
  store.close();
}

/** The filter in SQL, written apart from the code under test. */
function where(match: RequestMatch): { sql: string; args: string[] } {
  const terms: string[] = [];
  const args: string[] = [];
  if (match.project !== undefined) terms.push('project = ?') && args.push(match.project);
  if (match.model !== undefined) terms.push("COALESCE(served_model, requested_model, '') = ?") && args.push(match.model);
  if (match.cache !== undefined) terms.push('cache = ?') && args.push(match.cache);
  if (match.session !== undefined) terms.push('COALESCE(session_id, session) = ?') && args.push(match.session);
  if (match.status?.kind === 'exact') terms.push(`status = ${match.status.status}`);
  return { sql: terms.map((t) => ` AND ${t}`).join(''), args };
}

type Row = Record<string, number>;

/** Raw sums per bucket of [from, to) (a chart of a window still running draws up to now, included). */
function rawBuckets(db: Database.Database, from: number, to: number, bucketMs: number, match: RequestMatch): Map<number, Row> {
  const w = where(match);
  const rows = db.prepare(`SELECT (started_at / ${bucketMs}) * ${bucketMs} AS t, COUNT(*) AS requests,
      TOTAL(cache IN ('hit', 'coalesced') AND NOT ${FAILED_SQL}) AS hits, TOTAL(cache = 'miss' AND NOT ${FAILED_SQL}) AS misses,
      TOTAL(${FAILED_SQL}) AS errors, TOTAL(CAST(ROUND(cost_usd * 1e9) AS INTEGER)) AS cost,
      TOTAL(input_tokens) AS input, TOTAL(output_tokens) AS output, TOTAL(cache_read_tokens) AS cache_read
    FROM requests WHERE started_at >= ? AND started_at < ?${w.sql} GROUP BY 1`)
    .all([Math.floor(from / bucketMs) * bucketMs, to, ...w.args]) as Row[];
  return new Map(rows.map((r) => [Number(r.t), r]));
}

const FILTERS: Array<[string, RequestMatch]> = [
  ['project', { project: 'p1' }],
  ['model', { model: 'claude-opus-4-1' }],
  ['project and model', { project: 'p2', model: 'mystery-model' }],
  ['cache outcome', { cache: 'hit' }],
  ['session (raw rows)', { session: 's3' }],
  ['status (raw rows)', { status: { kind: 'exact', status: 529 } }],
];

/** Every chart range, and a custom window of whole days that ended three days ago. */
const WINDOWS: Array<[string, Window]> = [
  ...CHART_RANGES.map((r): [string, Window] => [r, rangeWindow(r, NOW)]),
  ['custom', { range: 'custom', from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 5, 7) }],
];

describe('filtered charts equal the raw rows they match', () => {
  const file = join(tmp.dir, 'charts.db');
  fill(file);
  const db = new Database(file, { readonly: true });
  after(() => db.close());

  for (const [name, match] of FILTERS) {
    test(`${name}: requests, cost and tokens per bucket, and the projects table`, () => {
      for (const [range, window] of WINDOWS) {
        const got = queryFilteredCharts(db, window, NOW, match);
        const b = { requestsMs: got.bucketSeconds.requests * 1000, costMs: got.bucketSeconds.cost * 1000 };
        const to = window.to > NOW ? NOW + 1 : window.to;
        const requests = rawBuckets(db, got.from, to, b.requestsMs, match);
        let total = 0;
        for (const p of got.requestsPerMinute) {
          const r = requests.get(p.t);
          total += p.hits + p.misses + p.bypassed + p.errors;
          assert.deepEqual(
            [p.hits, p.misses, p.errors, p.hits + p.misses + p.bypassed + p.errors],
            [r?.hits ?? 0, r?.misses ?? 0, r?.errors ?? 0, r?.requests ?? 0], `${range} requests at ${p.t}`,
          );
        }
        assert.ok(total > 0, `${range}: the filter matches rows`);
        const costs = rawBuckets(db, got.from, to, b.costMs, match);
        for (const p of got.costPerHour) assert.equal(Math.round(p.costUsd * 1e9), costs.get(p.t)?.cost ?? 0, `${range} cost at ${p.t}`);
        for (const p of got.tokensPerBucket) {
          const r = costs.get(p.t);
          assert.deepEqual([p.input, p.output, p.cacheRead], [r?.input ?? 0, r?.output ?? 0, r?.cache_read ?? 0], `${range} tokens at ${p.t}`);
        }
      }
      const from = summaryStart('7d', NOW);
      const w = where(match);
      const raw = db.prepare(`SELECT project, COUNT(*) AS n, TOTAL(CAST(ROUND(cost_usd * 1e9) AS INTEGER)) AS cost
        FROM requests WHERE started_at >= ?${w.sql} GROUP BY project`).all([from, ...w.args]) as Array<Record<string, string | number>>;
      assert.deepEqual(
        new Map(queryProjects(db, rangeWindow('7d', NOW), NOW, match).map((p) => [p.project, [p.requests, Math.round(p.costUsd * 1e9)]])),
        new Map(raw.map((r) => [String(r.project), [Number(r.n), Number(r.cost)]])),
      );
    });
  }

  test('timings are of the latest matching rows, and say when they are not all of them', () => {
    const span = { from: NOW - 35 * DAY, to: NOW + 1 };
    for (const [name, match] of [...FILTERS, ['everything', {}] as [string, RequestMatch]]) {
      const w = where(match);
      // A model is the served model, else the requested one (served null in a tenth of the rows).
      const all = db.prepare(`SELECT started_at FROM requests WHERE started_at >= ? AND started_at < ?${w.sql}
        ORDER BY started_at DESC`).raw().all([span.from, span.to, ...w.args]) as Array<[number]>;
      for (const limit of [1, 25, all.length, all.length + 1]) {
        const got = latestTimings(db, span, match, limit);
        assert.deepEqual(got.timings.map((t) => t.startedAt), all.slice(0, limit).map((r) => r[0]), `${name}, ${limit}`);
        assert.equal(got.complete, limit >= all.length, `${name}, ${limit}: complete`);
      }
    }
    const sampled = queryFilteredCharts(db, rangeWindow('30d', NOW), NOW, { project: 'p1' });
    assert.equal(sampled.timingSample, undefined, 'fewer rows than the sample: every row, unmarked');
  });

  test('a filter matching every row draws what the unfiltered roll-ups draw', () => {
    for (const [range, window] of WINDOWS) {
      // Every project is named p<n>: searching "p" matches every row, read through the raw rows.
      const everything = queryFilteredCharts(db, window, NOW, { search: 'p' });
      const unfiltered = { ...queryCharts(db, window, NOW), ...queryChartExtras(db, window, NOW) };
      assert.deepEqual(everything.requestsPerMinute, unfiltered.requestsPerMinute, `${range} requests`);
      assert.deepEqual(everything.latencyPerMinute, unfiltered.latencyPerMinute, `${range} latency`);
      assert.deepEqual(everything.ttfbPerBucket, unfiltered.ttfbPerBucket, `${range} ttfb`);
      assert.deepEqual(everything.statusCodes, unfiltered.statusCodes, `${range} statuses`);
      assert.deepEqual(everything.tokensPerBucket, unfiltered.tokensPerBucket, `${range} tokens`);
    }
  });
});
