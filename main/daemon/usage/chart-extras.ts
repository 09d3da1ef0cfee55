import type { ChartExtras, StatusCount, TokenPoint, TtfbPoint } from '../../../shared/api.js';
import { chartSpan, histogramsByBucket } from './charts.js';
import { histogramPercentile } from './histogram.js';
import { bucketStarts } from './ranges.js';
import { planRange, readableSpan, type Span } from './rollup-read.js';
import { METRIC_TTFB, resolutionFor } from './rollup-schema.js';
import type { Db } from './schema.js';
import type { Window } from './window.js';

type Row = Record<string, unknown>;
const n = (v: unknown): number => Number(v ?? 0);

/** Tokens by kind per bucket, from the per-project roll-up (sums, drawn like cost). */
function tokenSeries(db: Db, from: number, last: number, bucketMs: number): TokenPoint[] {
  const rows = db
    .prepare(`SELECT (bucket / ${bucketMs}) * ${bucketMs} AS t, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
        SUM(cache_read_tokens) AS cache_read, SUM(cache_creation_tokens) AS cache_write
      FROM rollup_project WHERE res = ? AND bucket >= ? AND bucket <= ? GROUP BY 1`)
    .all([resolutionFor(bucketMs), Math.floor(from / bucketMs) * bucketMs, last]) as Row[];
  const found = new Map(rows.map((r) => [n(r.t), r]));
  return bucketStarts(from, last, bucketMs).map((t) => {
    const r = found.get(t);
    return { t, input: n(r?.input), output: n(r?.output), cacheRead: n(r?.cache_read), cacheWrite: n(r?.cache_write) };
  });
}

function ttfbSeries(db: Db, from: number, last: number, bucketMs: number): TtfbPoint[] {
  const byBucket = histogramsByBucket(db, from, last, bucketMs, METRIC_TTFB);
  return bucketStarts(from, last, bucketMs).map((t) => {
    const h = byBucket.get(t);
    return { t, p50: h ? histogramPercentile(h, 0.5) : null, p95: h ? histogramPercentile(h, 0.95) : null };
  });
}

/** Requests by HTTP status in the span: `rollup_status`, and raw rows at its edges. */
export function statusCounts(db: Db, span: Span, now: number): StatusCount[] {
  const counts = new Map<number, number>();
  for (const p of planRange(span, now)) {
    const rows = p.res === null
      // Told which index: grouping by status would otherwise walk the whole status index.
      ? db.prepare(`SELECT status, COUNT(*) AS n FROM requests INDEXED BY requests_started_at
          WHERE started_at >= ? AND started_at < ? GROUP BY status`)
        .all([p.from, p.to])
      : db.prepare('SELECT status, SUM(requests) AS n FROM rollup_status WHERE res = ? AND bucket >= ? AND bucket < ? GROUP BY status')
        .all([p.res, p.from, p.to]);
    for (const r of rows as Row[]) counts.set(n(r.status), (counts.get(n(r.status)) ?? 0) + n(r.n));
  }
  return [...counts].map(([status, count]) => ({ status, count }))
    .sort((a, b) => b.count - a.count || a.status - b.status);
}

/** Tokens over time, time to first byte, and status codes, over the chart's window. */
export function queryChartExtras(db: Db, w: Window, now: number): ChartExtras {
  const { from, last, buckets: b } = chartSpan(w, now);
  return {
    tokensPerBucket: tokenSeries(db, from, last, b.costMs),
    ttfbPerBucket: ttfbSeries(db, from, last, b.latencyMs),
    statusCodes: statusCounts(db, readableSpan({ from, to: w.to }, now), now),
  };
}
