import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

interface Row {
  cache: string; project: string; streaming: boolean; inputTokens: number; outputTokens: number;
  costUsd: number | null; savedUsd: number | null; requestedModel: string;
}

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;
// claude-opus-4-8 is priced from its family (opus 4.5+: $5 in / $25 out per million tokens).
const expectedCost = (r: Row) => (r.inputTokens * 5 + r.outputTokens * 25) / 1e6;

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-usage-'));
  daemon = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });
});
after(async () => {
  await daemon.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function rows(query = ''): Promise<Row[]> {
  const body = (await (await fetch(`${daemon.url}/api/requests?limit=100${query}`)).json()) as { requests: Row[] };
  return body.requests;
}

test('each request is priced from its usage, streamed or not, and a hit saves what the original cost', async () => {
  const client = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/billing' } });
  await client.messages.create(userMessage('price me'));
  await client.messages.stream(userMessage('price me streamed')).finalMessage();
  await client.messages.create(userMessage('price me'));
  await waitFor(async () => (await rows('&project=/work/billing')).length === 3);
  const [hit, streamed, miss] = await rows('&project=/work/billing');
  assert.equal(miss!.cache, 'miss');
  assert.ok(miss!.inputTokens > 0 && miss!.outputTokens > 0);
  assert.ok(Math.abs(miss!.costUsd! - expectedCost(miss!)) < 1e-12);
  assert.equal(miss!.savedUsd, 0);
  assert.equal(streamed!.streaming, true);
  assert.ok(streamed!.outputTokens > 0, 'output tokens come from the stream\'s final message_delta');
  assert.ok(Math.abs(streamed!.costUsd! - expectedCost(streamed!)) < 1e-12);
  assert.equal(hit!.cache, 'hit');
  assert.equal(hit!.costUsd, 0);
  assert.ok(Math.abs(hit!.savedUsd! - miss!.costUsd!) < 1e-12);
});

test('projects are told apart by the launcher header, and requests without one are "unknown"', async () => {
  await sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/alpha' } }).messages.create(userMessage('alpha'));
  await sdk(daemon.url).messages.create(userMessage('nobody'));
  await waitFor(async () => {
    const { projects } = (await (await fetch(`${daemon.url}/api/project/stats`)).json()) as { projects: Array<{ project: string }> };
    const names = projects.map((p) => p.project);
    return names.includes('/work/alpha') && names.includes('unknown');
  });
});

test('the CSV export parses back into the recorded rows', async () => {
  const text = await (await fetch(`${daemon.url}/api/export?format=csv&range=all`)).text();
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  assert.ok(header.includes('cost_usd') && header.includes('project'));
  assert.equal(lines.length - 1, (await rows()).length);
  assert.ok(!text.includes('sk-ant'), 'no credential in the export');
});
