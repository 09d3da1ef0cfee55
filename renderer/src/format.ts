// Number and time formatting for the dashboard. Pure functions (no DOM), tested in Node.
import { formatBytes as formatSize } from '../../shared/format.js';

/**
 * Dollars with at least three significant digits below $1, so small amounts are told apart and a
 * small live increase shows: $0.0157, $0.136, $0.00200, $1.23, $1,234. Every money figure (cards,
 * tables, chart axes and tooltips) goes through this one format.
 */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs === 0) return '$0.00';
  const sign = value < 0 ? '-' : '';
  // A real cost too small to write out must not read as nothing.
  if (abs < 0.000001) return `${sign}<$0.000001`;
  const precise = Number(abs.toPrecision(3));
  // Two decimals at least ($0.50, not $0.5), as everywhere else money is shown.
  if (precise < 1) {
    const whole = precise * 100 === Math.round(precise * 100);
    // Below $0.10, three significant digits written out, zeros included: $0.000200, not $0.0002.
    return `${sign}$${precise < 0.1 ? abs.toPrecision(3) : precise.toFixed(whole ? 2 : 3)}`;
  }
  if (abs < 1000) return `${sign}$${abs.toFixed(2)}`;
  return `${sign}$${Math.round(abs).toLocaleString('en-US')}`;
}

/** "≈" in front of a figure that holds an estimated price. */
export function estimated(text: string, isEstimated: boolean): string {
  return isEstimated ? `≈${text}` : text;
}

/** A 0..1 fraction as a whole percentage, with one decimal below 10 %. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  const percent = fraction * 100;
  return percent > 0 && percent < 10 ? `${percent.toFixed(1)}%` : `${Math.round(percent)}%`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** An exact whole number with thousands separators, for limits and settings: 1,000 (not 1.0k). */
export function formatExact(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Counts: 987, 12.3k, 4.5M. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  if (abs < 1_000_000) return `${(n / 1000).toFixed(abs < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Binary units, named as such (1024 bytes is 1 KiB): the same sizes as the cco command prints. */
export function formatBytes(bytes: number): string {
  return formatSize(bytes, ' ');
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return s % 3600 === 0 ? `${s / 3600} h` : `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(s % 86400 === 0 ? 0 : 1)} d`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(then: number | null, now: number): string {
  if (then === null) return '—';
  const s = Math.max(0, Math.floor((now - then) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time, HH:MM:SS. */
export function formatClock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A moment in a list: the clock for today's, the date in front for an older one ("Dec 1 03:11:28"). */
export function formatWhen(t: number, now: number = Date.now()): string {
  const d = new Date(t);
  if (d.toDateString() === new Date(now).toDateString()) return formatClock(t);
  return `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${formatClock(t)}`;
}

/** A bucket as the span of time it covers, in the local time zone: "14:05–14:10", "Mar 3 08:00–12:00", "Mar 3". */
export function formatBucket(t: number, bucketSeconds: number): string {
  const start = new Date(t);
  const end = new Date(t + bucketSeconds * 1000);
  const day = start.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
  const hm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (bucketSeconds >= 86400) return day;
  const span = `${hm(start)}–${hm(end)}`;
  return bucketSeconds >= 3600 ? `${day} ${span}` : span;
}

/** The last path segment of a project directory, which is what tells projects apart at a glance. */
export function projectName(project: string): string {
  const trimmed = project.replace(/[/\\]+$/, '');
  const last = trimmed.split(/[/\\]/).pop();
  return last && last.length > 0 ? last : project;
}

/** A help text from the settings schema ("port the daemon listens on") as a sentence's start. */
export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
