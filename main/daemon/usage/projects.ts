import type { ProjectStats } from '../../../shared/api.js';
import type { Db } from './schema.js';
import { addTotals, DAILY_SUMS, emptyTotals, hitRate, RAW_SUMS, tokensOf, totalsFromRow, type Totals } from './totals.js';

export type { ProjectStats };

function totalsByProject(db: Db, sql: string, into: Map<string, Totals>): void {
  for (const row of db.prepare(sql).all() as Array<Record<string, unknown>>) {
    const project = String(row.project);
    into.set(project, addTotals(into.get(project) ?? emptyTotals(), totalsFromRow(row)));
  }
}

/** Every project ever seen (raw rows and rolled-up days), the most expensive first. */
export function queryProjects(db: Db): ProjectStats[] {
  const byProject = new Map<string, Totals>();
  totalsByProject(db, `SELECT project, ${RAW_SUMS} FROM requests GROUP BY project`, byProject);
  totalsByProject(db, `SELECT project, ${DAILY_SUMS} FROM daily GROUP BY project`, byProject);
  return [...byProject]
    .map(([project, t]) => ({
      project,
      requests: t.requests,
      tokens: tokensOf(t),
      costUsd: t.costUsd,
      savedUsd: t.savedUsd,
      hitRate: hitRate(t),
      errors: t.errors,
      unpricedRequests: t.unpriced,
      lastSeen: t.lastSeen,
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.project.localeCompare(b.project));
}
