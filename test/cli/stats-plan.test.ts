import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { QuotaResponse } from '../../shared/api.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { destroySandbox, makeSandbox, runCco, waitFor, type Sandbox } from './harness.js';

interface PlanJson extends QuotaResponse {
  source: 'daemon' | 'file';
}

async function planJson(sandbox: Sandbox): Promise<PlanJson> {
  const run = await runCco(['stats', '--json'], { env: sandbox.env });
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as { plan: PlanJson }).plan;
}

/** HH:MM in UTC (the sandbox runs the CLI with TZ=UTC). */
const hm = (iso: string): string => iso.slice(11, 16);
const weekday = (iso: string): string => new Date(iso).toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });

describe('cco stats: plan usage', () => {
  let sandbox: Sandbox;
  let fake: FakeAnthropic;
  before(async () => {
    fake = await startFakeAnthropic();
    sandbox = await makeSandbox();
    sandbox.env.CCO_UPSTREAM_URL = fake.url;
    sandbox.env.TZ = 'UTC';
  });
  after(async () => {
    await destroySandbox(sandbox);
    await fake.close();
  });

  it('says plainly that there is no reading yet, in text and JSON', async () => {
    const text = await runCco(['stats'], { env: sandbox.env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Plan usage: no reading yet/);
    const plan = await planJson(sandbox);
    assert.deepEqual(plan.credentials, []);
  });

  it('shows each window with its reset time, pace and age while the daemon runs', async () => {
    const started = await runCco(['daemon', 'start'], { env: sandbox.env });
    assert.equal(started.code, 0, started.stderr);
    await sdk(`http://127.0.0.1:${sandbox.port}`).messages.create(userMessage('how far along am I QUOTA:0.42'));
    await waitFor(async () => (await planJson(sandbox)).credentials.length === 1, 10_000, 'a plan reading');
    const plan = await planJson(sandbox);
    assert.equal(plan.source, 'daemon');
    const [five, seven] = plan.credentials[0]!.windows;
    assert.equal(five!.utilization, 0.42);
    const text = await runCco(['stats'], { env: sandbox.env });
    assert.equal(text.code, 0, text.stderr);
    // The fake's 5-hour window has 2 of its 5 hours left: 42 % used in 60 % of the time.
    assert.match(text.stdout, new RegExp(`5-hour: 42 % \\(resets ${hm(five!.resetsAt!)}\\), on pace for 70 % by the reset`));
    assert.match(text.stdout, new RegExp(`7-day: 20 % \\(resets ${weekday(seven!.resetsAt!)} ${hm(seven!.resetsAt!)}\\)`));
    assert.match(text.stdout, /Plan usage \(read just now\)/);
    assert.match(text.stdout, /Status: allowed \(decided by five_hour\)/);
    assert.ok(!text.stdout.includes('sk-ant'), 'no credential on screen');
  });

  it('reads the saved reading, and says so, once the daemon has stopped', async () => {
    assert.equal((await runCco(['daemon', 'stop'], { env: sandbox.env })).code, 0);
    const file = join(sandbox.env.CCO_HOME!, `quota-${sandbox.port}.json`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const plan = await planJson(sandbox);
    assert.equal(plan.source, 'file');
    assert.equal(plan.credentials[0]?.windows[0]?.utilization, 0.42);
    const text = await runCco(['stats'], { env: sandbox.env });
    assert.match(text.stdout, /5-hour: 42 % \(resets \d\d:\d\d\)/);
    assert.match(text.stdout, /the daemon is not running: this is the last reading it saved/);
  });
});
