import type { ProjectStats } from '../../../shared/api.js';
import { sumsBy } from './match-sums.js';
import type { RequestMatch } from './request-list.js';
import type { Span } from './rollup-read.js';
import type { Db } from './schema.js';
import { totalsFromSums, usageTotals } from './totals.js';

export type { ProjectStats };

const ALL_TIME: Span = { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER };

/**
 * Every project seen in the span (default all time), the most expensive first. A filter (the
 * dashboard's drill-down) narrows the sums: see match-sums.ts for what each filter reads.
 */
export function queryProjects(
  db: Db,
  span: Span = ALL_TIME,
  now: number = Date.now(),
  match: RequestMatch = {},
): ProjectStats[] {
  return [...sumsBy(db, span, now, 'project', match)]
    .map(([project, s]) => {
      const t = totalsFromSums(s);
      return { project, ...usageTotals(t), lastSeen: t.lastSeen };
    })
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.project.localeCompare(b.project));
}
