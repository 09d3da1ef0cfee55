/** Nearest-rank percentile of an ascending array; null when there is nothing to rank. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** The 0-based offset `percentile` would read, for doing the same in SQL. */
export function percentileOffset(count: number, q: number): number {
  return Math.min(count, Math.max(1, Math.ceil(q * count))) - 1;
}
