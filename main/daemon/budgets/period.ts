/** How often a budget starts over. Periods follow the user's local time (the process's time zone). */
export const PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type Period = (typeof PERIODS)[number];

export interface PeriodWindow {
  /** Epoch ms of the period's first instant (local midnight). */
  start: number;
  /** Epoch ms of the next period's start: when the budget resets. */
  end: number;
  /** Names this period among all periods of the budget (alerts fire once per key). */
  key: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The period holding `now`. Built from calendar fields, never by adding 24 h, so a day that has
 * 23 or 25 hours (a DST change) still ends at the next local midnight. Weeks start on Monday.
 */
export function periodWindow(period: Period, now: number): PeriodWindow {
  const d = new Date(now);
  const y = d.getFullYear();
  const m = d.getMonth();
  const day = d.getDate();
  let start: Date;
  let end: Date;
  if (period === 'daily') {
    start = new Date(y, m, day);
    end = new Date(y, m, day + 1);
  } else if (period === 'weekly') {
    const back = (d.getDay() + 6) % 7;
    start = new Date(y, m, day - back);
    end = new Date(y, m, day - back + 7);
  } else {
    start = new Date(y, m, 1);
    end = new Date(y, m + 1, 1);
  }
  const key = period === 'monthly' ? localDate(start.getTime()).slice(0, 7) : localDate(start.getTime());
  return { start: start.getTime(), end: end.getTime(), key: `${period}:${key}` };
}

/** When a period resets, as people say it: `00:00` (daily), `Mon 00:00`, `Jan 1 00:00`. */
export function resetLabel(period: Period, resetAt: number): string {
  const d = new Date(resetAt);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (period === 'daily') return time;
  if (period === 'weekly') return `${DAYS[d.getDay()]} ${time}`;
  return `${MONTHS[d.getMonth()]} ${d.getDate()} ${time}`;
}
