import { queryCharts } from './charts.js';
import { exportPage, type ExportFormat, type ExportPosition } from './export.js';
import { queryFilteredCharts } from './filtered-charts.js';
import { queryFilteredSummary } from './filtered-summary.js';
import { queryLaunchCost } from './launch-cost.js';
import { queryChartExtras } from './chart-extras.js';
import { queryModels } from './models.js';
import { queryPreviousPeriod } from './previous-period.js';
import { queryProjects } from './projects.js';
import { queryRequests, type RequestFilter, type RequestMatch } from './request-list.js';
import type { Db } from './schema.js';
import { promptCacheParts } from './prompt-cache.js';
import { queryAgents, querySessions } from './sessions.js';
import { readableSpan } from './rollup-read.js';
import { querySummary } from './summary.js';
import type { Window } from './window.js';

/**
 * Every read the API makes, by name: the reader runs them on its own thread and connection, so
 * none of them ever runs on the thread that proxies. Arguments and results are plain data.
 */
export const QUERIES = {
  summary: (db: Db, a: { window: Window; now: number }) => querySummary(db, readableSpan(a.window, a.now), a.now),
  filteredSummary: (db: Db, a: { window: Window; now: number; match: RequestMatch }) =>
    queryFilteredSummary(db, readableSpan(a.window, a.now), a.now, a.match),
  previousPeriod: (db: Db, a: { window: Window; now: number; match: RequestMatch }) =>
    queryPreviousPeriod(db, a.window, a.now, a.match),
  launchCost: (db: Db, a: { session: string; since: number }) => queryLaunchCost(db, a.session, a.since),
  projects: (db: Db, a: { window: Window; now: number; match?: RequestMatch }) =>
    queryProjects(db, readableSpan(a.window, a.now), a.now, a.match ?? {}),
  models: (db: Db, a: { window: Window; now: number; project?: string }) =>
    queryModels(db, readableSpan(a.window, a.now), a.now, a.project),
  // Unfiltered: the roll-ups without dimensions (the fast path); filtered: see filtered-charts.ts.
  charts: (db: Db, a: { window: Window; now: number; match?: RequestMatch }) =>
    a.match && Object.keys(a.match).length > 0
      ? queryFilteredCharts(db, a.window, a.now, a.match)
      : { ...queryCharts(db, a.window, a.now), ...queryChartExtras(db, a.window, a.now) },
  requests: (db: Db, a: { filter: RequestFilter }) => queryRequests(db, a.filter),
  promptCache: (db: Db, a: { window: Window; now: number }) =>
    promptCacheParts(db, readableSpan(a.window, a.now), a.now),
  sessions: (db: Db, a: { window: Window; now: number; limit: number; offset: number }) =>
    querySessions(db, a.window, a.now, a.limit, a.offset),
  agents: (db: Db, a: { window: Window }) => queryAgents(db, a.window),
  exportPage: (
    db: Db,
    a: { format: ExportFormat; window: Window; after: ExportPosition | null; written: number; match?: RequestMatch },
  ) => exportPage(db, a.format, a.window, a.after, a.written, a.match ?? {}),
};

export type QueryName = keyof typeof QUERIES;
export type QueryArgs<K extends QueryName> = Parameters<(typeof QUERIES)[K]>[1];
export type QueryResult<K extends QueryName> = ReturnType<(typeof QUERIES)[K]>;
