import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_KEY, userMessage } from '../support/clients.js';
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

test('a stop whose drain runs out ends an open stream with overloaded_error and a queued request with 529', async () => {
  const cco = await startTestDaemon(fake.url, { workers: 1, drainTimeoutSeconds: 0.2 });
  const post = (text: string, stream: boolean) => fetch(`${cco.url}/v1/messages`, {
    method: 'POST', headers, body: JSON.stringify({ ...userMessage(text), stream }),
  });
  const streaming = await post('HOLD:drain-never', true);
  assert.equal(streaming.status, 200);
  const reader = streaming.body!.getReader();
  let seen = '';
  while (!seen.includes('content_block_delta')) seen += new TextDecoder().decode((await reader.read()).value);
  const queued = post('waits behind the stream', false);
  await waitFor(async () => {
    const health = (await (await fetch(`${cco.url}/health`)).json()) as { queue: { queued: number } };
    return health.queue.queued === 1;
  });

  await cco.daemon.close(); // the daemon's own drain setting: 0.2 s
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
  }
  assert.match(seen, /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/);
  const refused = await queued;
  assert.equal(refused.status, 529);
  const body = (await refused.json()) as { type: string; error: { type: string } };
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'overloaded_error');

  assert.equal(cco.records.length, 2);
  const byStreaming = new Map(cco.records.map((r) => [r.streaming, r]));
  assert.equal(byStreaming.get(true)?.status, 200);
  assert.equal(byStreaming.get(true)?.errorType, 'overloaded_error');
  assert.equal(byStreaming.get(false)?.status, 529);
  assert.equal(byStreaming.get(false)?.errorType, 'overloaded_error');
  assert.equal(cco.daemon.cache.stats().size, 0);
});
