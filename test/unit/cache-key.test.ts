import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { withoutBillingLine } from '../../main/daemon/anthropic/billing.js';
import { cacheKey, credentialFingerprint } from '../../main/daemon/cache/key.js';

interface Fixture {
  path: string;
  headers: Array<[string, string]>;
  body: Record<string, unknown>;
}

function fixture(name: string): Fixture {
  const url = new URL(`../../../test/fixtures/claude-code-requests/claude-code-2.1.197-${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Fixture;
}

const TARGET = 'https://api.anthropic.com/v1/messages?beta=true';
const KEY = 'sk-ant-test-key-one';

function headersOf(f: Fixture, extra: Record<string, string> = { 'x-api-key': KEY }): Record<string, string> {
  return { ...Object.fromEntries(f.headers.map(([k, v]) => [k.toLowerCase(), v])), ...extra };
}

/** The key as the proxy computes it: from the client's bytes. */
function keyOf(body: Record<string, unknown>, headers: Record<string, string>, target = TARGET): string {
  const raw = Buffer.from(JSON.stringify(body));
  return cacheKey({ target, body, headers, raw });
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** A second run of Claude Code: a new session id in metadata and in the session header. */
function secondRun(f: Fixture): { body: Record<string, unknown>; headers: Record<string, string> } {
  const body = clone(f.body);
  const metadata = body.metadata as { user_id: string };
  const user = JSON.parse(metadata.user_id) as { session_id: string };
  user.session_id = '11111111-2222-3333-4444-555555555555';
  metadata.user_id = JSON.stringify(user);
  return { body, headers: headersOf(f, { 'x-api-key': KEY, 'x-claude-code-session-id': user.session_id }) };
}

function withBilling(body: Record<string, unknown>, line: string): Record<string, unknown> {
  const copy = clone(body);
  const system = copy.system as Array<{ type: string; text: string }>;
  system[0] = { type: 'text', text: line };
  return copy;
}

describe('cache key on real Claude Code requests', () => {
  const hi = fixture('say-hi');
  const toolTurn = fixture('tool-result-turn');

  test('two runs of the same prompt hit: a new session id in metadata and headers does not change the key', () => {
    const again = secondRun(hi);
    assert.notDeepEqual(again.body.metadata, hi.body.metadata);
    assert.equal(keyOf(again.body, again.headers), keyOf(hi.body, headersOf(hi)));
  });

  test('the billing line (version, entry point, per-request cch= hash) is left out of the key', () => {
    const base = keyOf(hi.body, headersOf(hi));
    const newer = withBilling(hi.body, 'x-anthropic-billing-header: cc_version=2.1.198.7; cc_entrypoint=cli; cch=9f8e7d6c;');
    const other = withBilling(hi.body, 'x-anthropic-billing-header: cc_version=2.1.198.7; cc_entrypoint=cli; cch=00112233;');
    assert.equal(keyOf(newer, headersOf(hi)), base);
    assert.equal(keyOf(other, headersOf(hi)), base);
  });

  test('the rest of the system prompt is in the key', () => {
    const body = clone(hi.body);
    const system = body.system as Array<{ text: string }>;
    system[1]!.text += ' (edited)';
    assert.notEqual(keyOf(body, headersOf(hi)), keyOf(hi.body, headersOf(hi)));
  });

  test('a different conversation turn gets a different key', () => {
    assert.notEqual(keyOf(toolTurn.body, headersOf(toolTurn)), keyOf(hi.body, headersOf(hi)));
  });

  test('streaming and non-streaming forms of one request share the key', () => {
    const body = clone(hi.body);
    body.stream = !body.stream;
    assert.equal(keyOf(body, headersOf(hi)), keyOf(hi.body, headersOf(hi)));
  });

  const changes: Array<[string, (b: Record<string, unknown>) => void]> = [
    ['model', (b) => { b.model = 'claude-haiku-4-5'; }],
    ['a message', (b) => { (b.messages as unknown[]).push({ role: 'user', content: 'and one more thing' }); }],
    ['the tools', (b) => { (b.tools as unknown[]).pop(); }],
    ['tool_choice', (b) => { b.tool_choice = { type: 'any' }; }],
    ['temperature', (b) => { b.temperature = 0.2; }],
    ['top_p', (b) => { b.top_p = 0.5; }],
    ['top_k', (b) => { b.top_k = 5; }],
    ['max_tokens', (b) => { b.max_tokens = 1234; }],
    ['stop_sequences', (b) => { b.stop_sequences = ['END']; }],
    ['thinking', (b) => { b.thinking = { type: 'disabled' }; }],
    ['output_config', (b) => { b.output_config = { effort: 'low' }; }],
    ['a field added next month', (b) => { b.some_new_generation_field = true; }],
  ];
  for (const [what, change] of changes) {
    test(`changing ${what} changes the key`, () => {
      const body = clone(hi.body);
      change(body);
      assert.notEqual(keyOf(body, headersOf(hi)), keyOf(hi.body, headersOf(hi)));
    });
  }

  test('anthropic-beta and anthropic-version are keyed; transport headers are not', () => {
    const base = keyOf(hi.body, headersOf(hi));
    assert.notEqual(keyOf(hi.body, { ...headersOf(hi), 'anthropic-beta': 'claude-code-20250219' }), base);
    assert.notEqual(keyOf(hi.body, { ...headersOf(hi), 'anthropic-version': '2099-01-01' }), base);
    const transport = { ...headersOf(hi), 'user-agent': 'claude-cli/9.9.9', 'x-stainless-retry-count': '3', 'x-stainless-timeout': '60' };
    assert.equal(keyOf(hi.body, transport), base);
  });

  test('the upstream target is keyed', () => {
    const base = keyOf(hi.body, headersOf(hi));
    assert.notEqual(keyOf(hi.body, headersOf(hi), 'http://127.0.0.1:8080/v1/messages?beta=true'), base);
  });

  test('two credentials never share a key, in either header form, and the key holds no credential', () => {
    const a = keyOf(hi.body, headersOf(hi, { 'x-api-key': 'sk-ant-one' }));
    const b = keyOf(hi.body, headersOf(hi, { 'x-api-key': 'sk-ant-two' }));
    const bearer = keyOf(hi.body, headersOf(hi, { authorization: 'Bearer sk-ant-one' }));
    assert.equal(new Set([a, b, bearer]).size, 3);
    const fp = credentialFingerprint({ 'x-api-key': 'sk-ant-one' });
    assert.match(fp, /^[0-9a-f]{16}$/);
    assert.ok(!fp.includes('sk-ant'));
  });

  test('hashing the raw bytes gives the same key as hashing the parsed body', () => {
    const headers = headersOf(hi);
    assert.equal(keyOf(hi.body, headers), cacheKey({ target: TARGET, body: hi.body, headers }));
  });

  test('the body is never modified by computing its key', () => {
    const body = clone(hi.body);
    keyOf(body, headersOf(hi));
    assert.deepEqual(body, hi.body);
  });
});

describe('withoutBillingLine', () => {
  test('drops a leading billing block or line and keeps everything else as it was', () => {
    const blocks = [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=1;' }, { type: 'text', text: 'You are Claude Code.' }];
    assert.deepEqual(withoutBillingLine(blocks), [blocks[1]]);
    assert.equal(withoutBillingLine('x-anthropic-billing-header: cc_version=1;\nYou are Claude Code.'), 'You are Claude Code.');
    const plain = [{ type: 'text', text: 'You are helpful.' }];
    assert.equal(withoutBillingLine(plain), plain);
    assert.equal(withoutBillingLine('You are helpful.'), 'You are helpful.');
    assert.equal(withoutBillingLine(undefined), undefined);
  });
});
