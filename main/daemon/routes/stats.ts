import Router from '@koa/router';
import type { Context } from 'koa';
import type {
  AgentsResponse,
  CacheStatsResponse,
  LaunchCostResponse,
  MachineStatsResponse,
  ModelStatsResponse,
  ProjectStatsResponse,
  RequestsResponse,
  SessionsResponse,
  SummaryResponse,
} from '../../../shared/api.js';
import type { Logger } from '../../common/logger.js';
import { errorBody } from '../anthropic/types.js';
import { HttpError } from '../http/errors.js';
import type { QuotaService } from '../quota/service.js';
import type { Clock } from '../usage/clock.js';
import { EXPORT_FORMATS } from '../usage/export.js';
import { CHART_RANGES, SUMMARY_RANGES } from '../usage/ranges.js';
import type { UsageStore } from '../usage/store.js';
import { serveEvents } from './events.js';
import { serveExport } from './export.js';
import { createMachineProbe, type MachineProbe } from './machine-stats.js';
import { oneOf, pageOf, param, requestFilterOf, requestMatchOf, windowOf } from './stats-params.js';

export interface StatsRouterDeps {
  store: UsageStore;
  clock: Clock;
  logger: Logger;
  /** The response cache's own counters, added to the summary as `cache`. */
  cacheStats?: () => CacheStatsResponse;
  /** Defaults to reading this process and host. */
  machine?: MachineProbe;
  /** Budget alerts, relayed as `alert` events on `/api/events`. */
  alerts?: { subscribe(listener: (alert: object) => void): () => void };
  /** Period of the `stats` event on `/api/events`. Default 5 s. */
  eventStatsIntervalMs?: number;
  /** Plan usage readings, sent on `/api/events`. */
  quota?: Pick<QuotaService, 'subscribe'>;
}

type Handler = (ctx: Context) => void | Promise<void>;

/** Bad parameters answer like the Anthropic API does: a JSON error body with a 400. */
function guarded(handler: Handler): Handler {
  return async (ctx) => {
    try {
      await handler(ctx);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      ctx.status = error.status;
      ctx.body = errorBody(error.type, error.message);
    }
  };
}

function noStore(ctx: Context, body: unknown): void {
  ctx.set('cache-control', 'no-store');
  ctx.body = body;
}

/** The usage analytics API: summaries, per-project totals, charts, the request log, live events, export. */
export function createStatsRouter(deps: StatsRouterDeps): Router {
  const { store } = deps;
  const machine = deps.machine ?? createMachineProbe(deps.clock);
  const router = new Router();

  // Every read runs on the store's reader thread; these handlers only await the answer.
  router.get('/api/stats/summary', guarded(async (ctx) => {
    const window = windowOf(ctx.query, SUMMARY_RANGES, 'today', deps.clock);
    // The request list's filters narrow the summary too, so the cards show what is filtered.
    const match = requestMatchOf(ctx.query);
    const filtered = Object.keys(match).length > 0;
    const [current, previous] = await Promise.all([
      filtered ? store.filteredSummary(window, match) : store.summary(window),
      store.previousPeriod(window, match),
    ]);
    const upgrading = store.upgrade;
    const summary = {
      ...current, ...(filtered ? { filtered } : {}), ...(previous ? { previous } : {}), ...(upgrading ? { upgrading } : {}),
    };
    noStore(ctx, (deps.cacheStats ? { ...summary, cache: deps.cacheStats() } : summary) satisfies SummaryResponse);
  }));

  router.get('/api/project/stats', guarded(async (ctx) => {
    // The drill-down filters narrow the projects table as they narrow the cards.
    const projects = await store.projects(windowOf(ctx.query, SUMMARY_RANGES, 'all', deps.clock), requestMatchOf(ctx.query));
    noStore(ctx, { projects } satisfies ProjectStatsResponse);
  }));

  router.get('/api/sessions', guarded(async (ctx) => {
    const { limit, offset } = pageOf(ctx.query);
    const window = windowOf(ctx.query, SUMMARY_RANGES, '7d', deps.clock);
    noStore(ctx, (await store.sessions(window, limit, offset)) satisfies SessionsResponse);
  }));

  router.get('/api/agents', guarded(async (ctx) => {
    noStore(ctx, (await store.agents(windowOf(ctx.query, SUMMARY_RANGES, '7d', deps.clock))) satisfies AgentsResponse);
  }));

  // `project` narrows the table to one project (the roll-ups keep project and model together).
  router.get('/api/model/stats', guarded(async (ctx) => {
    const window = windowOf(ctx.query, SUMMARY_RANGES, 'all', deps.clock);
    const models = await store.models(window, param(ctx.query, 'project'));
    noStore(ctx, { models } satisfies ModelStatsResponse);
  }));

  // A terminal tab's cost so far: its launch id and start bound the read to its own rows.
  router.get('/api/launch/cost', guarded(async (ctx) => {
    const session = param(ctx.query, 'session');
    if (session === undefined) throw new HttpError(400, 'session is required: the launch\'s X-CCO-Session id');
    const since = param(ctx.query, 'since') ?? '0';
    if (!/^\d+$/.test(since)) throw new HttpError(400, `since must be epoch milliseconds, got "${since}"`);
    noStore(ctx, (await store.launchCost(session, Number(since))) satisfies LaunchCostResponse);
  }));

  router.get('/api/machine/stats', guarded(async (ctx) => {
    const chartData = await store.charts(windowOf(ctx.query, CHART_RANGES, '1h', deps.clock), requestMatchOf(ctx.query));
    noStore(ctx, { process: machine.process(), machine: machine.machine(), chartData } satisfies MachineStatsResponse);
  }));

  router.get('/api/requests', guarded(async (ctx) => {
    noStore(ctx, { requests: await store.requests(requestFilterOf(ctx.query)) } satisfies RequestsResponse);
  }));

  router.get('/api/events', guarded((ctx) => {
    serveEvents(ctx, { ...deps, statsIntervalMs: deps.eventStatsIntervalMs ?? 5000 });
  }));

  router.get('/api/export', guarded((ctx) => {
    const format = oneOf(ctx.query, 'format', EXPORT_FORMATS, 'csv');
    const window = windowOf(ctx.query, SUMMARY_RANGES, 'all', deps.clock);
    return serveExport(ctx, deps, format, window, requestMatchOf(ctx.query));
  }));

  return router;
}
