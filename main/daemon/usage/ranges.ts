const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// 1h and 24h are the dashboard's chart ranges, so its cards and projects follow the picked range.
export const SUMMARY_RANGES = ['1h', '24h', 'today', '7d', '30d', 'all'] as const;
export type SummaryRange = (typeof SUMMARY_RANGES)[number];

export const CHART_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type ChartRange = (typeof CHART_RANGES)[number];

export function isSummaryRange(value: string): value is SummaryRange {
  return (SUMMARY_RANGES as readonly string[]).includes(value);
}

export function isChartRange(value: string): value is ChartRange {
  return (CHART_RANGES as readonly string[]).includes(value);
}

/**
 * Start (epoch ms, inclusive) of a summary range. `today` starts at local midnight (what a user
 * means by today); the others are rolling windows ending now.
 */
export function summaryStart(range: SummaryRange, now: number): number {
  switch (range) {
    case '1h': return now - HOUR;
    case '24h': return now - DAY;
    case 'today': return new Date(now).setHours(0, 0, 0, 0);
    case '7d': return now - 7 * DAY;
    case '30d': return now - 30 * DAY;
    case 'all': return Number.MIN_SAFE_INTEGER;
  }
}

export interface ChartBuckets {
  rangeMs: number;
  /** Bucket sizes of the request-count, latency and cost series. */
  requestsMs: number;
  latencyMs: number;
  costMs: number;
}

// A few hundred points at most per series: enough for a chart, small enough to send every poll.
// Latency points are read from histograms (tens of bins a bucket), so long spans take hour and day
// buckets: a 5-minute latency point over 24 hours would read 1440 minutes of bins.
const MAX_POINTS = 300;
const BUCKET_LADDER = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 4 * HOUR, DAY, 7 * DAY];

/** The finest bucket of the ladder that draws `spanMs` in at most MAX_POINTS points, no finer than `floorMs`. */
function bucketFor(spanMs: number, floorMs: number): number {
  const fits = BUCKET_LADDER.find((b) => b >= floorMs && spanMs / b <= MAX_POINTS);
  return fits ?? BUCKET_LADDER[BUCKET_LADDER.length - 1]!;
}

/**
 * Bucket sizes for a chart of `spanMs`. `floorMs` is the finest roll-up still kept at the span's
 * start (minutes are kept 2 days, hours 32): a finer bucket would find its roll-ups pruned. The
 * named ranges come out as they always were: 1h by the minute, 24h by 5 minutes (latency and cost
 * by the hour), 7d by the hour, 30d by 4 hours (latency and cost by the day).
 */
export function bucketsForSpan(spanMs: number, floorMs = MINUTE): ChartBuckets {
  const requestsMs = bucketFor(spanMs, floorMs);
  const histogramFloor = spanMs > 10 * DAY ? DAY : spanMs > 2 * HOUR ? HOUR : MINUTE;
  const costFloor = spanMs > 10 * DAY ? DAY : spanMs > 2 * HOUR ? HOUR : 5 * MINUTE;
  return {
    rangeMs: spanMs,
    requestsMs,
    latencyMs: bucketFor(spanMs, Math.max(floorMs, histogramFloor)),
    costMs: bucketFor(spanMs, Math.max(floorMs, costFloor)),
  };
}

const RANGE_SPANS: Record<ChartRange, number> = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };

export function chartBuckets(range: ChartRange): ChartBuckets {
  return bucketsForSpan(RANGE_SPANS[range]);
}

/** Bucket starts (UTC-aligned) covering [from, to]. */
export function bucketStarts(from: number, to: number, bucketMs: number): number[] {
  const starts: number[] = [];
  for (let t = Math.floor(from / bucketMs) * bucketMs; t <= to; t += bucketMs) starts.push(t);
  return starts;
}
