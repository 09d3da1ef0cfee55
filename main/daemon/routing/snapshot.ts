import type { RoutingResponse } from '../../../shared/api.js';
import type { HealthBook } from './health.js';
import type { RoutingTable } from './table.js';

export type RoutingSnapshot = RoutingResponse;
type ProviderView = RoutingResponse['providers'][number];

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The body of `GET /api/routing`. */
export function routingSnapshot(table: RoutingTable, health: HealthBook, env: Readonly<Record<string, string | undefined>>): RoutingSnapshot {
  const config = table.current();
  const problem = table.error;
  return {
    file: table.file,
    fileFound: table.fileFound,
    loadedAt: iso(table.loadedAt),
    error: problem ? { message: problem.message, at: iso(problem.at)! } : null,
    default: config.default,
    routes: config.routes.map((r) => ({
      match: r.match,
      when: { ...r.when },
      provider: r.provider,
      model: r.model ?? null,
      fallback: r.fallback.map((f) => ({ provider: f.provider, model: f.model ?? null })),
    })),
    providers: Object.values(config.providers).map((p) => ({
      name: p.name,
      type: p.type,
      baseUrl: p.baseUrl,
      apiKeyEnv: p.apiKeyEnv ?? null,
      apiKeySet: p.apiKeyEnv ? Boolean(env[p.apiKeyEnv]) : null,
      health: healthView(health, p.name),
    })),
  };
}

function healthView(book: HealthBook, name: string): ProviderView['health'] {
  const h = book.get(name);
  return { requests: h.requests, errors: h.errors, lastSuccessAt: iso(h.lastSuccessAt), lastErrorAt: iso(h.lastErrorAt), lastError: h.lastError };
}
