// JSON shapes of the daemon's HTTP API, shared by the daemon and the dashboard.
// Types only: this module emits no code and imports nothing.

export type CacheOutcome = 'hit' | 'miss' | 'bypass' | 'coalesced';

export interface HealthResponse {
  status: 'ok';
  version: string;
  pid: number;
  port: number;
  uptimeSeconds: number;
  upstream?: string;
}

export interface CacheStatsResponse {
  hits: number;
  misses: number;
  hitRate: number;
  size: number;
  maxSize: number;
  bytes: number;
  maxBytes: number;
  evictions: number;
  ttlSeconds: number;
}

export interface CacheClearResponse {
  status: 'ok';
  cleared: number;
  freedMemory: string;
  freedBytes: number;
}

/** `GET /api/routing`: the model routes in force and each provider's health. Times are ISO 8601. */
export interface RoutingResponse {
  /** The routing file watched, or null when the daemon runs without one. */
  file: string | null;
  loadedAt: string | null;
  /** The last invalid edit (the previous routes stay in force), or null. */
  error: { message: string; at: string } | null;
  default: string;
  routes: Array<{
    match: string[];
    when: { stream?: boolean; thinking?: boolean; promptTokensOver?: number };
    provider: string;
    model: string | null;
    fallback: Array<{ provider: string; model: string | null }>;
  }>;
  providers: Array<{
    name: string;
    type: 'anthropic' | 'openai' | 'ollama';
    baseUrl: string;
    apiKeyEnv: string | null;
    /** Whether the key's environment variable is set; the key itself is never shown. */
    apiKeySet: boolean | null;
    health: { requests: number; errors: number; lastSuccessAt: string | null; lastErrorAt: string | null; lastError: string | null };
  }>;
}
