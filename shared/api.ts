// JSON shapes of the daemon's HTTP API, shared by the daemon and the dashboard.
// Types only: this module emits no code and imports nothing.

/**
 * A dashboard panel another surface can open the page at (`/#panel=budgets`; the tray's
 * "Budgets…"): the id of its element in the page.
 */
export type DashboardPanel = 'budgets';

/** `budget`: refused before going upstream because an `enforce` budget is exhausted. */
export type CacheOutcome = 'hit' | 'miss' | 'bypass' | 'coalesced' | 'budget';

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
  /** Cacheable requests not found in the cache whose upstream call succeeded. */
  misses: number;
  /** Cacheable requests not found whose upstream call failed: not misses, and not in the hit rate. */
  failed: number;
  /** Answered by sharing an identical call under way; counted as answered by the cache. */
  coalesced: number;
  /** (hits + coalesced) / (hits + coalesced + misses) since the daemon started. */
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
  /** Whether `file` exists; without it every model goes to `default` and there are no routes. */
  fileFound?: boolean;
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
  /** Prompt-cache writes by lifetime, where the upstream reported the split (part of `cacheCreation`). */
  cacheWrite5m?: number;
  cacheWrite1h?: number;
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
  /** `costUsd` split: pay-as-you-go spend, API-equivalent value (subscription traffic), and the estimated part. */
  costSplit?: { paygUsd: number; apiEquivalentUsd: number; estimatedUsd: number };
  /** The provider's prompt cache (not CCO's response cache) over the same requests. */
  promptCache?: PromptCacheStats;
  /** Requests by where they were recorded: through the proxy, or imported from transcripts. */
  sources?: SourceCounts;
}

export interface SourceCounts {
  proxy: number;
  transcript: number;
}

/**
 * Prompt-cache health of upstream calls (answers from CCO's response cache are left out: they
 * made no call). Token counts are Anthropic's usage fields; `uncachedInputTokens` is `input_tokens`.
 */
export interface PromptCacheStats {
  readTokens: number;
  /** 5-minute writes, including writes the upstream reported without the lifetime split. */
  write5mTokens: number;
  write1hTokens: number;
  uncachedInputTokens: number;
  /** reads / (reads + writes + uncached input); null when there was no input at all. */
  hitRatio: number | null;
  /**
   * What prompt caching saved versus sending the same tokens as plain input, from the price table
   * (base rates): reads at the input rate minus the read rate, less the write premiums. Negative
   * when writes cost more than reads saved.
   */
  savedUsd: number;
  /** Part of `savedUsd` came from a fallback (estimated) price. */
  savedEstimated: boolean;
  /**
   * Busters: writes not read back within their lifetime. A write counts as one when the next
   * upstream call of the same session and model came later than the write's lifetime (5 minutes,
   * or 1 hour for a 1-hour write), or read nothing from the cache, or never came (once the lifetime
   * has passed). Computed from the kept request rows only.
   */
  busterWrites: number;
  busterTokens: number;
}

/** `GET /api/stats/summary`'s prompt-cache breakdowns. */
export interface ModelPromptCache extends PromptCacheStats {
  model: string;
}

export interface DayPromptCache extends PromptCacheStats {
  /** UTC day, YYYY-MM-DD. */
  day: string;
}

/**
 * `GET /api/stats/summary?range=1h|24h|today|7d|30d|all` (or `from=..&to=..`: a custom window,
 * `range` then 'custom'), and the `stats` event of `/api/events` (without `cache`).
 */
export interface SummaryResponse extends UsageTotals {
  range: '1h' | '24h' | 'today' | '7d' | '30d' | 'all' | 'custom';
  /** Epoch ms the range starts at; null for `all`. */
  from: number | null;
  /** Where it ends: now, or a custom window's end. Past the 32 days hours are kept, at a UTC midnight. */
  to: number;
  /** From the roll-ups' histograms: within 2 % of the exact nearest-rank figure; null without requests. */
  latencyMs: { p50: number | null; p95: number | null };
  /** Time to first byte, from the same histograms (within 2 % of the exact percentile). */
  ttfbMs?: { p50: number | null; p95: number | null };
  cache?: CacheStatsResponse;
  promptCacheByModel?: ModelPromptCache[];
  promptCacheByDay?: DayPromptCache[];
  /** True when the request list's filters (project, model, status, session, search) narrowed it. */
  filtered?: boolean;
  /**
   * Filtered figures only: latency and time to first byte are of the latest `requests` matching
   * requests (since `from`, epoch ms) when more matched in the range. No roll-up keeps them per
   * project, model or status, and reading every matching row would cost seconds at millions.
   */
  timingSample?: TimingSample;
  /** The period before the range, as long and narrowed alike, for the change; absent for `all`. */
  previous?: UsageTotals & { from: number; to: number };
  /**
   * A file from an older CCO being upgraded while the daemon serves: raw rows added to the roll-ups
   * so far, of all. Until it is done, figures before the upgrade are incomplete. Absent otherwise.
   */
  upgrading?: { done: number; total: number };
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

/** One session (Claude Code's `sessionId`, else CCO's launch id) in `GET /api/sessions`. */
export interface SessionEntry {
  session: string;
  /** The project of most of its cost; `projects` lists every one it touched. */
  project: string;
  projects: string[];
  branches: string[];
  sources: UsageSource[];
  /** Subagent types seen in the session (sidechains). */
  agentTypes: string[];
  requests: number;
  errors: number;
  costUsd: number;
  costSplit: { paygUsd: number; apiEquivalentUsd: number; estimatedUsd: number };
  /** Epoch ms. */
  firstSeen: number;
  lastSeen: number;
  durationMs: number;
  /** Most expensive first; from the kept request rows (older sessions may show none). */
  models: Array<{ model: string; requests: number; costUsd: number }>;
  promptCache: PromptCacheStats;
}

/** `GET /api/sessions?range=..&limit=..&offset=..`: sessions active in the range, latest first. */
export interface SessionsResponse {
  range: SummaryResponse['range'];
  /** Sessions are counted by whole UTC days: the range starts at the start of its first day. */
  from: number | null;
  to: number;
  total: number;
  offset: number;
  limit: number;
  sessions: SessionEntry[];
}

/** `GET /api/agents?range=..`: cost by subagent type; `agentType` null is the main conversation. */
export interface AgentEntry {
  agentType: string | null;
  sessions: number;
  requests: number;
  costUsd: number;
  costSplit: { paygUsd: number; apiEquivalentUsd: number; estimatedUsd: number };
  tokens: TokenTotals;
}

export interface AgentsResponse {
  range: SummaryResponse['range'];
  from: number | null;
  to: number;
  agents: AgentEntry[];
}

export type ChartRange = '1h' | '24h' | '7d' | '30d';

/**
 * A custom window as the dashboard and the API take it (`from`, `to`): epoch ms, or dates
 * YYYY-MM-DD (local midnight; `to` takes in that whole day).
 */
export interface CustomWindow {
  from: string;
  to: string;
}

export interface RequestPoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** Answered from the cache (hits and coalesced requests). */
  hits: number;
  misses: number;
  /** Requests that skipped the cache (not cacheable). */
  bypassed: number;
  /** Failed requests (an error status or a cut stream); never counted as hits, misses or bypassed. */
  errors: number;
}

export interface CostPoint {
  t: number;
  costUsd: number;
  savedUsd: number;
}

export interface LatencyPoint {
  t: number;
  /** Of requests answered by an upstream call; null for a bucket without any. */
  p50: number | null;
  p95: number | null;
  /** Of requests answered from the response cache (hits and coalesced); null without any. */
  hitP50: number | null;
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
  range: ChartRange | 'custom';
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
  chartData: ChartData & ChartExtras;
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
  /**
   * Optional dimensions (absent: not known for this request). `proxy` rows come through the daemon,
   * `transcript` rows from Claude Code's session files.
   */
  source?: UsageSource;
  /** Claude Code's own session id (`sessionId`), when known. */
  sessionId?: string | null;
  gitBranch?: string | null;
  /** Subagent type of a sidechain (from the transcript's agent metadata). */
  agentType?: string | null;
  isSidechain?: boolean;
  /** Prompt-cache writes by lifetime, when the upstream reported the split. */
  cacheWrite5mTokens?: number | null;
  cacheWrite1hTokens?: number | null;
  /** A one-way fingerprint of the credential (never the credential itself), for plan quota. */
  credentialFingerprint?: string | null;
  /** The upstream's `request-id`, to join proxied rows with transcript rows. */
  upstreamRequestId?: string | null;
  serviceTier?: string | null;
  /** The upstream's message id (`msg_…`); with `upstreamRequestId`, what makes a transcript row unique. */
  messageId?: string | null;
  /** Server-side tool calls the response made (priced per 1,000; not stored as columns). */
  webSearchRequests?: number;
  webFetchRequests?: number;
  /** `payg`: the cost was paid per token; `subscription`: the cost is an API-equivalent value. */
  billing?: UsageBilling;
}

export type UsageSource = 'proxy' | 'transcript';
export type UsageBilling = 'payg' | 'subscription';

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

/** One budget as `GET /api/budgets` reports it (the daemon's budgets/status.ts builds it). */
export interface BudgetEntry {
  budget: {
    id: string;
    kind: 'spend' | 'quota';
    mode: 'alert' | 'enforce';
    thresholds: number[];
    period?: 'daily' | 'weekly' | 'monthly';
    limitUsd?: number;
    window?: '5h' | '7d';
    scope?: { type: 'global' } | { type: 'project'; path: string } | { type: 'model'; glob: string };
  };
  label: string;
  periodKey: string | null;
  periodStart: number | null;
  resetsAt: number | null;
  resetLabel: string | null;
  spent: { payg: number; apiEquivalent: number; total: number } | null;
  limitUsd: number | null;
  remainingUsd: number | null;
  percent: number | null;
  exhausted: boolean;
}

export interface BudgetsResponse {
  budgets: BudgetEntry[];
  /** Only whether a webhook is set and its host: the URL is a secret. */
  alertWebhook: { configured: boolean; host?: string };
}

/** A threshold crossing of one budget in one period (`GET /api/alerts`, the `alert` event). */
export interface AlertEntry {
  id: string;
  at: number;
  budgetId: string;
  kind: 'spend' | 'quota';
  threshold: number;
  percent: number;
  periodKey: string;
  resetsAt: number | null;
  message: string;
}

export interface AlertsResponse {
  alerts: AlertEntry[];
}

/** Team ledger totals (PostgreSQL), for one machine, project, model or the whole team. */
export interface TeamTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  savedUsd: number;
  hits: number;
  errors: number;
}

export interface TeamMachine extends TeamTotals {
  machine: string;
  user: string;
  /** Epoch ms of the machine's newest request in the range. */
  lastSeen: number;
}

export interface TeamProject extends TeamTotals {
  project: string;
}

export interface TeamModel extends TeamTotals {
  model: string;
}

export interface TeamSummary {
  from: number | null;
  totals: TeamTotals;
  machines: TeamMachine[];
  projects: TeamProject[];
  models: TeamModel[];
}

/** This daemon's link to the team ledger: never the URL's password. */
export interface TeamLedgerStatus {
  /** The URL without its password. */
  target: string;
  machine: string;
  user: string;
  state: 'starting' | 'up' | 'down';
  /** Local rows not yet in the ledger. */
  waiting: number;
  shipped: number;
  lastError: string | null;
}

/** `GET /api/team/summary?range=today|7d|30d|all` */
export interface TeamSummaryResponse extends TeamSummary {
  range: '1h' | '24h' | 'today' | '7d' | '30d' | 'all';
  ledger: TeamLedgerStatus;
}

/**
 * `GET /api/team/overview?range=`: the dashboard's Team scope. Always 200, so an install without a
 * team DB, or a ledger that cannot be read now, is a state the page shows rather than an error.
 */
export type TeamOverviewResponse =
  | { state: 'unconfigured'; message: string }
  | { state: 'unreachable'; message: string; ledger: TeamLedgerStatus }
  | ({ state: 'ok' } & TeamSummaryResponse);

/** `GET /api/team/machines?range=today|7d|30d|all` */
export interface TeamMachinesResponse {
  range: '1h' | '24h' | 'today' | '7d' | '30d' | 'all';
  from: number | null;
  machines: TeamMachine[];
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

/** One model's row of `GET /api/model/stats`. */
export interface ModelStats extends UsageTotals {
  /** The served model, else the requested one. */
  model: string;
  /** errors / requests (0 when none). */
  errorRate: number;
  /**
   * Upstream calls that answered (cache answers and failures left out, so neither drags the
   * figures down): mean and p95 (from histograms, within 2 %). Null when there were none.
   */
  latencyMs: { avg: number | null; p95: number | null };
}

/** `GET /api/model/stats` */
export interface ModelStatsResponse {
  models: ModelStats[];
}

/** `GET /api/launch/cost?session=ID&since=MS`: what one launch (a terminal tab, a `cco` run) cost so far. */
export interface LaunchCostResponse {
  /** CCO's session id (`X-CCO-Session`). */
  session: string;
  requests: number;
  costUsd: number;
  savedUsd: number;
  /** Whether part of the cost is priced from a fallback (an estimate). */
  costEstimated: boolean;
  lastSeen: number | null;
}

/** Tokens by kind in one bucket (a sum, like cost). */
export interface TokenPoint {
  t: number;
  input: number;
  output: number;
  cacheRead: number;
  /** 5-minute and 1-hour cache writes together. */
  cacheWrite: number;
}

/** Time to first byte in one bucket (from histograms, within 2 %); null without requests. */
export interface TtfbPoint {
  t: number;
  p50: number | null;
  p95: number | null;
}

/** How many requests of the range answered with each HTTP status. */
export interface StatusCount {
  status: number;
  count: number;
}

/** Timing figures taken from the latest matching requests only (see SummaryResponse.timingSample). */
export interface TimingSample {
  requests: number;
  from: number;
}

/** The charts beyond ChartData's first four, served with it in `chartData`. */
export interface ChartExtras {
  tokensPerBucket: TokenPoint[];
  ttfbPerBucket: TtfbPoint[];
  /** Most frequent first. Read from the stored requests (kept 90 days). */
  statusCodes: StatusCount[];
  /** Filtered charts only: latency, time to first byte and status codes drawn from the latest matching requests. */
  timingSample?: TimingSample;
}
