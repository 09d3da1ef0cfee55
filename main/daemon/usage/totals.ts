import type { TokenTotals, UsageTotals } from '../../../shared/api.js';
/**
 * The sums every report is built from, computed alike over raw rows and over the `daily` roll-up,
 * so a report spanning both just adds the two.
 */
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
  costUsd: number;
  savedUsd: number;
  lastSeen: number | null;
}

const MEASURES = [
  ['requests', 'requests'],
  ['hits', 'hits'],
  ['misses', 'misses'],
  ['errors', 'errors'],
  ['unpriced', 'unpriced'],
  ['input_tokens', 'inputTokens'],
  ['output_tokens', 'outputTokens'],
  ['cache_creation_tokens', 'cacheCreationTokens'],
  ['cache_read_tokens', 'cacheReadTokens'],
  ['cost_usd', 'costUsd'],
  ['saved_usd', 'savedUsd'],
] as const;

/** A failed request: an error status or a local error (a cut stream). Never a hit or a miss. */
export const FAILED_SQL = '(status >= 400 OR error_type IS NOT NULL)';

/** Per-row value of each measure in `requests`. */
const RAW_EXPRESSIONS: Record<(typeof MEASURES)[number][0], string> = {
  requests: '1',
  hits: `(cache IN ('hit', 'coalesced') AND NOT ${FAILED_SQL})`,
  misses: `(cache = 'miss' AND NOT ${FAILED_SQL})`,
  errors: FAILED_SQL,
  unpriced: '(cost_usd IS NULL OR saved_usd IS NULL)',
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  cache_creation_tokens: 'cache_creation_tokens',
  cache_read_tokens: 'cache_read_tokens',
  cost_usd: 'cost_usd',
  saved_usd: 'saved_usd',
};

/** SELECT list summing raw `requests` rows into the `Totals` columns (snake_case). */
export const RAW_SUMS =
  MEASURES.map(([col]) => `COALESCE(SUM(${RAW_EXPRESSIONS[col]}), 0) AS ${col}`).join(', ') +
  ', MAX(started_at) AS last_seen';

/** The same SELECT list over `daily` rows. */
export const DAILY_SUMS =
  MEASURES.map(([col]) => `COALESCE(SUM(${col}), 0) AS ${col}`).join(', ') + ', MAX(last_seen) AS last_seen';

/** The measure columns in `daily`'s order, for the roll-up's INSERT. */
export const MEASURE_COLUMNS = MEASURES.map(([col]) => col);

export function emptyTotals(): Totals {
  return {
    requests: 0, hits: 0, misses: 0, errors: 0, unpriced: 0, inputTokens: 0, outputTokens: 0,
    cacheCreationTokens: 0, cacheReadTokens: 0, costUsd: 0, savedUsd: 0, lastSeen: null,
  };
}

export function totalsFromRow(row: Record<string, unknown> | undefined): Totals {
  const totals = emptyTotals();
  if (!row) return totals;
  for (const [col, key] of MEASURES) totals[key] = Number(row[col] ?? 0);
  totals.lastSeen = row.last_seen === null || row.last_seen === undefined ? null : Number(row.last_seen);
  return totals;
}

export function addTotals(a: Totals, b: Totals): Totals {
  const sum = emptyTotals();
  for (const [, key] of MEASURES) sum[key] = a[key] + b[key];
  sum.lastSeen = a.lastSeen === null ? b.lastSeen : b.lastSeen === null ? a.lastSeen : Math.max(a.lastSeen, b.lastSeen);
  return sum;
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
  };
}
