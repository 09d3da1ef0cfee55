import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Limiter } from '../../main/daemon/proxy/limiter.js';

test('--workers caps concurrent upstream calls; the rest wait in FIFO order', async () => {
  const limiter = new Limiter(2);
  const order: string[] = [];
  const a = await limiter.acquire();
  const b = await limiter.acquire();
  const c = limiter.acquire().then((release) => { order.push('c'); return release; });
  const d = limiter.acquire().then((release) => { order.push('d'); return release; });
  assert.deepEqual(limiter.stats(), { workers: 2, active: 2, queued: 2 });
  a();
  (await c)();
  b();
  (await d)();
  assert.deepEqual(order, ['c', 'd']);
  assert.deepEqual(limiter.stats(), { workers: 2, active: 0, queued: 0 });
});

test('a waiter whose client went away leaves the queue without taking a slot', async () => {
  const limiter = new Limiter(1);
  const held = await limiter.acquire();
  const abort = new AbortController();
  const gone = limiter.acquire(abort.signal);
  const next = limiter.acquire();
  abort.abort(new Error('client left'));
  await assert.rejects(gone, /client left/);
  held();
  const release = await next;
  assert.deepEqual(limiter.stats(), { workers: 1, active: 1, queued: 0 });
  release();
  release(); // releasing twice must not free a second slot
  assert.deepEqual(limiter.stats(), { workers: 1, active: 0, queued: 0 });
});

test('a waiter that waited longer than the bound is refused with 529 overloaded_error and leaves the queue', async () => {
  const limiter = new Limiter(1, 20);
  const held = await limiter.acquire();
  const late = limiter.acquire();
  await assert.rejects(late, (error: { status?: number; type?: string }) => {
    assert.equal(error.status, 529);
    assert.equal(error.type, 'overloaded_error');
    return true;
  });
  assert.deepEqual(limiter.stats(), { workers: 1, active: 1, queued: 0 });
  held();
  assert.deepEqual(limiter.stats(), { workers: 1, active: 0, queued: 0 });
});
