// The dashboard page: wires the API, the live event stream and the views together.
import './index.css';
import type { ChartData, ChartExtras, ChartRange, CustomWindow, ProjectStats, SummaryResponse } from '../../shared/api.js';
import { createApi } from './api.js';
import { dashboardCharts, TIMED_CHARTS } from './charts/dashboard-charts.js';
import { projectLabels } from './charts/shape.js';
import { projectsWith, summaryWith } from './deltas.js';
import { byId } from './dom.js';
import { formatClock } from './format.js';
import { isFiltered, matchesFilters, readFilters, writeFilters, type Filters } from './filters.js';
import { customLabel, isoDay, periodKey, periodParams, periodText, readCustom, writeCustom, type Period } from './period.js';
import { renderFilterBar } from './views/filter-bar.js';
import { markSampledCharts } from './views/timing-sample.js';
import { connectLive, type ConnectionStatus } from './live.js';
import { followPanelLinks } from './panel-link.js';
import { accessToken, adoptFragmentToken } from './token.js';
import { alertBanner, budgetsPanel } from './views/budgets-panel.js';
import { cachePanel } from './views/cache-panel.js';
import { fetchQuota, planUsagePanel } from './views/plan-usage.js';
import { renderCards } from './views/cards.js';
import { renderDaemonInfo, renderStatus } from './views/header.js';
import { modelsTable } from './views/models-table.js';
import { projectsTable } from './views/projects-table.js';
import { promptCachePanel } from './views/prompt-cache-panel.js';
import { sessionsTable } from './views/sessions-table.js';
import { agentsTable } from './views/agents-table.js';
import { PAGE_SIZE, recentRequests } from './views/recent-requests.js';
import { routingPanel } from './views/routing-panel.js';
import { teamPanel } from './views/team-panel.js';

const RANGES: readonly ChartRange[] = ['1h', '24h', '7d', '30d'];
const RANGE_KEY = 'cco-range';
/**
 * Live requests are applied to what is on screen at once; the aggregates are refetched (reconciled)
 * at most this often, never after every request.
 */
const REFRESH_MS = 3000;

adoptFragmentToken();
followPanelLinks();
// The settings page edits through the desktop app's bridge: offered only inside the app.
if (window.cco) byId('nav-settings').hidden = false;
const api = createApi(() => accessToken());

const charts = dashboardCharts();
byId('charts').append(...charts.map((c) => c.root));

const projects = projectsTable({ filter: (project) => setFilters({ ...filters, project }) });
let filters: Filters = readFilters(location.search);
let knownProjects: string[] = [];
const recent = recentRequests({
  filter: (key, value) => setFilters({ ...filters, [key]: value }),
  more: () => void loadMoreRequests(),
});
const routing = routingPanel();
const plan = planUsagePanel({ load: fetchQuota });
const promptCache = promptCachePanel();
const sessions = sessionsTable();
const SESSION_ROWS = 25;
const agents = agentsTable();
const cache = cachePanel({ clear: () => api.clearCache(), cleared: () => void loadCache() });

const budgets = budgetsPanel({
  save: (budget) => api.saveBudget(budget),
  remove: (id) => api.removeBudget(id),
  changed: () => void loadBudgets(),
});
const banner = alertBanner();
const team = teamPanel();

let range: ChartRange = RANGES.find((r) => r === localStorage.getItem(RANGE_KEY)) ?? '1h';
/** A custom window of days (the address's `from`, `to`): when set, everything shows it instead of `range`. */
let custom: CustomWindow | null = readCustom(location.search);
const period = (): Period => custom ?? range;
/** Whether an answer asked for `wanted` is still what the page shows. */
const stillWanted = (wanted: Period): boolean => periodKey(wanted) === periodKey(period());
/** Live requests count in the period on screen unless it is a custom window that ended before today. */
const liveCounts = (): boolean => custom === null || custom.to >= isoDay(new Date());
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
// The cards and the projects table follow the picked range, like the charts.
let summary: SummaryResponse | null = null;
let projectList: ProjectStats[] = [];
function showSummary(next: SummaryResponse): void {
  summary = next;
  renderCards(next);
  // Live request events carry no prompt-cache figures: keep the last fetched ones until the refresh.
  if (next.promptCache) promptCache.update(next);
  byId('cards').dataset.filtered = String(next.filtered === true);
  // When the numbers on screen were last brought up to date (a load or a live request).
  const at = new Date();
  const updated = byId('last-updated');
  updated.textContent = `Updated ${formatClock(at.getTime())}`;
  updated.title = `Cards last updated ${at.toLocaleString()}`;
  updated.dataset.at = String(at.getTime());
}
function showProjects(next: ProjectStats[]): void {
  projectList = next;
  // A filter that matches nothing is not a fresh install.
  const filtered = isFiltered(filters);
  byId('welcome').hidden = next.length > 0 || filtered;
  projects.update(next, filtered ? knownProjects : undefined);
}
const loadSummary = quietly(async () => {
  const wanted = period();
  const wantedFilters = filters;
  const next = await api.summary(wanted, { ...wantedFilters });
  if (stillWanted(wanted) && wantedFilters === filters) showSummary(next);
});
// The projects table follows the filters like the cards do (a project filter leaves that project).
const loadProjects = quietly(async () => {
  const wanted = period();
  const wantedFilters = filters;
  // Names (and so their short labels) come from the whole list, never a filtered one.
  const [{ projects: list }, all] = await Promise.all([
    api.projects(wanted, { ...wantedFilters }),
    isFiltered(wantedFilters) ? api.projects(wanted) : null,
  ]);
  if (!stillWanted(wanted) || wantedFilters !== filters) return;
  knownProjects = (all?.projects ?? list).map((p) => p.project);
  showProjects(list);
  recent.knownProjects(knownProjects);
  renderFilters();
});
const loadSessions = quietly(async () => {
  const wanted = period();
  const page = await api.sessions(wanted, SESSION_ROWS);
  if (stillWanted(wanted)) sessions.update(page.sessions, page.total);
});
const loadAgents = quietly(async () => {
  const wanted = period();
  const { agents: list } = await api.agents(wanted);
  if (stillWanted(wanted)) agents.update(list, periodText(wanted));
});
// The models table follows the range and the project filter (the roll-ups keep both dimensions).
const models = modelsTable({ filter: (model) => setFilters({ ...filters, model }) });
const loadModels = quietly(async () => {
  const wanted = { period: period(), project: filters.project };
  const { models: list } = await api.models(wanted.period, wanted.project);
  if (stillWanted(wanted.period) && wanted.project === filters.project) {
    models.update(list, `${wanted.project === undefined ? '' : 'of this project '}${periodText(wanted.period)}`);
  }
});
const loadCache = quietly(async () => cache.update(await api.cacheStats()));
const loadRouting = quietly(async () => routing.update(await api.routing()));
const loadRequests = quietly(async () => {
  const wanted = filters;
  const { requests } = await api.requests(PAGE_SIZE, { ...wanted });
  if (wanted === filters) recent.replace(requests, wanted);
});
/** The page after the oldest row shown, with the same filters. */
async function loadMoreRequests(): Promise<void> {
  const wanted = filters;
  const before = recent.cursor();
  try {
    const { requests } = await api.requests(PAGE_SIZE, { ...wanted, ...(before ? { before } : {}) });
    if (wanted === filters) recent.append(requests);
  } catch (error) {
    console.warn(`Dashboard: ${(error as Error).message}`);
    recent.append(null);
  }
}

/** Filters the request list; the address keeps them, so the view can be shared, reloaded or gone back to. */
function setFilters(next: Filters, push = true): void {
  filters = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as Filters;
  if (push) history.pushState(null, '', `${location.pathname}${writeFilters(location.search, filters)}`);
  renderFilters();
  void loadRequests();
  void loadModels();
  void loadSummary();
  void loadCharts();
  void loadProjects();
}

/** The export links carry the filters and the picked period: the file holds exactly what is filtered. */
function renderExportLinks(): void {
  for (const format of ['csv', 'json'] as const) {
    const query = new URLSearchParams({ format, ...periodParams(period()) });
    for (const [key, value] of Object.entries(filters)) if (value !== undefined) query.set(key, value);
    byId<HTMLAnchorElement>(`export-${format}`).href = `/api/export?${query}`;
  }
}

const searchForm = byId<HTMLFormElement>('request-search');
const searchInput = byId<HTMLInputElement>('request-search-input');
searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = searchInput.value.trim();
  setFilters({ ...filters, q: q === '' ? undefined : q });
});

function renderFilters(): void {
  searchInput.value = filters.q ?? '';
  renderExportLinks();
  renderFilterBar(
    filters,
    (key) => setFilters(key === 'all' ? {} : { ...filters, [key]: undefined }),
    (key, value) => (key === 'project' ? (projectLabels([...knownProjects, value]).get(value) ?? value) : value),
  );
}
window.addEventListener('popstate', () => {
  const next = readCustom(location.search);
  if (periodKey(next ?? range) !== periodKey(period())) {
    custom = next;
    periodChanged();
  }
  setFilters(readFilters(location.search), false);
});
const loadBudgets = quietly(async () => budgets.update(await api.budgets()));
const loadTeam = quietly(async () => {
  const wanted = range;
  const next = await api.teamOverview(wanted);
  if (wanted === range) team.update(next);
});
const loadAlerts = quietly(async () => banner.replace((await api.alerts()).alerts));
/** periodKey of the period the charts show. */
let chartsLoaded: string | null = null;
// The charts follow the filters too: the daemon narrows them (filtered-charts.ts).
const loadCharts = quietly(async () => {
  const wanted = period();
  const wantedFilters = filters;
  const { chartData } = await api.charts(wanted, { ...wantedFilters });
  if (!stillWanted(wanted) || wantedFilters !== filters) return; // a newer period or filter was picked meanwhile
  drawCharts(chartData, periodKey(wanted));
});

function drawCharts(data: ChartData & Partial<ChartExtras>, key: string): void {
  chartsLoaded = key;
  for (const chart of charts) chart.update(data);
  markSampledCharts(charts.map((c) => c.root).filter((root) => TIMED_CHARTS.includes(root.dataset.chart ?? '')), data.timingSample);
  document.body.dataset.chartsRange = data.range;
  renderRange();
}

async function refreshAll(): Promise<void> {
  await Promise.all([
    loadHealth(), loadSummary(), loadCharts(), loadProjects(), loadCache(), loadRequests(), loadRouting(), loadBudgets(),
    loadAlerts(), loadTeam(), plan.load(), loadSessions(), loadAgents(), loadModels(),
  ]);
}

/** Coalesces bursts of live requests into one refresh of the aggregates. */
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleRefresh(): void {
  if (refreshTimer !== undefined) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    void Promise.all([loadSummary(), loadCharts(), loadProjects(), loadCache(), loadBudgets(), loadTeam(), loadSessions(), loadAgents(), loadModels()]);
  }, REFRESH_MS);
}

/**
 * The pressed button is the range on screen, never one that did not load; the one asked for is
 * marked busy until it arrives. Without a connection no range can load, so none can be picked.
 */
function renderRange(): void {
  const offline = document.body.dataset.connection === 'disconnected' || document.body.dataset.connection === 'reconnecting';
  const asked = periodKey(period());
  const shown = chartsLoaded ?? asked;
  const toggle = byId<HTMLButtonElement>('custom-toggle');
  const buttons = [...byId('range').querySelectorAll<HTMLButtonElement>('button[data-range]'), toggle];
  for (const button of buttons) {
    const key = button === toggle ? (custom === null ? null : periodKey(custom)) : button.dataset.range;
    button.setAttribute('aria-pressed', String(key === shown));
    button.setAttribute('aria-busy', String(key === asked && asked !== chartsLoaded));
    button.disabled = offline;
    button.title = offline ? 'Not connected to the daemon: the range cannot load.' : button === toggle ? 'Pick the days to show' : '';
  }
  toggle.textContent = custom === null ? 'Custom…' : customLabel(custom);
  for (const input of customForm.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button')) input.disabled = offline;
}

/** Everything that follows the period loads it anew (the team panel takes the named ranges only). */
function periodChanged(): void {
  renderRange();
  renderExportLinks();
  void Promise.all([loadCharts(), loadSummary(), loadProjects(), loadTeam(), loadSessions(), loadAgents(), loadModels()]);
}

/** Picks a period and keeps it in the address: a custom window as `from`/`to`, a named range clears them. */
function pickPeriod(next: Period): void {
  if (periodKey(next) === periodKey(period())) return;
  custom = typeof next === 'string' ? null : next;
  if (typeof next === 'string') {
    range = next;
    localStorage.setItem(RANGE_KEY, range);
  }
  history.pushState(null, '', `${location.pathname}${writeCustom(location.search, custom)}`);
  periodChanged();
}

byId('range').addEventListener('click', (event) => {
  const picked = RANGES.find((r) => r === (event.target as HTMLElement).closest<HTMLButtonElement>('button')?.dataset.range);
  if (!picked) return;
  customForm.hidden = true;
  byId('custom-toggle').setAttribute('aria-expanded', 'false');
  pickPeriod(picked);
});

const customForm = byId<HTMLFormElement>('custom-range');
const customFrom = byId<HTMLInputElement>('custom-from');
const customTo = byId<HTMLInputElement>('custom-to');
byId('custom-toggle').addEventListener('click', () => {
  customForm.hidden = !customForm.hidden;
  byId('custom-toggle').setAttribute('aria-expanded', String(!customForm.hidden));
  if (customForm.hidden) return;
  // The shown window, else the last seven days.
  const today = new Date();
  customFrom.value = custom?.from ?? isoDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6));
  customTo.value = custom?.to ?? isoDay(today);
  customTo.max = isoDay(today);
  customFrom.max = isoDay(today);
  byId('custom-error').textContent = '';
  customFrom.focus();
});
// An error message is about the dates as they were: gone once one is changed.
customForm.addEventListener('input', () => {
  byId('custom-error').textContent = '';
});
customForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const from = customFrom.value;
  const to = customTo.value;
  const error = from === '' || to === '' ? 'Pick both days.' : from > to ? 'The first day must not be after the last.' : '';
  byId('custom-error').textContent = error;
  if (error !== '') return;
  customForm.hidden = true;
  byId('custom-toggle').setAttribute('aria-expanded', 'false');
  pickPeriod({ from, to });
});

let lastStatus: ConnectionStatus = 'connecting';
connectLive('/api/events', {
  status(status, retryInMs) {
    renderStatus(status, retryInMs);
    // index.css dims the numbers while they may be stale.
    document.body.dataset.connection = status;
    renderRange();
    // Whatever happened while the stream was down (or the daemon restarted) is fetched anew.
    if (status === 'connected' && lastStatus !== 'connecting') void refreshAll();
    lastStatus = status;
  },
  hello(event) {
    if (daemonPid !== null && event.pid !== daemonPid) void loadHealth();
  },
  request(entry) {
    recent.add(entry);
    // Only a request the filters match, in a period still running, moves the aggregates on screen.
    if (liveCounts() && matchesFilters(filters, entry)) {
      if (summary) showSummary(summaryWith(summary, entry));
      showProjects(projectsWith(projectList, entry));
    }
    scheduleRefresh();
  },
  alert(entry) {
    banner.add(entry);
    void loadBudgets();
  },
  stats() {
    // The periodic tick: rolling ranges move on even without requests (cheap: the API reads roll-ups).
    scheduleRefresh();
    void loadCache();
    // The routing file reloads on its own; the periodic tick shows a new error or provider health.
    void loadRouting();
  },
});

renderRange();
renderFilters();
void accessToken().then((value) => cache.setHasToken(value !== null && value !== ''));
void refreshAll().then(() => {
  document.body.dataset.ready = 'true';
});
