import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { rawPost, sdk, TEST_KEY, userMessage } from '../support/clients.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;
let cco: TestDaemon;

before(async () => {
  fake = await startFakeAnthropic();
  cco = await startTestDaemon(fake.url, { bodyLimitBytes: 64 * 1024 });
});
after(async () => {
  await cco.close();
  await fake.close();
});

const headers = { 'x-api-key': TEST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };

async function errorOf(res: Response): Promise<{ type: string; error: { type: string; message: string } }> {
  return (await res.json()) as { type: string; error: { type: string; message: string } };
}

test('malformed JSON gets a 400 invalid_request_error and never reaches the upstream', async () => {
  const calls = fake.messageCalls;
  const res = await rawPost(`${cco.url}/v1/messages`, '{"model": "x", ', headers);
  assert.equal(res.status, 400);
  const body = await errorOf(res);
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'invalid_request_error');
  assert.equal(fake.messageCalls, calls);
});

test('a body broken deep inside still gets a 400 invalid_request_error, twice: it is never cached', async () => {
  const broken = '{"model":"claude-opus-4-8","max_tokens":8,"messages":[{"role":"user","content":tru}]}';
  for (let i = 0; i < 2; i++) {
    const res = await rawPost(`${cco.url}/v1/messages`, broken, headers);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-cco-cache'), 'miss');
    assert.equal((await errorOf(res)).error.type, 'invalid_request_error');
  }
});

test('a body over the limit gets a 413 request_too_large', async () => {
  const big = JSON.stringify(userMessage('x'.repeat(70 * 1024)));
  const res = await rawPost(`${cco.url}/v1/messages`, big, headers);
  assert.equal(res.status, 413);
  assert.equal((await errorOf(res)).error.type, 'request_too_large');
});

test('an unknown route gets an Anthropic-shaped 404', async () => {
  const res = await fetch(`${cco.url}/nope`);
  assert.equal(res.status, 404);
  assert.equal((await errorOf(res)).error.type, 'not_found_error');
});

test('upstream errors keep their status and body, for streaming requests too', async () => {
  for (const status of [400, 401, 500, 529]) {
    const err = await sdk(cco.url).messages.create({ ...userMessage(`ERROR:${status}`), stream: true }).catch((e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError, `ERROR:${status} surfaces as an API error`);
    assert.equal(err.status, status);
  }
});

test('an unreachable upstream gets a 502 that names it', async () => {
  const port = await closedPort();
  const lonely = await startTestDaemon(`http://127.0.0.1:${port}`);
  try {
    const err = await sdk(lonely.url).messages.create(userMessage('anyone?')).catch((e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 502);
    assert.match(JSON.stringify(err.error), new RegExp(`127\\.0\\.0\\.1:${port}`));
  } finally {
    await lonely.close();
  }
});

test('an upstream that does not answer in time gets a 504', async () => {
  const slow = await startTestDaemon(fake.url, { upstreamTimeoutSeconds: 0.2 });
  try {
    const err = await sdk(slow.url).messages.create(userMessage('HANG')).catch((e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 504);
  } finally {
    await slow.close();
  }
});

test('a client that goes away aborts the upstream request', async () => {
  const abort = new AbortController();
  const before = fake.requests.length;
  const pending = sdk(cco.url).messages.create(userMessage('HANG'), { signal: abort.signal }).catch((e: unknown) => e);
  await waitFor(() => fake.requests.length > before, { message: 'the upstream saw the request' });
  abort.abort();
  assert.ok((await pending) instanceof Anthropic.APIUserAbortError);
  await waitFor(() => fake.requests[before]!.aborted, { message: 'the upstream request was aborted' });
});

test('a stream the upstream drops ends with an error event and is not cached', async () => {
  const client = sdk(cco.url);
  const first = await client.messages.create({ ...userMessage('DROP'), stream: true }).then(async (stream) => {
    for await (const _event of stream) { /* drain */ }
  }).catch((e: unknown) => e);
  assert.ok(first instanceof Error, 'the client sees the stream fail');
  const calls = fake.messageCalls;
  await client.messages.create({ ...userMessage('DROP'), stream: true }).then(async (s) => { for await (const _e of s); }).catch(() => {});
  assert.equal(fake.messageCalls, calls + 1, 'the retry went upstream again: nothing was cached');
  // Claude Code retries without streaming after a cut stream; that path answers too.
  const err = await client.messages.create(userMessage('DROP')).catch((e: unknown) => e);
  assert.ok(err instanceof Anthropic.APIError);
  assert.equal(err.status, 502);
});

test('Claude Code\'s non-streaming retry after a cut stream is answered, cached, and then serves the stream', async () => {
  const client = sdk(cco.url);
  const request = userMessage('DROP_STREAM retry me');
  const cut = await client.messages.stream(request).finalMessage().catch((e: unknown) => e);
  assert.ok(cut instanceof Error, 'the cut stream fails on the client');
  const calls = fake.messageCalls;
  const { data, response } = await client.messages.create(request).withResponse();
  assert.equal(response.headers.get('x-cco-cache'), 'miss', 'the cut stream left nothing behind to serve');
  assert.equal(fake.messageCalls, calls + 1);
  assert.deepEqual(data.content, [{ type: 'text', text: 'Echo: DROP_STREAM retry me' }]);
  const { data: replayed, response: again } = await client.messages.stream(request).withResponse()
    .then(async ({ data: stream, response: r }) => ({ data: await stream.finalMessage(), response: r }));
  assert.equal(again.headers.get('x-cco-cache'), 'hit', 'the retried answer now serves the streaming form');
  assert.deepEqual(replayed.content, data.content);
  assert.equal(fake.messageCalls, calls + 1);
});

test('a streaming client that goes away mid-stream aborts the upstream request', async () => {
  const abort = new AbortController();
  const before = fake.requests.length;
  const stream = await sdk(cco.url).messages.create({ ...userMessage('HOLD:cco-abort-stream'), stream: true }, { signal: abort.signal });
  const received: string[] = [];
  const reading = (async () => {
    for await (const event of stream) {
      received.push(event.type);
      if (event.type === 'content_block_delta') abort.abort();
    }
  })().catch((e: unknown) => e);
  // The SDK ends the iteration quietly (or with an abort error) when its own signal fires.
  const ended = await reading;
  assert.ok(ended === undefined || ended instanceof Anthropic.APIUserAbortError, String(ended));
  assert.ok(received.includes('content_block_delta'), 'the first delta arrived before the upstream finished');
  await waitFor(() => fake.requests[before]?.aborted === true, { message: 'the upstream stream was aborted' });
  fake.release('cco-abort-stream');
});

test('an error event sent by the upstream mid-stream reaches the client and is not cached', async () => {
  const client = sdk(cco.url);
  const run = () => client.messages.stream(userMessage('STREAM_ERROR')).finalMessage().catch((e: unknown) => e);
  const err = await run();
  assert.ok(err instanceof Error);
  assert.match(String((err as Error).message), /Overloaded|overloaded/);
  const calls = fake.messageCalls;
  await run();
  assert.equal(fake.messageCalls, calls + 1);
});

test('foreign Host and browser Origin are refused; local tools pass', async () => {
  const { request } = await import('node:http');
  const status = (hdrs: Record<string, string>) => new Promise<number>((resolve, reject) => {
    const req = request(`${cco.url}/api/cache/stats`, { headers: hdrs }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(await status({ host: 'evil.example:3000' }), 403);
  assert.equal(await status({ origin: 'https://evil.example' }), 403);
  assert.equal(await status({}), 200);
  assert.equal(await status({ origin: cco.url }), 200);
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
