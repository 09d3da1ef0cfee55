import type { ChartData, ChartExtras, LatencyPoint, StatusCount } from '../../../shared/api.js';
import { addToHistogram, binOf, histogramPercentile, type Histogram } from './histogram.js';
import { latestTimings, sumsBy, onlyRolledUp, rawSumsBy, rollupTerms, sampleOf, type Timing } from './match-sums.js';
import { chartSpan, modelTokens } from './charts.js';
import { bucketStarts } from './ranges.js';
import { readableSpan } from './rollup-read.js';
import { MEASURE_INDEX } from './rollup.js';
import { resolutionFor, ROLLUP_MEASURES } from './rollup-schema.js';
import type { RequestMatch } from './request-list.js';
import type { Db } from './schema.js';
import type { Window } from './window.js';

/** Measure sums (ROLLUP_MEASURES order) per chart bucket. */
type BucketSums = Map<number, number[]>;

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;

function addAt(into: BucketSums, t: number, sums: readonly number[]): void {
  const at = into.get(t);
  if (!at) into.set(t, [...sums]);
  else for (let i = 0; i < sums.length; i++) at[i] = at[i]! + sums[i]!;
}

/** Per-bucket sums from `rollup` narrowed by project, model and outcome (minute buckets cover the newest minute too). */
function rolledUpBuckets(db: Db, from: number, last: number, bucketMs: number, match: RequestMatch): BucketSums {
  const { table, sql: terms, args } = rollupTerms(match);
  const select = ROLLUP_MEASURES.map((m) => `SUM(${m}) AS ${m}`).join(', ');
  const rows = db.prepare(`SELECT (bucket / ${bucketMs}) * ${bucketMs} AS t, ${select} FROM ${table}
      WHERE res = ? AND bucket >= ? AND bucket <= ?${terms} GROUP BY 1`)
    .all([resolutionFor(bucketMs), floorTo(from, bucketMs), last, ...args]) as Array<Record<string, unknown>>;
  const out: BucketSums = new Map();
  for (const r of rows) out.set(Number(r.t), ROLLUP_MEASURES.map((m) => Number(r[m] ?? 0)));
  return out;
}

/** Sums of fine buckets added up into buckets of `bucketMs` (a multiple), from `first` on. */
function coarser(fine: BucketSums, bucketMs: number, first: number): BucketSums {
  const out: BucketSums = new Map();
  for (const [t, sums] of fine) if (t >= first) addAt(out, floorTo(t, bucketMs), sums);
  return out;
}

/** Per-bucket sums of the raw rows the filter matches (summed by SQLite, MEASURE_SQL). */
function rawBuckets(db: Db, from: number, last: number, bucketMs: number, match: RequestMatch): BucketSums {
  const out: BucketSums = new Map();
  const span = { from: floorTo(from, bucketMs), to: last + 1 };
  for (const [t, s] of rawSumsBy(db, span, match, `(started_at / ${bucketMs}) * ${bucketMs}`)) out.set(Number(t), s.sums);
  return out;
}

/** Latency, time to first byte and statuses: no roll-up keeps them by project, session or status. */
function latencySeries(rows: readonly Timing[], from: number, last: number, bucketMs: number) {
  const first = floorTo(from, bucketMs);
  const upstream = new Map<number, Histogram>();
  const hits = new Map<number, Histogram>();
  const ttfb = new Map<number, Histogram>();
  const add = (by: Map<number, Histogram>, t: number, value: number) => {
    let h = by.get(t);
    if (!h) {
      h = new Map();
      by.set(t, h);
    }
    addToHistogram(h, binOf(value), 1);
  };
  for (const r of rows) {
    const t = floorTo(r.startedAt, bucketMs);
    // The roll-ups' rules (rollup.ts): cache answers have a latency line of their own, transcripts none.
    if (t < first || r.transcript) continue;
    add(r.fromCache ? hits : upstream, t, r.latencyMs);
    if (r.ttfbMs !== null) add(ttfb, t, r.ttfbMs);
  }
  const p = (h: Histogram | undefined, q: number) => (h ? histogramPercentile(h, q) : null);
  const starts = bucketStarts(from, last, bucketMs);
  return {
    latencyPerMinute: starts.map((t): LatencyPoint => ({
      t, p50: p(upstream.get(t), 0.5), p95: p(upstream.get(t), 0.95), hitP50: p(hits.get(t), 0.5),
    })),
    ttfbPerBucket: starts.map((t) => ({ t, p50: p(ttfb.get(t), 0.5), p95: p(ttfb.get(t), 0.95) })),
  };
}

function statusCounts(rows: readonly Timing[], from: number): StatusCount[] {
  const counts = new Map<number, number>();
  for (const r of rows) if (r.startedAt >= from) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].map(([status, count]) => ({ status, count }))
    .sort((a, b) => b.count - a.count || a.status - b.status);
}

const m = MEASURE_INDEX;

/**
 * The charts of the requests a filter matches. Requests, cost and tokens come from the `rollup`
 * table when the filter is of project, model and cache outcome only, else from every matching raw
 * row of the chart's window (raw rows are kept 90 days: an older custom window has none). Latency,
 * time to first byte and status codes come from the latest matching raw rows (TIMING_SAMPLE at
 * most, newest first through the filter's own index; the answer says when they are a sample).
 */
export function queryFilteredCharts(db: Db, w: Window, now: number, match: RequestMatch): ChartData & ChartExtras {
  const { from, to, last, buckets: b } = chartSpan(w, now);
  const rawFrom = Math.min(floorTo(from, b.requestsMs), floorTo(from, b.latencyMs), floorTo(from, b.costMs));
  // Up to `last` included, as the roll-ups' buckets are read (a running window draws now's minute).
  const rawSpan = { from: rawFrom, to: last + 1 };
  const rolledUp = onlyRolledUp(match);
  // Raw rows are summed once, by the finest bucket drawn; coarser buckets that it divides add those up.
  const fine = Math.min(b.requestsMs, b.costMs);
  let fineSums: BucketSums | undefined;
  const rawAt = (bucketMs: number): BucketSums => {
    if (bucketMs % fine !== 0) return rawBuckets(db, from, last, bucketMs, match);
    fineSums ??= rawBuckets(db, rawFrom, last, fine, match);
    return coarser(fineSums, bucketMs, floorTo(from, bucketMs));
  };
  const memo = new Map<number, BucketSums>();
  const sumsAt = (bucketMs: number): BucketSums => {
    let sums = memo.get(bucketMs);
    if (!sums) {
      sums = rolledUp ? rolledUpBuckets(db, from, last, bucketMs, match) : rawAt(bucketMs);
      memo.set(bucketMs, sums);
    }
    return sums;
  };
  const dense = <P>(bucketMs: number, point: (t: number, s: readonly number[] | undefined) => P): P[] => {
    const sums = sumsAt(bucketMs);
    return bucketStarts(from, last, bucketMs).map((t) => point(t, sums.get(t)));
  };
  const v = (s: readonly number[] | undefined, i: number) => s?.[i] ?? 0;
  const timed = latestTimings(db, rawSpan, match);
  const latency = latencySeries(timed.timings, from, last, b.latencyMs);
  const sample = sampleOf(timed);
  return {
    range: w.range === 'custom' ? 'custom' : (w.range as ChartData['range']),
    from,
    to,
    bucketSeconds: { requests: b.requestsMs / 1000, latency: b.latencyMs / 1000, cost: b.costMs / 1000 },
    requestsPerMinute: dense(b.requestsMs, (t, s) => ({
      t, hits: v(s, m.hits), misses: v(s, m.misses), errors: v(s, m.errors),
      // A failed request is counted once, as an error (rollup.ts).
      bypassed: v(s, m.requests) - v(s, m.hits) - v(s, m.misses) - v(s, m.errors),
    })),
    costPerHour: dense(b.costMs, (t, s) => ({ t, costUsd: v(s, m.cost_nanos) / 1e9, savedUsd: v(s, m.saved_nanos) / 1e9 })),
    latencyPerMinute: latency.latencyPerMinute,
    tokensByModel: modelTokens(sumsBy(db, readableSpan({ from, to: w.to }, now), now, 'model', match)),
    tokensPerBucket: dense(b.costMs, (t, s) => ({
      t, input: v(s, m.input_tokens), output: v(s, m.output_tokens), cacheRead: v(s, m.cache_read_tokens),
      cacheWrite: v(s, m.cache_creation_tokens),
    })),
    ttfbPerBucket: latency.ttfbPerBucket,
    statusCodes: statusCounts(timed.timings, from),
    ...(sample ? { timingSample: sample } : {}),
  };
}
