import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Pricer } from '../pricing/pricer.js';
import type { PriceTable } from '../pricing/table.js';
import type { Clock } from '../usage/clock.js';
import { costOf, usagePricerOf } from '../usage/costing.js';
import type { RequestRecord, RequestRecorder } from '../usage/record.js';
import { LabelGuard } from './label-guard.js';

/** How a request's cost was paid: pay-as-you-go API billing, or a plan where it is only what the API would charge. */
export type CostKind = 'payg' | 'api_equivalent';

/** The proxy's live state that gauges read at scrape time. */
export interface ProxyState {
  cache: { stats(): { size: number; bytes: number } };
  limiter: { stats(): { queued: number } };
  /** Client requests being served right now (hits, waits and upstream calls alike). */
  inFlight(): number;
}

/** One labelled value of a gauge that another service (quota, budgets) owns. */
export interface RatioSample {
  label: string;
  ratio: number;
}

export interface MetricsOptions {
  pricer: Pricer;
  /** Service-tier and server-tool prices (default: the built-in table). */
  priceTable?: PriceTable;
  clock: Clock;
  /** Projects with their own `project` label; the rest are "other". Default 20. */
  projectLimit?: number;
  /** Projects admitted first (the busiest so far), so a restart keeps the same series. */
  seedProjects?: Iterable<string>;
  /** How often recorded requests are turned into counters (they are also on every scrape). Default 1 s. */
  drainIntervalMs?: number;
}

const DEFAULT_PROJECT_LIMIT = 20;
// Models are few, but a typo'd or generated model name must not grow the series without bound.
const MODEL_LIMIT = 50;
const DEFAULT_DRAIN_MS = 1000;
// Past this many undrained records the oldest are folded in at once, so memory stays bounded.
const MAX_PENDING = 10_000;
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TTFB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The daemon's Prometheus metrics. The proxy's recorder is wrapped so that recording a request
 * only appends it to a list; pricing and counting happen on a timer and at scrape time, never
 * while a request is served. Gauges read the cache, limiter and other services when scraped.
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly projects: LabelGuard;
  private readonly usagePricer: ReturnType<typeof usagePricerOf>;
  private readonly models = new LabelGuard(MODEL_LIMIT);
  private pending: RequestRecord[] = [];
  private costKind: (record: RequestRecord) => CostKind = () => 'payg';
  private planSource: (() => readonly RatioSample[]) | null = null;
  private budgetSource: (() => readonly RatioSample[]) | null = null;
  private state: ProxyState | null = null;
  private readonly stopDrain: () => void;

  private readonly requests = new Counter({
    name: 'cco_requests_total',
    help: 'Requests served, by cache outcome, HTTP status class, model, provider and project (top N, then "other").',
    labelNames: ['cache', 'status_class', 'model', 'provider', 'project'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'cco_cost_usd_total',
    help: 'Cost in US dollars of upstream calls; kind="api_equivalent" is what a plan user would have paid the API.',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly saved = new Counter({
    name: 'cco_saved_usd_total',
    help: 'US dollars not spent because the cache or a shared in-flight call answered.',
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'cco_tokens_total',
    help: 'Tokens of answered requests, by type (input, output, cache_creation, cache_read).',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly upstreamLatency = new Histogram({
    name: 'cco_upstream_latency_seconds',
    help: 'Time from a request reaching the daemon to the end of the upstream answer, for requests sent upstream.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly ttfb = new Histogram({
    name: 'cco_time_to_first_byte_seconds',
    help: 'Time from a request reaching the daemon to the first byte of its answer, by cache outcome.',
    labelNames: ['cache'] as const,
    buckets: TTFB_BUCKETS,
    registers: [this.registry],
  });

  constructor(options: MetricsOptions) {
    this.projects = new LabelGuard(options.projectLimit ?? DEFAULT_PROJECT_LIMIT, options.seedProjects ?? []);
    this.usagePricer = usagePricerOf(options.pricer, options.priceTable);
    const self = this;
    const gauge = (name: string, help: string, read: (s: ProxyState) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          if (self.state) this.set(read(self.state));
        },
      });
    gauge('cco_cache_entries', 'Answers held in the response cache.', (s) => s.cache.stats().size);
    gauge('cco_cache_bytes', 'Bytes held in the response cache.', (s) => s.cache.stats().bytes);
    gauge('cco_inflight_requests', 'Client requests being served now.', (s) => s.inFlight());
    gauge('cco_queue_depth', 'Requests waiting for an upstream slot (--workers).', (s) => s.limiter.stats().queued);
    const ratios = (name: string, help: string, label: string, source: () => (() => readonly RatioSample[]) | null) =>
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const sample of source()?.() ?? []) this.set({ [label]: sample.label }, sample.ratio);
        },
      });
    const plan = () => this.planSource;
    ratios('cco_plan_utilization_ratio', 'Share of the plan window used (0-1), by window.', 'window', plan);
    ratios('cco_budget_spent_ratio', 'Share of each budget spent (0-1).', 'budget', () => this.budgetSource);
    this.stopDrain = options.clock.every(options.drainIntervalMs ?? DEFAULT_DRAIN_MS, () => this.drain());
  }

  /** Wraps the proxy's recorder: each record goes on to `inner` and is queued here for counting. */
  recorder(inner: RequestRecorder): RequestRecorder {
    return {
      record: (record) => {
        inner.record(record);
        if (this.pending.length >= MAX_PENDING) this.drain();
        this.pending.push(record);
      },
    };
  }

  /** Projects that keep their own label, costliest first (read from the store once it can answer). */
  seedProjects(projects: Iterable<string>): void {
    this.projects.seed(projects);
  }

  /** Called once the proxy exists, so the gauges can read its cache, limiter and in-flight count. */
  bindProxy(state: ProxyState): void {
    this.state = state;
  }

  /** The quota service plugs its plan windows in here (`cco_plan_utilization_ratio{window}`). */
  registerPlanUtilization(source: () => readonly RatioSample[]): void {
    this.planSource = source;
  }

  /** The budgets service plugs its budgets in here (`cco_budget_spent_ratio{budget}`). */
  registerBudgetRatios(source: () => readonly RatioSample[]): void {
    this.budgetSource = source;
  }

  /** Decides `kind` of `cco_cost_usd_total` per request (default: every request is pay-as-you-go). */
  registerCostKind(classify: (record: RequestRecord) => CostKind): void {
    this.costKind = classify;
  }

  /** The exposition text; counts every request recorded so far first. */
  async render(): Promise<{ contentType: string; body: string }> {
    this.drain();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.stopDrain();
  }

  private drain(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    for (const record of batch) this.count(record);
  }

  private count(rec: RequestRecord): void {
    const model = this.models.label(rec.servedModel ?? rec.requestedModel ?? 'unknown');
    this.requests.inc({
      cache: rec.cache,
      status_class: `${Math.floor(rec.status / 100)}xx`,
      model,
      provider: rec.provider,
      project: this.projects.label(rec.project),
    });
    const { costUsd, savedUsd } = costOf(rec, this.usagePricer);
    if (costUsd) this.cost.inc({ model, kind: this.costKind(rec) }, costUsd);
    if (savedUsd) this.saved.inc(savedUsd);
    if (rec.inputTokens) this.tokens.inc({ type: 'input' }, rec.inputTokens);
    if (rec.outputTokens) this.tokens.inc({ type: 'output' }, rec.outputTokens);
    if (rec.cacheCreationTokens) this.tokens.inc({ type: 'cache_creation' }, rec.cacheCreationTokens);
    if (rec.cacheReadTokens) this.tokens.inc({ type: 'cache_read' }, rec.cacheReadTokens);
    if (rec.cache === 'miss' || rec.cache === 'bypass') this.upstreamLatency.observe(rec.latencyMs / 1000);
    if (rec.ttfbMs !== null) this.ttfb.observe({ cache: rec.cache }, rec.ttfbMs / 1000);
  }
}
