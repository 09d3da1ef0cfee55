import type { ProjectStats } from '../../../shared/api.js';
import { sumsBy } from './rollup-read.js';
import type { Db } from './schema.js';
import { totalsFromSums, usageTotals } from './totals.js';

export type { ProjectStats };

/** Every project seen since `from` (epoch ms; default all time), the most expensive first. */
export function queryProjects(
  db: Db,
  from: number = Number.MIN_SAFE_INTEGER,
  now: number = Date.now(),
): ProjectStats[] {
  return [...sumsBy(db, from, now, 'project')]
    .map(([project, s]) => {
      const t = totalsFromSums(s);
      return { project, ...usageTotals(t), lastSeen: t.lastSeen };
    })
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.project.localeCompare(b.project));
}
