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
// Latency points are read from histograms (tens of bins a bucket), so the long ranges take hour
// and day buckets: a 5-minute latency point over 24 hours would read 1440 minutes of bins.
const CHART_BUCKETS: Record<ChartRange, ChartBuckets> = {
  '1h': { rangeMs: HOUR, requestsMs: MINUTE, latencyMs: MINUTE, costMs: 5 * MINUTE },
  '24h': { rangeMs: DAY, requestsMs: 5 * MINUTE, latencyMs: HOUR, costMs: HOUR },
  '7d': { rangeMs: 7 * DAY, requestsMs: HOUR, latencyMs: HOUR, costMs: HOUR },
  '30d': { rangeMs: 30 * DAY, requestsMs: 4 * HOUR, latencyMs: DAY, costMs: DAY },
};

export function chartBuckets(range: ChartRange): ChartBuckets {
  return CHART_BUCKETS[range];
}

/** Bucket starts (UTC-aligned) covering [from, to]. */
export function bucketStarts(from: number, to: number, bucketMs: number): number[] {
  const starts: number[] = [];
  for (let t = Math.floor(from / bucketMs) * bucketMs; t <= to; t += bucketMs) starts.push(t);
  return starts;
}
