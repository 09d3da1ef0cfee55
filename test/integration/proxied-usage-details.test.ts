import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import Database from 'libsql';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { instanceFiles } from '../../main/common/paths.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

// Claude Opus 4.8, Anthropic's published prices (USD per million tokens), written out here.
const OPUS = { input: 5, output: 25, write5m: 6.25, write1h: 10, read: 0.5 };
const OAUTH_TOKEN = 'sk-ant-oat01-plan-login-token-details-000000';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-usage-details-'));
  daemon = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });
});
after(async () => {
  await daemon.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Row {
  billing: string; credential_fingerprint: string | null; upstream_request_id: string | null; service_tier: string | null;
  input_tokens: number; output_tokens: number; cache_read_tokens: number; cache_write_5m_tokens: number;
  cache_write_1h_tokens: number; cost_usd: number;
}

function rows(): Row[] {
  const db = new Database(instanceFiles(dataDir, 0).database);
  try {
    return db.prepare('SELECT * FROM requests ORDER BY id').all() as Row[];
  } finally {
    db.close();
  }
}

test('a plan login\'s request is recorded as API-equivalent value, with its 1-hour cache write priced at 2 x input', async () => {
  const client = new Anthropic({ baseURL: daemon.url, authToken: OAUTH_TOKEN, apiKey: null, maxRetries: 0 });
  const system = [{ type: 'text' as const, text: 'You are terse. '.repeat(400), cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } }];
  await client.messages.create({ model: 'claude-opus-4-8', max_tokens: 64, system, messages: [{ role: 'user', content: 'hi' }] });
  // Reads wait for the commits: once /api/requests shows it, the row is in the file.
  await waitFor(async () => ((await (await fetch(`${daemon.url}/api/requests?limit=5`)).json()) as { requests: unknown[] }).requests.length === 1);
  const [row] = rows();
  assert.ok(row);
  assert.equal(row.billing, 'subscription');
  assert.match(row.credential_fingerprint ?? '', /^[0-9a-f]{16}$/);
  assert.match(row.upstream_request_id ?? '', /^req_fake_\d+$/);
  assert.equal(row.service_tier, 'standard');
  assert.ok(row.cache_write_1h_tokens > 0, 'the 1-hour write is recorded as such');
  assert.equal(row.cache_write_5m_tokens, 0);
  const expected = (row.input_tokens * OPUS.input + row.output_tokens * OPUS.output + row.cache_write_1h_tokens * OPUS.write1h
    + row.cache_read_tokens * OPUS.read) / 1e6;
  assert.ok(Math.abs(row.cost_usd - expected) < 1e-12, `cost ${row.cost_usd} vs ${expected}`);
  // The credential itself is nowhere in the database.
  const file = instanceFiles(dataDir, 0).database;
  for (const side of ['', '-wal']) {
    let bytes = '';
    try { bytes = readFileSync(file + side, 'latin1'); } catch { continue; }
    assert.equal(bytes.includes(OAUTH_TOKEN), false);
  }
});
