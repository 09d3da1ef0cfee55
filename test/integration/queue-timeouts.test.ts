import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { defaultConfig } from '../../main/common/config.js';
import { sdk, TEST_KEY, userMessage } from '../support/clients.js';
import { startTestDaemon } from '../support/daemon.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;

before(async () => {
  fake = await startFakeAnthropic();
});
after(async () => {
  await fake.close();
});

const headers = { 'x-api-key': TEST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };

test('by default parallel sessions never wait in the daemon: 8 calls of 1.5 s take about 1.5 s', async (t) => {
  assert.ok(defaultConfig().workers >= 64);
  const slow = await startFakeAnthropic({ latencyMs: 1500 });
  const cco = await startTestDaemon(slow.url);
  try {
    const client = sdk(cco.url);
    const started = Date.now();
    let firstAnswerAt = Number.POSITIVE_INFINITY;
    let allArrivedAt = Number.POSITIVE_INFINITY;
    const calls = Array.from({ length: 8 }, (_, i) => client.messages.create(userMessage(`parallel ${i}`)).then(() => {
      firstAnswerAt = Math.min(firstAnswerAt, Date.now());
    }));
    await slow.waitForRequests(8, 5000).then(() => {
      allArrivedAt = Date.now();
    });
    await Promise.all(calls);
    const elapsed = Date.now() - started;
    // The proof that holds on a loaded machine too: with a cap of 4 (the old default on 2 CPUs) the
    // 5th call reached the upstream only after the 1st answer, and the whole took 3 s or more.
    assert.ok(allArrivedAt < firstAnswerAt, 'all 8 calls were at the upstream at once, none queued in the daemon');
    t.diagnostic(`8 parallel calls of 1.5 s took ${elapsed} ms`);
    assert.ok(elapsed < 6000, `8 parallel calls took ${elapsed} ms`);
  } finally {
    await cco.close();
    await slow.close();
  }
});

test('/health shows the queue; a request that waited too long for a worker gets 529 overloaded_error', async () => {
  const cco = await startTestDaemon(fake.url, { workers: 1, queueTimeoutSeconds: 0.3 });
  try {
    const client = sdk(cco.url);
    const held = client.messages.create(userMessage('HOLD:queue-busy'));
    await waitFor(() => fake.requests.some((r) => JSON.stringify(r.json).includes('HOLD:queue-busy')));
    const waiting = client.messages.create(userMessage('queued behind the busy one')).catch((e: unknown) => e);
    const health = async () => ((await (await fetch(`${cco.url}/health`)).json()) as { queue: { queued: number } }).queue;
    await waitFor(async () => (await health()).queued === 1, { message: 'the queued request shows in /health' });
    const err = await waiting;
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 529);
    assert.equal((err.error as { error: { type: string } }).error.type, 'overloaded_error');
    assert.equal((await health()).queued, 0);
    fake.release('queue-busy');
    await held;
    await waitFor(() => cco.records.length === 2);
    const refused = cco.records.find((r) => r.status === 529);
    assert.equal(refused?.errorType, 'overloaded_error');
  } finally {
    await cco.close();
  }
});

test('--upstream-timeout: an upstream that sends no headers in time gets 504 timeout_error', async () => {
  const cco = await startTestDaemon(fake.url, { upstreamTimeoutSeconds: 0.3 });
  try {
    const err = await sdk(cco.url).messages.create(userMessage('HANG')).catch((e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 504);
    assert.equal((err.error as { type: string; error: { type: string } }).type, 'error');
    assert.equal((err.error as { error: { type: string } }).error.type, 'timeout_error');
  } finally {
    await cco.close();
  }
});

test('the idle timeout ends a stream that went silent with an SSE error event, and it is not cached', async () => {
  const cco = await startTestDaemon(fake.url, { upstreamIdleTimeoutSeconds: 0.3 });
  try {
    const body = JSON.stringify({ ...userMessage('HOLD:idle-never'), stream: true });
    const res = await fetch(`${cco.url}/v1/messages`, { method: 'POST', headers, body });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /event: content_block_delta/, 'the stream had begun');
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"timeout_error"/);
    await waitFor(() => cco.records.length === 1);
    assert.equal(cco.records[0]!.errorType, 'timeout_error');
    assert.equal(cco.daemon.cache.stats().size, 0);
  } finally {
    await cco.close();
  }
});
