// What the dashboard shows: a named range (1h..30d) or a custom window of whole days, the latter
// kept in the address (`from`, `to`) beside the filters so a reload or a shared link restores it.
// Pure functions, tested in Node.
import type { ChartRange, CustomWindow } from '../../shared/api.js';

export type Period = ChartRange | CustomWindow;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The custom window of the address, when it has a valid one (dates, from not after to). */
export function readCustom(search: string): CustomWindow | null {
  const params = new URLSearchParams(search);
  const from = params.get('from');
  const to = params.get('to');
  if (from === null || to === null || !DATE.test(from) || !DATE.test(to) || from > to) return null;
  return { from, to };
}

/** The address's query with the custom window set, or cleared (other parameters kept). */
export function writeCustom(search: string, custom: CustomWindow | null): string {
  const params = new URLSearchParams(search);
  params.delete('from');
  params.delete('to');
  if (custom !== null) {
    params.set('from', custom.from);
    params.set('to', custom.to);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The query parameters that ask the API for the period: `range`, or `from` and `to` (dates, `to` inclusive). */
export function periodParams(period: Period): Record<string, string> {
  return typeof period === 'string' ? { range: period } : { from: period.from, to: period.to };
}

/** One string per period, to tell whether what loaded is what was asked for. */
export function periodKey(period: Period): string {
  return typeof period === 'string' ? period : `${period.from}..${period.to}`;
}

const dayOf = (date: string): Date => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
};

/** "1 Nov – 15 Nov" (years shown when not this year's); one day alone: "1 Nov". */
export function customLabel(custom: CustomWindow, now: Date = new Date()): string {
  const from = dayOf(custom.from);
  const to = dayOf(custom.to);
  const withYear = from.getFullYear() !== now.getFullYear() || to.getFullYear() !== now.getFullYear();
  const fmt = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}) });
  return custom.from === custom.to ? fmt(from) : `${fmt(from)} – ${fmt(to)}`;
}

/** Whole days the custom window covers, its last day included. */
export function customDays(custom: CustomWindow): number {
  return Math.round((dayOf(custom.to).getTime() - dayOf(custom.from).getTime()) / 86_400_000) + 1;
}

/** The period in a sentence: "in the last 24h", "in 1 Nov – 15 Nov". */
export function periodText(period: Period): string {
  return typeof period === 'string' ? `in the last ${period}` : `in ${customLabel(period)}`;
}

/** YYYY-MM-DD of a local date (what a date input holds). */
export function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
