import type { ProjectStats } from '../../../shared/api.js';
import { matchedSumsBy } from './match-sums.js';
import type { RequestMatch } from './request-list.js';
import { sumsBy } from './rollup-read.js';
import type { Db } from './schema.js';
import { totalsFromSums, usageTotals } from './totals.js';

export type { ProjectStats };

/**
 * Every project seen since `from` (epoch ms; default all time), the most expensive first. A filter
 * (the dashboard's drill-down) narrows the sums: see match-sums.ts for what each filter reads.
 */
export function queryProjects(
  db: Db,
  from: number = Number.MIN_SAFE_INTEGER,
  now: number = Date.now(),
  match: RequestMatch = {},
): ProjectStats[] {
  const sums = Object.keys(match).length === 0 ? sumsBy(db, from, now, 'project') : matchedSumsBy(db, from, now, match, 'project');
  return [...sums]
    .map(([project, s]) => {
      const t = totalsFromSums(s);
      return { project, ...usageTotals(t), lastSeen: t.lastSeen };
    })
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.project.localeCompare(b.project));
}
