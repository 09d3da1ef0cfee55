import type { ProjectStats } from '../../../shared/api.js';
import { DAY_MS } from './retention.js';
import type { Db } from './schema.js';
import { addTotals, DAILY_SUMS, emptyTotals, RAW_SUMS, totalsFromRow, usageTotals, type Totals } from './totals.js';

export type { ProjectStats };

function totalsByProject(db: Db, sql: string, from: number, into: Map<string, Totals>): void {
  for (const row of db.prepare(sql).all({ from }) as Array<Record<string, unknown>>) {
    const project = String(row.project);
    into.set(project, addTotals(into.get(project) ?? emptyTotals(), totalsFromRow(row)));
  }
}

/**
 * Every project seen since `from` (epoch ms; raw rows and the rolled-up days that overlap it),
 * the most expensive first. By default: all time.
 */
export function queryProjects(db: Db, from: number = Number.MIN_SAFE_INTEGER): ProjectStats[] {
  const byProject = new Map<string, Totals>();
  totalsByProject(db, `SELECT project, ${RAW_SUMS} FROM requests WHERE started_at >= :from GROUP BY project`, from, byProject);
  totalsByProject(db, `SELECT project, ${DAILY_SUMS} FROM daily WHERE day_start + ${DAY_MS} > :from GROUP BY project`, from, byProject);
  return [...byProject]
    .map(([project, t]) => ({ project, ...usageTotals(t), lastSeen: t.lastSeen }))
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.project.localeCompare(b.project));
}
