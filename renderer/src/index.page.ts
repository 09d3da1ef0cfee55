// The dashboard page: wires the API, the live event stream and the views together.
import './index.css';
import type { ChartData, ChartRange } from '../../shared/api.js';
import { createApi } from './api.js';
import { costLines, latencyLines } from './charts/shape.js';
import { lineChart } from './charts/line-chart.js';
import { modelChart } from './charts/model-chart.js';
import { requestsChart } from './charts/requests-chart.js';
import { byId } from './dom.js';
import { formatMs, formatUsd } from './format.js';
import { connectLive, type ConnectionStatus } from './live.js';
import { accessToken, adoptFragmentToken } from './token.js';
import { cachePanel } from './views/cache-panel.js';
import { renderCards } from './views/cards.js';
import { renderDaemonInfo, renderStatus } from './views/header.js';
import { projectsTable } from './views/projects-table.js';
import { recentRequests } from './views/recent-requests.js';
import { routingPanel } from './views/routing-panel.js';

const RANGES: readonly ChartRange[] = ['1h', '24h', '7d', '30d'];
const RANGE_KEY = 'cco-range';
/** Live requests refresh the aggregates at most this often. */
const REFRESH_MS = 500;

adoptFragmentToken();
// The settings page edits through the desktop app's bridge: offered only inside the app.
if (window.cco) byId('nav-settings').hidden = false;
const api = createApi(() => accessToken());

const charts = [
  requestsChart(),
  lineChart({
    id: 'cost',
    title: 'Cost and savings',
    legend: [{ key: 'cost', label: 'Cost' }, { key: 'saved', label: 'Saved by the cache' }],
    series: (d) => costLines(d.costPerHour),
    bucketSeconds: (d) => d.bucketSeconds.cost,
    format: formatUsd,
    tick: (y) => y.tickFormat(4, '$~f'),
    emptyMessage: (range) => `Nothing spent or saved in ${range} yet.`,
    minTop: 0.01,
  }),
  modelChart(),
  lineChart({
    id: 'latency',
    title: 'Latency',
    legend: [{ key: 'p50', label: 'p50' }, { key: 'p95', label: 'p95' }],
    series: (d) => latencyLines(d.latencyPerMinute),
    bucketSeconds: (d) => d.bucketSeconds.latency,
    format: formatMs,
    emptyMessage: (range) => `No requests in ${range} yet.`,
    minTop: 100,
  }),
];
byId('charts').append(...charts.map((c) => c.root));

const projects = projectsTable();
const recent = recentRequests();
const routing = routingPanel();
const cache = cachePanel({ clear: () => api.clearCache(), cleared: () => void loadCache() });

let range: ChartRange = RANGES.find((r) => r === localStorage.getItem(RANGE_KEY)) ?? '1h';
let daemonPid: number | null = null;

/** A failed load leaves the last good numbers on screen; the status pill says why nothing moves. */
function quietly(load: () => Promise<void>): () => Promise<void> {
  return () => load().catch((error: unknown) => console.warn(`Dashboard: ${(error as Error).message}`));
}

const loadHealth = quietly(async () => {
  const health = await api.health();
  daemonPid = health.pid;
  renderDaemonInfo(health);
});
const loadSummary = quietly(async () => renderCards(await api.summary()));
const loadProjects = quietly(async () => {
  const { projects: list } = await api.projects();
  byId('welcome').hidden = list.length > 0;
  projects.update(list);
});
const loadCache = quietly(async () => cache.update(await api.cacheStats()));
const loadRouting = quietly(async () => routing.update(await api.routing()));
const loadRequests = quietly(async () => recent.replace((await api.requests(50)).requests));
let chartsLoaded: ChartRange | null = null;
const loadCharts = quietly(async () => {
  const wanted = range;
  const { chartData } = await api.charts(wanted);
  if (wanted !== range) return; // a newer range was picked meanwhile
  drawCharts(chartData);
});

function drawCharts(data: ChartData): void {
  chartsLoaded = data.range;
  for (const chart of charts) chart.update(data);
  document.body.dataset.chartsRange = chartsLoaded;
}

async function refreshAll(): Promise<void> {
  await Promise.all([loadHealth(), loadSummary(), loadCharts(), loadProjects(), loadCache(), loadRequests(), loadRouting()]);
}

/** Coalesces bursts of live requests into one refresh of the aggregates. */
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleRefresh(): void {
  if (refreshTimer !== undefined) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    void Promise.all([loadSummary(), loadCharts(), loadProjects(), loadCache()]);
  }, REFRESH_MS);
}

function renderRange(): void {
  for (const button of byId('range').querySelectorAll<HTMLButtonElement>('button[data-range]')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === range));
  }
}

byId('range').addEventListener('click', (event) => {
  const picked = RANGES.find((r) => r === (event.target as HTMLElement).closest<HTMLButtonElement>('button')?.dataset.range);
  if (!picked || picked === range) return;
  range = picked;
  localStorage.setItem(RANGE_KEY, range);
  renderRange();
  void loadCharts();
});

let lastStatus: ConnectionStatus = 'connecting';
connectLive('/api/events', {
  status(status, retryInMs) {
    renderStatus(status, retryInMs);
    document.body.dataset.connection = status;
    // Whatever happened while the stream was down (or the daemon restarted) is fetched anew.
    if (status === 'connected' && lastStatus !== 'connecting') void refreshAll();
    lastStatus = status;
  },
  hello(event) {
    if (daemonPid !== null && event.pid !== daemonPid) void loadHealth();
  },
  request(entry) {
    recent.add(entry);
    scheduleRefresh();
  },
  stats(summary) {
    renderCards(summary);
    void loadCache();
    // The routing file reloads on its own; the periodic tick shows a new error or provider health.
    void loadRouting();
  },
});

renderRange();
void refreshAll().then(() => {
  document.body.dataset.ready = 'true';
});
