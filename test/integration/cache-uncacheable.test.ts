import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { TEST_KEY, userMessage } from '../support/clients.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';

/** The stream each prompt gets: a well-formed answer, plus whatever the prompt's variant adds. */
function stream(variant: string): string {
  const events: Array<[string, object]> = [
    ['message_start', {
      type: 'message_start',
      message: {
        id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-opus-4-8', content: [],
        stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 },
      },
    }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }],
  ];
  if (variant === 'delta') {
    events.push(['content_block_delta', {
      type: 'content_block_delta', index: 0, delta: { type: 'sparkle_delta', sparkle: '✨' },
    }]);
  }
  events.push(['content_block_stop', { type: 'content_block_stop', index: 0 }]);
  events.push(['message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null, ...(variant === 'field' ? { mood: 'cheerful' } : {}) },
    usage: { output_tokens: 3 },
  }]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

let upstream: http.Server;
let upstreamUrl: string;
let cco: TestDaemon;

before(async () => {
  upstream = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString();
      const variant = text.includes('unknown delta') ? 'delta' : text.includes('unknown field') ? 'field' : 'plain';
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(stream(variant));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  cco = await startTestDaemon(upstreamUrl);
});
after(async () => {
  await cco.close();
  await new Promise((resolve) => upstream.close(resolve));
});

async function ask(text: string): Promise<{ cache: string | null; body: string }> {
  const res = await fetch(`${cco.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ ...userMessage(text), stream: true }),
  });
  assert.equal(res.status, 200);
  return { cache: res.headers.get('x-cco-cache'), body: await res.text() };
}

async function uncacheable(): Promise<number> {
  const stats = (await (await fetch(`${cco.url}/api/cache/stats`)).json()) as { uncacheable: number };
  return stats.uncacheable;
}

test('a stream the cache fully understands is stored and replayed (the control)', async () => {
  assert.equal((await ask('plain')).cache, 'miss');
  assert.equal((await ask('plain')).cache, 'hit');
});

for (const [prompt, variant] of [['unknown delta', 'delta'], ['unknown field', 'field']] as const) {
  const what = variant === 'delta' ? 'unknown delta type' : 'unknown message_delta field';
  test(`an answer with an ${what} reaches the client untouched but is never stored`, async () => {
    const before = await uncacheable();
    const first = await ask(prompt);
    assert.equal(first.cache, 'miss');
    assert.equal(first.body, stream(variant), 'the client got the upstream stream byte for byte');
    const second = await ask(prompt);
    assert.equal(second.cache, 'miss', 'the second identical request went upstream again');
    assert.equal(second.body, stream(variant));
    assert.equal(await uncacheable(), before + 2);
  });
}
