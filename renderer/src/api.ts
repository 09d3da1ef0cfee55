// The daemon's HTTP API as the dashboard uses it. Same origin, so the paths are relative.
import type {
  AgentsResponse,
  AlertsResponse,
  BudgetEntry,
  BudgetsResponse,
  CacheClearResponse,
  CacheStatsResponse,
  ChartRange,
  HealthResponse,
  MachineStatsResponse,
  ModelStatsResponse,
  ProjectStatsResponse,
  RequestsResponse,
  RoutingResponse,
  SessionsResponse,
  SummaryResponse,
  TeamOverviewResponse,
} from '../../shared/api.js';
import { periodParams, type Period } from './period.js';

/** The header the daemon reads the per-install token from on admin actions. */
export const TOKEN_HEADER = 'x-cco-token';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface Api {
  health(): Promise<HealthResponse>;
  /** `filters`: the drill-down's, so the cards show what is filtered. */
  summary(period: Period, filters?: Readonly<Record<string, string | undefined>>): Promise<SummaryResponse>;
  projects(period: Period, filters?: Readonly<Record<string, string | undefined>>): Promise<ProjectStatsResponse>;
  charts(period: Period, filters?: Readonly<Record<string, string | undefined>>): Promise<MachineStatsResponse>;
  /** `project`: one project's models only. */
  models(period: Period, project?: string): Promise<ModelStatsResponse>;
  /** `filters`: project, model, status, as the drill-down sets them. */
  requests(limit: number, filters?: Readonly<Record<string, string | undefined>>): Promise<RequestsResponse>;
  sessions(period: Period, limit: number): Promise<SessionsResponse>;
  agents(period: Period): Promise<AgentsResponse>;
  cacheStats(): Promise<CacheStatsResponse>;
  routing(): Promise<RoutingResponse>;
  clearCache(): Promise<CacheClearResponse>;
  budgets(): Promise<BudgetsResponse>;
  alerts(): Promise<AlertsResponse>;
  saveBudget(budget: unknown): Promise<{ budget: BudgetEntry }>;
  removeBudget(id: string): Promise<{ removed: string }>;
  teamOverview(range: ChartRange): Promise<TeamOverviewResponse>;
}

/** The daemon answers errors in the Anthropic shape: `{ type: 'error', error: { message } }`. */
async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/** The period and the drill-down filters, as the aggregate endpoints take them. */
function periodQuery(period: Period, filters: Readonly<Record<string, string | undefined>>): URLSearchParams {
  const query = new URLSearchParams(periodParams(period));
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) query.set(key, value);
  return query;
}

export function createApi(token: () => Promise<string | null>, fetchImpl: typeof fetch = (...args) => fetch(...args)): Api {
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await fetchImpl(path, { cache: 'no-store', ...init });
    if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
    return (await res.json()) as T;
  }
  async function admin<T>(path: string, method = 'POST', body?: unknown): Promise<T> {
    const value = await token();
    const headers: Record<string, string> = value ? { [TOKEN_HEADER]: value } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    return call<T>(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }
  return {
    health: () => call('/health'),
    summary: (period, filters = {}) => call(`/api/stats/summary?${periodQuery(period, filters)}`),
    projects: (period, filters = {}) => call(`/api/project/stats?${periodQuery(period, filters)}`),
    charts: (period, filters = {}) => call(`/api/machine/stats?${periodQuery(period, filters)}`),
    models: (period, project) => {
      const query = new URLSearchParams(periodParams(period));
      if (project !== undefined) query.set('project', project);
      return call(`/api/model/stats?${query}`);
    },
    requests: (limit, filters = {}) => {
      const query = new URLSearchParams({ limit: String(limit) });
      for (const [key, value] of Object.entries(filters)) if (value !== undefined) query.set(key, value);
      return call(`/api/requests?${query}`);
    },
    sessions: (period, limit) => {
      const query = new URLSearchParams({ ...periodParams(period), limit: String(limit) });
      return call(`/api/sessions?${query}`);
    },
    agents: (period) => call(`/api/agents?${new URLSearchParams(periodParams(period))}`),
    cacheStats: () => call('/api/cache/stats'),
    routing: () => call('/api/routing'),
    clearCache: () => admin('/api/cache/clear'),
    budgets: () => call('/api/budgets'),
    alerts: () => call('/api/alerts?limit=20'),
    saveBudget: (budget) => admin('/api/budgets', 'POST', budget),
    removeBudget: (id) => admin(`/api/budgets/${encodeURIComponent(id)}`, 'DELETE'),
    teamOverview: (range) => call(`/api/team/overview?range=${encodeURIComponent(range)}`),
  };
}
