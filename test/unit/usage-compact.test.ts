// A file upgraded from v2 (made without incremental auto-vacuum) shrinks after its first prune,
// once, on the writer thread, with its totals unchanged; without the disk space it is left alone.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'libsql';
import { convertToIncremental, describeCompaction, fileShape } from '../../main/daemon/usage/compact.js';
import { openUsageDatabase } from '../../main/daemon/usage/schema.js';
import { NOON, openTestStore, tempDir, waitFor } from './usage-fixtures.js';
import { v2Totals, writeV2Database } from './usage-v2-fixture.js';

const tmp = tempDir('cco-compact-');
after(() => tmp.remove());

function shapeOf(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return fileShape(db);
  } finally {
    db.close();
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB'];
function bytesOf(size: string): number {
  const [value, unit] = size.split(' ');
  return Number(value) * 1024 ** UNITS.indexOf(unit!);
}

test('an upgraded v2 file is rewritten once after a prune: it shrinks, and every total stays', async () => {
  const file = join(tmp.dir, 'upgraded.db');
  // 60 days of rows; a 20-day retention prunes two thirds of them.
  writeV2Database(file, 30_000, NOON);
  const totals = v2Totals(file);
  assert.equal(shapeOf(file).autoVacuum, 0, 'a v2 file has no auto-vacuum');
  const { store, lines } = openTestStore(file, { writer: 'thread', reader: 'thread', retentionDays: 20 });
  try {
    await waitFor(() => lines.info.some((l) => l.includes('rewritten once')), 'the compaction log line', 30_000);
    const line = lines.info.find((l) => l.includes('rewritten once'))!;
    const [, before, after] = /(\d+(?:\.\d)? \w+) -> (\d+(?:\.\d)? \w+)/.exec(line) ?? [];
    assert.ok(before && after, `the line gives both sizes: ${line}`);
    assert.ok(bytesOf(after) < 0.8 * bytesOf(before), `the file shrank: ${line}`);
    const shape = shapeOf(file);
    assert.equal(shape.autoVacuum, 2, 'incremental from now on');
    assert.equal(shape.freePages, 0, 'every free page given back');
    assert.ok(statSync(file).size <= shape.pages * shape.pageSize, 'the file on disk is the compacted one');
    const summary = await store.summary('all');
    assert.equal(summary.requests, totals.requests, 'no request lost or counted twice');
    assert.equal(lines.warn.length, 0, lines.warn.join('\n'));
  } finally {
    store.close();
  }
});

test('without the disk space for the rewrite the file is left as it was, and the log says what to do', () => {
  const file = join(tmp.dir, 'full-disk.db');
  writeV2Database(file, 2_000, NOON);
  const db = openUsageDatabase(file);
  try {
    db.exec('DELETE FROM requests');
    const before = fileShape(db);
    const outcome = convertToIncremental(db, file, () => 1024 * 1024);
    assert.equal(outcome.kind, 'no-space');
    assert.deepEqual(fileShape(db), before, 'nothing rewritten');
    const { level, message } = describeCompaction(file, outcome);
    assert.equal(level, 'warn');
    assert.match(message, /needs [\d.]+ MiB free in .+, which has 1\.0 MiB\. Free some space/);
  } finally {
    db.close();
  }
});
