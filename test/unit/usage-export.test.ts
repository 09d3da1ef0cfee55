import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { join } from 'node:path';
import { csvField, type ExportPage, type ExportPosition, writeExport } from '../../main/daemon/usage/export.js';
import { makeRecord, NOON, openTestStore, tempDir, waitFor } from './usage-fixtures.js';

/** A client that reads only when the test says so. */
class SlowClient extends Writable {
  readonly pending: Array<() => void> = [];
  received = '';
  constructor() {
    super({ highWaterMark: 1024, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: BufferEncoding, done: () => void): void {
    this.received += chunk;
    this.pending.push(done);
  }
  readOne(): void {
    this.pending.shift()?.();
  }
}

function* rows(pulled: { count: number }, total: number): Generator<Record<string, unknown>> {
  for (let i = 0; i < total; i++) {
    pulled.count++;
    yield { id: i + 1, project: 'p', input_tokens: i, cost_usd: 0.5 };
  }
}

test('export stops reading rows while the client is not reading', async () => {
  const client = new SlowClient();
  const pulled = { count: 0 };
  const TOTAL = 50_000;
  const done = writeExport(rows(pulled, TOTAL), 'csv', client);
  await waitFor(() => client.pending.length === 1, 'the first chunk to be written');
  const firstChunkRows = pulled.count;
  assert.ok(firstChunkRows < TOTAL / 10, `read ${firstChunkRows} rows ahead of a client that read nothing`);
  while (pulled.count < TOTAL || client.pending.length > 0) {
    await waitFor(() => client.pending.length > 0 || client.writableFinished, 'a chunk to read');
    client.readOne();
    assert.ok(client.writableLength <= 64 * 1024 * 2, 'never more than about a chunk buffered');
  }
  assert.equal(await done, TOTAL);
  assert.equal(client.received.split('\r\n').length, TOTAL + 2);
});

test('export stops when the client goes away', async () => {
  const client = new SlowClient();
  const pulled = { count: 0 };
  const done = writeExport(rows(pulled, 1_000_000), 'json', client);
  await waitFor(() => client.pending.length === 1, 'the first chunk');
  client.destroy();
  const written = await done;
  assert.ok(written < 1_000_000);
  assert.equal(pulled.count, written);
});

test('CSV fields are quoted only when they must be', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField(null), '');
  assert.equal(csvField(1.5), '1.5');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(' padded'), '" padded"');
  assert.equal(csvField('padded\t'), '"padded\t"');
  assert.equal(csvField(-0.25), '-0.25');
});

test('export pages carry every row once, in order, across pages that split equal timestamps', async () => {
  const tmp = tempDir('cco-export-pages-');
  try {
    const { store } = openTestStore(join(tmp.dir, 'pages.db'));
    // 3 rows share each timestamp, so page boundaries fall inside runs of equal started_at.
    for (let i = 0; i < 4501; i++) store.record(makeRecord({ startedAt: NOON - 10_000_000 + Math.floor(i / 3), inputTokens: i }));
    store.flush();
    for (const format of ['csv', 'json'] as const) {
      let text = '';
      let after: ExportPosition | null = null;
      let written = 0;
      let pages = 0;
      for (;;) {
        const page: ExportPage = await store.exportPage(format, 'all', after, written);
        text += page.text;
        written += page.rows;
        pages++;
        if (page.next === null) break;
        after = page.next;
      }
      assert.ok(pages >= 3, `${pages} pages`);
      if (format === 'json') {
        const rows = JSON.parse(text) as Array<{ id: number; inputTokens: number }>;
        assert.deepEqual(rows.map((r) => r.inputTokens), Array.from({ length: 4501 }, (_, i) => i));
      } else {
        const lines = text.trim().split('\r\n');
        assert.equal(lines.length, 4502, 'one header and every row once');
        assert.ok(lines[0]!.startsWith('id,'));
      }
    }
    store.close();
  } finally {
    tmp.remove();
  }
});
