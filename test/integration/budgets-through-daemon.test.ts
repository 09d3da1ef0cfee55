import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { readOrCreateToken } from '../../main/common/token.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;
let token: string;

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-budget-int-'));
  token = readOrCreateToken(dataDir);
  daemon = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });
});
after(async () => {
  await daemon.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function api(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'x-cco-token': token, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) };
  return fetch(`${daemon.url}${path}`, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
}

/** Collects the SSE events of /api/events as they arrive. */
function listen(): { events: Array<{ event: string; data: unknown }>; stop(): void } {
  const events: Array<{ event: string; data: unknown }> = [];
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${daemon.url}/api/events`, { signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  })().catch(() => undefined);
  return { events, stop: () => controller.abort() };
}

test('an exhausted enforce budget refuses new requests in its scope with a 400, but serves cache hits and other projects', async () => {
  const live = listen();
  const shop = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/shop' } });
  const other = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/other' } });
  const refusedByOrigin = await fetch(`${daemon.url}/api/budgets`, {
    method: 'POST', headers: { origin: 'http://127.0.0.1', 'content-type': 'application/json' }, body: '{}',
  });
  assert.equal(refusedByOrigin.status, 403, 'a browser needs the token to change budgets');
  const bad = await api('/api/budgets', { method: 'POST', json: { scope: { type: 'project', path: '/work/shop' }, period: 'daily', limitUsd: -1 } });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /limitUsd: must be more than 0/);
  const created = await api('/api/budgets', {
    method: 'POST',
    json: { scope: { type: 'project', path: '/work/shop' }, period: 'daily', limitUsd: 0.0001, mode: 'enforce' },
  });
  assert.equal(created.status, 201);
  assert.equal(JSON.parse(readFileSync(join(dataDir, 'budgets.json'), 'utf8')).budgets.length, 1);

  await shop.messages.create(userMessage('spend it all')); // a miss: goes upstream and costs more than the limit
  await waitFor(async () => {
    const { alerts } = (await (await api('/api/alerts')).json()) as { alerts: Array<{ threshold: number }> };
    return alerts.some((a) => a.threshold === 100);
  }, { message: 'the 100 % alert' });
  const upstreamCalls = fake.requests.length;

  const refused = await shop.messages.create(userMessage('one more thing')).then(() => null, (e: unknown) => e);
  assert.ok(refused instanceof Anthropic.BadRequestError, 'refused with a 400');
  assert.equal(refused.status, 400);
  assert.equal((refused.error as { error: { type: string } }).error.type, 'invalid_request_error');
  assert.match(refused.message, /CCO budget exceeded: project \/work\/shop spent \$0\.\d{4} of its \$0\.0001 daily budget \(resets 00:00\)\. Raise it: cco budget set --project \/work\/shop --daily \d+"/);
  const streamed = await shop.messages.stream(userMessage('streamed too')).finalMessage().then(() => null, (e: unknown) => e);
  assert.ok(streamed instanceof Anthropic.BadRequestError, 'a streaming request is refused the same way');

  const hit = await shop.messages.create(userMessage('spend it all'));
  assert.equal(hit.type, 'message', 'a cache hit costs nothing and is still served');
  const elsewhere = await other.messages.create(userMessage('another project'));
  assert.equal(elsewhere.type, 'message', 'a project outside the scope is not refused');
  assert.equal(fake.requests.length, upstreamCalls + 1, 'refused requests never reached the upstream');

  await waitFor(async () => {
    const { requests } = (await (await api('/api/requests?limit=20&project=/work/shop')).json()) as { requests: Array<{ cache: string; status: number; errorType: string | null }> };
    const refusals = requests.filter((r) => r.cache === 'budget');
    return refusals.length === 2 && refusals.every((r) => r.status === 400 && r.errorType === null);
  }, { message: 'refusals recorded as outcome budget' });

  const { budgets } = (await (await api('/api/budgets')).json()) as { budgets: Array<{ exhausted: boolean; percent: number; resetLabel: string }> };
  assert.equal(budgets[0]!.exhausted, true);
  assert.ok(budgets[0]!.percent >= 100);
  await waitFor(() => live.events.some((e) => e.event === 'alert'), { message: 'an alert event on /api/events' });
  live.stop();

  const id = (budgets[0] as unknown as { budget: { id: string } }).budget.id;
  assert.equal((await api(`/api/budgets/${id}`, { method: 'DELETE' })).status, 200);
  const after = await shop.messages.create(userMessage('budget removed'));
  assert.equal(after.type, 'message', 'removing the budget admits requests at once');
  const log = readFileSync(daemon.logFile, 'utf8');
  assert.match(log, /Alert: CCO: project \/work\/shop daily budget passed 100 %/);
});
