import { HOUR_MS } from './rollup-schema.js';
import type { Db } from './schema.js';

/** Spend in [from, to) grouped by project and model, for budgets and the cost gate. */
export interface SpendByProjectModel {
  project: string;
  model: string | null;
  /** Pay-as-you-go dollars. */
  costUsd: number;
  /** Subscription traffic, priced as the API would charge it. */
  apiEquivalentUsd: number;
}

const NANOS = 1e9;

/**
 * Reads committed roll-ups (no flush): budgets poll this every second and may lag the commit
 * timer by a moment. Whole hours come from the hour roll-up, so the cost follows the number of
 * hours, projects and models, never the number of requests; the part of an hour at either edge (a
 * period starting at a local midnight that is not a UTC hour) comes from the raw rows of that
 * part, which the started_at index finds directly.
 */
export function querySpendByProjectModel(db: Db, from: number, to: number): SpendByProjectModel[] {
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastHour = Math.max(firstHour, Math.floor(to / HOUR_MS) * HOUR_MS);
  const totals = new Map<string, SpendByProjectModel>();
  const add = (project: string, model: string | null, payg: number, apiEquivalent: number) => {
    const key = `${project}\0${model ?? ''}`;
    const seen = totals.get(key) ?? { project, model, costUsd: 0, apiEquivalentUsd: 0 };
    seen.costUsd += payg;
    seen.apiEquivalentUsd += apiEquivalent;
    totals.set(key, seen);
  };
  const hours = db
    .prepare(
      `SELECT project, model, SUM(payg_nanos) AS payg, SUM(api_equiv_nanos) AS equiv FROM rollup
       WHERE res = ? AND bucket >= ? AND bucket < ? GROUP BY project, model`,
    )
    .all(HOUR_MS, firstHour, lastHour) as Array<{ project: string; model: string; payg: number; equiv: number }>;
  for (const r of hours) add(r.project, r.model || null, Number(r.payg) / NANOS, Number(r.equiv) / NANOS);
  const edges = db.prepare(
    `SELECT project, COALESCE(served_model, requested_model) AS model,
            COALESCE(SUM(CASE WHEN billing = 'subscription' THEN 0 ELSE cost_usd END), 0) AS payg,
            COALESCE(SUM(CASE WHEN billing = 'subscription' THEN cost_usd ELSE 0 END), 0) AS equiv
     FROM requests WHERE started_at >= ? AND started_at < ? GROUP BY 1, 2`,
  );
  const edgeRanges = from < firstHour && to <= firstHour ? [[from, to]] : [[from, Math.min(firstHour, to)], [lastHour, to]];
  for (const [start, end] of edgeRanges) {
    if (start === undefined || end === undefined || start >= end) continue;
    const rows = edges.all(start, end) as Array<{ project: string; model: string | null; payg: number; equiv: number }>;
    for (const r of rows) add(r.project, r.model, Number(r.payg), Number(r.equiv));
  }
  return [...totals.values()];
}

/** Requests and response-cache hits of one launch (`X-CCO-Session`), for the status line. */
export function querySessionCache(db: Db, session: string): { requests: number; hits: number } {
  // The session roll-up's first key column is the session: one index range, however long the history.
  const row = db
    .prepare(`SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(hits), 0) AS hits FROM session_rollup WHERE session = ?`)
    .get(session) as { requests: number; hits: number };
  return { requests: Number(row.requests), hits: Number(row.hits) };
}
