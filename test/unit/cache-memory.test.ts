import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

const STORE = new URL('../../main/daemon/cache/store.js', import.meta.url).href;

/**
 * Fills a cache to twice its bound in a fresh process (so nothing else moves the heap) and reports
 * how much memory the full cache holds after a full collection: heap plus buffers outside it.
 */
const CHILD = `
const { ResponseCache } = await import(${JSON.stringify(STORE)});
const maxBytes = 32 * 1024 * 1024;
const cache = new ResponseCache({ maxEntries: 10_000_000, maxBytes, ttlMs: 3_600_000, now: Date.now });
const used = () => { globalThis.gc(); globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.external; };
const base = used();
let added = 0;
for (let i = 0; added < 2 * maxBytes; i++) {
  const size = 1000 + ((i * 7919) % 19000);
  const text = (i.toString(36) + ' lorem ipsum dolor sit amet ').repeat(Math.ceil(size / 30)).slice(0, size);
  cache.set(i.toString(16).padStart(64, '0'), {
    id: 'msg_' + i, type: 'message', role: 'assistant', model: 'claude-opus-4-8',
    content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  });
  added += size;
}
process.stdout.write(JSON.stringify({ held: used() - base, maxBytes, evictions: cache.stats().evictions }));
`;

test('a full cache holds what --cache-max-bytes says, within 20 %', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', CHILD], { encoding: 'utf8' });
  const { held, maxBytes, evictions } = JSON.parse(out) as { held: number; maxBytes: number; evictions: number };
  assert.ok(evictions > 0, 'the cache was filled past its bound');
  const ratio = held / maxBytes;
  assert.ok(ratio > 0.8 && ratio < 1.2, `memory held is ${(ratio * 100).toFixed(0)} % of the configured bound`);
});
