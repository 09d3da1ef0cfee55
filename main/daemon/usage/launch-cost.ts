import type { LaunchCostResponse } from '../../../shared/api.js';
import type { Db } from './schema.js';

/**
 * What one launch (CCO's own session id, the `X-CCO-Session` a terminal tab or `cco` sends) has
 * cost since it started. `since` bounds the walk to the launch's own time on the start-time index.
 */
export function queryLaunchCost(db: Db, launch: string, since: number): LaunchCostResponse {
  const row = db
    .prepare(`SELECT COUNT(*) AS requests, COALESCE(SUM(cost_usd), 0) AS cost, COALESCE(SUM(saved_usd), 0) AS saved,
        COALESCE(MAX(cost_estimated), 0) AS estimated, MAX(started_at) AS last_seen
      FROM requests WHERE started_at >= ? AND session = ?`)
    .get([since, launch]) as { requests: number; cost: number; saved: number; estimated: number; last_seen: number | null };
  return {
    session: launch,
    requests: Number(row.requests),
    costUsd: Number(row.cost),
    savedUsd: Number(row.saved),
    costEstimated: Number(row.estimated) === 1,
    lastSeen: row.last_seen === null ? null : Number(row.last_seen),
  };
}
