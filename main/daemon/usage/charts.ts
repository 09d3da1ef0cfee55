import type { ChartData, CostPoint, LatencyPoint, ModelTokens, RequestPoint } from '../../../shared/api.js';
import { bucketStarts, chartBuckets, type ChartRange } from './ranges.js';
import { percentile } from './percentile.js';
import { DAY_MS } from './retention.js';
import type { Db } from './schema.js';
import { FAILED_SQL } from './totals.js';

// The wire shapes are the dashboard's contract, declared once in shared/api.ts.
export type { ChartData, CostPoint, LatencyPoint, ModelTokens, RequestPoint };

type Row = Record<string, unknown>;

const n = (v: unknown): number => Number(v ?? 0);

/** Points for every bucket of the range (zeros included), so a chart's x axis is continuous. */
function dense<P extends { t: number }>(from: number, to: number, bucketMs: number, found: Map<number, P>, zero: (t: number) => P): P[] {
  return bucketStarts(from, to, bucketMs).map((t) => found.get(t) ?? zero(t));
}

/** Rolled-up days land in the bucket holding their midnight (or the first bucket, if earlier). */
function dailyBucket(dayStart: number, from: number, bucketMs: number): number {
  return Math.floor(Math.max(dayStart, from) / bucketMs) * bucketMs;
}

function requestSeries(db: Db, from: number, to: number, bucketMs: number): RequestPoint[] {
  const found = new Map<number, RequestPoint>();
  const add = (t: number, hits: number, misses: number, bypassed: number, errors: number) => {
    const p = found.get(t) ?? { t, hits: 0, misses: 0, bypassed: 0, errors: 0 };
    found.set(t, {
      t, hits: p.hits + hits, misses: p.misses + misses, bypassed: p.bypassed + bypassed, errors: p.errors + errors,
    });
  };
  // A failed request is counted once, as an error: never as a hit, a miss or a bypass.
  const ok = `NOT ${FAILED_SQL}`;
  const raw = db.prepare(
    `SELECT (started_at / ${bucketMs}) * ${bucketMs} AS t,
            SUM(cache IN ('hit', 'coalesced') AND ${ok}) AS hits, SUM(cache = 'miss' AND ${ok}) AS misses,
            SUM(cache = 'bypass' AND ${ok}) AS bypassed, SUM(${FAILED_SQL}) AS errors
     FROM requests WHERE started_at >= :from GROUP BY 1`,
  );
  for (const r of raw.all({ from }) as Row[]) add(n(r.t), n(r.hits), n(r.misses), n(r.bypassed), n(r.errors));
  const daily = db.prepare(
    `SELECT day_start, SUM(hits) AS hits, SUM(misses) AS misses, SUM(requests - hits - misses - errors) AS bypassed,
            SUM(errors) AS errors
     FROM daily WHERE day_start + ${DAY_MS} > :from GROUP BY day_start`,
  );
  for (const r of daily.all({ from }) as Row[]) {
    add(dailyBucket(n(r.day_start), from, bucketMs), n(r.hits), n(r.misses), Math.max(0, n(r.bypassed)), n(r.errors));
  }
  return dense(from, to, bucketMs, found, (t) => ({ t, hits: 0, misses: 0, bypassed: 0, errors: 0 }));
}

function costSeries(db: Db, from: number, to: number, bucketMs: number): CostPoint[] {
  const found = new Map<number, CostPoint>();
  const add = (t: number, costUsd: number, savedUsd: number) => {
    const p = found.get(t) ?? { t, costUsd: 0, savedUsd: 0 };
    found.set(t, { t, costUsd: p.costUsd + costUsd, savedUsd: p.savedUsd + savedUsd });
  };
  const raw = db.prepare(
    `SELECT (started_at / ${bucketMs}) * ${bucketMs} AS t, TOTAL(cost_usd) AS cost, TOTAL(saved_usd) AS saved
     FROM requests WHERE started_at >= :from GROUP BY 1`,
  );
  for (const r of raw.all({ from }) as Row[]) add(n(r.t), n(r.cost), n(r.saved));
  const daily = db.prepare(
    `SELECT day_start, TOTAL(cost_usd) AS cost, TOTAL(saved_usd) AS saved
     FROM daily WHERE day_start + ${DAY_MS} > :from GROUP BY day_start`,
  );
  for (const r of daily.all({ from }) as Row[]) add(dailyBucket(n(r.day_start), from, bucketMs), n(r.cost), n(r.saved));
  return dense(from, to, bucketMs, found, (t) => ({ t, costUsd: 0, savedUsd: 0 }));
}

/**
 * Streams rows sorted by bucket then latency, so only one bucket's latencies are held at a time.
 * Answers from the cache take a millisecond; they get their own percentile, so they do not drag
 * the upstream calls' p50 down.
 */
function latencySeries(db: Db, from: number, to: number, bucketMs: number): LatencyPoint[] {
  const found = new Map<number, LatencyPoint>();
  let current: number | null = null;
  let upstream: number[] = [];
  let cached: number[] = [];
  const close = () => {
    if (current === null) return;
    found.set(current, {
      t: current,
      p50: percentile(upstream, 0.5),
      p95: percentile(upstream, 0.95),
      hitP50: percentile(cached, 0.5),
    });
  };
  const rows = db
    .prepare(
      `SELECT (started_at / ${bucketMs}) * ${bucketMs} AS t, latency_ms,
              cache IN ('hit', 'coalesced') AS from_cache
       FROM requests WHERE started_at >= :from ORDER BY 1, 2`,
    )
    .iterate({ from }) as Iterable<Row>;
  for (const r of rows) {
    const t = n(r.t);
    if (t !== current) {
      close();
      current = t;
      upstream = [];
      cached = [];
    }
    (n(r.from_cache) === 1 ? cached : upstream).push(n(r.latency_ms));
  }
  close();
  return dense(from, to, bucketMs, found, (t) => ({ t, p50: null, p95: null, hitP50: null }));
}

function tokensByModel(db: Db, from: number): ModelTokens[] {
  const byModel = new Map<string, ModelTokens>();
  const sums = `TOTAL(input_tokens) AS input, TOTAL(output_tokens) AS output,
    TOTAL(cache_creation_tokens) AS cache_creation, TOTAL(cache_read_tokens) AS cache_read, TOTAL(cost_usd) AS cost`;
  const rows = [
    ...(db.prepare(`SELECT COALESCE(served_model, requested_model, '') AS model, ${sums}
        FROM requests WHERE started_at >= :from GROUP BY 1`).all({ from }) as Row[]),
    ...(db.prepare(`SELECT model, ${sums} FROM daily WHERE day_start + ${DAY_MS} > :from GROUP BY 1`).all({ from }) as Row[]),
  ];
  for (const r of rows) {
    const model = String(r.model ?? '') || 'unknown';
    const p = byModel.get(model) ?? { model, input: 0, output: 0, cacheCreation: 0, cacheRead: 0, costUsd: 0 };
    byModel.set(model, {
      model,
      input: p.input + n(r.input),
      output: p.output + n(r.output),
      cacheCreation: p.cacheCreation + n(r.cache_creation),
      cacheRead: p.cacheRead + n(r.cache_read),
      costUsd: p.costUsd + n(r.cost),
    });
  }
  return [...byModel.values()].sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model));
}

export function queryCharts(db: Db, range: ChartRange, now: number): ChartData {
  const b = chartBuckets(range);
  const from = now - b.rangeMs;
  return {
    range,
    from,
    to: now,
    bucketSeconds: { requests: b.requestsMs / 1000, latency: b.latencyMs / 1000, cost: b.costMs / 1000 },
    requestsPerMinute: requestSeries(db, from, now, b.requestsMs),
    costPerHour: costSeries(db, from, now, b.costMs),
    latencyPerMinute: latencySeries(db, from, now, b.latencyMs),
    tokensByModel: tokensByModel(db, from),
  };
}
