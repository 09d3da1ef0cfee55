// Chart data shaping: API series in, what each chart draws out. Pure functions (no DOM, no D3),
// so the numbers the charts show are tested in Node against the API's own.
import type { ChartData, CostPoint, LatencyPoint, ModelTokens, ProjectStats, RequestEntry, RequestPoint } from '../../../shared/api.js';

export const REQUEST_SERIES = [
  { key: 'hits', label: 'Cache hits' },
  { key: 'misses', label: 'Misses' },
  { key: 'bypassed', label: 'Not cacheable' },
  { key: 'errors', label: 'Errors' },
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
  const totals = { hits: 0, misses: 0, bypassed: 0, errors: 0 };
  for (const p of points) for (const { key } of REQUEST_SERIES) totals[key] += p[key];
  return totals;
}

export function tallestStack(points: readonly RequestPoint[]): number {
  return points.reduce((max, p) => Math.max(max, p.hits + p.misses + p.bypassed + p.errors), 0);
}

/**
 * Adjacent buckets summed so that each bar is at least `minBarPx` wide: 288 five-minute bars in a
 * 400 px chart would be slivers. Returns the points and the new bucket width.
 */
export function mergeBuckets(
  points: readonly RequestPoint[],
  bucketMs: number,
  innerWidth: number,
  minBarPx = 4,
): { points: RequestPoint[]; bucketMs: number } {
  if (points.length === 0 || innerWidth <= 0) return { points: [...points], bucketMs };
  const factor = Math.max(1, Math.ceil((minBarPx * points.length) / innerWidth));
  if (factor === 1) return { points: [...points], bucketMs };
  const merged: RequestPoint[] = [];
  for (let i = 0; i < points.length; i += factor) {
    const group = points.slice(i, i + factor);
    const sum = { t: group[0]!.t, hits: 0, misses: 0, bypassed: 0, errors: 0 };
    for (const p of group) for (const { key } of REQUEST_SERIES) sum[key] += p[key];
    merged.push(sum);
  }
  return { points: merged, bucketMs: bucketMs * factor };
}

/**
 * Names that tell projects apart: the last folder, with as many parent folders as it takes when two
 * projects end in the same one (`/work/app` and `/home/app` become `work/app` and `home/app`).
 */
export function projectLabels(paths: readonly string[]): Map<string, string> {
  const unique = [...new Set(paths)];
  const parts = new Map(unique.map((p) => [p, p.replace(/[/\\]+$/, '').split(/[/\\]/).filter(Boolean)]));
  const labels = new Map<string, string>();
  for (const path of unique) {
    const mine = parts.get(path)!;
    if (mine.length === 0) {
      labels.set(path, path);
      continue;
    }
    let depth = 1;
    const suffix = (segs: string[], d: number) => segs.slice(-d).join('/');
    const clashes = (d: number) => unique.some((other) => other !== path && suffix(parts.get(other)!, d) === suffix(mine, d));
    while (depth < mine.length && clashes(depth)) depth++;
    labels.set(path, suffix(mine, depth));
  }
  return labels;
}

/**
 * A model name shortened to `max` characters without hiding what tells models apart: the
 * `claude-` prefix goes first, then the middle, never the date suffix.
 */
export function shortModelName(model: string, max: number): string {
  if (model.length <= max) return model;
  const bare = model.replace(/^claude-/, '');
  if (bare.length <= max) return bare;
  const date = /-\d{8}$/.exec(bare)?.[0] ?? '';
  const tail = date || bare.slice(-Math.floor(max / 3));
  return `${bare.slice(0, Math.max(1, max - tail.length - 1))}…${tail}`;
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

/** Upstream calls and cache hits apart: hits answer in a millisecond and would drag p50 to nothing. */
export function latencyLines(points: readonly LatencyPoint[]): Array<LineSeries<'p50' | 'p95' | 'hitP50'>> {
  return [
    { key: 'p50', label: 'Upstream p50', points: points.map((p) => ({ t: p.t, value: p.p50 })) },
    { key: 'p95', label: 'Upstream p95', points: points.map((p) => ({ t: p.t, value: p.p95 })) },
    { key: 'hitP50', label: 'Cache hit p50', points: points.map((p) => ({ t: p.t, value: p.hitP50 ?? null })) },
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
    (sum, b) => ({ model: sum.model, costUsd: sum.costUsd + b.costUsd, tokens: sum.tokens + b.tokens, models: sum.models + 1 }),
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

const RANGE_LABELS: Record<Exclude<ChartData['range'], 'custom'>, string> = {
  '1h': 'the last hour',
  '24h': 'the last 24 hours',
  '7d': 'the last 7 days',
  '30d': 'the last 30 days',
};

/** What a chart covers, in words: "the last hour", or a custom window's days ("1 Nov – 15 Nov"). */
export function rangeLabel(d: Pick<ChartData, 'range' | 'from' | 'to'>): string {
  if (d.range !== 'custom') return RANGE_LABELS[d.range];
  const day = (t: number) => new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
  const first = day(d.from);
  const last = day(d.to - 1);
  return first === last ? first : `${first} – ${last}`;
}
