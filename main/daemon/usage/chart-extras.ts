import type { ChartExtras, StatusCount, TokenPoint, TtfbPoint } from '../../../shared/api.js';
import { histogramsByBucket } from './charts.js';
import { histogramPercentile } from './histogram.js';
import { bucketStarts, chartBuckets, type ChartRange } from './ranges.js';
import { DAY_MS, HOUR_MS, METRIC_TTFB, MINUTE_MS } from './rollup-schema.js';
import type { Db } from './schema.js';

type Row = Record<string, unknown>;
const n = (v: unknown): number => Number(v ?? 0);

function sourceRes(bucketMs: number): number {
  if (bucketMs % DAY_MS === 0) return DAY_MS;
  if (bucketMs % HOUR_MS === 0) return HOUR_MS;
  return MINUTE_MS;
}

/** Tokens by kind per bucket, from the per-project roll-up (sums, drawn like cost). */
function tokenSeries(db: Db, from: number, to: number, bucketMs: number): TokenPoint[] {
  const rows = db
    .prepare(`SELECT (bucket / ${bucketMs}) * ${bucketMs} AS t, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
        SUM(cache_read_tokens) AS cache_read, SUM(cache_creation_tokens) AS cache_write
      FROM rollup_project WHERE res = ? AND bucket >= ? GROUP BY 1`)
    .all([sourceRes(bucketMs), Math.floor(from / bucketMs) * bucketMs]) as Row[];
  const found = new Map(rows.map((r) => [n(r.t), r]));
  return bucketStarts(from, to, bucketMs).map((t) => {
    const r = found.get(t);
    return { t, input: n(r?.input), output: n(r?.output), cacheRead: n(r?.cache_read), cacheWrite: n(r?.cache_write) };
  });
}

function ttfbSeries(db: Db, from: number, to: number, bucketMs: number): TtfbPoint[] {
  const byBucket = histogramsByBucket(db, from, bucketMs, METRIC_TTFB);
  return bucketStarts(from, to, bucketMs).map((t) => {
    const h = byBucket.get(t);
    return { t, p50: h ? histogramPercentile(h, 0.5) : null, p95: h ? histogramPercentile(h, 0.95) : null };
  });
}

/** Status codes are not a roll-up dimension: counted from the stored rows of the range. */
function statusCounts(db: Db, from: number): StatusCount[] {
  const rows = db
    .prepare('SELECT status, COUNT(*) AS count FROM requests WHERE started_at >= ? GROUP BY status')
    .all([from]) as Row[];
  return rows.map((r) => ({ status: n(r.status), count: n(r.count) }))
    .sort((a, b) => b.count - a.count || a.status - b.status);
}

/** Tokens over time, time to first byte, and status codes, over the chart range ending `now`. */
export function queryChartExtras(db: Db, range: ChartRange, now: number): ChartExtras {
  const b = chartBuckets(range);
  const from = now - b.rangeMs;
  return {
    tokensPerBucket: tokenSeries(db, from, now, b.costMs),
    ttfbPerBucket: ttfbSeries(db, from, now, b.latencyMs),
    statusCodes: statusCounts(db, from),
  };
}
