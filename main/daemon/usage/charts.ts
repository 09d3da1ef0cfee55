import type { ChartData, CostPoint, LatencyPoint, ModelTokens, RequestPoint } from '../../../shared/api.js';
import { addToHistogram, histogramPercentile, type Histogram } from './histogram.js';
import { bucketStarts, bucketsForSpan, type ChartBuckets } from './ranges.js';
import { sumsBy } from './match-sums.js';
import { keptFrom, readableSpan, type Span, type Sums } from './rollup-read.js';
import { DAY_MS, HOUR_MS, METRIC_HIT_LATENCY, METRIC_LATENCY, MINUTE_MS, resolutionFor } from './rollup-schema.js';
import type { Db } from './schema.js';
import { totalsFromSums } from './totals.js';
import type { Window } from './window.js';

// The wire shapes are the dashboard's contract, declared once in shared/api.ts.
export type { ChartData, CostPoint, LatencyPoint, ModelTokens, RequestPoint };

type Row = Record<string, unknown>;

const n = (v: unknown): number => Number(v ?? 0);

/** Points for every bucket of the range (zeros included), so a chart's x axis is continuous. */
function dense<P extends { t: number }>(from: number, last: number, bucketMs: number, found: Map<number, P>, zero: (t: number) => P): P[] {
  return bucketStarts(from, last, bucketMs).map((t) => found.get(t) ?? zero(t));
}

function grouped(db: Db, from: number, last: number, bucketMs: number, select: string): Row[] {
  const res = resolutionFor(bucketMs);
  return db
    .prepare(`SELECT (bucket / ${bucketMs}) * ${bucketMs} AS t, ${select} FROM rollup_project
      WHERE res = ? AND bucket >= ? AND bucket <= ? GROUP BY 1`)
    .all([res, Math.floor(from / bucketMs) * bucketMs, last]) as Row[];
}

/**
 * The span a chart draws (a window's end no later than now) and its bucket sizes: by its length,
 * and never finer than the roll-ups kept at its start (rollup-read.ts). `last` is the last moment
 * drawn: now, or the last millisecond before a custom window's end (no bucket starts at the end).
 */
export function chartSpan(w: Window, now: number): Span & { last: number; buckets: ChartBuckets } {
  const to = Math.min(w.to, now);
  const floor = w.from < keptFrom(HOUR_MS, now) ? DAY_MS : w.from < keptFrom(MINUTE_MS, now) ? HOUR_MS : MINUTE_MS;
  return { from: w.from, to, last: w.to > now ? now : w.to - 1, buckets: bucketsForSpan(to - w.from, floor) };
}

function requestSeries(db: Db, from: number, last: number, bucketMs: number): RequestPoint[] {
  const found = new Map<number, RequestPoint>();
  // A failed request is counted once, as an error: never as a hit, a miss or a bypass (rollup.ts).
  const sums = 'SUM(hits) AS hits, SUM(misses) AS misses, SUM(requests - hits - misses - errors) AS bypassed, SUM(errors) AS errors';
  const rows = grouped(db, from, last, bucketMs, sums);
  for (const r of rows) {
    found.set(n(r.t), { t: n(r.t), hits: n(r.hits), misses: n(r.misses), bypassed: n(r.bypassed), errors: n(r.errors) });
  }
  return dense(from, last, bucketMs, found, (t) => ({ t, hits: 0, misses: 0, bypassed: 0, errors: 0 }));
}

function costSeries(db: Db, from: number, last: number, bucketMs: number): CostPoint[] {
  const found = new Map<number, CostPoint>();
  for (const r of grouped(db, from, last, bucketMs, 'SUM(cost_nanos) AS cost, SUM(saved_nanos) AS saved')) {
    found.set(n(r.t), { t: n(r.t), costUsd: n(r.cost) / 1e9, savedUsd: n(r.saved) / 1e9 });
  }
  return dense(from, last, bucketMs, found, (t) => ({ t, costUsd: 0, savedUsd: 0 }));
}

/** One histogram per bucket of the chart, of one metric: buckets from `from`'s up to the one holding `last`. */
export function histogramsByBucket(db: Db, from: number, last: number, bucketMs: number, metric: number): Map<number, Histogram> {
  const byBucket = new Map<number, Histogram>();
  const rows = db
    .prepare(`SELECT (bucket / ${bucketMs}) * ${bucketMs} AS t, bin, SUM(count) AS c FROM rollup_hist
      WHERE res = ? AND metric = ? AND bucket >= ? AND bucket <= ? GROUP BY 1, 2`)
    .all([resolutionFor(bucketMs), metric, Math.floor(from / bucketMs) * bucketMs, last]) as Row[];
  for (const r of rows) {
    const t = n(r.t);
    let h = byBucket.get(t);
    if (!h) {
      h = new Map();
      byBucket.set(t, h);
    }
    addToHistogram(h, n(r.bin), n(r.c));
  }
  return byBucket;
}

/** Upstream calls' p50 and p95, and the cache hits' p50 on a line of its own. */
function latencySeries(db: Db, from: number, last: number, bucketMs: number): LatencyPoint[] {
  const upstream = histogramsByBucket(db, from, last, bucketMs, METRIC_LATENCY);
  const hits = histogramsByBucket(db, from, last, bucketMs, METRIC_HIT_LATENCY);
  const found = new Map<number, LatencyPoint>();
  for (const t of new Set([...upstream.keys(), ...hits.keys()])) {
    const u = upstream.get(t);
    const h = hits.get(t);
    found.set(t, {
      t,
      p50: u ? histogramPercentile(u, 0.5) : null,
      p95: u ? histogramPercentile(u, 0.95) : null,
      hitP50: h ? histogramPercentile(h, 0.5) : null,
    });
  }
  return dense(from, last, bucketMs, found, (t) => ({ t, p50: null, p95: null, hitP50: null }));
}

/** Tokens and cost by model from sums grouped by model, the most expensive first. */
export function modelTokens(byModel: Map<string, Sums>): ModelTokens[] {
  return [...byModel]
    .map(([model, s]) => {
      const t = totalsFromSums(s);
      return {
        model: model || 'unknown', input: t.inputTokens, output: t.outputTokens, cacheCreation: t.cacheCreationTokens,
        cacheRead: t.cacheReadTokens, costUsd: t.costUsd,
      };
    })
    .sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model));
}

export function queryCharts(db: Db, w: Window, now: number): ChartData {
  const { from, to, last, buckets: b } = chartSpan(w, now);
  return {
    range: w.range === 'custom' ? 'custom' : (w.range as ChartData['range']),
    from,
    to,
    bucketSeconds: { requests: b.requestsMs / 1000, latency: b.latencyMs / 1000, cost: b.costMs / 1000 },
    requestsPerMinute: requestSeries(db, from, last, b.requestsMs),
    costPerHour: costSeries(db, from, last, b.costMs),
    latencyPerMinute: latencySeries(db, from, last, b.latencyMs),
    tokensByModel: modelTokens(sumsBy(db, readableSpan({ from, to: w.to }, now), now, 'model')),
  };
}
