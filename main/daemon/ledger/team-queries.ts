import type { LedgerPool } from './connect.js';

import type { TeamMachine, TeamModel, TeamProject, TeamSummary, TeamTotals } from '../../../shared/api.js';

/** The shapes of the team API (shared/api.ts), which these queries answer. */
export type { TeamMachine, TeamModel, TeamProject, TeamSummary, TeamTotals };

const SUMS = `count(*) AS requests,
  coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
  coalesce(sum(cache_creation_tokens), 0) AS cache_creation_tokens,
  coalesce(sum(cache_read_tokens), 0) AS cache_read_tokens,
  coalesce(sum(cost_usd), 0) AS cost_usd, coalesce(sum(saved_usd), 0) AS saved_usd,
  count(*) FILTER (WHERE cache IN ('hit', 'coalesced')) AS hits, count(*) FILTER (WHERE status >= 400) AS errors`;

function totals(r: Record<string, unknown>): TeamTotals {
  return {
    requests: Number(r.requests),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cacheCreationTokens: Number(r.cache_creation_tokens),
    cacheReadTokens: Number(r.cache_read_tokens),
    costUsd: Number(r.cost_usd),
    savedUsd: Number(r.saved_usd),
    hits: Number(r.hits),
    errors: Number(r.errors),
  };
}

/** `from`: epoch ms, or null for all time. */
function where(from: number | null): { sql: string; params: unknown[] } {
  return from === null ? { sql: '', params: [] } : { sql: 'WHERE started_at >= $1', params: [new Date(from)] };
}

export async function teamMachines(pool: LedgerPool, from: number | null): Promise<TeamMachine[]> {
  const w = where(from);
  const { rows } = await pool.query(
    `SELECT machine, os_user, max(started_at) AS last_seen, ${SUMS} FROM cco_usage ${w.sql}
     GROUP BY machine, os_user ORDER BY cost_usd DESC, requests DESC, machine, os_user`,
    w.params,
  );
  return rows.map((r: Record<string, unknown>) => ({
    machine: String(r.machine),
    user: String(r.os_user),
    lastSeen: new Date(r.last_seen as string).getTime(),
    ...totals(r),
  }));
}

export async function teamSummary(pool: LedgerPool, from: number | null, top = 20): Promise<TeamSummary> {
  const w = where(from);
  const [all, projects, models, machines] = await Promise.all([
    pool.query(`SELECT ${SUMS} FROM cco_usage ${w.sql}`, w.params),
    pool.query(
      `SELECT project, ${SUMS} FROM cco_usage ${w.sql}
       GROUP BY project ORDER BY cost_usd DESC, requests DESC, project LIMIT ${Math.floor(top)}`,
      w.params,
    ),
    pool.query(
      `SELECT coalesce(served_model, requested_model, 'unknown') AS model, ${SUMS} FROM cco_usage ${w.sql}
       GROUP BY 1 ORDER BY cost_usd DESC, requests DESC, model LIMIT ${Math.floor(top)}`,
      w.params,
    ),
    teamMachines(pool, from),
  ]);
  return {
    from,
    totals: totals(all.rows[0] as Record<string, unknown>),
    machines,
    projects: projects.rows.map((r: Record<string, unknown>) => ({ project: String(r.project), ...totals(r) })),
    models: models.rows.map((r: Record<string, unknown>) => ({ model: String(r.model), ...totals(r) })),
  };
}

/** One group of the team's spend, split as budgets count it: pay-as-you-go and plan traffic's API-equivalent. */
export interface TeamSpendRow {
  project: string;
  model: string | null;
  payg: number;
  apiEquivalent: number;
}

/** The team's spend in [from, to) by project and model: what team budgets read every few seconds. */
export async function teamSpendRows(pool: LedgerPool, from: number, to: number): Promise<TeamSpendRow[]> {
  const { rows } = await pool.query(
    `SELECT project, coalesce(served_model, requested_model) AS model,
       coalesce(sum(cost_usd) FILTER (WHERE billing <> 'subscription'), 0) AS payg,
       coalesce(sum(cost_usd) FILTER (WHERE billing = 'subscription'), 0) AS equiv
     FROM cco_usage WHERE started_at >= $1 AND started_at < $2 GROUP BY 1, 2`,
    [new Date(from), new Date(to)],
  );
  return rows.map((r: Record<string, unknown>) => ({
    project: String(r.project),
    model: r.model === null ? null : String(r.model),
    payg: Number(r.payg),
    apiEquivalent: Number(r.equiv),
  }));
}
