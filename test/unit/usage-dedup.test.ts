import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'libsql';
import type { RequestRecord } from '../../main/daemon/usage/record.js';
import { countRows, makeRecord, NOON, openTestStore, tempDir } from './usage-fixtures.js';

const tmp = tempDir('cco-usage-dedup-');
after(() => tmp.remove());
let seq = 0;
const freshFile = () => join(tmp.dir, `usage-${++seq}.db`);

const proxied = (requestId: string): RequestRecord =>
  makeRecord({ project: '/home/dev/shop', upstreamRequestId: requestId, latencyMs: 900 });

const transcript = (requestId: string | null, messageId: string): RequestRecord => makeRecord({
  project: '/home/dev/shop', source: 'transcript', cache: 'bypass', latencyMs: 0, ttfbMs: null,
  upstreamRequestId: requestId, messageId, sessionId: 'sess-1', gitBranch: 'main', agentType: 'Explore', isSidechain: true,
});

const dayTotal = (file: string) =>
  countRows(file, 'SELECT COALESCE(SUM(requests), 0) AS n FROM rollup_project WHERE res = 86400000');

test('the same transcript response imported twice, in one batch or two, is one row', async () => {
  const { store, file } = openTestStore(freshFile());
  store.importRecords([transcript('req_1', 'msg_1'), transcript('req_1', 'msg_1'), transcript(null, 'msg_old')]);
  store.importRecords([transcript('req_1', 'msg_1'), transcript(null, 'msg_old'), transcript('req_2', 'msg_2')]);
  store.close();
  assert.equal(countRows(file), 3);
  assert.equal(dayTotal(file), 3, 'the roll-ups count what was stored, not what was offered');
});

test('a proxied response and its transcript line count once, whichever arrives first', async () => {
  const { store, file } = openTestStore(freshFile());
  // Proxy first, then the transcript line: the line is left out.
  store.record(proxied('req_a'));
  store.flush();
  store.importRecords([transcript('req_a', 'msg_a')]);
  // Transcript first, then the proxy's record: the record is left out.
  store.importRecords([transcript('req_b', 'msg_b')]);
  store.record(proxied('req_b'));
  // Both in the same batch.
  store.record(proxied('req_c'));
  store.importRecords([transcript('req_c', 'msg_c')]);
  const rows = await store.requests({ limit: 10 });
  store.close();
  assert.equal(rows.length, 3);
  const bySource = rows.map((r) => `${r.upstreamRequestId}:${r.source}`).sort();
  assert.deepEqual(bySource, ['req_a:proxy', 'req_b:transcript', 'req_c:transcript']);
  assert.equal(dayTotal(file), 3);
  // Requests without a request id (cache hits, errors before the upstream answered) are never merged.
  const { store: again } = openTestStore(file);
  again.record(makeRecord({ cache: 'hit' }));
  again.record(makeRecord({ cache: 'hit' }));
  again.close();
  assert.equal(countRows(file), 5);
});

test('the database refuses a second row of one transcript response (the v4 unique index)', () => {
  const { store, file } = openTestStore(freshFile());
  store.importRecords([transcript('req_x', 'msg_x')]);
  store.close();
  const db = new Database(file);
  try {
    const copy = `INSERT INTO requests (started_at, project, session, method, path, provider, status, cache, streaming,
      input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, latency_ms, request_bytes, response_bytes,
      source, message_id, upstream_request_id) VALUES (${NOON}, 'p', 's', 'POST', '/v1/messages', 'anthropic', 200,
      'bypass', 1, 0, 0, 0, 0, 0, 0, 0, 'transcript', 'msg_x', 'req_x')`;
    assert.throws(() => db.exec(copy), /UNIQUE/);
  } finally {
    db.close();
  }
});
