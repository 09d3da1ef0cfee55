import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { CliContext } from '../../main/cli/context.js';
import { CliError, UsageError } from '../../main/cli/errors.js';
import { type ImportStorage, importCommandWith } from '../../main/cli/import-command.js';
import { MemoryCursorStore } from '../../main/daemon/transcripts/cursor-store.js';
import type { TranscriptUsageRecord } from '../../main/daemon/transcripts/record.js';
import { tempDir } from './usage-fixtures.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/claude-code-transcripts/', import.meta.url));
const tmp = tempDir('cco-import-cmd-');
after(() => tmp.remove());

function context(env: Record<string, string> = {}) {
  const out: string[] = [];
  const ctx: CliContext = {
    env: { CCO_HOME: tmp.dir, ...env }, cwd: tmp.dir, out: (l) => out.push(l), err: () => {}, stderrIsTTY: false,
  };
  return { ctx, out };
}

/** The storage the command writes to: records kept in a list, cursors kept across runs like the store's. */
function storage() {
  const records: TranscriptUsageRecord[] = [];
  const cursors = new MemoryCursorStore();
  const opened: Array<{ dataDir: string; port: number }> = [];
  const open = async (dataDir: string, port: number): Promise<ImportStorage> => {
    opened.push({ dataDir, port });
    return { sink: { write: (b) => void records.push(...b) }, cursors, close() {} };
  };
  return { records, opened, command: importCommandWith(open) };
}

test('cco import reads the transcripts once into the chosen instance\'s storage and says what it did', async () => {
  const s = storage();
  const { ctx, out } = context();
  assert.equal(await s.command(['--claude-dir', FIXTURES, '--port', '3123'], ctx), 0);
  assert.equal(s.records.length, 5);
  assert.deepEqual(s.opened, [{ dataDir: tmp.dir, port: 3123 }]);
  assert.match(out.join('\n'), /Imported 5 responses from 3 of 3 transcript files\.\nSkipped 2 repeated block lines\./);
  const again = context();
  assert.equal(await s.command(['--claude-dir', FIXTURES, '--port', '3123', '--json'], again.ctx), 0);
  const json = JSON.parse(again.out.join('\n')) as { counts: { records: number }; files: number; claudeDir: string };
  assert.equal(json.counts.records, 0);
  assert.equal(json.files, 3);
  assert.equal(s.records.length, 5);
});

test('cco import finds Claude Code through CLAUDE_CONFIG_DIR and explains a missing directory', async () => {
  const s = storage();
  assert.equal(await s.command([], context({ CLAUDE_CONFIG_DIR: FIXTURES }).ctx), 0);
  assert.equal(s.records.length, 5);
  await assert.rejects(s.command(['--claude-dir', join(tmp.dir, 'absent')], context().ctx),
    (e: Error) => e instanceof CliError && /No Claude Code transcripts at/.test(e.message));
});

test('cco import --since takes a date and refuses anything else', async () => {
  const s = storage();
  assert.equal(await s.command(['--claude-dir', FIXTURES, '--since', '2030-01-01'], context().ctx), 0);
  assert.equal(s.records.length, 0);
  await assert.rejects(s.command(['--since', 'last tuesday'], context().ctx), UsageError);
  const help = context();
  assert.equal(await s.command(['--help'], help.ctx), 0);
  assert.match(help.out.join('\n'), /Usage: cco import \[--claude-dir DIR\] \[--since DATE\] \[--port N\]/);
});
