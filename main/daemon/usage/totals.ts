import type { Sums } from './rollup-read.js';
import type { TokenTotals, UsageTotals } from '../../../shared/api.js';
/**
 * The sums every report is built from, read from the roll-ups (see rollup-read.ts).
 */
/** A failed request in SQL over `requests`: the same rule as isFailed in rollup.ts. */
export const FAILED_SQL = "(cache <> 'budget' AND (status >= 400 OR error_type IS NOT NULL))";

export interface Totals {
  requests: number;
  /** Answered without an upstream call (cache hits and coalesced requests). */
  hits: number;
  misses: number;
  errors: number;
  /** Requests whose model had no known price: their cost is missing from `costUsd`. */
  unpriced: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  costUsd: number;
  /** `costUsd` split: paid per token, or the API-equivalent value of subscription traffic. */
  paygUsd: number;
  apiEquivalentUsd: number;
  /** The part of `costUsd` priced from a fallback (an estimate). */
  estimatedUsd: number;
  savedUsd: number;
  lastSeen: number | null;
}

const KEYS = [
  'requests', 'hits', 'misses', 'errors', 'unpriced', 'inputTokens', 'outputTokens', 'cacheCreationTokens',
  'cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'costUsd', 'paygUsd', 'apiEquivalentUsd',
  'estimatedUsd', 'savedUsd',
] as const;

export function emptyTotals(): Totals {
  return {
    requests: 0, hits: 0, misses: 0, errors: 0, unpriced: 0, inputTokens: 0, outputTokens: 0,
    cacheCreationTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, costUsd: 0,
    paygUsd: 0, apiEquivalentUsd: 0, estimatedUsd: 0, savedUsd: 0, lastSeen: null,
  };
}

/** Roll-up sums (ROLLUP_MEASURES order, costs in nano-dollars) as totals. */
export function totalsFromSums(s: Sums): Totals {
  const t = emptyTotals();
  KEYS.forEach((key, i) => {
    const v = s.sums[i] ?? 0;
    t[key] = key.endsWith('Usd') ? v / 1e9 : v;
  });
  t.lastSeen = s.lastSeen;
  return t;
}

/** Share of cacheable requests answered from the cache; bypassed requests never count. */
export function hitRate(t: Pick<Totals, 'hits' | 'misses'>): number {
  const lookups = t.hits + t.misses;
  return lookups === 0 ? 0 : t.hits / lookups;
}

export type { TokenTotals };

export function tokensOf(t: Totals): TokenTotals {
  return {
    input: t.inputTokens,
    output: t.outputTokens,
    cacheCreation: t.cacheCreationTokens,
    cacheRead: t.cacheReadTokens,
    cacheWrite5m: t.cacheWrite5mTokens,
    cacheWrite1h: t.cacheWrite1hTokens,
  };
}

/** The sums as every report shows them. */
export function usageTotals(t: Totals): UsageTotals {
  return {
    requests: t.requests,
    tokens: tokensOf(t),
    costUsd: t.costUsd,
    savedUsd: t.savedUsd,
    hitRate: hitRate(t),
    errors: t.errors,
    unpricedRequests: t.unpriced,
    costSplit: { paygUsd: t.paygUsd, apiEquivalentUsd: t.apiEquivalentUsd, estimatedUsd: t.estimatedUsd },
  };
}
