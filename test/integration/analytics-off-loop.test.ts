// The proxy never waits for analytics: with a slow read in flight, proxied requests go straight through.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';

const SLOW_READ_MS = 3000;
let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-offloop-'));
  daemon = await runDaemonHost({
    config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }),
    dataDir,
    console: false,
    usageReaderDelayMs: SLOW_READ_MS,
  });
});
after(async () => {
  await daemon.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('proxied requests are answered while a slow analytics query is under way', async () => {
  const client = sdk(daemon.url);
  await client.messages.create(userMessage('warm up'));
  let statsDoneAt = 0;
  const started = Date.now();
  const stats = fetch(`${daemon.url}/api/project/stats?range=all`).then(async (r) => {
    statsDoneAt = Date.now();
    return { status: r.status, body: (await r.json()) as { projects: unknown[] } };
  });
  const times: number[] = [];
  let firstDoneAt = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await client.messages.create(userMessage(`during the slow query ${i}`));
    times.push(Date.now() - t0);
    firstDoneAt ||= Date.now();
  }
  const answer = await stats;
  assert.equal(answer.status, 200);
  assert.ok(statsDoneAt - started >= SLOW_READ_MS, 'the analytics read was slow');
  // Were the read on the proxy's thread, the first request would wait for all of it.
  assert.ok(firstDoneAt < statsDoneAt, 'a proxied request finished while the slow read was under way');
  assert.ok(Math.max(...times) < SLOW_READ_MS / 2, `proxied requests took ${times.join(', ')} ms`);
});
