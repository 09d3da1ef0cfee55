import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { rawPost, sdk, TEST_KEY, userMessage } from '../support/clients.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';

let fake: FakeAnthropic;
let cco: TestDaemon;

before(async () => {
  fake = await startFakeAnthropic();
  cco = await startTestDaemon(fake.url);
});
after(async () => {
  await cco.close();
  await fake.close();
});

interface Fixture { path: string; headers: Array<[string, string]>; body: Record<string, unknown> }
function fixture(name: string): Fixture {
  const url = new URL(`../../../test/fixtures/claude-code-requests/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Fixture;
}

/** The fixture's headers minus what fetch sets itself (framing, host, connection). */
function sendableHeaders(f: Fixture): Record<string, string> {
  const skip = new Set(['host', 'content-length', 'connection', 'accept-encoding']);
  return Object.fromEntries(f.headers.filter(([n]) => !skip.has(n.toLowerCase())));
}

test('a real Claude Code request reaches the upstream byte for byte with its headers', async () => {
  const f = fixture('claude-code-2.1.197-say-hi.json');
  const body = JSON.stringify({ ...f.body, stream: false });
  const before = fake.requests.length;
  const res = await rawPost(cco.url + f.path, body, { ...sendableHeaders(f), 'X-CCO-Project': '/home/me/proj' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-cco-cache'), 'miss');
  const seen = fake.requests[before]!;
  assert.equal(seen.url, '/v1/messages?beta=true');
  assert.equal(seen.body.toString('utf8'), body, 'body forwarded unchanged');
  for (const [name, value] of Object.entries(sendableHeaders(f))) {
    assert.equal(seen.headers[name.toLowerCase()], value, `${name} forwarded untouched`);
  }
  assert.equal(seen.headers['x-cco-project'], undefined, 'attribution headers stay local');
  const json = (await res.json()) as Anthropic.Message;
  assert.equal(json.type, 'message');
});

test('the upstream status, body and the headers clients rely on come back', async () => {
  const client = sdk(cco.url);
  const { data, response } = await client.messages.create(userMessage('hello there')).withResponse();
  assert.equal(data.content[0]?.type, 'text');
  assert.deepEqual(data.content, [{ type: 'text', text: 'Echo: hello there' }]);
  assert.match(response.headers.get('request-id') ?? '', /^req_fake_/);
  assert.ok(response.headers.get('anthropic-ratelimit-requests-limit'));
  const err = await client.messages.create(userMessage('ERROR:429')).catch((e: unknown) => e);
  assert.ok(err instanceof Anthropic.RateLimitError, 'a 429 stays a 429');
  assert.equal(err.status, 429);
  assert.equal(err.headers?.get('retry-after'), '7');
  assert.equal((err.error as { error: { type: string } }).error.type, 'rate_limit_error');
});

test('x-api-key and Authorization: Bearer both reach the upstream', async () => {
  const res = await rawPost(`${cco.url}/v1/messages`, JSON.stringify(userMessage('key auth')), {
    'x-api-key': TEST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01',
  });
  assert.equal(res.status, 200);
  assert.equal(fake.requests.at(-1)!.headers['x-api-key'], TEST_KEY);
  const bearer = new Anthropic({ baseURL: cco.url, authToken: 'oauth-token-abc', apiKey: null, maxRetries: 0 });
  await bearer.messages.create(userMessage('bearer auth'));
  assert.equal(fake.requests.at(-1)!.headers.authorization, 'Bearer oauth-token-abc');
  assert.equal(fake.requests.at(-1)!.headers['x-api-key'], undefined);
});

test('anthropic-version is never pinned: whatever the client sends goes upstream', async () => {
  const client = sdk(cco.url, { defaultHeaders: { 'anthropic-version': '2099-01-01', 'anthropic-beta': 'new-thing-2099' } });
  await client.messages.create(userMessage('versions'));
  assert.equal(fake.requests.at(-1)!.headers['anthropic-version'], '2099-01-01');
  assert.equal(fake.requests.at(-1)!.headers['anthropic-beta'], 'new-thing-2099');
});

test('count_tokens and models pass through', async () => {
  const client = sdk(cco.url);
  const count = await client.messages.countTokens({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'hi' }] });
  assert.ok(count.input_tokens > 0);
  const models = await client.models.list();
  assert.ok(models.data.length > 0);
  const one = await client.models.retrieve(models.data[0]!.id);
  assert.equal(one.id, models.data[0]!.id);
  const missing = await client.models.retrieve('no-such-model').catch((e: unknown) => e);
  assert.ok(missing instanceof Anthropic.NotFoundError);
});

test('unknown body fields and system-role messages are forwarded, not validated', async () => {
  const body = {
    model: 'claude-opus-4-8', max_tokens: 10, future_field: { x: 1 },
    messages: [{ role: 'user', content: 'hi' }, { role: 'system', content: 'be brief' }, { role: 'user', content: 'again' }],
  };
  const res = await rawPost(`${cco.url}/v1/messages`, JSON.stringify(body), { 'x-api-key': TEST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });
  assert.equal(res.status, 200);
  assert.deepEqual(fake.requests.at(-1)!.json, body);
});

test('HEAD / answers 200 and /health reports the daemon', async () => {
  assert.equal((await fetch(cco.url, { method: 'HEAD' })).status, 200);
  const health = (await (await fetch(`${cco.url}/health`)).json()) as Record<string, unknown>;
  assert.equal(health.status, 'ok');
  assert.equal(health.port, cco.port);
  assert.equal(health.pid, process.pid);
  assert.equal(typeof health.version, 'string');
  assert.equal(typeof health.uptimeSeconds, 'number');
});
