import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cacheKey } from '../../main/daemon/cache/key.js';
import { topLevelSpans } from '../../main/daemon/anthropic/json-spans.js';
import { MessagesRequest } from '../../main/daemon/anthropic/request.js';

const fixtureDir = new URL('../../../test/fixtures/claude-code-requests/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('claude-code-2.1.197-tool-result-turn.json', fixtureDir), 'utf8')) as {
  body: Record<string, unknown>;
};

function valuesFromSpans(buf: Buffer): Record<string, unknown> {
  const spans = topLevelSpans(buf)!;
  return Object.fromEntries([...spans].map(([k, [s, e]]) => [k, JSON.parse(buf.toString('utf8', s, e))]));
}

test('finds every top-level value of a real Claude Code body, byte for byte', () => {
  const buf = Buffer.from(JSON.stringify(fixture.body));
  assert.deepEqual(valuesFromSpans(buf), fixture.body);
  const spans = topLevelSpans(buf)!;
  const [s, e] = spans.get('messages')!;
  assert.equal(buf.toString('utf8', s, e), JSON.stringify(fixture.body.messages));
});

test('is not fooled by quotes, backslashes, braces and non-ASCII inside strings, or by whitespace', () => {
  const body = {
    a: 'he said \\"}{][, "quoted" \\\\',
    'we"ird': { nested: ['}', '{', '\\', { deep: '"' }], n: -1.5e3 },
    émoji: '🎉 é',
    flag: true,
    nothing: null,
    list: [1, [2, [3]], {}],
  };
  for (const text of [JSON.stringify(body), JSON.stringify(body, null, 2), ` \n${JSON.stringify(body, null, '\t')}\n `]) {
    assert.deepEqual(valuesFromSpans(Buffer.from(text)), body);
  }
});

test('answers null for what is not an object', () => {
  assert.equal(topLevelSpans(Buffer.from('[1,2]')), null);
  assert.equal(topLevelSpans(Buffer.from('"x"')), null);
});

test('the key from raw bytes ignores what the key ignores and sees what it sees', () => {
  const headers = { 'x-api-key': 'sk-ant-test' };
  const key = (body: Record<string, unknown>) =>
    cacheKey({ target: 't', body, headers, raw: Buffer.from(JSON.stringify(body)) });
  const base = key(fixture.body);
  assert.equal(key({ ...fixture.body, metadata: { user_id: 'another session' }, stream: false }), base);
  const system = fixture.body.system as Array<{ text: string }>;
  const newBilling = [{ ...system[0]!, text: `${system[0]!.text} cch=abc123;` }, ...system.slice(1)];
  assert.equal(key({ ...fixture.body, system: newBilling }), base, 'billing line left out');
  assert.notEqual(key({ ...fixture.body, max_tokens: 1 }), base);
  assert.notEqual(key({ ...fixture.body, messages: [...(fixture.body.messages as unknown[]), { role: 'user', content: 'more' }] }), base);
});

test('refuses bytes that cannot be a JSON object, so the proxy can answer 400 without a full parse', () => {
  for (const text of [
    '{"model": "x", ', '{"a":1}}', '{"a":1} x', '{"a":1,}', '{"a" 1}', '{"a":[1,2}', '{"a":{"b":1]}', '{"a":"open}',
    '{"a":}', '{"a":1 "b":2}', '{a:1}', '',
  ]) {
    assert.equal(topLevelSpans(Buffer.from(text)), null, text);
  }
  assert.deepEqual(topLevelSpans(Buffer.from(' { } ')), new Map());
});

test('a request gives its model and stream flag without parsing the rest of the body', () => {
  // `messages` is broken inside: were it parsed, reading the key fields would throw.
  const raw = Buffer.from('{"model":"claude-x","messages":[{"role":"user","content":tru}],"stream":true}');
  const request = MessagesRequest.scan(raw)!;
  assert.equal(request.model, 'claude-x');
  assert.equal(request.stream, true);
  assert.ok(cacheKey({ target: 't', headers: {}, raw, spans: request.spans }));
  assert.throws(() => request.body(), SyntaxError);
  assert.equal(MessagesRequest.scan(Buffer.from('{"stream":"true"}'))!.stream, false);
});

test('a new model is spliced into the client bytes, the rest left as it came', () => {
  const raw = Buffer.from('{ "model" : "a",\n "messages": [ 1, 2 ] }');
  assert.equal(MessagesRequest.scan(raw)!.withModel('b\u00e9').toString(), '{ "model" : "b\u00e9",\n "messages": [ 1, 2 ] }');
});
