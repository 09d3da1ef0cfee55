import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, createWriteStream, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import type { FileCursor } from '../../main/daemon/transcripts/cursor.js';
import { listTranscripts, TranscriptDirError } from '../../main/daemon/transcripts/layout.js';
import type { FileContext } from '../../main/daemon/transcripts/parse.js';
import type { TranscriptUsageRecord } from '../../main/daemon/transcripts/record.js';
import { type ScanOptions, scanTranscript } from '../../main/daemon/transcripts/scan.js';
import { tempDir } from './usage-fixtures.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/claude-code-transcripts/', import.meta.url));
const tmp = tempDir('cco-transcripts-');
after(() => tmp.remove());

function collector() {
  const records: TranscriptUsageRecord[] = [];
  return { records, sink: { write: (batch: readonly TranscriptUsageRecord[]) => void records.push(...batch) } };
}

const opts: ScanOptions = { now: () => 1_000 };

function ctx(file: string, extra: Partial<FileContext> = {}): FileContext {
  return { file, sessionId: 'sess-1', projectDir: '-tmp-proj', agentId: null, agentType: null, ...extra };
}

/** An assistant line as Claude Code writes it: one per content block, usage repeated. */
function assistant(id: string, requestId: string, extra: Record<string, unknown> = {}, usage: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'assistant', isSidechain: false, requestId, sessionId: 'sess-1', cwd: '/home/dev/app', gitBranch: 'main',
    timestamp: '2026-12-01T03:11:27.744Z',
    message: {
      id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'héllo ✓ 🎉' }],
      usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage },
    },
    ...extra,
  });
}

let n = 0;
function freshFile(content: string): string {
  const file = join(tmp.dir, `t${++n}.jsonl`);
  writeFileSync(file, content);
  return file;
}

describe('Claude Code transcripts (real files)', () => {
  test('each API response counts once, with its session, project, branch, subagent and usage', async () => {
    const files = await listTranscripts(FIXTURES);
    assert.equal(files.length, 3);
    const { records, sink } = collector();
    let duplicates = 0;
    for (const f of files) duplicates += (await scanTranscript(f, null, sink, opts)).counts.duplicates;
    // Two responses were each written as a text line and a tool_use line.
    assert.equal(duplicates, 2);
    assert.deepEqual(records.map((r) => r.messageId).sort(), [
      'msg_fake00017959c0ae', 'msg_fake0002e3b0c442', 'msg_fake0003733452df', 'msg_fake0004dd9d870b', 'msg_fake0005e3b0c442',
    ]);
    const inputTotal = records.reduce((sum, r) => sum + (r.usage.input_tokens as number), 0);
    assert.equal(inputTotal, 1676 + 1767 + 1684 + 1843 + 1267);
    const writes = records.reduce((sum, r) => sum + (r.usage.cache_creation_input_tokens as number), 0);
    assert.equal(writes, 17301 + 17304 + 10004);
    for (const r of records) {
      assert.equal(r.source, 'transcript');
      assert.equal(r.project, '/home/dev/code/shop-api');
      assert.equal(r.gitBranch, 'feature/x');
      assert.equal(r.model, 'claude-opus-4-8');
      assert.match(r.requestId!, /^req_fake/);
    }
    const sub = records.find((r) => r.messageId === 'msg_fake0004dd9d870b')!;
    assert.deepEqual([sub.isSidechain, sub.agentId, sub.agentType, sub.sessionId],
      [true, 'acb926fa7d7672608', 'general-purpose', '91619c4a-c22d-4140-b119-a1671e0ec44a']);
    const first = records.find((r) => r.messageId === 'msg_fake00017959c0ae')!;
    assert.deepEqual([first.isSidechain, first.agentType, first.sessionId, first.requestId, first.timestamp],
      [false, null, '3239b7d9-6789-4834-aa83-92356a4833dc', 'req_fake415db758317593d2f756', Date.parse('2026-12-01T03:11:27.744Z')]);
    assert.deepEqual(first.usage.cache_creation, { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 17301 });
    assert.equal(first.usage.service_tier, 'standard');
  });

  test('a second import from the saved cursor finds nothing new', async () => {
    const [file] = await listTranscripts(FIXTURES);
    const once = await scanTranscript(file!, null, collector().sink, opts);
    const { records, sink } = collector();
    const again = await scanTranscript(file!, once.cursor, sink, opts);
    assert.equal(records.length, 0);
    assert.equal(again.counts.lines, 0);
    assert.equal(again.cursor.offset, once.cursor.offset);
  });
});

describe('transcripts being written', () => {
  test('a torn last line waits until it is whole, then counts once', async () => {
    const third = assistant('msg_3', 'req_3');
    const file = freshFile(`${assistant('msg_1', 'req_1')}\n${assistant('msg_2', 'req_2')}\n${third.slice(0, 40)}`);
    const a = collector();
    const first = await scanTranscript(ctx(file), null, a.sink, opts);
    assert.deepEqual(a.records.map((r) => r.messageId), ['msg_1', 'msg_2']);
    assert.equal(first.counts.bad, 0, 'the torn line is not read at all');
    appendFileSync(file, `${third.slice(40)}\n`);
    const b = collector();
    await scanTranscript(ctx(file), first.cursor, b.sink, opts);
    assert.deepEqual(b.records.map((r) => r.messageId), ['msg_3']);
  });

  test('a response whose content blocks straddle two imports counts once', async () => {
    const file = freshFile(`${assistant('msg_x', 'req_x')}\n`);
    const a = collector();
    const first = await scanTranscript(ctx(file), null, a.sink, opts);
    appendFileSync(file, `${assistant('msg_x', 'req_x', { uuid: 'tool-use-block' })}\n${assistant('msg_y', 'req_y')}\n`);
    const b = collector();
    const second = await scanTranscript(ctx(file), first.cursor, b.sink, opts);
    assert.deepEqual(b.records.map((r) => r.messageId), ['msg_y']);
    assert.equal(second.counts.duplicates, 1);
  });

  test('lines split across reads (inside multi-byte characters) read the same as whole ones', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => assistant(`msg_${i}`, `req_${i}`));
    const file = freshFile(`${lines.join('\n')}\n`);
    for (const chunkBytes of [13, 64, 4096]) {
      const { records, sink } = collector();
      const result = await scanTranscript(ctx(file), null, sink, { ...opts, chunkBytes });
      assert.equal(records.length, 20, `chunk ${chunkBytes}`);
      assert.equal(result.counts.bad, 0);
      assert.equal(records[7]!.messageId, 'msg_7');
    }
  });

  test('bad lines, unknown shapes and oversized lines are skipped and counted, never fatal', async () => {
    const file = freshFile([
      'not json at all',
      '[1,2,3]',
      '{"foo":1}',
      '{"type":"assistant","message":{"content":[]}}',
      '{"type":"some-future-kind"}',
      '{"type":"user","message":{"role":"user","content":"hi"}}',
      assistant('msg_big', 'req_big', { padding: 'x'.repeat(5000) }),
      assistant('msg_synthetic', '', {}, {}).replace('claude-sonnet-4-5', '<synthetic>'),
      '',
      assistant('msg_ok', 'req_ok'),
      '', // the last line ends with a newline too
    ].join('\n'));
    const { records, sink } = collector();
    const result = await scanTranscript(ctx(file), null, sink, { ...opts, maxLineBytes: 2000, chunkBytes: 256 });
    assert.deepEqual(records.map((r) => r.messageId), ['msg_ok']);
    assert.equal(result.counts.bad, 1);
    assert.equal(result.counts.unknown, 4);
    assert.equal(result.counts.oversized, 1);
  });
});

describe('rotation and truncation', () => {
  async function scanned(file: string): Promise<FileCursor> {
    return (await scanTranscript(ctx(file), null, collector().sink, opts)).cursor;
  }

  test('a file replaced by another (new inode) is read from its start', async () => {
    const file = freshFile(`${assistant('msg_a', 'req_a')}\n${assistant('msg_b', 'req_b')}\n`);
    const cursor = await scanned(file);
    const replacement = freshFile(`${assistant('msg_c', 'req_c')}\n${assistant('msg_d', 'req_d')}\n${assistant('msg_e', 'req_e')}\n`);
    renameSync(replacement, file);
    const { records, sink } = collector();
    const result = await scanTranscript(ctx(file), cursor, sink, opts);
    assert.equal(result.restarted, 'rotated');
    assert.deepEqual(records.map((r) => r.messageId), ['msg_c', 'msg_d', 'msg_e']);
  });

  test('a truncated or rewritten file (same inode) is read from its start', async () => {
    const file = freshFile(`${assistant('msg_a', 'req_a')}\n${assistant('msg_b', 'req_b')}\n`);
    const cursor = await scanned(file);
    writeFileSync(file, `${assistant('msg_c', 'req_c')}\n`);
    const a = collector();
    assert.equal((await scanTranscript(ctx(file), cursor, a.sink, opts)).restarted, 'truncated');
    assert.deepEqual(a.records.map((r) => r.messageId), ['msg_c']);
    const cursor2 = await scanned(file);
    writeFileSync(file, `${assistant('msg_z', 'req_z')}\n${assistant('msg_y', 'req_y')}\n`);
    const b = collector();
    assert.equal((await scanTranscript(ctx(file), cursor2, b.sink, opts)).restarted, 'rewritten');
    assert.deepEqual(b.records.map((r) => r.messageId), ['msg_z', 'msg_y']);
  });
});

describe('transcript directory', () => {
  test('a missing or unreadable directory is a clear message', async () => {
    await assert.rejects(listTranscripts(join(tmp.dir, 'nope')), (e: Error) =>
      e instanceof TranscriptDirError && /No Claude Code transcripts at .*nope.projects/.test(e.message)
        && /--claude-dir/.test(e.message));
    if (process.getuid?.() === 0) return; // root reads anything
    const locked = join(tmp.dir, 'locked');
    mkdirSync(join(locked, 'projects'), { recursive: true });
    chmodSync(join(locked, 'projects'), 0o000);
    try {
      await assert.rejects(listTranscripts(locked), (e: Error) => e instanceof TranscriptDirError && /EACCES/.test(e.message));
    } finally {
      chmodSync(join(locked, 'projects'), 0o700);
    }
  });
});

describe('a 100 MB transcript', () => {
  test('is streamed line by line with bounded memory', async () => {
    const file = join(tmp.dir, 'big.jsonl');
    const out = createWriteStream(file);
    const padding = 'lorem ipsum dolor sit amet '.repeat(180); // ~4.9 KB of text per block
    let lines = 0;
    let bytes = 0;
    for (let chunk = 0; bytes < 100 * 1024 * 1024; chunk++) {
      const parts: string[] = [];
      for (let i = 0; i < 200; i++) {
        const id = `msg_${chunk}_${i}`;
        parts.push(assistant(id, `req_${chunk}_${i}`, { note: padding }));
        // Every other response also has a second content-block line, as Claude Code writes it.
        if (i % 2 === 0) parts.push(assistant(id, `req_${chunk}_${i}`, { note: padding }));
      }
      const text = `${parts.join('\n')}\n`;
      lines += parts.length;
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    const sink = { write: (batch: readonly TranscriptUsageRecord[]) => {
      count += batch.length;
      peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    } };
    const started = performance.now();
    const result = await scanTranscript(ctx(file), null, sink, opts);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.counts.lines, lines);
    assert.equal(count, (lines / 3) * 2);
    assert.equal(result.counts.duplicates, lines / 3);
    assert.equal(result.cursor.offset, bytes);
    const mb = (x: number) => (x / 1048576).toFixed(1);
    assert.ok(peak < 64 * 1024 * 1024, `heap grew by ${mb(peak)} MB while reading ${mb(bytes)} MB`);
    console.log(`# 100 MB transcript: ${lines} lines in ${seconds.toFixed(2)} s, heap peak +${(peak / 1048576).toFixed(1)} MB`);
  });
});
