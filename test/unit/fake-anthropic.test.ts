// Drives the fake with the official SDK and no proxy in between: if the SDK accepts what the fake
// sends, the proxy tests built on it exercise the real wire format.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import Anthropic from '@anthropic-ai/sdk';

import { startFakeAnthropic, TOOL_INPUT } from '../support/fake-anthropic.js';
import type { FakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor, withTimeout } from '../support/wait.js';

const MODEL = 'claude-opus-4-8';

function clientFor(fake: FakeAnthropic): Anthropic {
  return new Anthropic({ baseURL: fake.url, apiKey: 'sk-ant-test', maxRetries: 0 });
}

function ask(text: string): Anthropic.MessageCreateParamsNonStreaming {
  return { model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: text }] };
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

/** Event names of a raw SSE body, in order. */
function sseEventNames(body: string): string[] {
  return body
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => /^event: (.+)$/m.exec(frame)?.[1] ?? '?');
}

describe('fake Anthropic upstream, driven by the official SDK', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;

  before(async () => {
    fake = await startFakeAnthropic();
    client = clientFor(fake);
  });
  after(() => fake.close());

  it('answers messages.create with a realistic Message and records the request', async () => {
    const base = fake.requests.length;
    const message = await client.messages.create(ask('hello there'));

    assert.match(message.id, /^msg_fake_\d+$/);
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, MODEL);
    assert.deepEqual(message.content, [{ type: 'text', text: 'Echo: hello there' }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.stop_sequence, null);
    assert.ok(message.usage.input_tokens > 0);
    assert.ok(message.usage.output_tokens >= 1);
    assert.equal(message.usage.cache_creation_input_tokens, 0);
    assert.equal(message.usage.cache_read_input_tokens, 0);
    assert.match(message._request_id ?? '', /^req_fake_\d+$/);

    const recorded = fake.requests[base];
    assert.ok(recorded);
    assert.equal(recorded.method, 'POST');
    assert.equal(new URL(recorded.url, 'http://x').pathname, '/v1/messages');
    // SDK 1.13 sends apiKey as a bearer token; older clients and Claude Code send x-api-key.
    assert.equal(recorded.headers.authorization, 'Bearer sk-ant-test');
    assert.ok(recorded.rawHeaders.some((h) => h.toLowerCase() === 'authorization'));
    assert.deepEqual(recorded.json, JSON.parse(recorded.body.toString('utf8')));
    assert.equal(recorded.aborted, false);
  });

  it('counts only POST /v1/messages in messageCalls', async () => {
    const before = fake.messageCalls;
    await client.messages.create(ask('one'));
    await client.models.list();
    await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(fake.messageCalls, before + 1);
  });

  it('streams the same message the non-streaming call returns', async () => {
    const plain = await client.messages.create(ask('stream me please, in several pieces'));
    const stream = client.messages.stream(ask('stream me please, in several pieces'));
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const streamed = await stream.finalMessage();

    assert.deepEqual(streamed.content, plain.content);
    assert.equal(streamed.stop_reason, plain.stop_reason);
    assert.equal(streamed.model, plain.model);
    assert.deepEqual(streamed.usage, plain.usage);
    assert.ok(deltas.length > 1, 'text should arrive as several text_delta events');
  });

  it('round-trips a tool call', async () => {
    const first = await client.messages.stream(ask("What's the weather? TOOL:get_weather")).finalMessage();
    assert.equal(first.stop_reason, 'tool_use');
    assert.deepEqual(first.content[0], { type: 'text', text: 'Let me check.' });
    const toolUse = first.content[1];
    assert.ok(toolUse?.type === 'tool_use');
    assert.match(toolUse.id, /^toolu_fake_\d+$/);
    assert.equal(toolUse.name, 'get_weather');
    assert.deepEqual(toolUse.input, TOOL_INPUT);

    const plain = await client.messages.create(ask("What's the weather? TOOL:get_weather"));
    assert.deepEqual(plain.content[1]?.type === 'tool_use' ? plain.content[1].input : undefined, TOOL_INPUT);

    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [
        { role: 'user', content: "What's the weather? TOOL:get_weather" },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Sunny, 21 °C' }] },
      ],
    });
    assert.equal(textOf(second), 'Result received: Sunny, 21 °C');
    assert.equal(second.stop_reason, 'end_turn');
  });

  it('splits streamed tool input into several input_json_delta fragments', async () => {
    const stream = await client.messages.create({ ...ask('TOOL:lookup'), stream: true });
    const fragments: string[] = [];
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        fragments.push(event.delta.partial_json);
      }
    }
    assert.ok(fragments.filter((f) => f !== '').length >= 3);
    assert.deepEqual(JSON.parse(fragments.join('')), TOOL_INPUT);
  });

  it('THINK adds a signed thinking block, streamed and not', async () => {
    const plain = await client.messages.create(ask('THINK about it'));
    const streamed = await client.messages.stream(ask('THINK about it')).finalMessage();
    const thinking = plain.content[0];
    assert.ok(thinking?.type === 'thinking');
    assert.ok(thinking.thinking.length > 0);
    assert.ok(thinking.signature.length > 0);
    assert.deepEqual(plain.content[1], { type: 'text', text: 'Echo: THINK about it' });
    assert.deepEqual(streamed.content, plain.content);
  });

  it('LONG:<n> streams n characters in many deltas', async () => {
    const stream = client.messages.stream(ask('LONG:2000'));
    let deltas = 0;
    stream.on('text', () => deltas++);
    const message = await stream.finalMessage();
    assert.equal(textOf(message).length, 2000);
    assert.ok(deltas >= 50, `expected many deltas, got ${deltas}`);
  });

  it('ERROR:429 surfaces as RateLimitError with retry-after', async () => {
    await assert.rejects(client.messages.create(ask('ERROR:429')), (err: unknown) => {
      assert.ok(err instanceof Anthropic.RateLimitError);
      assert.equal(err.status, 429);
      assert.equal(err.type, 'rate_limit_error');
      assert.equal(err.headers.get('retry-after'), '7');
      return true;
    });
  });

  it('maps every ERROR status to the right class and error type, streaming too', async () => {
    const cases: Array<[number, string, new (...args: never[]) => Error]> = [
      [400, 'invalid_request_error', Anthropic.BadRequestError],
      [401, 'authentication_error', Anthropic.AuthenticationError],
      [403, 'permission_error', Anthropic.PermissionDeniedError],
      [404, 'not_found_error', Anthropic.NotFoundError],
      [413, 'request_too_large', Anthropic.APIError],
      [500, 'api_error', Anthropic.InternalServerError],
      [529, 'overloaded_error', Anthropic.InternalServerError],
    ];
    for (const [status, type, cls] of cases) {
      for (const request of [
        () => client.messages.create(ask(`ERROR:${status}`)),
        () => client.messages.stream(ask(`ERROR:${status}`)).finalMessage(),
      ]) {
        await assert.rejects(request(), (err: unknown) => {
          assert.ok(err instanceof cls, `status ${status}: ${String(err)}`);
          assert.ok(err instanceof Anthropic.APIError);
          assert.equal(err.status, status);
          assert.equal(err.type, type);
          return true;
        });
      }
    }
  });

  it('STREAM_ERROR sends an SSE error event after some text', async () => {
    const base = fake.requests.length;
    const stream = client.messages.stream(ask('STREAM_ERROR'));
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    await assert.rejects(stream.finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal(err.type, 'overloaded_error');
      return true;
    });
    assert.ok(text.length > 0, 'some text should arrive before the error');
    await waitFor(() => fake.requests[base] !== undefined);
    assert.equal(fake.requests[base]?.aborted, false);
  });

  it('DROP cuts a stream mid-way and a plain request before any response', async () => {
    const stream = client.messages.stream(ask('DROP'));
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    await assert.rejects(stream.finalMessage());
    assert.ok(text.length > 0, 'deltas should arrive before the drop');

    await assert.rejects(client.messages.create(ask('DROP')), Anthropic.APIConnectionError);
  });

  it('HOLD delivers the first text delta before release', async () => {
    const stream = client.messages.stream(ask('HOLD:first-delta'));
    const firstText = new Promise<string>((resolve) => stream.once('text', resolve));
    let finished = false;
    const final = stream.finalMessage().finally(() => {
      finished = true;
    });

    const delta = await withTimeout(firstText, 5000, 'first text delta');
    assert.ok(delta.length > 0);
    assert.equal(finished, false);

    fake.release('first-delta');
    const message = await final;
    assert.equal(textOf(message), 'Echo: HOLD:first-delta');
  });

  it('HOLD keeps concurrent identical non-streaming requests open together', async () => {
    const base = fake.requests.length;
    let settled = 0;
    const calls = [1, 2].map(() => client.messages.create(ask('same HOLD:pair')).finally(() => settled++));
    await fake.waitForRequests(base + 2);
    assert.equal(settled, 0);

    fake.release('pair');
    const [a, b] = await Promise.all(calls);
    assert.ok(a && b);
    assert.deepEqual(a.content, b.content);
    assert.notEqual(a.id, b.id);
  });

  it('HANG never answers and marks the request aborted when the client gives up', async () => {
    const base = fake.requests.length;
    const controller = new AbortController();
    const pending = client.messages.create(ask('HANG'), { signal: controller.signal });
    await fake.waitForRequests(base + 1);
    const recorded = fake.requests[base];
    assert.ok(recorded);
    assert.equal(recorded.aborted, false);

    controller.abort();
    await assert.rejects(pending, Anthropic.APIUserAbortError);
    await waitFor(() => recorded.aborted, { message: 'HANG request marked aborted' });
  });

  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      assert.equal(model.type, 'model');
      assert.ok(model.display_name.length > 0);
      ids.push(model.id);
    }
    assert.ok(ids.length >= 2);
    assert.ok(ids.includes(MODEL));

    const one = await client.models.retrieve(MODEL);
    assert.equal(one.id, MODEL);
    await assert.rejects(client.models.retrieve('claude-nonexistent'), Anthropic.NotFoundError);
  });

  it('counts tokens', async () => {
    const result = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'count me' }] });
    assert.ok(result.input_tokens > 0);
  });

  it('uses the real SSE grammar and response headers on the wire', async () => {
    const res = await fetch(`${fake.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...ask('THINK TOOL:probe'), stream: true }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(res.headers.get('request-id') ?? '', /^req_fake_\d+$/);
    for (const h of ['requests-limit', 'requests-remaining', 'tokens-limit']) {
      assert.ok(res.headers.get(`anthropic-ratelimit-${h}`), h);
    }

    const body = await res.text();
    const grammar = sseEventNames(body)
      .join(' ')
      .replace(/(content_block_delta ?)+/g, 'delta* ');
    assert.equal(
      grammar.trim(),
      'message_start ping ' +
        'content_block_start delta* content_block_stop '.repeat(3) +
        'message_delta message_stop',
    );
    for (const frame of body.split('\n\n').filter((f) => f.trim() !== '')) {
      const [, event] = /^event: (.+)$/m.exec(frame) ?? [];
      const [, data] = /^data: (.+)$/m.exec(frame) ?? [];
      assert.equal((JSON.parse(data ?? 'null') as { type: string }).type, event);
    }
  });

  it('rejects requests without credentials and unknown paths with Anthropic errors', async () => {
    const noKey = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ask('hi')),
    });
    assert.equal(noKey.status, 401);
    assert.deepEqual(((await noKey.json()) as { error: { type: string } }).error.type, 'authentication_error');

    const bearer = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant-oat-test' },
      body: JSON.stringify(ask('hi')),
    });
    assert.equal(bearer.status, 200);

    const unknown = await fetch(`${fake.url}/v1/nothing-here`, { headers: { 'x-api-key': 'k' } });
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), {
      type: 'error',
      error: { type: 'not_found_error', message: 'Not found: GET /v1/nothing-here' },
    });
  });
});

describe('fake Anthropic upstream with splitChunks', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;

  before(async () => {
    fake = await startFakeAnthropic({ splitChunks: true });
    client = clientFor(fake);
  });
  after(() => fake.close());

  for (const prompt of ['plain text', 'non-ASCII: héllo wörld 🌍🚀 日本語', 'TOOL:get_weather', 'THINK', 'LONG:777']) {
    it(`streams "${prompt}" identically to the non-streaming reply`, async () => {
      const plain = await client.messages.create(ask(prompt));
      const streamed = await client.messages.stream(ask(prompt)).finalMessage();
      const withoutIds = (m: Anthropic.Message): unknown =>
        m.content.map((b) => (b.type === 'tool_use' ? { ...b, id: 'x' } : b));
      assert.deepEqual(withoutIds(streamed), withoutIds(plain));
      assert.deepEqual(streamed.usage, plain.usage);
      assert.equal(streamed.stop_reason, plain.stop_reason);
    });
  }

  it('still delivers the first delta of a HOLD before release', async () => {
    const stream = client.messages.stream(ask('HOLD:split'));
    const firstText = new Promise<string>((resolve) => stream.once('text', resolve));
    const final = stream.finalMessage();
    await withTimeout(firstText, 5000, 'first text delta');
    fake.release('split');
    assert.equal(textOf(await final), 'Echo: HOLD:split');
  });
});
