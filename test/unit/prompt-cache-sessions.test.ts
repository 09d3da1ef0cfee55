// Prompt-cache health, sessions and subagent cost, read through the real stats routes and store.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Koa from 'koa';
import type {
  AgentsResponse, ProjectStatsResponse, SessionsResponse, SummaryResponse,
} from '../../shared/api.js';
import { createStatsRouter } from '../../main/daemon/routes/stats.js';
import type { UsageStore } from '../../main/daemon/usage/store.js';
import { makeRecord, near, NOON, openTestStore, recordingLogger, tempDir } from './usage-fixtures.js';

const tmp = tempDir('cco-prompt-cache-');
after(() => tmp.remove());

const MIN = 60_000;
const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';
// Published prices, USD per million tokens (Anthropic's pricing page), written out here on purpose.
const SONNET_IN = 3, SONNET_READ = 0.3, SONNET_WRITE_5M = 3.75;
const HAIKU_IN = 1, HAIKU_WRITE_1H = 2;

let store: UsageStore;
let base: string;
let close: () => Promise<void>;

before(async () => {
  ({ store } = openTestStore(join(tmp.dir, 'usage.db')));
  const a = { sessionId: 'sess-a', project: 'alpha', gitBranch: 'main', source: 'transcript' as const, servedModel: SONNET,
    requestedModel: SONNET, billing: 'subscription' as const };
  // A write read back two minutes later (not a buster), then a write whose next call came 7 minutes later.
  store.record(makeRecord({ ...a, startedAt: NOON - 10 * MIN, inputTokens: 100, cacheCreationTokens: 10_000,
    cacheWrite5mTokens: 10_000, cacheWrite1hTokens: 0 }));
  store.record(makeRecord({ ...a, startedAt: NOON - 8 * MIN, inputTokens: 50, cacheReadTokens: 10_000,
    cacheCreationTokens: 2000 }));
  store.record(makeRecord({ ...a, startedAt: NOON - 1 * MIN, inputTokens: 10 }));
  const b = { sessionId: 'sess-b', project: 'beta', agentType: 'Explore', isSidechain: true, servedModel: HAIKU,
    requestedModel: HAIKU };
  // A one-hour write still within its lifetime: not judged yet.
  store.record(makeRecord({ ...b, startedAt: NOON - 30 * MIN, inputTokens: 200, cacheCreationTokens: 4000,
    cacheWrite5mTokens: 0, cacheWrite1hTokens: 4000 }));
  // CCO's response cache answered this one: no upstream call, so no prompt-cache tokens.
  store.record(makeRecord({ ...b, startedAt: NOON - 20 * MIN, cache: 'hit', inputTokens: 5, cacheReadTokens: 999_999 }));
  // Seen three hours earlier only: in today's sessions, not in the last hour's.
  store.record(makeRecord({ sessionId: 'sess-c', project: 'gamma', startedAt: NOON - 180 * MIN, inputTokens: 0 }));
  const app = new Koa();
  const router = createStatsRouter({ store, clock: { now: () => NOON } as never, logger: recordingLogger().logger });
  app.use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    store.close();
  };
});
after(() => close());

async function get<T>(path: string): Promise<T> {
  const res = await fetch(base + path);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

const EXPECTED_SAVED = (10_000 * (SONNET_IN - SONNET_READ) + 12_000 * (SONNET_IN - SONNET_WRITE_5M)
  + 4000 * (HAIKU_IN - HAIKU_WRITE_1H)) / 1e6;

describe('prompt-cache health', () => {
  test('the summary reports reads, writes by lifetime, uncached input, the ratio, the saving and busters', async () => {
    const s = await get<SummaryResponse>('/api/stats/summary?range=today');
    const p = s.promptCache!;
    assert.equal(p.readTokens, 10_000);
    // A write without the lifetime split counts as a 5-minute write.
    assert.equal(p.write5mTokens, 12_000);
    assert.equal(p.write1hTokens, 4000);
    assert.equal(p.uncachedInputTokens, 360);
    near(p.hitRatio, 10_000 / (10_000 + 12_000 + 4000 + 360));
    near(p.savedUsd, EXPECTED_SAVED);
    assert.equal(p.savedEstimated, false);
    assert.deepEqual([p.busterWrites, p.busterTokens], [1, 2000]);
    assert.deepEqual(s.sources, { proxy: 3, transcript: 3 });
    const sonnet = s.promptCacheByModel!.find((m) => m.model === SONNET)!;
    near(sonnet.savedUsd, (10_000 * (SONNET_IN - SONNET_READ) + 12_000 * (SONNET_IN - SONNET_WRITE_5M)) / 1e6);
    assert.deepEqual(s.promptCacheByDay!.map((d) => d.day), ['2026-11-25']);
  });

  test('each project carries its own prompt-cache figures and source counts', async () => {
    const { projects } = await get<ProjectStatsResponse>('/api/project/stats?range=today');
    const alpha = projects.find((p) => p.project === 'alpha')!;
    const beta = projects.find((p) => p.project === 'beta')!;
    near(alpha.promptCache!.hitRatio, 10_000 / (10_000 + 12_000 + 160));
    assert.equal(alpha.promptCache!.busterWrites, 1);
    assert.deepEqual(alpha.sources, { proxy: 0, transcript: 3 });
    assert.equal(beta.promptCache!.readTokens, 0);
    near(beta.promptCache!.savedUsd, (4000 * (HAIKU_IN - HAIKU_WRITE_1H)) / 1e6);
    assert.deepEqual(beta.sources, { proxy: 2, transcript: 0 });
  });
});

describe('sessions and subagents', () => {
  test('sessions come latest first with project, branch, model mix, cost split, duration and source', async () => {
    const r = await get<SessionsResponse>('/api/sessions?range=today');
    assert.equal(r.total, 3);
    assert.deepEqual(r.sessions.map((x) => x.session), ['sess-a', 'sess-b', 'sess-c']);
    const a = r.sessions[0]!;
    assert.equal(a.project, 'alpha');
    assert.deepEqual(a.branches, ['main']);
    assert.deepEqual(a.sources, ['transcript']);
    assert.equal(a.requests, 3);
    assert.equal(a.durationMs, 9 * MIN);
    assert.deepEqual(a.models.map((m) => [m.model, m.requests]), [[SONNET, 3]]);
    assert.ok(a.costUsd > 0);
    // Subscription traffic is API-equivalent value, not pay-as-you-go spend.
    near(a.costSplit.apiEquivalentUsd, a.costUsd);
    assert.equal(a.costSplit.paygUsd, 0);
    near(a.promptCache.hitRatio, 10_000 / (10_000 + 12_000 + 160));
    assert.equal(a.promptCache.busterTokens, 2000);
    const b = r.sessions[1]!;
    assert.deepEqual(b.agentTypes, ['Explore']);
    assert.deepEqual(b.sources, ['proxy']);
    assert.equal(b.promptCache.readTokens, 0, 'a response-cache hit reads nothing from the prompt cache');
  });

  test('sessions page with limit and offset, and refuse a bad page', async () => {
    const r = await get<SessionsResponse>('/api/sessions?range=today&limit=1&offset=1');
    assert.deepEqual([r.total, r.limit, r.offset, r.sessions.map((x) => x.session)], [3, 1, 1, ['sess-b']]);
    const lastHour = await get<SessionsResponse>('/api/sessions?range=1h');
    assert.deepEqual([lastHour.total, lastHour.sessions.map((x) => x.session)], [2, ['sess-a', 'sess-b']]);
    const bad = await fetch(`${base}/api/sessions?limit=0`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /limit must be/);
  });

  test('agents report cost by subagent type, the main conversation as null', async () => {
    const r = await get<AgentsResponse>('/api/agents?range=today');
    const byType = new Map(r.agents.map((x) => [x.agentType, x]));
    assert.equal(byType.get('Explore')!.requests, 2);
    assert.equal(byType.get('Explore')!.sessions, 1);
    assert.equal(byType.get(null)!.requests, 4);
    assert.equal(byType.get(null)!.tokens.cacheRead, 10_000);
  });
});
