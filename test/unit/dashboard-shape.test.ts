import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChartData, ProjectStats, RequestEntry } from '../../shared/api.js';
import {
  barRows,
  addRecentRequest,
  bucketIndexAt,
  costLines,
  isEmptyRange,
  latencyLines,
  lineMax,
  markedPoints,
  mergeBuckets,
  modelBars,
  nextSort,
  projectLabels,
  shortModelName,
  requestTotals,
  sortProjects,
  stackRequests,
  tallestStack,
} from '../../renderer/src/charts/shape.js';
import { formatAgo, formatBytes, formatExact, formatMs, formatPercent, formatUsd, projectName } from '../../renderer/src/format.js';

const points = [
  { t: 0, hits: 2, misses: 1, bypassed: 0, errors: 0 },
  { t: 60_000, hits: 0, misses: 0, bypassed: 0, errors: 0 },
  { t: 120_000, hits: 0, misses: 3, bypassed: 1, errors: 2 },
];

describe('requests chart shaping', () => {
  it('stacks hits under misses under bypassed under errors, leaving out empty segments', () => {
    assert.deepEqual(stackRequests(points), [
      { t: 0, series: 'hits', value: 2, y0: 0, y1: 2 },
      { t: 0, series: 'misses', value: 1, y0: 2, y1: 3 },
      { t: 120_000, series: 'misses', value: 3, y0: 0, y1: 3 },
      { t: 120_000, series: 'bypassed', value: 1, y0: 3, y1: 4 },
      { t: 120_000, series: 'errors', value: 2, y0: 4, y1: 6 },
    ]);
  });

  it('totals each series and finds the tallest stack', () => {
    assert.deepEqual(requestTotals(points), { hits: 2, misses: 4, bypassed: 1, errors: 2 });
    assert.equal(tallestStack(points), 6);
    assert.equal(tallestStack([]), 0);
  });
});

describe('line chart shaping', () => {
  it('keeps latency gaps as null and marks only real, non-zero points', () => {
    const [p50, p95, hitP50] = latencyLines([
      { t: 0, p50: 120, p95: 300, hitP50: 1 },
      { t: 60_000, p50: null, p95: null, hitP50: null },
    ]);
    assert.deepEqual(hitP50!.points, [{ t: 0, value: 1 }, { t: 60_000, value: null }], 'cache hits are a line of their own');
    assert.deepEqual(p50!.points, [{ t: 0, value: 120 }, { t: 60_000, value: null }]);
    assert.deepEqual(markedPoints(p95!), [{ t: 0, value: 300, key: 'p95' }]);
    assert.equal(lineMax([p50!, p95!]), 300);
  });

  it('splits cost and savings into two lines', () => {
    const lines = costLines([{ t: 0, costUsd: 0.5, savedUsd: 0 }, { t: 3_600_000, costUsd: 0, savedUsd: 0.25 }]);
    assert.deepEqual(lines.map((l) => [l.key, l.points.map((p) => p.value)]), [['cost', [0.5, 0]], ['saved', [0, 0.25]]]);
    assert.equal(lineMax(costLines([])), 0);
  });
});

describe('cost by model', () => {
  const model = (name: string, costUsd: number, input = 10) => ({ model: name, input, output: 1, cacheCreation: 0, cacheRead: 0, costUsd });

  it('orders by cost and folds the tail into one "other models" bar', () => {
    const bars = modelBars([model('a', 1), model('b', 3), model('c', 2), model('d', 0.5), model('e', 0.25)], 3);
    assert.deepEqual(bars.map((b) => [b.model, b.costUsd, b.models]), [['b', 3, 1], ['c', 2, 1], ['3 other models', 1.75, 3]]);
    assert.equal(bars[2]!.tokens, 33);
  });

  it('keeps every model when they fit', () => {
    assert.deepEqual(modelBars([model('x', 0), model('y', 0, 50)]).map((b) => b.model), ['y', 'x']);
  });

  it('spreads a few bars over the whole plot, never thicker than a bar should be', () => {
    const two = barRows(2, 160);
    assert.deepEqual([two.step, two.bar], [80, 24]);
    assert.equal(two.top(0), 28, 'centred in its row');
    assert.equal(two.top(1) + two.bar, 132, 'the last bar ends near the bottom, where the axis is');
    const six = barRows(6, 160);
    assert.ok(six.bar < six.step && six.top(5) + six.bar <= 160);
  });
});

describe('empty range and hover', () => {
  it('is empty only when no request and no model falls in the range', () => {
    const data = { requestsPerMinute: [{ t: 0, hits: 0, misses: 0, bypassed: 0, errors: 0 }], tokensByModel: [] } as unknown as ChartData;
    assert.equal(isEmptyRange(data), true);
    assert.equal(isEmptyRange({ ...data, requestsPerMinute: points }), false);
  });

  it('finds the bucket holding a time, clamped to the series', () => {
    const starts = [0, 60_000, 120_000];
    assert.equal(bucketIndexAt(starts, 59_999), 0);
    assert.equal(bucketIndexAt(starts, 60_000), 1);
    assert.equal(bucketIndexAt(starts, 500_000), 2);
    assert.equal(bucketIndexAt(starts, -5), 0);
    assert.equal(bucketIndexAt([], 5), -1);
  });
});

describe('projects table and recent requests', () => {
  const project = (name: string, costUsd: number, lastSeen: number | null): ProjectStats => ({
    project: name, requests: 1, tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 }, costUsd, savedUsd: 0,
    hitRate: 0, errors: 0, unpricedRequests: 0, lastSeen,
  });
  const list = [project('/w/b', 2, 10), project('/w/A', 2, null), project('/w/c', 5, 30)];

  it('sorts by any column, ties by name, never changing its input', () => {
    assert.deepEqual(sortProjects(list, 'costUsd', 'desc').map((p) => p.project), ['/w/c', '/w/A', '/w/b']);
    assert.deepEqual(sortProjects(list, 'project', 'asc').map((p) => p.project), ['/w/A', '/w/b', '/w/c']);
    assert.deepEqual(sortProjects(list, 'lastSeen', 'asc').map((p) => p.project), ['/w/A', '/w/b', '/w/c']);
    assert.deepEqual(list.map((p) => p.project), ['/w/b', '/w/A', '/w/c']);
  });

  it('flips the sorted column and starts a new one in its useful order', () => {
    assert.deepEqual(nextSort({ key: 'costUsd', direction: 'desc' }, 'costUsd'), { key: 'costUsd', direction: 'asc' });
    assert.deepEqual(nextSort({ key: 'costUsd', direction: 'desc' }, 'project'), { key: 'project', direction: 'asc' });
    assert.deepEqual(nextSort({ key: 'project', direction: 'asc' }, 'requests'), { key: 'requests', direction: 'desc' });
  });

  it('puts a live request in time order and keeps the list bounded', () => {
    const entry = (startedAt: number) => ({ startedAt }) as RequestEntry;
    const recent = [entry(30), entry(20), entry(10)];
    assert.deepEqual(addRecentRequest(recent, entry(40), 3).map((r) => r.startedAt), [40, 30, 20]);
    assert.deepEqual(addRecentRequest(recent, entry(25), 10).map((r) => r.startedAt), [30, 25, 20, 10]);
    assert.deepEqual(addRecentRequest([], entry(5), 10).map((r) => r.startedAt), [5]);
  });
});

describe('names that tell things apart', () => {
  it('adds parent folders only where two projects share a folder name', () => {
    const labels = projectLabels(['/work/app', '/home/me/app', '/work/api', '/srv/x/app']);
    assert.deepEqual([...labels.values()], ['work/app', 'me/app', 'api', 'x/app']);
  });

  it('shortens a model name without hiding its date suffix', () => {
    assert.equal(shortModelName('claude-3-5-sonnet-20241022', 40), 'claude-3-5-sonnet-20241022');
    assert.equal(shortModelName('claude-3-5-sonnet-20241022', 20), '3-5-sonnet-20241022');
    assert.match(shortModelName('claude-3-7-sonnet-thinking-20250219', 18), /^3-7-sonn.*…-20250219$/);
    assert.equal(shortModelName('claude-3-7-sonnet-thinking-20250219', 18).length, 18);
  });

  it('sums narrow buckets so bars stay visible', () => {
    const many = Array.from({ length: 288 }, (_, i) => ({ t: i * 300_000, hits: 1, misses: 0, bypassed: 0, errors: i % 2 }));
    const merged = mergeBuckets(many, 300_000, 400);
    assert.equal(merged.bucketMs, 3 * 300_000);
    assert.equal(merged.points.length, 96);
    assert.deepEqual(merged.points[0], { t: 0, hits: 3, misses: 0, bypassed: 0, errors: 1 });
    assert.equal(mergeBuckets(many, 300_000, 2000).points.length, 288, 'wide enough already');
  });
});

describe('dashboard formatting', () => {
  it('shows small costs with enough digits to tell apart', () => {
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(0.0157), '$0.0157', 'not $0.02');
    assert.equal(formatUsd(0.1359), '$0.136');
    assert.equal(formatUsd(0.1384), '$0.138', 'told apart from $0.1359');
    assert.notEqual(formatUsd(0.1359 + 0.002), formatUsd(0.1359), 'a $0.002 increase shows');
    assert.equal(formatUsd(0.00042), '$0.000420');
    assert.equal(formatUsd(0.0002), '$0.000200', 'three significant digits, zeros included');
    assert.equal(formatUsd(0.0000002), '<$0.000001', 'a real cost never reads as $0');
    assert.equal(formatUsd(0.5), '$0.50');
    assert.equal(formatUsd(0.9999), '$1.00');
    assert.equal(formatUsd(1.234), '$1.23');
    assert.equal(formatUsd(12345.6), '$12,346');
    assert.equal(formatUsd(null), '—');
  });

  it('formats rates, durations, sizes and ages', () => {
    assert.equal(formatPercent(0.4), '40%');
    assert.equal(formatPercent(0.05), '5.0%');
    assert.equal(formatMs(850), '850 ms');
    assert.equal(formatMs(1530), '1.53 s');
    assert.equal(formatMs(null), '—');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(64 * 1024 * 1024), '64.0 MiB');
    assert.equal(formatExact(1000), '1,000', 'a limit is exact, not 1.0k');
    assert.equal(formatAgo(0, 10_000), 'just now');
    assert.equal(formatAgo(0, 5 * 60_000), '5 min ago');
    assert.equal(formatAgo(null, 0), '—');
    assert.equal(projectName('/home/me/work/api/'), 'api');
    assert.equal(projectName('C:\\code\\site'), 'site');
    assert.equal(projectName('unknown'), 'unknown');
  });
});

describe('drill-down filters', () => {
  it('reads and writes the filters in the address, keeping other parameters', async () => {
    const { readFilters, writeFilters, matchesFilters } = await import('../../renderer/src/filters.js');
    assert.deepEqual(readFilters('?project=%2Fwork%2Fapp&status=429&x=1'), { project: '/work/app', status: '429' });
    assert.equal(writeFilters('?x=1', { model: 'claude-opus-4-8' }), '?x=1&model=claude-opus-4-8');
    assert.equal(writeFilters('?project=a', {}), '');
    const failed = { project: '/a', servedModel: 'm', requestedModel: 'm', status: 429, errorType: 'rate_limit_error' };
    assert.equal(matchesFilters({ status: 'error' }, failed), true);
    assert.equal(matchesFilters({ status: '4xx', project: '/a' }, failed), true);
    assert.equal(matchesFilters({ status: 'ok' }, failed), false);
    assert.equal(matchesFilters({ model: 'other' }, failed), false);
  });
});
