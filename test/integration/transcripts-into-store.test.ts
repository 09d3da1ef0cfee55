import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import Database from 'libsql';
import type { CliContext } from '../../main/cli/context.js';
import { main } from '../../main/cli/index.js';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { instanceFiles } from '../../main/common/paths.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

/** The usage object of a transcript's assistant line, as the fixtures hold it. */
interface FixtureUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/claude-code-transcripts/', import.meta.url));
const PROJECT_DIR = 'projects/-home-dev-code-shop-api';
const MAIN_SESSION = '3239b7d9-6789-4834-aa83-92356a4833dc';
// Claude Opus 4.8, Anthropic's published prices (USD per million tokens), written out here.
const OPUS = { input: 5, output: 25, write5m: 6.25, write1h: 10, read: 0.5 };
const M = 1_000_000;

const sandbox = mkdtempSync(join(tmpdir(), 'cco-transcripts-store-'));
after(() => rmSync(sandbox, { recursive: true, force: true }));
let seq = 0;

/** A private copy of the fixtures, so a test can append to them. */
function claudeDir(): string {
  const dir = join(sandbox, `claude-${++seq}`);
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

function* jsonlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* jsonlFiles(path);
    else if (name.endsWith('.jsonl')) yield path;
  }
}

interface Expected { responses: number; input: number; output: number; cost: number }

/** What the fixtures hold, read here line by line and priced by hand: each (message.id, requestId) once. */
function expectedTotals(dir: string): Expected {
  const seen = new Set<string>();
  const out: Expected = { responses: 0, input: 0, output: 0, cost: 0 };
  for (const file of jsonlFiles(join(dir, 'projects'))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const j = JSON.parse(line) as { type: string; requestId?: string; message?: { id: string; usage: FixtureUsage } };
      if (j.type !== 'assistant' || !j.message?.usage) continue;
      const key = `${j.message.id}/${j.requestId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const u = j.message.usage;
      const split = u.cache_creation ?? { ephemeral_5m_input_tokens: u.cache_creation_input_tokens ?? 0, ephemeral_1h_input_tokens: 0 };
      out.responses++;
      out.input += u.input_tokens;
      out.output += u.output_tokens;
      out.cost += (u.input_tokens * OPUS.input + u.output_tokens * OPUS.output + split.ephemeral_5m_input_tokens * OPUS.write5m
        + split.ephemeral_1h_input_tokens * OPUS.write1h + (u.cache_read_input_tokens ?? 0) * OPUS.read) / M;
    }
  }
  return out;
}

interface Stored { n: number; input: number; output: number; cost: number }

function query<T>(file: string, sql: string): T[] {
  const db = new Database(file);
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

function storedTotals(file: string, where = "source = 'transcript'"): Stored {
  return query<Stored>(file, `SELECT COUNT(*) AS n, COALESCE(SUM(input_tokens), 0) AS input,
    COALESCE(SUM(output_tokens), 0) AS output, COALESCE(SUM(cost_usd), 0) AS cost FROM requests WHERE ${where}`)[0]!;
}

function assertTotals(stored: Stored, expected: Expected): void {
  assert.equal(stored.n, expected.responses);
  assert.equal(stored.input, expected.input);
  assert.equal(stored.output, expected.output);
  assert.ok(Math.abs(stored.cost - expected.cost) < 1e-9, `cost ${stored.cost} vs ${expected.cost}`);
}

function cli(home: string) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { env: { CCO_HOME: home, HOME: home }, cwd: home, out: (l) => out.push(l), err: (l) => err.push(l), stderrIsTTY: false };
  return { ctx, out, err };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A transcript line of a new response, as Claude Code appends it. */
function assistantLine(requestId: string, messageId: string, usage: Record<string, unknown>): string {
  return `${JSON.stringify({
    type: 'assistant', requestId, sessionId: MAIN_SESSION, cwd: '/home/dev/code/shop-api', gitBranch: 'feature/x',
    isSidechain: false, timestamp: new Date().toISOString(), uuid: `u-${messageId}`,
    message: { id: messageId, type: 'message', role: 'assistant', model: 'claude-opus-4-8', content: [{ type: 'text', text: 'ok' }], usage },
  })}\n`;
}

describe('cco import without a daemon', () => {
  test('the fixtures land in the usage database once, priced and attributed, however often it runs', async () => {
    const home = join(sandbox, 'home-cli');
    const dir = claudeDir();
    const port = await freePort();
    const first = cli(home);
    assert.equal(await main(['import', '--claude-dir', dir, '--port', String(port)], first.ctx), 0, first.err.join('\n'));
    assert.match(first.out.join('\n'), /Imported 5 responses from 3 of 3 transcript files/);
    const file = instanceFiles(home, port).database;
    const expected = expectedTotals(dir);
    assertTotals(storedTotals(file), expected);
    const agents = query<{ agent_type: string; is_sidechain: number; session_id: string; git_branch: string; project: string }>(
      file, "SELECT agent_type, is_sidechain, session_id, git_branch, project FROM requests WHERE agent_type IS NOT NULL");
    assert.deepEqual(agents, [{
      agent_type: 'general-purpose', is_sidechain: 1, session_id: '91619c4a-c22d-4140-b119-a1671e0ec44a',
      git_branch: 'feature/x', project: '/home/dev/code/shop-api',
    }]);
    const rollup = query<{ requests: number }>(file, "SELECT SUM(requests) AS requests FROM session_rollup WHERE source = 'transcript'");
    assert.equal(rollup[0]!.requests, expected.responses, 'the session roll-up counts each response once');

    const again = cli(home);
    assert.equal(await main(['import', '--claude-dir', dir, '--port', String(port), '--json'], again.ctx), 0);
    assert.equal((JSON.parse(again.out.join('\n')) as { counts: { records: number } }).counts.records, 0);
    // Even with its cursors lost, reading everything again adds nothing.
    rmSync(instanceFiles(home, port).transcriptCursors);
    assert.equal(await main(['import', '--claude-dir', dir, '--port', String(port)], cli(home).ctx), 0);
    assertTotals(storedTotals(file), expected);
  });

  test('an unreadable directory is a clear message, and bad lines are skipped and counted', async () => {
    const home = join(sandbox, 'home-bad');
    const dir = claudeDir();
    appendFileSync(join(dir, PROJECT_DIR, `${MAIN_SESSION}.jsonl`), '{"type":"assistant", torn\n{"no":"type"}\n');
    const run = cli(home);
    const port = String(await freePort());
    assert.equal(await main(['import', '--claude-dir', dir, '--port', port, '--json'], run.ctx), 0);
    const result = JSON.parse(run.out.join('\n')) as { counts: { records: number; bad: number; unknown: number } };
    assert.deepEqual([result.counts.records, result.counts.bad, result.counts.unknown], [5, 1, 1]);
    const missing = cli(home);
    assert.equal(await main(['import', '--claude-dir', join(sandbox, 'nowhere'), '--port', port], missing.ctx), 1);
    assert.match(missing.err.join('\n'), /nowhere/);
  });
});

describe('with a daemon running', () => {
  let fake: FakeAnthropic;
  let daemon: RunningDaemon;
  let dataDir: string;
  let dir: string;
  let file: string;
  const session = () => join(dir, PROJECT_DIR, `${MAIN_SESSION}.jsonl`);

  before(async () => {
    fake = await startFakeAnthropic();
    dataDir = join(sandbox, 'daemon-home');
    dir = claudeDir();
    daemon = await runDaemonHost({
      config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false, claudeDir: dir,
    });
    // Configured with port 0 (an ephemeral one): its files are named after the configured port.
    file = instanceFiles(dataDir, 0).database;
  });
  after(async () => {
    await daemon.close();
    await fake.close();
  });

  const count = (where: string) => storedTotals(file, where).n;

  test('the watcher imports what is there, then appended lines within seconds', async () => {
    const expected = expectedTotals(dir);
    await waitFor(() => count("source = 'transcript'") === expected.responses, { timeoutMs: 10_000, message: 'the initial import' });
    appendFileSync(session(), assistantLine('req_appended', 'msg_appended', { input_tokens: 10, output_tokens: 20 }));
    await waitFor(() => count("upstream_request_id = 'req_appended'") === 1, { timeoutMs: 10_000, message: 'the appended line' });
    assertTotals(storedTotals(file), { ...expected, responses: expected.responses + 1, input: expected.input + 10,
      output: expected.output + 20, cost: expected.cost + (10 * OPUS.input + 20 * OPUS.output) / M });
  });

  test('cco import through the daemon adds nothing the watcher already stored', async () => {
    await waitFor(() => count("source = 'transcript'") >= 5, { timeoutMs: 10_000, message: 'the initial import' });
    const before = storedTotals(file);
    rmSync(instanceFiles(dataDir, daemon.port).transcriptCursors, { force: true });
    rmSync(instanceFiles(dataDir, 0).transcriptCursors, { force: true });
    const run = cli(dataDir);
    assert.equal(await main(['import', '--claude-dir', dir, '--port', String(daemon.port), '--json'], run.ctx), 0, run.err.join('\n'));
    assert.ok((JSON.parse(run.out.join('\n')) as { counts: { records: number } }).counts.records >= 5, 'everything was read again');
    // The daemon's writer has committed the batch once /api/requests answers (reads wait for commits).
    await fetch(`${daemon.url}/api/requests?limit=1`);
    assert.deepEqual(storedTotals(file), before);
  });

  test('a proxied response and its transcript line are counted once, whichever arrives first', async () => {
    const client = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/home/dev/code/shop-api' } });
    await client.messages.create(userMessage('proxied first'));
    await waitFor(() => count("source = 'proxy' AND upstream_request_id IS NOT NULL") === 1, { message: 'the proxied row' });
    const [proxied] = query<{ upstream_request_id: string; input_tokens: number }>(file,
      "SELECT upstream_request_id, input_tokens FROM requests WHERE source = 'proxy' AND upstream_request_id IS NOT NULL");
    const firstId = proxied!.upstream_request_id;
    assert.match(firstId, /^req_fake_\d+$/);
    // Its transcript line comes later: left out. A marker line after it shows the watcher got past it.
    appendFileSync(session(), assistantLine(firstId, 'msg_first', { input_tokens: proxied!.input_tokens, output_tokens: 7 }));
    appendFileSync(session(), assistantLine('req_marker_1', 'msg_marker_1', { input_tokens: 1, output_tokens: 1 }));
    await waitFor(() => count("upstream_request_id = 'req_marker_1'") === 1, { timeoutMs: 10_000, message: 'marker 1' });
    assert.equal(count(`upstream_request_id = '${firstId}'`), 1);

    // The other way round: the transcript line of the next upstream call is stored before the proxy records it.
    const nextId = `req_fake_${Number(firstId.slice('req_fake_'.length)) + 1}`;
    appendFileSync(session(), assistantLine(nextId, 'msg_second', { input_tokens: 11, output_tokens: 7 }));
    await waitFor(() => count(`upstream_request_id = '${nextId}'`) === 1, { timeoutMs: 10_000, message: 'the transcript line' });
    await client.messages.create(userMessage('transcript first'));
    await client.messages.create(userMessage('a third, to know the second was recorded'));
    const thirdId = `req_fake_${Number(firstId.slice('req_fake_'.length)) + 2}`;
    await waitFor(() => count(`upstream_request_id = '${thirdId}'`) === 1, { message: 'the third proxied row' });
    assert.equal(count(`upstream_request_id = '${nextId}'`), 1);
    assert.equal(count(`upstream_request_id = '${nextId}' AND source = 'transcript'`), 1, 'the first arrival is kept');
  });
});
