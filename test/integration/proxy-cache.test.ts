import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { sdk, userMessage } from '../support/clients.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;
let cco: TestDaemon;
let n = 0;
/** A prompt no other test uses, so each test starts from an empty cache line. */
const fresh = (directive = '') => `${directive}${directive ? ' ' : ''}prompt ${++n} ${Math.random()}`;

before(async () => {
  fake = await startFakeAnthropic({ splitChunks: true });
  cco = await startTestDaemon(fake.url, { cacheTtlSeconds: 60 });
});
after(async () => {
  await cco.close();
  await fake.close();
});

async function created(client: Anthropic, params: Anthropic.MessageCreateParamsNonStreaming) {
  const { data, response } = await client.messages.create(params).withResponse();
  return { message: data, cache: response.headers.get('x-cco-cache') };
}

async function streamed(client: Anthropic, params: Anthropic.MessageCreateParamsNonStreaming) {
  const { data: stream, response } = await client.messages.create({ ...params, stream: true }).withResponse();
  const events: Anthropic.RawMessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, cache: response.headers.get('x-cco-cache') };
}

/** The Anthropic stream grammar: start, balanced blocks, delta, stop. */
function assertGrammar(events: Anthropic.RawMessageStreamEvent[]): void {
  assert.equal(events[0]?.type, 'message_start');
  assert.equal(events.at(-1)?.type, 'message_stop');
  assert.equal(events.at(-2)?.type, 'message_delta');
  const open = new Set<number>();
  for (const e of events) {
    if (e.type === 'content_block_start') open.add(e.index);
    if (e.type === 'content_block_delta') assert.ok(open.has(e.index), 'delta inside its block');
    if (e.type === 'content_block_stop') open.delete(e.index);
  }
  assert.equal(open.size, 0);
}

function contentOf(events: Anthropic.RawMessageStreamEvent[]): string {
  return events.map((e) => e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : '').join('');
}

test('a repeated request is a hit and does not reach the upstream', async () => {
  const client = sdk(cco.url);
  const params = userMessage(fresh());
  const first = await created(client, params);
  const calls = fake.messageCalls;
  const second = await created(client, params);
  assert.equal(first.cache, 'miss');
  assert.equal(second.cache, 'hit');
  assert.equal(fake.messageCalls, calls);
  assert.deepEqual(second.message, first.message);
  const stats = (await (await fetch(`${cco.url}/api/cache/stats`)).json()) as Record<string, number>;
  assert.ok(stats.hits! >= 1 && stats.size! >= 1 && stats.bytes! > 0);
});

test('a streamed answer replays as a well-formed stream with the same content', async () => {
  const client = sdk(cco.url);
  const params = userMessage(fresh('LONG:400'));
  const original = await streamed(client, params);
  const replay = await streamed(client, params);
  assert.equal(original.cache, 'miss');
  assert.equal(replay.cache, 'hit');
  assertGrammar(original.events);
  assertGrammar(replay.events);
  assert.equal(contentOf(replay.events), contentOf(original.events));
  assert.equal(contentOf(original.events).length, 400);
});

test('one stored answer serves both forms, whichever filled it', async () => {
  const client = sdk(cco.url);
  const a = userMessage(fresh());
  const json = await created(client, a);
  const asStream = await streamed(client, a);
  assert.equal(asStream.cache, 'hit');
  assert.equal(contentOf(asStream.events), (json.message.content[0] as Anthropic.TextBlock).text);

  const b = userMessage(fresh('TOOL:get_weather'));
  const streamFirst = await client.messages.stream(b).finalMessage();
  const asJson = await created(client, b);
  assert.equal(asJson.cache, 'hit');
  assert.deepEqual(asJson.message.content, streamFirst.content);
  const tool = asJson.message.content.find((c) => c.type === 'tool_use');
  assert.deepEqual(tool?.input, { location: 'Paris', units: 'celsius', nested: { a: [1, 2, 3] } });
});

test('a tool round trip works through the proxy and each turn caches on its own', async () => {
  const client = sdk(cco.url);
  const ask = userMessage(fresh('TOOL:lookup'));
  const turn1 = await client.messages.stream(ask).finalMessage();
  const call = turn1.content.find((c): c is Anthropic.ToolUseBlock => c.type === 'tool_use')!;
  const turn2Params = {
    ...ask,
    messages: [
      ...ask.messages,
      { role: 'assistant' as const, content: turn1.content },
      { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: call.id, content: 'sunny, 21C' }] },
    ],
  };
  const turn2 = await created(client, turn2Params);
  assert.equal(turn2.cache, 'miss');
  assert.deepEqual(turn2.message.content, [{ type: 'text', text: 'Result received: sunny, 21C' }]);
  assert.equal((await created(client, turn2Params)).cache, 'hit');
});

test('Cache-Control: no-cache and x-cco-cache: bypass skip the lookup', async () => {
  const params = userMessage(fresh());
  await created(sdk(cco.url), params);
  const calls = fake.messageCalls;
  const noCache = await created(sdk(cco.url, { defaultHeaders: { 'cache-control': 'no-cache' } }), params);
  const bypass = await created(sdk(cco.url, { defaultHeaders: { 'x-cco-cache': 'bypass' } }), params);
  assert.equal(noCache.cache, 'bypass');
  assert.equal(bypass.cache, 'bypass');
  assert.equal(fake.messageCalls, calls + 2);
});

test('two API keys never share an entry', async () => {
  const params = userMessage(fresh());
  await created(sdk(cco.url, { apiKey: 'sk-ant-key-one-000000000000' }), params);
  const other = await created(sdk(cco.url, { apiKey: 'sk-ant-key-two-000000000000' }), params);
  assert.equal(other.cache, 'miss');
});

test('errors are passed through and never cached', async () => {
  const params = userMessage(fresh('ERROR:500'));
  for (let i = 0; i < 2; i++) {
    const calls = fake.messageCalls;
    await sdk(cco.url).messages.create(params).catch(() => {});
    assert.equal(fake.messageCalls, calls + 1);
  }
});

test('an entry expires after the TTL', async () => {
  const params = userMessage(fresh());
  await created(sdk(cco.url), params);
  cco.clock.offsetMs += 59_000;
  assert.equal((await created(sdk(cco.url), params)).cache, 'hit');
  cco.clock.offsetMs += 1_000;
  assert.equal((await created(sdk(cco.url), params)).cache, 'miss');
});

test('the least recently used entry is evicted at --cache-size', async () => {
  const small = await startTestDaemon(fake.url, { cacheSize: 2 });
  try {
    const client = sdk(small.url);
    const [a, b, c] = [userMessage(fresh()), userMessage(fresh()), userMessage(fresh())];
    await created(client, a);
    await created(client, b);
    await created(client, c);
    assert.equal((await created(client, b)).cache, 'hit');
    assert.equal((await created(client, a)).cache, 'miss', 'a was evicted');
    const stats = (await (await fetch(`${small.url}/api/cache/stats`)).json()) as Record<string, number>;
    assert.equal(stats.size, 2);
    assert.ok(stats.evictions! >= 1);
  } finally {
    await small.close();
  }
});

test('identical requests in flight share one upstream call, and followers stream live', async () => {
  const client = sdk(cco.url);
  const tag = `t${++n}`;
  const params = userMessage(`HOLD:${tag}`);
  const calls = fake.messageCalls;
  const leader = streamed(client, params);
  await waitFor(() => fake.messageCalls === calls + 1);
  const follower = streamed(client, params);
  const jsonFollower = created(client, params);
  await waitFor(async () => ((await (await fetch(`${cco.url}/api/cache/stats`)).json()) as { coalesced: number }).coalesced >= 1);
  fake.release(tag);
  const [l, f, j] = await Promise.all([leader, follower, jsonFollower]);
  assert.equal(fake.messageCalls, calls + 1, 'one upstream call for all three');
  assert.equal(l.cache, 'miss');
  assert.equal(f.cache, 'coalesced');
  assert.equal(j.cache, 'coalesced');
  assert.equal(contentOf(f.events), contentOf(l.events));
  assertGrammar(f.events);
  assert.equal((j.message.content[0] as Anthropic.TextBlock).text, contentOf(l.events));
});

test('streaming is relayed as it arrives, before the upstream finishes', async () => {
  const tag = `s${++n}`;
  const stream = sdk(cco.url).messages.stream(userMessage(`HOLD:${tag}`));
  let firstText = '';
  stream.on('text', (t) => { firstText ||= t; });
  await waitFor(() => firstText.length > 0, { message: 'first text delta arrived while the upstream holds the rest' });
  fake.release(tag);
  const final = await stream.finalMessage();
  assert.ok((final.content[0] as Anthropic.TextBlock).text.startsWith(firstText));
});

test('POST /api/cache/clear empties the cache and says what it freed', async () => {
  const params = userMessage(fresh());
  await created(sdk(cco.url), params);
  const res = await fetch(`${cco.url}/api/cache/clear`, { method: 'POST' });
  const body = (await res.json()) as { status: string; cleared: number; freedBytes: number; freedMemory: string };
  assert.equal(body.status, 'ok');
  assert.ok(body.cleared >= 1);
  assert.ok(body.freedBytes > 0);
  assert.match(body.freedMemory, /^\d+(\.\d)?(B|KiB|MiB|GiB)$/);
  assert.equal((await created(sdk(cco.url), params)).cache, 'miss');
});

test('every proxied request is recorded with its cache outcome and tokens', async () => {
  const params = userMessage(fresh());
  const before = cco.records.length;
  await created(sdk(cco.url, { defaultHeaders: { 'x-cco-project': '/work/demo', 'x-cco-session': 'sess-1' } }), params);
  await created(sdk(cco.url), params);
  await waitFor(() => cco.records.length >= before + 2);
  const [miss, hit] = cco.records.slice(before);
  assert.equal(miss?.cache, 'miss');
  assert.equal(miss?.project, '/work/demo');
  assert.equal(miss?.session, 'sess-1');
  assert.ok(miss!.inputTokens > 0 && miss!.outputTokens > 0);
  assert.equal(hit?.cache, 'hit');
  assert.equal(hit?.project, 'unknown');
  assert.equal(hit?.outputTokens, miss?.outputTokens);
});
