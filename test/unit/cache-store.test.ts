import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../../main/daemon/anthropic/types.js';
import { ResponseCache, type StoredAnswer } from '../../main/daemon/cache/store.js';

/** A message whose JSON form is exactly `bytes` long (padding goes into the id). */
function message(text: string, bytes = 200): Message {
  const base = {
    id: '', type: 'message' as const, role: 'assistant' as const, model: 'claude-opus-4-8',
    content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 2 },
  };
  const pad = bytes - JSON.stringify(base).length - `msg_${text}`.length;
  return { ...base, id: `msg_${text}${'x'.repeat(Math.max(0, pad))}` };
}

function text(answer: StoredAnswer | undefined): unknown {
  return answer && (JSON.parse(answer.json.toString('utf8')) as Message).content[0]?.text;
}

function cache(overrides: Partial<ConstructorParameters<typeof ResponseCache>[0]> = {}) {
  const clock = { t: 1_000_000 };
  const c = new ResponseCache({
    maxEntries: 3, maxBytes: 10_000, ttlMs: 60_000, now: () => clock.t, entryOverheadBytes: 0, ...overrides,
  });
  return { c, clock };
}

test('a stored answer is served until its TTL passes, then never again', () => {
  const { c, clock } = cache();
  c.set('k', message('a', 300));
  clock.t += 59_999;
  assert.equal(text(c.get('k')), 'a');
  clock.t += 1;
  assert.equal(c.get('k'), undefined);
  assert.equal(c.stats().size, 0);
  assert.equal(c.stats().bytes, 0);
  assert.equal(c.stats().expired, 1);
});

test('never holds more entries than --cache-size, evicting the least recently used', () => {
  const { c } = cache({ maxEntries: 3 });
  for (const k of ['a', 'b', 'c']) c.set(k, message(k, 300));
  assert.ok(c.get('a')); // a is now the most recently used
  c.set('d', message('d', 300));
  assert.equal(c.stats().size, 3);
  assert.equal(c.get('b'), undefined, 'b was the least recently used');
  for (const k of ['a', 'c', 'd']) assert.ok(c.get(k), `${k} kept`);
  for (let i = 0; i < 50; i++) c.set(`x${i}`, message(`x${i}`, 300));
  assert.equal(c.stats().size, 3);
  assert.ok(c.stats().evictions >= 48);
});

test('never holds more bytes than --cache-max-bytes, and skips an answer larger than the whole cache', () => {
  const { c } = cache({ maxEntries: 100, maxBytes: 1000 });
  c.set('a', message('a', 400));
  c.set('b', message('b', 400));
  c.set('c', message('c', 400));
  assert.equal(c.get('a'), undefined);
  assert.equal(c.stats().bytes, 800);
  c.set('huge', message('huge', 1001));
  assert.equal(c.get('huge'), undefined);
  assert.equal(c.stats().bytes, 800);
});

test('replacing a key does not double count it', () => {
  const { c } = cache();
  c.set('a', message('a', 300));
  c.set('a', message('a2', 450));
  assert.equal(c.stats().size, 1);
  assert.equal(c.stats().bytes, 450);
  assert.equal(text(c.get('a')), 'a2');
});

test('clear reports what it freed', () => {
  const { c } = cache();
  c.set('a', message('a', 300));
  c.set('b', message('b', 400));
  assert.deepEqual(c.clear(), { cleared: 2, freedBytes: 700 });
  assert.equal(c.stats().size, 0);
  assert.equal(c.get('a'), undefined);
});

test('a size of 0 disables the cache', () => {
  const { c } = cache({ maxEntries: 0 });
  assert.equal(c.enabled, false);
  c.set('a', message('a', 300));
  assert.equal(c.get('a'), undefined);
});
