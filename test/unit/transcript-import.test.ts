import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { JsonCursorStore, MemoryCursorStore } from '../../main/daemon/transcripts/cursor-store.js';
import { type ImportProgress, importTranscripts } from '../../main/daemon/transcripts/import.js';
import type { TranscriptUsageRecord } from '../../main/daemon/transcripts/record.js';
import { TranscriptWatcher } from '../../main/daemon/transcripts/watch.js';
import { waitFor } from '../support/wait.js';
import { recordingLogger, tempDir } from './usage-fixtures.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/claude-code-transcripts/', import.meta.url));
const SESSION = '3239b7d9-6789-4834-aa83-92356a4833dc';
const tmp = tempDir('cco-transcript-import-');
after(() => tmp.remove());

let n = 0;
/** A copy of the real transcripts in a directory of its own. */
function claudeDir(): string {
  const dir = join(tmp.dir, `claude-${++n}`);
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

function collector() {
  const records: TranscriptUsageRecord[] = [];
  return { records, sink: { write: (batch: readonly TranscriptUsageRecord[]) => void records.push(...batch) } };
}

function newResponse(id: string, timestamp = '2026-12-01T04:00:00.000Z'): string {
  return `${JSON.stringify({
    type: 'assistant', isSidechain: false, requestId: `req_${id}`, sessionId: SESSION, cwd: '/home/dev/code/shop-api',
    gitBranch: 'main', timestamp,
    message: { id: `msg_${id}`, model: 'claude-opus-4-8', usage: { input_tokens: 5, output_tokens: 7 } },
  })}\n`;
}

describe('importing transcripts', () => {
  test('is idempotent across runs and a restart (cursors kept in a private file), and shows progress', async () => {
    const dir = claudeDir();
    const cursorFile = join(tmp.dir, `cursors-${n}.json`);
    const first = collector();
    const progress: ImportProgress[] = [];
    const r1 = await importTranscripts({
      claudeDir: dir, sink: first.sink, cursors: new JsonCursorStore(cursorFile), now: Date.now,
      onProgress: (p) => progress.push({ ...p }),
    });
    assert.equal(first.records.length, 5);
    assert.deepEqual([r1.files, r1.filesRead, r1.counts.duplicates, r1.failures.length], [3, 3, 2, 0]);
    const last = progress.at(-1)!;
    assert.deepEqual([last.filesDone, last.filesTotal], [3, 3]);
    assert.equal(last.bytesDone, last.bytesTotal);
    assert.equal(statSync(cursorFile).mode & 0o777, 0o600);

    const second = collector();
    const r2 = await importTranscripts({ claudeDir: dir, sink: second.sink, cursors: new JsonCursorStore(cursorFile), now: Date.now });
    assert.equal(second.records.length, 0);
    assert.equal(r2.filesRead, 0);

    appendFileSync(join(dir, 'projects', '-home-dev-code-shop-api', `${SESSION}.jsonl`), newResponse('later'));
    const third = collector();
    await importTranscripts({ claudeDir: dir, sink: third.sink, cursors: new JsonCursorStore(cursorFile), now: Date.now });
    assert.deepEqual(third.records.map((r) => r.messageId), ['msg_later']);
  });

  test('--since leaves out older responses and untouched files', async () => {
    const dir = claudeDir();
    const file = join(dir, 'projects', '-home-dev-code-shop-api', `${SESSION}.jsonl`);
    appendFileSync(file, newResponse('new', '2026-12-01T05:00:00.000Z'));
    const since = Date.parse('2026-12-01T04:30:00.000Z');
    const old = new Date('2026-11-01T00:00:00.000Z');
    const other = '91619c4a-c22d-4140-b119-a1671e0ec44a';
    for (const name of [`${other}.jsonl`, `${other}/subagents/agent-acb926fa7d7672608.jsonl`]) {
      utimesSync(join(dir, 'projects', '-home-dev-code-shop-api', name), old, old);
    }
    const { records, sink } = collector();
    const result = await importTranscripts({ claudeDir: dir, sink, cursors: new MemoryCursorStore(), now: Date.now, since });
    assert.deepEqual(records.map((r) => r.messageId), ['msg_new']);
    assert.equal(result.beforeSince, 2, 'the two older responses of the same file');
  });

  test('a file that cannot be read is reported and the others are imported', async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const dir = claudeDir();
    const locked = join(dir, 'projects', '-home-dev-code-shop-api', `${SESSION}.jsonl`);
    const { chmodSync } = await import('node:fs');
    chmodSync(locked, 0o000);
    const { records, sink } = collector();
    const result = await importTranscripts({ claudeDir: dir, sink, cursors: new MemoryCursorStore(), now: Date.now });
    chmodSync(locked, 0o600);
    assert.equal(records.length, 3);
    assert.deepEqual(result.failures, [{ file: locked, message: 'EACCES' }]);
  });
});

describe('watching transcripts', () => {
  test('new lines, new sessions and new projects are imported within seconds', async () => {
    const dir = claudeDir();
    const { records, sink } = collector();
    const { logger } = recordingLogger();
    const cursors = new MemoryCursorStore();
    const watcher = new TranscriptWatcher({ claudeDir: dir, sink, cursors, now: Date.now, logger, debounceMs: 50 });
    watcher.start();
    try {
      await waitFor(() => records.length === 5, { message: 'the existing transcripts' });
      appendFileSync(join(dir, 'projects', '-home-dev-code-shop-api', `${SESSION}.jsonl`), newResponse('appended'));
      await waitFor(() => records.some((r) => r.messageId === 'msg_appended'), { timeoutMs: 5000, message: 'an appended line' });
      mkdirSync(join(dir, 'projects', '-home-dev-other'));
      writeFileSync(join(dir, 'projects', '-home-dev-other', 'new-session.jsonl'), newResponse('elsewhere'));
      await waitFor(() => records.some((r) => r.messageId === 'msg_elsewhere'), { timeoutMs: 5000, message: 'a new project' });
      assert.equal(records.length, 7);
    } finally {
      await watcher.stop();
    }
  });
});
