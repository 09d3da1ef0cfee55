import type { UsageTotals } from '../../../shared/api.js';
import { matchedSums } from './filtered-summary.js';
import { summaryStart, type SummaryRange } from './ranges.js';
import type { RequestMatch } from './request-list.js';
import { emptySums, keptFrom, sumsBy, type Sums } from './rollup-read.js';
import { DAY_MS, HOUR_MS } from './rollup-schema.js';
import type { Db } from './schema.js';
import { totalsFromSums, usageTotals } from './totals.js';

/** The period before a range: as long as the range, ending where it starts. */
export interface PreviousPeriod extends UsageTotals {
  from: number;
  to: number;
}

/**
 * Past the hour roll-ups' keep (a 30-day range's previous period), the period starts at the nearest
 * UTC midnight: the day roll-ups answer it, where an exact start would need up to a day of raw rows.
 * The answer says where it started.
 */
function alignedStart(from: number, now: number): number {
  return from < keptFrom(HOUR_MS, now) ? Math.round(from / DAY_MS) * DAY_MS : from;
}

/**
 * Totals of the period before `range` (none for `all`), narrowed like the summary. Sums add up, so
 * the period is (sums since its start) − (sums since the range's start), both read in one read
 * transaction so a request committed meanwhile cannot land on one side only.
 */
export function queryPreviousPeriod(
  db: Db,
  range: SummaryRange,
  now: number,
  match: RequestMatch = {},
): PreviousPeriod | null {
  if (range === 'all') return null;
  const to = summaryStart(range, now);
  const from = alignedStart(to - (now - to), now);
  const since = (start: number): Sums =>
    Object.keys(match).length === 0
      ? (sumsBy(db, start, now, null).get('') ?? emptySums())
      : matchedSums(db, start, now, match);
  const { wide, narrow } = db.transaction(() => ({ wide: since(from), narrow: since(to) }))();
  const diff = emptySums();
  diff.sums = wide.sums.map((v, i) => v - (narrow.sums[i] ?? 0));
  return { from, to, ...usageTotals(totalsFromSums(diff)) };
}
