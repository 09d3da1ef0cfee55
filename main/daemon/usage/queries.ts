import { queryCharts } from './charts.js';
import { exportPage, type ExportFormat, type ExportPosition } from './export.js';
import { queryFilteredCharts } from './filtered-charts.js';
import { queryFilteredSummary } from './filtered-summary.js';
import { queryLaunchCost } from './launch-cost.js';
import { queryChartExtras } from './chart-extras.js';
import { queryModels } from './models.js';
import { queryPreviousPeriod } from './previous-period.js';
import { queryProjects } from './projects.js';
import { summaryStart, type ChartRange, type SummaryRange } from './ranges.js';
import { queryRequests, type RequestFilter, type RequestMatch } from './request-list.js';
import type { Db } from './schema.js';
import { promptCacheParts } from './prompt-cache.js';
import { queryAgents, querySessions } from './sessions.js';
import { querySummary } from './summary.js';

/**
 * Every read the API makes, by name: the reader runs them on its own thread and connection, so
 * none of them ever runs on the thread that proxies. Arguments and results are plain data.
 */
export const QUERIES = {
  summary: (db: Db, a: { range: SummaryRange; now: number }) => querySummary(db, a.range, a.now),
  filteredSummary: (db: Db, a: { range: SummaryRange; now: number; match: RequestMatch }) =>
    queryFilteredSummary(db, a.range, a.now, a.match),
  previousPeriod: (db: Db, a: { range: SummaryRange; now: number; match: RequestMatch }) =>
    queryPreviousPeriod(db, a.range, a.now, a.match),
  launchCost: (db: Db, a: { session: string; since: number }) => queryLaunchCost(db, a.session, a.since),
  projects: (db: Db, a: { range: SummaryRange; now: number; match?: RequestMatch }) =>
    queryProjects(db, summaryStart(a.range, a.now), a.now, a.match ?? {}),
  models: (db: Db, a: { range: SummaryRange; now: number; project?: string }) =>
    queryModels(db, summaryStart(a.range, a.now), a.now, a.project),
  // Unfiltered: the roll-ups without dimensions (the fast path); filtered: see filtered-charts.ts.
  charts: (db: Db, a: { range: ChartRange; now: number; match?: RequestMatch }) =>
    a.match && Object.keys(a.match).length > 0
      ? queryFilteredCharts(db, a.range, a.now, a.match)
      : { ...queryCharts(db, a.range, a.now), ...queryChartExtras(db, a.range, a.now) },
  requests: (db: Db, a: { filter: RequestFilter }) => queryRequests(db, a.filter),
  promptCache: (db: Db, a: { range: SummaryRange; now: number }) =>
    promptCacheParts(db, summaryStart(a.range, a.now), a.now),
  sessions: (db: Db, a: { range: SummaryRange; now: number; limit: number; offset: number }) =>
    querySessions(db, summaryStart(a.range, a.now), a.now, a.limit, a.offset),
  agents: (db: Db, a: { range: SummaryRange; now: number }) => queryAgents(db, summaryStart(a.range, a.now)),
  exportPage: (
    db: Db,
    a: { format: ExportFormat; from: number; after: ExportPosition | null; written: number; match?: RequestMatch },
  ) => exportPage(db, a.format, a.from, a.after, a.written, a.match ?? {}),
};

export type QueryName = keyof typeof QUERIES;
export type QueryArgs<K extends QueryName> = Parameters<(typeof QUERIES)[K]>[1];
export type QueryResult<K extends QueryName> = ReturnType<(typeof QUERIES)[K]>;
