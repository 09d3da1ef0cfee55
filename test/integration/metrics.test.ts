import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-metrics-'));
  daemon = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });
});
after(async () => {
  await daemon.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scrape(): Promise<string> {
  const response = await fetch(`${daemon.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return response.text();
}

test('GET /metrics counts proxied requests by cache outcome and project, without a token', async () => {
  const client = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/metrics-demo' } });
  await client.messages.create(userMessage('count me'));
  await client.messages.create(userMessage('count me'));
  await waitFor(async () => /cco_requests_total\{cache="hit"/.test(await scrape()), { message: 'a hit on /metrics' });
  const text = await scrape();
  const line = (cache: string) =>
    text.split('\n').find((l) => l.startsWith(`cco_requests_total{cache="${cache}"`) && l.includes('/work/metrics-demo'));
  assert.match(line('miss') ?? '', /status_class="2xx".* 1$/);
  assert.match(line('hit') ?? '', / 1$/);
  assert.match(text, /^cco_cost_usd_total\{model="[^"]+",kind="payg"\} [0-9.e-]+$/m);
  assert.match(text, /^cco_saved_usd_total [0-9.e-]+$/m);
  assert.match(text, /^cco_cache_entries 1$/m);
  assert.match(text, /^cco_inflight_requests 0$/m);
  assert.match(text, /^cco_queue_depth 0$/m);
  assert.match(text, /^# TYPE cco_upstream_latency_seconds histogram$/m);
  assert.match(text, /^# TYPE cco_time_to_first_byte_seconds histogram$/m);
  assert.match(text, /^# TYPE cco_plan_utilization_ratio gauge$/m);
  assert.match(text, /^# TYPE cco_budget_spent_ratio gauge$/m);
});

test('plan usage read from the responses reaches /metrics as cco_plan_utilization_ratio{window}', async () => {
  await sdk(daemon.url).messages.create(userMessage('plan usage QUOTA:0.37'));
  await waitFor(async () => /^cco_plan_utilization_ratio\{window="5h"\} 0\.37$/m.test(await scrape()), {
    message: 'the 5-hour window on /metrics',
  });
});

test('/metrics is refused to a foreign Host, like every other route', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${daemon.url}/metrics`, { headers: { host: 'evil.example:80' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 403);
});
