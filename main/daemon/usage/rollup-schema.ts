/**
 * The roll-up tables, declared once (schema v3). Buckets are UTC-aligned; `res` is the bucket size
 * in ms (minute, hour, day). Costs are summed in integer nano-dollars, so a sum never depends on
 * the order rows were added in and a roll-up equals the raw aggregation to the last digit.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/**
 * Weeks (schema v5) serve the open end of every range: a 30-day or all-time summary reads a few
 * weeks of buckets instead of every day. Aligned to the epoch (a Thursday): only the sums matter.
 */
export const WEEK_MS = 7 * DAY_MS;
export const RESOLUTIONS = [MINUTE_MS, HOUR_MS, DAY_MS, WEEK_MS] as const;

/** The coarsest roll-up a chart bucket of `bucketMs` is made of (charts are bucket-aligned). */
export function resolutionFor(bucketMs: number): number {
  if (bucketMs % DAY_MS === 0) return DAY_MS;
  if (bucketMs % HOUR_MS === 0) return HOUR_MS;
  return MINUTE_MS;
}

/** The measures schema v3 created the roll-up tables with (its migration must never change). */
const V3_MEASURES = [
  'requests', 'hits', 'misses', 'errors', 'unpriced',
  'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens',
  'cache_write_5m_tokens', 'cache_write_1h_tokens',
  // cost_nanos: everything priced; split by billing (pay-as-you-go vs API-equivalent value), and
  // the part priced from a fallback (estimated).
  'cost_nanos', 'payg_nanos', 'api_equiv_nanos', 'estimated_nanos', 'saved_nanos',
] as const;

/**
 * Schema v5. `answered`: upstream calls that answered (not from the response cache, not refused
 * by a budget, not failed, not a transcript line), and their latency summed: the models table's
 * average. Then prompt-cache writes never read back (busters, see busters.ts) and their tokens:
 * judged when the next upstream call of the same session and model arrives, so they are added to
 * the write's buckets later than its other measures (they stay the last two).
 */
const V5_MEASURES = ['answered', 'answered_latency_ms', 'buster_writes', 'buster_tokens'] as const;

/** Measures of `rollup`, `rollup_project` and `session_rollup`, in column order. Each is a plain sum. */
export const ROLLUP_MEASURES = [...V3_MEASURES, ...V5_MEASURES] as const;
export type RollupMeasure = (typeof ROLLUP_MEASURES)[number];

const measureColumns = V3_MEASURES.map((m) => `${m} INTEGER NOT NULL DEFAULT 0`).join(', ');

/** The dimensions of `rollup`; issue-specific ones (session, branch, agent) live in `session_rollup`. */
export const ROLLUP_DIMENSIONS = ['project', 'model', 'outcome', 'source'] as const;
export const SESSION_DIMENSIONS = ['session', 'project', 'source', 'git_branch', 'agent_type'] as const;

export const ROLLUP_TABLES = `
  CREATE TABLE rollup (
    res INTEGER NOT NULL, bucket INTEGER NOT NULL,
    project TEXT NOT NULL, model TEXT NOT NULL, outcome TEXT NOT NULL, source TEXT NOT NULL,
    ${measureColumns}, last_seen INTEGER,
    PRIMARY KEY (res, bucket, project, model, outcome, source)
  ) WITHOUT ROWID;
  -- The same sums by project only: what summaries, the projects table and the time charts read
  -- (a few rows per bucket, however many models, outcomes and sources there are).
  CREATE TABLE rollup_project (
    res INTEGER NOT NULL, bucket INTEGER NOT NULL, project TEXT NOT NULL,
    ${measureColumns}, last_seen INTEGER,
    PRIMARY KEY (res, bucket, project)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_hist (
    res INTEGER NOT NULL, metric INTEGER NOT NULL, bucket INTEGER NOT NULL, bin INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (res, metric, bucket, bin)
  ) WITHOUT ROWID;
  CREATE TABLE session_rollup (
    day INTEGER NOT NULL, session TEXT NOT NULL, project TEXT NOT NULL, source TEXT NOT NULL,
    git_branch TEXT NOT NULL, agent_type TEXT NOT NULL,
    ${measureColumns}, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
    PRIMARY KEY (session, day, project, source, git_branch, agent_type)
  ) WITHOUT ROWID;
  CREATE INDEX session_rollup_day ON session_rollup (day);
  INSERT INTO rollup (res, bucket, project, model, outcome, source, requests, hits, misses, errors, unpriced,
                      input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,
                      cost_nanos, payg_nanos, saved_nanos, last_seen)
    SELECT ${DAY_MS}, day_start, project, model, '', 'proxy', SUM(requests), SUM(hits), SUM(misses), SUM(errors),
           SUM(unpriced), SUM(input_tokens), SUM(output_tokens), SUM(cache_creation_tokens), SUM(cache_read_tokens),
           SUM(CAST(ROUND(cost_usd * 1e9) AS INTEGER)), SUM(CAST(ROUND(cost_usd * 1e9) AS INTEGER)),
           SUM(CAST(ROUND(saved_usd * 1e9) AS INTEGER)), MAX(last_seen)
    FROM daily GROUP BY day_start, project, model;
  INSERT INTO rollup_project (res, bucket, project, ${V3_MEASURES.join(', ')}, last_seen)
    SELECT res, bucket, project, ${V3_MEASURES.map((m) => `SUM(${m})`).join(', ')}, MAX(last_seen)
    FROM rollup GROUP BY res, bucket, project;
  DROP TABLE daily;`;

/**
 * Latency and time to first byte share `rollup_hist`. Latency is kept apart for answers from the
 * response cache (a millisecond), so they never drag the upstream calls' percentiles down.
 */
export const METRIC_LATENCY = 0;
export const METRIC_TTFB = 1;
export const METRIC_HIT_LATENCY = 2;

/** Whether a request's latency belongs to the cache hits' histogram. */
export const fromResponseCache = (outcome: string): boolean => outcome === 'hit' || outcome === 'coalesced';

const sumAll = (cols: readonly string[]) => cols.map((c) => `SUM(${c})`).join(', ');

/** Week buckets made of the day buckets a file has (its kept rows' newer tables are backfilled). */
const WEEKS_FROM_DAYS = `
  INSERT INTO rollup (res, bucket, ${ROLLUP_DIMENSIONS.join(', ')}, ${V3_MEASURES.join(', ')}, last_seen)
    SELECT ${WEEK_MS}, (bucket / ${WEEK_MS}) * ${WEEK_MS}, ${ROLLUP_DIMENSIONS.join(', ')}, ${sumAll(V3_MEASURES)}, MAX(last_seen)
    FROM rollup WHERE res = ${DAY_MS} GROUP BY 2, ${ROLLUP_DIMENSIONS.join(', ')};
  INSERT INTO rollup_project (res, bucket, project, ${V3_MEASURES.join(', ')}, last_seen)
    SELECT ${WEEK_MS}, (bucket / ${WEEK_MS}) * ${WEEK_MS}, project, ${sumAll(V3_MEASURES)}, MAX(last_seen)
    FROM rollup_project WHERE res = ${DAY_MS} GROUP BY 2, project;
  INSERT INTO rollup_hist (res, metric, bucket, bin, count)
    SELECT ${WEEK_MS}, metric, (bucket / ${WEEK_MS}) * ${WEEK_MS}, bin, SUM(count)
    FROM rollup_hist WHERE res = ${DAY_MS} GROUP BY metric, 3, bin;`;

/**
 * Schema v5: the new measures on every roll-up table; the sums by model and outcome (what the
 * models table, tokens by model and prompt cache by day read: a few rows a bucket, where `rollup`
 * has one per project too); HTTP statuses by bucket (the status chart);
 * the answered calls' latency by model (the models table's p95), in the histogram bins of
 * `rollup_hist`.
 */
export const V5_ROLLUP_TABLES = `
  ${['rollup', 'rollup_project', 'session_rollup']
    .flatMap((table) => V5_MEASURES.map((m) => `ALTER TABLE ${table} ADD COLUMN ${m} INTEGER NOT NULL DEFAULT 0;`))
    .join('\n  ')}
  CREATE TABLE rollup_status (
    res INTEGER NOT NULL, bucket INTEGER NOT NULL, status INTEGER NOT NULL, requests INTEGER NOT NULL,
    PRIMARY KEY (res, bucket, status)
  ) WITHOUT ROWID;
  ${WEEKS_FROM_DAYS}
  CREATE TABLE rollup_model (
    res INTEGER NOT NULL, bucket INTEGER NOT NULL, model TEXT NOT NULL, outcome TEXT NOT NULL,
    ${[...V3_MEASURES, ...V5_MEASURES].map((m) => `${m} INTEGER NOT NULL DEFAULT 0`).join(', ')}, last_seen INTEGER,
    PRIMARY KEY (res, bucket, model, outcome)
  ) WITHOUT ROWID;
  INSERT INTO rollup_model (res, bucket, model, outcome, ${V3_MEASURES.join(', ')}, last_seen)
    SELECT res, bucket, model, outcome, ${sumAll(V3_MEASURES)}, MAX(last_seen) FROM rollup GROUP BY res, bucket, model, outcome;
  CREATE TABLE rollup_model_hist (
    res INTEGER NOT NULL, bucket INTEGER NOT NULL, model TEXT NOT NULL, bin INTEGER NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (res, bucket, model, bin)
  ) WITHOUT ROWID;`;
