import type { Db } from './schema.js';

/** Spend in [from, to) grouped by project and requested model, for budgets and the cost gate. */
export interface SpendByProjectModel {
  project: string;
  model: string | null;
  costUsd: number;
}

/**
 * Reads committed rows only (no flush): budgets poll this off the request path and may lag the
 * commit timer by a moment. Ranges reach back a month at most, inside the raw rows' retention.
 */
export function querySpendByProjectModel(db: Db, from: number, to: number): SpendByProjectModel[] {
  const rows = db
    .prepare(
      `SELECT project, COALESCE(requested_model, served_model) AS model, COALESCE(SUM(cost_usd), 0) AS cost
       FROM requests WHERE started_at >= ? AND started_at < ? GROUP BY 1, 2`,
    )
    .all(from, to) as Array<{ project: string; model: string | null; cost: number }>;
  return rows.map((r) => ({ project: r.project, model: r.model, costUsd: Number(r.cost) }));
}

/** Requests and response-cache hits of one launch (`X-CCO-Session`), for the status line. */
export function querySessionCache(db: Db, session: string): { requests: number; hits: number } {
  const row = db
    .prepare(`SELECT COUNT(*) AS requests, COALESCE(SUM(cache IN ('hit', 'coalesced')), 0) AS hits FROM requests WHERE session = ?`)
    .get(session) as { requests: number; hits: number };
  return { requests: Number(row.requests), hits: Number(row.hits) };
}
