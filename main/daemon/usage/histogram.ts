/**
 * Fixed logarithmic buckets for latency-like values (ms), mergeable by adding counts.
 * Bucket i > 0 holds [GAMMA^(i-1), GAMMA^i); bucket 0 holds values below 1 (0 ms).
 * A percentile is reported as 2·GAMMA^i/(GAMMA+1), whose relative error against any value in
 * the bucket is at most (GAMMA-1)/(GAMMA+1) = 1.96 % (the bound the README states).
 */
export const GAMMA = 1.04;
const LOG_GAMMA = Math.log(GAMMA);
export const RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1);

export function binOf(value: number): number {
  if (!(value >= 1)) return 0;
  return Math.floor(Math.log(value) / LOG_GAMMA) + 1;
}

export function estimateOf(bin: number): number {
  if (bin <= 0) return 0;
  return (2 * GAMMA ** bin) / (GAMMA + 1);
}

/** bin -> count */
export type Histogram = Map<number, number>;

export function addToHistogram(h: Histogram, bin: number, count: number): void {
  h.set(bin, (h.get(bin) ?? 0) + count);
}

/** Nearest-rank percentile (the rule the raw rows used), estimated from the buckets. */
export function histogramPercentile(h: Histogram, q: number): number | null {
  let total = 0;
  for (const c of h.values()) total += c;
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil(q * total)));
  let seen = 0;
  for (const bin of [...h.keys()].sort((a, b) => a - b)) {
    seen += h.get(bin)!;
    if (seen >= rank) return estimateOf(bin);
  }
  return null;
}
