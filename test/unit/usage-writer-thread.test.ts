import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'libsql';
import { waitFor } from '../support/wait.js';
import { countRows, makeRecord, near, openTestStore, SONNET_COST, tempDir } from './usage-fixtures.js';

const tmp = tempDir('cco-usage-thread-');
after(() => tmp.remove());
let seq = 0;
const freshFile = () => join(tmp.dir, `usage-${++seq}.db`);

describe('usage commits on a writer thread (as the daemon runs them)', () => {
  test('rows reach the file off the request thread, priced', async () => {
    const file = freshFile();
    const { store, clock } = openTestStore(file, { writer: 'thread' });
    for (let i = 0; i < 40; i++) store.record(makeRecord({ cache: i % 2 ? 'hit' : 'miss' }));
    assert.equal(countRows(file), 0, 'nothing is written before the flush interval');
    clock.advance(500);
    await waitFor(() => countRows(file) === 40, { timeoutMs: 5000, message: 'rows committed by the thread' });
    near(countRows(file, 'SELECT SUM(cost_usd) * 1e9 AS n FROM requests') / 1e9, 20 * SONNET_COST);
    store.close();
  });

  test('a read right after recording sees every record (it waits for the pending commit)', async () => {
    const { store, clock } = openTestStore(freshFile(), { writer: 'thread' });
    for (let i = 0; i < 25; i++) store.record(makeRecord());
    clock.advance(500); // hands the batch to the thread
    for (let i = 0; i < 5; i++) store.record(makeRecord()); // still queued
    assert.equal((await store.summary('today')).requests, 30);
    store.close();
  });

  test('close commits everything still queued or in flight', () => {
    const file = freshFile();
    const { store, clock } = openTestStore(file, { writer: 'thread' });
    for (let i = 0; i < 10; i++) store.record(makeRecord());
    clock.advance(500);
    for (let i = 0; i < 7; i++) store.record(makeRecord());
    store.close();
    assert.equal(countRows(file), 17);
  });

  test('a commit the thread could not make goes back to the queue and lands once the lock is gone', async () => {
    const file = freshFile();
    const { store, clock, lines } = openTestStore(file, { writer: 'thread', busyTimeoutMs: 1 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < 3; i++) store.record(makeRecord());
    clock.advance(500);
    await waitFor(() => { store.flush(); return lines.error.length === 1; }, { timeoutMs: 5000, message: 'the failed commit reported' });
    assert.equal(store.queueStats().queued, 3, 'the failed batch is queued again, not lost');
    other.exec('ROLLBACK');
    other.close();
    clock.advance(30_000);
    await waitFor(() => countRows(file) === 3, { timeoutMs: 5000, message: 'rows committed after the lock' });
    store.close();
    assert.equal(countRows(file), 3, 'each record once');
  });
});
