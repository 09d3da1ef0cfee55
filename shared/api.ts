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
  /** A hash naming the daemon's data directory (not secret), so a CLI can tell its own daemon apart. */
  dataDirId?: string;
  /**
   * The daemon's effective settings (main/common/settings-schema.ts), so a restart can keep them;
   * none is a secret. Absent from daemons older than this field.
   */
  options?: Record<string, string | number>;
  /** Upstream concurrency: the cap, requests in flight and requests waiting. */
  queue?: { workers: number; active: number; queued: number };
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
  /** Complete answers passed on but not stored: they held an event or field replay cannot reproduce. */
  uncacheable?: number;
  ttlSeconds: number;
  /** Upstream concurrency (`--workers`): calls under way and requests waiting for one. */
  queue?: { workers: number; active: number; queued: number };
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

export interface TokenTotals {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
}

/** What every usage report says of its requests: a summary and each project alike. */
export interface UsageTotals {
  requests: number;
  tokens: TokenTotals;
  costUsd: number;
  savedUsd: number;
  /** 0..1 */
  hitRate: number;
  errors: number;
  /** Requests of models without a known price, whose cost `costUsd` cannot include. */
  unpricedRequests: number;
}

/** `GET /api/stats/summary?range=today|7d|30d|all`, and the `stats` event of `/api/events` (without `cache`). */
export interface SummaryResponse extends UsageTotals {
  range: 'today' | '7d' | '30d' | 'all';
  /** Epoch ms the range starts at; null for `all`. */
  from: number | null;
  to: number;
  /** Null when the range holds no raw rows (percentiles are not kept past retention). */
  latencyMs: { p50: number | null; p95: number | null };
  cache?: CacheStatsResponse;
}

export interface ProjectStats extends UsageTotals {
  project: string;
  /** Epoch ms of the project's latest request. */
  lastSeen: number | null;
}

/** `GET /api/project/stats` */
export interface ProjectStatsResponse {
  projects: ProjectStats[];
}

export type ChartRange = '1h' | '24h' | '7d' | '30d';

export interface RequestPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** Answered from the cache (hits and coalesced requests). */
  hits: number;
  misses: number;
  /** Requests that skipped the cache (not cacheable). */
  bypassed: number;
}

export interface CostPoint {
  t: number;
  costUsd: number;
  savedUsd: number;
}

export interface LatencyPoint {
  t: number;
  /** Null for a bucket without requests. */
  p50: number | null;
  p95: number | null;
}

export interface ModelTokens {
  /** `unknown` when the request failed before any model was known. */
  model: string;
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  costUsd: number;
}

export interface ChartData {
  range: ChartRange;
  from: number;
  to: number;
  /** The width of one point of each series; the series names keep their usual (1h) meaning. */
  bucketSeconds: { requests: number; latency: number; cost: number };
  requestsPerMinute: RequestPoint[];
  costPerHour: CostPoint[];
  latencyPerMinute: LatencyPoint[];
  tokensByModel: ModelTokens[];
}

/** `GET /api/machine/stats?range=1h|24h|7d|30d` */
export interface MachineStatsResponse {
  process: { pid: number; cpuPercent: number; rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; uptimeSeconds: number };
  machine: { loadAverage: number[]; freeMemBytes: number; totalMemBytes: number; cpus: number };
  chartData: ChartData;
}

/** What the proxy reports about one finished request. Never a prompt, a reply or a credential. */
export interface RequestRecord {
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  project: string;
  session: string;
  method: string;
  path: string;
  requestedModel: string | null;
  servedModel: string | null;
  provider: string;
  status: number;
  /** Anthropic error type (`rate_limit_error`, ...) or a local one (`upstream_unreachable`, `stream_cut`). */
  errorType: string | null;
  cache: CacheOutcome;
  streaming: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  latencyMs: number;
  ttfbMs: number | null;
  requestBytes: number;
  responseBytes: number;
}

/** One recorded request, priced: `GET /api/requests` rows and the `request` event of `/api/events`. */
export interface RequestEntry extends RequestRecord {
  /** Absent on live events (the row id is assigned when the record is written). */
  id?: number;
  costUsd: number | null;
  savedUsd: number | null;
  costEstimated: boolean;
}

/** `GET /api/requests` */
export interface RequestsResponse {
  requests: RequestEntry[];
}

/** The `hello` event of `/api/events`. */
export interface HelloEvent {
  pid: number;
  now: number;
  statsIntervalMs: number;
}

/** Pace of a plan-usage window: share used vs share of its time gone by. */
export interface QuotaPace {
  /** Share of the allowance used (the utilization). */
  usedShare: number;
  /** Share of the window's time gone by. */
  elapsedShare: number;
  /** used / elapsed: above 1 runs out before the reset at this rate. Null at the very start of a window. */
  ratio: number | null;
}

/** One plan-usage window (`5h`, `7d`, `7d_opus`, ...) of `GET /api/quota`. */
export interface QuotaWindowView {
  name: string;
  /** `5-hour`, `7-day`. */
  label: string;
  /** Share used, 0..1 (may exceed 1 when over the limit). */
  utilization: number;
  /** ISO 8601, or null when the headers did not say. */
  resetsAt: string | null;
  resetsInSeconds: number | null;
  /** `allowed`, `allowed_warning`, `rejected`, ... as the upstream sent it. */
  status: string | null;
  /** Null when the window's length is unknown (a name without a duration) or its reset is. */
  pace: QuotaPace | null;
  /** The reset time has passed since this reading: the window has started over. */
  stale: boolean;
}

/** An API key's rate limit of one kind (`requests`, `tokens`, ...). */
export interface QuotaApiKeyLimit {
  limit: number | null;
  remaining: number | null;
  /** RFC 3339 as sent. */
  resetsAt: string | null;
}

/** The latest plan-usage reading of one credential, named by a salted fingerprint (never the credential). */
export interface QuotaCredentialView {
  fingerprint: string;
  /** How the credential was sent: an API key, or an OAuth (subscription) bearer token. */
  kind: 'api-key' | 'subscription' | 'none';
  /** ISO 8601 time of the response the reading came from. */
  observedAt: string;
  ageSeconds: number;
  status: string | null;
  representativeClaim: string | null;
  resetsAt: string | null;
  windows: QuotaWindowView[];
  limits: Partial<Record<'requests' | 'tokens' | 'input-tokens' | 'output-tokens', QuotaApiKeyLimit>>;
}

/** `GET /api/quota`: newest reading first. */
export interface QuotaResponse {
  /** The daemon's clock when it answered (ISO 8601), so ages and countdowns need no clock agreement. */
  now: string;
  credentials: QuotaCredentialView[];
}
