// Chart data shaping: API series in, what each chart draws out. Pure functions (no DOM, no D3),
// so the numbers the charts show are tested in Node against the API's own.
import type { ChartData, CostPoint, LatencyPoint, ModelTokens, ProjectStats, RequestEntry, RequestPoint } from '../../../shared/api.js';

export const REQUEST_SERIES = [
  { key: 'hits', label: 'Cache hits' },
  { key: 'misses', label: 'Misses' },
  { key: 'bypassed', label: 'Not cacheable' },
] as const;
export type RequestSeriesKey = (typeof REQUEST_SERIES)[number]['key'];

/** One drawn segment of a stacked bar. */
export interface StackSegment {
  t: number;
  series: RequestSeriesKey;
  value: number;
  y0: number;
  y1: number;
}

/** Stacked segments (hits at the bottom), zero-height segments left out. */
export function stackRequests(points: readonly RequestPoint[]): StackSegment[] {
  const segments: StackSegment[] = [];
  for (const p of points) {
    let y = 0;
    for (const { key } of REQUEST_SERIES) {
      const value = p[key];
      if (value > 0) segments.push({ t: p.t, series: key, value, y0: y, y1: y + value });
      y += value;
    }
  }
  return segments;
}

export function requestTotals(points: readonly RequestPoint[]): Record<RequestSeriesKey, number> {
  const totals = { hits: 0, misses: 0, bypassed: 0 };
  for (const p of points) for (const { key } of REQUEST_SERIES) totals[key] += p[key];
  return totals;
}

export function tallestStack(points: readonly RequestPoint[]): number {
  return points.reduce((max, p) => Math.max(max, p.hits + p.misses + p.bypassed), 0);
}

/** A line of a time chart; `value` null is a gap (a bucket without requests). */
export interface LineSeries<K extends string> {
  key: K;
  label: string;
  points: Array<{ t: number; value: number | null }>;
}

export function costLines(points: readonly CostPoint[]): Array<LineSeries<'cost' | 'saved'>> {
  return [
    { key: 'cost', label: 'Cost', points: points.map((p) => ({ t: p.t, value: p.costUsd })) },
    { key: 'saved', label: 'Saved by the cache', points: points.map((p) => ({ t: p.t, value: p.savedUsd })) },
  ];
}

export function latencyLines(points: readonly LatencyPoint[]): Array<LineSeries<'p50' | 'p95'>> {
  return [
    { key: 'p50', label: 'p50', points: points.map((p) => ({ t: p.t, value: p.p50 })) },
    { key: 'p95', label: 'p95', points: points.map((p) => ({ t: p.t, value: p.p95 })) },
  ];
}

/** The largest value of any line (0 when all are empty), for the y domain. */
export function lineMax(series: ReadonlyArray<LineSeries<string>>): number {
  let max = 0;
  for (const s of series) for (const p of s.points) if (p.value !== null && p.value > max) max = p.value;
  return max;
}

/** Points worth a marker: a value that is there and not zero (zeros sit on the axis anyway). */
export function markedPoints<K extends string>(series: LineSeries<K>): Array<{ t: number; value: number; key: K }> {
  return series.points.flatMap((p) => (p.value !== null && p.value > 0 ? [{ t: p.t, value: p.value, key: series.key }] : []));
}

export interface ModelBar {
  model: string;
  costUsd: number;
  tokens: number;
  /** How many models this bar stands for (more than 1 for the "other models" bar). */
  models: number;
}

/** Most expensive first; past `limit` bars, the rest are summed into one "other models" bar. */
export function modelBars(models: readonly ModelTokens[], limit = 6): ModelBar[] {
  const bars = models
    .map((m) => ({ model: m.model, costUsd: m.costUsd, tokens: m.input + m.output + m.cacheCreation + m.cacheRead, models: 1 }))
    .sort((a, b) => b.costUsd - a.costUsd || b.tokens - a.tokens || a.model.localeCompare(b.model));
  if (bars.length <= limit) return bars;
  const rest = bars.slice(limit - 1);
  const other = rest.reduce(
    (sum, b) => ({ ...sum, costUsd: sum.costUsd + b.costUsd, tokens: sum.tokens + b.tokens, models: sum.models + 1 }),
    { model: '', costUsd: 0, tokens: 0, models: 0 },
  );
  return [...bars.slice(0, limit - 1), { ...other, model: `${other.models} other models` }];
}

/** Where row `i` of a bar chart sits: rows share the plot's height, each bar at most `maxBar` thick. */
export interface BarRows {
  step: number;
  bar: number;
  top(i: number): number;
}

/**
 * Bars spread over the whole plot, so two models do not leave most of the card empty, yet never
 * swell into slabs (at most `maxBar` thick) nor squeeze below `minStep` per row.
 */
export function barRows(count: number, height: number, maxBar = 24, minStep = 22): BarRows {
  const step = Math.max(minStep, height / Math.max(1, count));
  const bar = Math.min(maxBar, step * 0.72);
  return { step, bar, top: (i) => i * step + (step - bar) / 2 };
}

/** Nothing happened in the range: every chart shows its empty state rather than flat lines. */
export function isEmptyRange(data: ChartData): boolean {
  return tallestStack(data.requestsPerMinute) === 0 && data.tokensByModel.length === 0;
}

/** Index of the bucket whose start is the last one at or before `t` (clamped to the series). */
export function bucketIndexAt(starts: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export type ProjectSortKey = 'project' | 'requests' | 'costUsd' | 'savedUsd' | 'hitRate' | 'lastSeen';
export type SortDirection = 'asc' | 'desc';

/** A new array, sorted by `key`; ties fall back to the project name so the order is stable. */
export function sortProjects(projects: readonly ProjectStats[], key: ProjectSortKey, direction: SortDirection): ProjectStats[] {
  const sign = direction === 'asc' ? 1 : -1;
  const value = (p: ProjectStats): number | string => (key === 'project' ? p.project.toLowerCase() : (p[key] ?? -Infinity));
  return [...projects].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const order = va < vb ? -1 : va > vb ? 1 : 0;
    return order * sign || a.project.localeCompare(b.project);
  });
}

/** Clicking the sorted column flips it; a new column starts with the order most useful for it. */
export function nextSort(current: { key: ProjectSortKey; direction: SortDirection }, clicked: ProjectSortKey) {
  if (current.key === clicked) return { key: clicked, direction: current.direction === 'asc' ? 'desc' : 'asc' } as const;
  return { key: clicked, direction: clicked === 'project' ? 'asc' : 'desc' } as const;
}

/** Newest first, at most `limit`; a live request is put in place by its start time. */
export function addRecentRequest(list: readonly RequestEntry[], entry: RequestEntry, limit: number): RequestEntry[] {
  const at = list.findIndex((r) => r.startedAt <= entry.startedAt);
  const next = at === -1 ? [...list, entry] : [...list.slice(0, at), entry, ...list.slice(at)];
  return next.slice(0, limit);
}

export function totalTokens(r: Pick<RequestEntry, 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens'>): number {
  return r.inputTokens + r.outputTokens + r.cacheCreationTokens + r.cacheReadTokens;
}

export const RANGE_LABELS: Record<ChartData['range'], string> = {
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  '30d': 'the last 30 days',
};
