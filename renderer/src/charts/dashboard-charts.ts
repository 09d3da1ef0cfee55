// The dashboard's charts, in page order: which series each draws, and how its figures read.
import type { ChartData, ChartExtras } from '../../../shared/api.js';
import { formatCount, formatMs, formatUsd } from '../format.js';
import { tokenLines, ttfbLines } from './extra-lines.js';
import { lineChart } from './line-chart.js';
import { modelChart } from './model-chart.js';
import { requestsChart } from './requests-chart.js';
import { costLines, latencyLines } from './shape.js';
import { statusChart } from './status-chart.js';

/** Charts whose figures are taken from the latest matching requests when a filter matches many. */
export const TIMED_CHARTS = ['latency', 'ttfb', 'status-codes'];

export function dashboardCharts() {
  return [
    requestsChart(),
    lineChart({
      id: 'cost',
      title: 'Cost and savings',
      legend: [{ key: 'cost', label: 'Cost' }, { key: 'saved', label: 'Saved by the cache' }],
      series: (d) => costLines(d.costPerHour),
      bucketSeconds: (d) => d.bucketSeconds.cost,
      format: formatUsd,
      emptyMessage: (range) => `Nothing spent or saved in ${range} yet.`,
      minTop: 0.01,
      step: true,
    }),
    modelChart(),
    lineChart({
      id: 'latency',
      title: 'Latency',
      legend: [{ key: 'p50', label: 'Upstream p50' }, { key: 'p95', label: 'Upstream p95' }, { key: 'hitP50', label: 'Cache hit p50' }],
      series: (d) => latencyLines(d.latencyPerMinute),
      bucketSeconds: (d) => d.bucketSeconds.latency,
      format: formatMs,
      emptyMessage: (range) => `No requests in ${range} yet.`,
      minTop: 100,
    }),
    // Tokens over time, time to first byte and status codes (the daemon's chart-extras.ts).
    lineChart({
      id: 'tokens',
      title: 'Tokens',
      legend: [
        { key: 'input', label: 'Input' }, { key: 'output', label: 'Output' },
        { key: 'cacheRead', label: 'Cache read' }, { key: 'cacheWrite', label: 'Cache write' },
      ],
      series: (d) => tokenLines((d as ChartData & Partial<ChartExtras>).tokensPerBucket ?? []),
      bucketSeconds: (d) => d.bucketSeconds.cost,
      format: formatCount,
      emptyMessage: (range) => `No tokens in ${range} yet.`,
      minTop: 10,
      step: true,
    }),
    lineChart({
      id: 'ttfb',
      title: 'Time to first byte',
      legend: [{ key: 'ttfbP50', label: 'p50' }, { key: 'ttfbP95', label: 'p95' }],
      series: (d) => ttfbLines((d as ChartData & Partial<ChartExtras>).ttfbPerBucket ?? []),
      bucketSeconds: (d) => d.bucketSeconds.latency,
      format: formatMs,
      emptyMessage: (range) => `No requests in ${range} yet.`,
      minTop: 100,
    }),
    statusChart(),
  ];
}
