import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../main/common/logger.js';
import { LabelGuard } from '../../main/daemon/metrics/label-guard.js';
import { DaemonMetrics } from '../../main/daemon/metrics/metrics.js';
import { createPricer } from '../../main/daemon/pricing/pricer.js';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import type { RequestRecord } from '../../main/daemon/usage/record.js';

const pricer = createPricer(
  { updated: '2026-01-01', models: { 'claude-sonnet-4-5': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 } }, providers: {}, serverTools: {}, serviceTiers: {} },
  silentLogger,
);

function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    startedAt: 0, project: '/work/a', session: 's', method: 'POST', path: '/v1/messages',
    requestedModel: 'claude-sonnet-4-5', servedModel: 'claude-sonnet-4-5', provider: 'anthropic', status: 200,
    errorType: null, cache: 'miss', streaming: false, inputTokens: 1_000_000, outputTokens: 0,
    cacheCreationTokens: 0, cacheReadTokens: 0, latencyMs: 700, ttfbMs: 40, requestBytes: 1, responseBytes: 1,
    ...over,
  };
}

/** The value of one sample line, e.g. `cco_requests_total{...project="/work/a"...}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

test('the label guard keeps seeded and first-seen values up to its limit, then says "other" for good', () => {
  const guard = new LabelGuard(3, ['/seed']);
  assert.equal(guard.label('/a'), '/a');
  assert.equal(guard.label('/b'), '/b');
  assert.equal(guard.label('/c'), 'other');
  assert.equal(guard.label('/seed'), '/seed');
  assert.equal(guard.label('/a'), '/a', 'an admitted value never moves to "other"');
  assert.equal(guard.size, 3);
});

test('recording only queues; counters, cost, tokens and histograms appear on the next scrape', async () => {
  const clock = new ManualClock();
  const metrics = new DaemonMetrics({ pricer, clock, projectLimit: 1 });
  const forwarded: RequestRecord[] = [];
  const recorder = metrics.recorder({ record: (r) => forwarded.push(r) });
  recorder.record(record());
  recorder.record(record({ cache: 'hit', project: '/work/b', ttfbMs: 2 }));
  recorder.record(record({ status: 529, errorType: 'overloaded_error', inputTokens: 0, project: '/work/c', ttfbMs: null }));
  assert.equal(forwarded.length, 3, 'every record still reaches the store');
  const { body, contentType } = await metrics.render();
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  assert.equal(sample(body, 'cco_requests_total', { cache: 'miss', status_class: '2xx', project: '/work/a' }), 1);
  assert.equal(sample(body, 'cco_requests_total', { cache: 'hit', project: 'other' }), 1);
  assert.equal(sample(body, 'cco_requests_total', { status_class: '5xx', project: 'other' }), 1);
  assert.equal(sample(body, 'cco_cost_usd_total', { model: 'claude-sonnet-4-5', kind: 'payg' }), 3);
  assert.equal(sample(body, 'cco_saved_usd_total'), 3, 'the hit saved what the miss cost');
  assert.equal(sample(body, 'cco_tokens_total', { type: 'input' }), 2_000_000);
  assert.equal(sample(body, 'cco_upstream_latency_seconds_count'), 2, 'the miss and the error went upstream');
  assert.equal(sample(body, 'cco_upstream_latency_seconds_bucket', { le: '1' }), 2);
  assert.equal(sample(body, 'cco_time_to_first_byte_seconds_count', { cache: 'hit' }), 1);
  metrics.close();
});

test('gauges read the proxy state and the plugged-in quota and budget sources at scrape time', async () => {
  const metrics = new DaemonMetrics({ pricer, clock: new ManualClock() });
  let queued = 2;
  metrics.bindProxy({
    cache: { stats: () => ({ size: 7, bytes: 4096 }) },
    limiter: { stats: () => ({ queued }) },
    inFlight: () => 5,
  });
  let plan = [{ label: '5h', ratio: 0.25 }, { label: '7d', ratio: 0.5 }];
  metrics.registerPlanUtilization(() => plan);
  metrics.registerBudgetRatios(() => [{ label: 'daily', ratio: 1.2 }]);
  metrics.registerCostKind(() => 'api_equivalent');
  metrics.recorder({ record() {} }).record(record());
  let { body } = await metrics.render();
  assert.equal(sample(body, 'cco_cache_entries'), 7);
  assert.equal(sample(body, 'cco_cache_bytes'), 4096);
  assert.equal(sample(body, 'cco_inflight_requests'), 5);
  assert.equal(sample(body, 'cco_queue_depth'), 2);
  assert.equal(sample(body, 'cco_plan_utilization_ratio', { window: '5h' }), 0.25);
  assert.equal(sample(body, 'cco_budget_spent_ratio', { budget: 'daily' }), 1.2);
  assert.equal(sample(body, 'cco_cost_usd_total', { kind: 'api_equivalent' }), 3);
  queued = 0;
  plan = [{ label: '7d', ratio: 0.6 }];
  ({ body } = await metrics.render());
  assert.equal(sample(body, 'cco_queue_depth'), 0);
  assert.equal(sample(body, 'cco_plan_utilization_ratio', { window: '5h' }), undefined, 'a window no longer reported goes away');
  assert.equal(sample(body, 'cco_plan_utilization_ratio', { window: '7d' }), 0.6);
  metrics.close();
});

test('the drain timer folds queued records in without a scrape, so memory stays bounded', async () => {
  const clock = new ManualClock();
  const metrics = new DaemonMetrics({ pricer, clock, drainIntervalMs: 1000 });
  metrics.recorder({ record() {} }).record(record());
  clock.advance(1000);
  const text = await metrics.registry.metrics();
  assert.equal(sample(text, 'cco_requests_total', { cache: 'miss' }), 1);
  metrics.close();
  assert.equal(clock.pendingTimers, 0);
});
