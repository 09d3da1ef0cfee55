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
