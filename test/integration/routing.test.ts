import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { RoutingSnapshot } from '../../main/daemon/routing/snapshot.js';
import { sdk, TEST_KEY } from '../support/clients.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { type FakeAnthropic, startFakeAnthropic, TOOL_INPUT } from '../support/fake-anthropic.js';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.js';
import { waitFor } from '../support/wait.js';

const OTHER_KEY = 'sk-other-provider-key-1234567890';
let anthropic: FakeAnthropic;
let openai: FakeOpenAi;
let dir: string;
let n = 0;
const fresh = (text: string) => `${text} #${++n} ${Math.random()}`;

function routing(openaiUrl: string, overrides: Record<string, unknown> = {}) {
  return {
    providers: {
      oai: { type: 'openai', baseUrl: `${openaiUrl}/v1`, apiKeyEnv: 'OTHER_API_KEY', headers: { 'x-extra': 'yes' } },
      local: { type: 'ollama', baseUrl: `${openaiUrl}/v1` },
      dead: { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
    },
    routes: [
      { match: 'gpt-*', provider: 'oai' },
      { match: '*haiku*', provider: 'local', model: 'qwen2.5-coder:7b' },
      { match: 'claude-opus-*', when: { promptTokensOver: 2000 }, provider: 'local', model: 'big-context' },
      { match: 'flaky-*', provider: 'oai', model: 'error-500', fallback: [{ provider: 'local', model: 'rescue' }] },
      { match: 'gone-*', provider: 'dead', fallback: ['local'] },
      { match: 'claude-sonnet-*', when: { stream: true }, provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
    ],
    default: 'anthropic',
    ...overrides,
  };
}

async function snapshot(cco: TestDaemon): Promise<RoutingSnapshot> {
  return (await (await fetch(`${cco.url}/api/routing`)).json()) as RoutingSnapshot;
}

function ask(model: string, text: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) {
  return { model, max_tokens: 200, messages: [{ role: 'user' as const, content: text }], ...extra };
}

before(async () => {
  anthropic = await startFakeAnthropic();
  openai = await startFakeOpenAi();
  dir = mkdtempSync(join(tmpdir(), 'cco-routing-'));
});
after(async () => {
  await anthropic.close();
  await openai.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('routed requests', () => {
  let cco: TestDaemon;
  before(async () => {
    const file = join(dir, 'model-routing.json');
    writeFileSync(file, JSON.stringify(routing(openai.url), null, 2));
    cco = await startTestDaemon(anthropic.url, {}, { routingFile: file, env: { OTHER_API_KEY: OTHER_KEY } });
  });
  after(() => cco.close());

  test('a routed model is answered by the OpenAI-compatible provider, non-streaming', async () => {
    const calls = anthropic.messageCalls;
    const text = fresh('hello there');
    const message = await sdk(cco.url).messages.create(ask('gpt-4o', text, { system: 'Be brief.', stop_sequences: ['END'] }));
    assert.equal(anthropic.messageCalls, calls, 'the Anthropic upstream is not asked');
    assert.equal(message.type, 'message');
    assert.equal(message.model, 'gpt-4o');
    assert.deepEqual(message.content, [{ type: 'text', text: `openai: ${text}` }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    const sent = openai.requests.at(-1)!;
    assert.equal(sent.url, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${OTHER_KEY}`);
    assert.equal(sent.headers['x-extra'], 'yes');
    assert.equal(sent.headers['x-api-key'], undefined, 'the Anthropic key never goes to another provider');
    assert.ok(!JSON.stringify(sent.headers).includes(TEST_KEY));
    assert.deepEqual(sent.json.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: text }]);
    assert.deepEqual(sent.json.stop, ['END']);
    const record = cco.records.at(-1)!;
    assert.equal(record.provider, 'oai');
    assert.equal(record.servedModel, 'gpt-4o');
    assert.ok(record.inputTokens > 0);
  });

  test('a routed model streams as a well-formed Anthropic stream', async () => {
    const text = fresh('stream this to me please');
    const stream = sdk(cco.url).messages.stream(ask('gpt-4o', text));
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type));
    const message = await stream.finalMessage();
    assert.deepEqual(message.content, [{ type: 'text', text: `openai: ${text}` }]);
    assert.equal(types[0], 'message_start');
    assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
    assert.ok(types.filter((t) => t === 'content_block_delta').length > 2, 'text arrives in several deltas');
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    assert.equal(openai.requests.at(-1)!.json.stream, true);
    assert.equal(cco.records.at(-1)!.provider, 'oai');
  });

  test('a tool-use round trip is translated both ways', async () => {
    const client = sdk(cco.url);
    const tools: Anthropic.Tool[] = [{
      name: 'get_weather',
      description: 'Weather for a place',
      input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    }];
    const first = ask('gpt-4o', fresh('TOOL:get_weather weather?'), { tools, tool_choice: { type: 'auto' } });
    const turn1 = await client.messages.stream(first).finalMessage();
    assert.equal(turn1.stop_reason, 'tool_use');
    const call = turn1.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    assert.ok(call);
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, TOOL_INPUT);
    const sentTools = openai.requests.at(-1)!.json;
    assert.deepEqual(sentTools.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a place', parameters: tools[0]!.input_schema } }]);
    assert.equal(sentTools.tool_choice, 'auto');

    const turn2 = await client.messages.create({
      ...first,
      messages: [
        ...first.messages,
        { role: 'assistant', content: turn1.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny, 21C' }] },
      ],
    });
    assert.deepEqual(turn2.content, [{ type: 'text', text: 'Tool said: sunny, 21C' }]);
    const history = openai.requests.at(-1)!.json.messages as Array<Record<string, unknown>>;
    const assistant = history.find((m) => m.role === 'assistant')!;
    assert.deepEqual(assistant.tool_calls, [{ id: call.id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(TOOL_INPUT) } }]);
    assert.deepEqual(history.at(-1), { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' });
  });

  test('a glob route sends to the local provider under the target model', async () => {
    const message = await sdk(cco.url).messages.create(ask('claude-3-5-haiku-20241022', fresh('quick one')));
    assert.equal(message.model, 'qwen2.5-coder:7b');
    const sent = openai.requests.at(-1)!;
    assert.equal(sent.json.model, 'qwen2.5-coder:7b');
    assert.equal(sent.headers.authorization, undefined, 'a provider without apiKeyEnv gets no key');
    const record = cco.records.at(-1)!;
    assert.equal(record.provider, 'local');
    assert.equal(record.requestedModel, 'claude-3-5-haiku-20241022');
    assert.equal(record.servedModel, 'qwen2.5-coder:7b');
  });

  test('a size-conditioned route takes only prompts over its size', async () => {
    const calls = anthropic.messageCalls;
    await sdk(cco.url).messages.create(ask('claude-opus-4-8', fresh('small')));
    assert.equal(anthropic.messageCalls, calls + 1, 'a small prompt stays with the default');
    assert.equal(cco.records.at(-1)!.provider, 'anthropic');
    const big = await sdk(cco.url).messages.create(ask('claude-opus-4-8', fresh('big '.repeat(3000))));
    assert.equal(anthropic.messageCalls, calls + 1);
    assert.equal(big.model, 'big-context');
    assert.equal(cco.records.at(-1)!.provider, 'local');
  });

  test('a 500 from the route\'s provider falls back to the next one, and the record says who served', async () => {
    const message = await sdk(cco.url).messages.create(ask('flaky-1', fresh('please work')));
    assert.equal(message.model, 'rescue');
    const record = cco.records.at(-1)!;
    assert.equal(record.status, 200);
    assert.equal(record.provider, 'local');
    assert.equal(record.servedModel, 'rescue');
    const oai = (await snapshot(cco)).providers.find((p) => p.name === 'oai')!;
    assert.equal(oai.health.lastError, 'HTTP 500: fake-openai error 500', 'the provider\'s own words, not just a status');
    assert.ok(oai.health.lastErrorAt);
  });

  test('a fallback\'s answer is never served later as the route\'s own provider\'s', async () => {
    const client = sdk(cco.url);
    const params = ask('flaky-2', fresh('cache the rescue?'));
    const first = await client.messages.create(params);
    assert.equal(first.model, 'rescue');
    const primaryCalls = () => openai.requests.filter((r) => r.json.model === 'error-500').length;
    const before = primaryCalls();
    const { data, response } = await client.messages.create(params).withResponse();
    assert.equal(primaryCalls(), before + 1, 'the route\'s provider is asked again');
    assert.equal(response.headers.get('x-cco-cache'), 'miss');
    assert.equal(data.model, 'rescue');
    assert.equal(cco.records.at(-1)!.provider, 'local');
  });

  test('parallel tool calls streamed with interleaved fragments arrive whole', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'lookup', input_schema: { type: 'object', properties: {} } }];
    const params = ask('gpt-4o', fresh('TOOL:lookup PARALLEL both at once'), { tools });
    const streamed = await sdk(cco.url).messages.stream(params).finalMessage();
    const calls = streamed.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    assert.deepEqual(calls.map((c) => c.input), [TOOL_INPUT, { n: 2 }]);
    assert.equal(new Set(calls.map((c) => c.id)).size, 2);
    assert.equal(streamed.stop_reason, 'tool_use');
  });

  test('provider reasoning shows as thinking when the client asked for thinking', async () => {
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 };
    const params = ask('gpt-4o', fresh('THINK then answer'), { thinking, max_tokens: 2000 });
    const streamed = await sdk(cco.url).messages.stream(params).finalMessage();
    assert.equal(streamed.content[0]?.type, 'thinking');
    assert.match((streamed.content[0] as Anthropic.ThinkingBlock).thinking, /I will give one/);
    assert.equal(streamed.content[1]?.type, 'text');
    const plain = await sdk(cco.url).messages.create(ask('gpt-4o', fresh('THINK but do not show it')));
    assert.deepEqual(plain.content.map((b) => b.type), ['text'], 'no thinking block the client did not ask for');

    // The conversation goes on with a Claude model: Anthropic would refuse the unsigned block.
    const history: Anthropic.MessageParam[] = [
      { role: 'user', content: params.messages[0]!.content },
      { role: 'assistant', content: streamed.content as Anthropic.ContentBlockParam[] },
      { role: 'user', content: fresh('and now Claude') },
    ];
    await sdk(cco.url).messages.create({ model: 'claude-opus-4-8', max_tokens: 2000, thinking, messages: history });
    const sent = anthropic.requests.at(-1)!.json as { messages: Array<{ content: Array<{ type: string }> }> };
    assert.deepEqual(sent.messages[1]!.content.map((b) => b.type), ['text'], 'the unsigned thinking block stays behind');
  });

  test('an unreachable provider falls back too, streaming', async () => {
    const message = await sdk(cco.url).messages.stream(ask('gone-1', fresh('anyone?'))).finalMessage();
    assert.equal(message.model, 'gone-1', 'a fallback given by name keeps the requested model');
    assert.equal(cco.records.at(-1)!.provider, 'local');
    const dead = (await snapshot(cco)).providers.find((p) => p.name === 'dead')!;
    assert.match(dead.health.lastError ?? '', /unreachable/);
  });

  test('a provider error comes back Anthropic-shaped with its status and retry-after', async () => {
    const error = await sdk(cco.url).messages.create(ask('gpt-4o', fresh('ERROR:429'))).catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.RateLimitError);
    assert.equal(error.status, 429);
    assert.equal(error.headers?.get('retry-after'), '7');
    assert.equal((error.error as { error?: { type?: string } }).error?.type, 'rate_limit_error');
    assert.equal(cco.records.at(-1)!.status, 429);
  });

  test('a routed answer is cached, and a cut provider stream is not', async () => {
    const client = sdk(cco.url);
    const params = ask('gpt-4o', fresh('cache me'));
    const calls = openai.requests.length;
    await client.messages.create(params);
    const { response } = await client.messages.create(params).withResponse();
    assert.equal(response.headers.get('x-cco-cache'), 'hit');
    assert.equal(openai.requests.length, calls + 1);

    const cut = ask('gpt-4o', fresh('DROP this stream halfway'));
    await assert.rejects(client.messages.stream(cut).finalMessage());
    await client.messages.stream(cut).finalMessage().catch(() => undefined);
    assert.equal(openai.requests.length, calls + 3, 'the cut answer was not stored');
  });

  test('a route to the Anthropic upstream can swap the model, keeping the client\'s own bytes otherwise', async () => {
    const client = sdk(cco.url);
    const text = fresh('swap me');
    const message = await client.messages.stream(ask('claude-sonnet-4-6', text)).finalMessage();
    assert.equal(message.model, 'claude-haiku-4-5-20251001');
    const sent = anthropic.requests.at(-1)!;
    assert.equal((sent.json as { model: string }).model, 'claude-haiku-4-5-20251001');
    assert.equal(sent.headers.authorization, `Bearer ${TEST_KEY}`, 'the built-in upstream gets the client\'s credentials');
    assert.equal(cco.records.at(-1)!.provider, 'anthropic');
    await client.messages.create(ask('claude-sonnet-4-6', fresh('not streamed')));
    assert.equal((anthropic.requests.at(-1)!.json as { model: string }).model, 'claude-sonnet-4-6', 'the stream condition holds');
  });

  test('count_tokens for a model on another provider is estimated locally', async () => {
    const calls = anthropic.requests.length;
    const routed = await sdk(cco.url).messages.countTokens({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    assert.ok(routed.input_tokens >= 100);
    assert.equal(anthropic.requests.length, calls, 'the upstream does not know the model');
    await sdk(cco.url).messages.countTokens({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(anthropic.requests.length, calls + 1);
  });

  test('GET /api/routing shows the routes and providers, never a key', async () => {
    const body = await snapshot(cco);
    assert.equal(body.error, null);
    assert.equal(body.default, 'anthropic');
    assert.deepEqual(body.routes[0], { match: ['gpt-*'], when: {}, provider: 'oai', model: null, fallback: [] });
    const oai = body.providers.find((p) => p.name === 'oai')!;
    assert.equal(oai.apiKeyEnv, 'OTHER_API_KEY');
    assert.equal(oai.apiKeySet, true);
    assert.ok(oai.health.lastSuccessAt);
    assert.ok(!JSON.stringify(body).includes(OTHER_KEY));
    assert.deepEqual(body.providers.map((p) => p.name).sort(), ['anthropic', 'dead', 'local', 'oai']);
    assert.ok(body.file?.endsWith('model-routing.json'));
    assert.ok(body.loadedAt);
  });
});

describe('hot reload', () => {
  let cco: TestDaemon;
  let file: string;
  before(async () => {
    file = join(dir, 'reload-routing.json');
    writeFileSync(file, JSON.stringify(routing(openai.url)));
    cco = await startTestDaemon(anthropic.url, {}, { routingFile: file, env: { OTHER_API_KEY: OTHER_KEY } });
  });
  after(() => cco.close());

  test('a valid edit applies without a restart, and the cache keeps the two routings apart', async () => {
    const params = ask('gpt-4o', fresh('before and after'));
    await sdk(cco.url).messages.create(params);
    assert.equal(openai.requests.at(-1)!.json.model, 'gpt-4o');
    const next = routing(openai.url);
    next.routes[0] = { match: 'gpt-*', provider: 'local', model: 'reloaded-model' };
    writeFileSync(file, JSON.stringify(next));
    await waitFor(async () => (await snapshot(cco)).routes[0]?.model === 'reloaded-model', { message: 'reload' });
    const { data, response } = await sdk(cco.url).messages.create(params).withResponse();
    assert.equal(response.headers.get('x-cco-cache'), 'miss', 'another target model is another cache entry');
    assert.equal(data.model, 'reloaded-model');
    assert.equal(cco.records.at(-1)!.provider, 'local');
  });

  test('an invalid edit keeps the previous routes and reports the error with its line', async () => {
    const before = await snapshot(cco);
    const broken = JSON.stringify(routing(openai.url), null, 2).replace('"provider": "dead"', '"provider": "nowhere"');
    writeFileSync(file, broken);
    await waitFor(async () => (await snapshot(cco)).error !== null, { message: 'error reported' });
    const after = await snapshot(cco);
    const line = broken.split('\n').findIndex((l) => l.includes('"nowhere"')) + 1;
    assert.match(after.error!.message, new RegExp(`:${line}: routes\\[4\\]\\.provider: must name a provider`));
    assert.deepEqual(after.routes, before.routes);
    const message = await sdk(cco.url).messages.create(ask('gpt-4o', fresh('still routed')));
    assert.equal(message.model, 'reloaded-model', 'the previous routes still apply');

    writeFileSync(file, '{ "routes": [ }');
    await waitFor(async () => /not valid JSON/.test((await snapshot(cco)).error?.message ?? ''), { message: 'syntax error reported' });
    writeFileSync(file, JSON.stringify(routing(openai.url)));
    await waitFor(async () => (await snapshot(cco)).error === null, { message: 'fixed file applies' });
    assert.equal((await snapshot(cco)).routes[0]?.provider, 'oai');
  });
});
