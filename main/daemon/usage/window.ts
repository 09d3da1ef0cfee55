import { summaryStart, type SummaryRange } from './ranges.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The span a read covers, [from, to) in epoch ms: what every analytics query takes. A named range
 * builds one ending now; a custom one comes from `from`/`to` (parseWindow). `range` names it on
 * the wire: the named range, or 'custom'.
 */
export interface Window {
  range: SummaryRange | 'custom';
  from: number;
  to: number;
}

/** `to` of a window that runs on: every request so far and any committed while the read runs. */
export const OPEN_END = Number.MAX_SAFE_INTEGER;

/** The window of a named range, ending now (open at the end, so nothing just committed is missed). */
export function rangeWindow(range: SummaryRange, now: number): Window {
  return { range, from: summaryStart(range, now), to: OPEN_END };
}

/** The period before a window, as long, ending where it starts; none for all time. */
export function previousWindow(w: Window, now: number): { from: number; to: number } | null {
  if (w.from <= Number.MIN_SAFE_INTEGER) return null;
  const end = Math.min(w.to, now);
  return { from: w.from - (end - w.from), to: w.from };
}

/** Days past today a custom `to` may reach: tomorrow's midnight in any time zone, not next year. */
const MAX_AHEAD_MS = 2 * DAY;

/** A bad `from`/`to`: the message says which and why (the API answers 400 with it, the CLI a usage error). */
export class WindowError extends Error {}

/**
 * One bound: epoch ms, or an ISO date `YYYY-MM-DD` meaning local midnight of that day. As `to`, a
 * date takes in that whole day (the next day's midnight), as a user picking "1 Nov – 15 Nov" means.
 */
function boundOf(name: 'from' | 'to', value: string): number {
  if (/^\d{1,16}$/.test(value)) return Number(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
    const day = new Date(y, mo, d);
    if (day.getFullYear() === y && day.getMonth() === mo && day.getDate() === d) {
      return name === 'to' ? new Date(y, mo, d + 1).getTime() : day.getTime();
    }
  }
  throw new WindowError(`${name} must be epoch milliseconds or a date YYYY-MM-DD, got "${value}"`);
}

/**
 * The custom window `from`/`to` ask for, or null when neither is given. Both are needed, `from`
 * before `to`, and `to` at most two days ahead; a `to` past now reads up to now.
 */
export function parseWindow(from: string | undefined, to: string | undefined, now: number): Window | null {
  if (from === undefined && to === undefined) return null;
  if (from === undefined || to === undefined) throw new WindowError('from and to must be given together');
  const start = boundOf('from', from);
  const end = boundOf('to', to);
  if (start >= end) throw new WindowError(`from must be before to, got from=${from} to=${to}`);
  if (end > now + MAX_AHEAD_MS) throw new WindowError(`to must not be more than 2 days ahead, got "${to}"`);
  if (start > now) throw new WindowError(`from must not be in the future, got "${from}"`);
  return { range: 'custom', from: start, to: end > now ? OPEN_END : end };
}
