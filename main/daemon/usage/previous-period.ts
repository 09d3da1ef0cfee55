import type { UsageTotals } from '../../../shared/api.js';
import { matchedSums } from './filtered-summary.js';
import type { RequestMatch } from './request-list.js';
import { readableSpan } from './rollup-read.js';
import type { Db } from './schema.js';
import { totalsFromSums, usageTotals } from './totals.js';
import { previousWindow, type Window } from './window.js';

/** The period before a range: as long as the range, ending where it starts. */
export interface PreviousPeriod extends UsageTotals {
  from: number;
  to: number;
}

/**
 * Totals of the period before the window (none for all time), narrowed like the summary. Its edges
 * past the hour roll-ups' keep move to the nearest UTC midnight (readableSpan); the answer says
 * where it started and ended.
 */
export function queryPreviousPeriod(db: Db, w: Window, now: number, match: RequestMatch = {}): PreviousPeriod | null {
  const before = previousWindow(w, now);
  if (before === null) return null;
  const span = readableSpan(before, now);
  const sums = matchedSums(db, span, now, match);
  return { ...span, ...usageTotals(totalsFromSums(sums)) };
}
