import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import type { QuotaView } from '../../main/daemon/quota/view.js';
import { userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

const OAUTH_TOKEN = 'sk-ant-oat01-plan-login-token-0000000000';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;

const start = () => runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-quota-'));
  daemon = await start();
});
after(async () => {
  await daemon.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Claude Code on a Pro/Max plan: its login travels as an OAuth bearer token. */
function planClient(): Anthropic {
  return new Anthropic({ baseURL: daemon.url, authToken: OAUTH_TOKEN, apiKey: null, maxRetries: 0 });
}

async function quota(): Promise<{ text: string; body: QuotaView }> {
  const text = await (await fetch(`${daemon.url}/api/quota`)).text();
  return { text, body: JSON.parse(text) as QuotaView };
}

/** Reads `/api/events` until an event of `name` arrives. */
async function nextEvent(name: string, trigger: () => Promise<unknown>): Promise<unknown> {
  const abort = new AbortController();
  const res = await fetch(`${daemon.url}/api/events`, { signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let triggered = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`events ended before a ${name} event`);
      buffer += decoder.decode(value, { stream: true });
      if (!triggered && buffer.includes('event: hello')) {
        triggered = true;
        await trigger();
      }
      for (const frame of buffer.split('\n\n')) {
        if (frame.startsWith(`event: ${name}\n`)) return JSON.parse(frame.slice(frame.indexOf('data: ') + 6));
      }
    }
  } finally {
    abort.abort();
  }
}

test('plan usage from the upstream headers is served per credential at /api/quota, never the credential', async () => {
  await planClient().messages.create(userMessage('hello QUOTA:0.42'));
  await waitFor(async () => (await quota()).body.credentials.length === 1);
  const { text, body } = await quota();
  assert.ok(!text.includes(OAUTH_TOKEN) && !text.includes('plan-login'), 'the credential never appears');
  const [cred] = body.credentials;
  assert.equal(cred!.kind, 'subscription');
  assert.match(cred!.fingerprint, /^[0-9a-f]{16}$/);
  assert.equal(cred!.status, 'allowed');
  assert.equal(cred!.representativeClaim, 'five_hour');
  assert.ok(cred!.ageSeconds >= 0 && cred!.ageSeconds < 60);
  const [five, seven] = cred!.windows;
  assert.deepEqual([five!.name, five!.label, five!.utilization, five!.status], ['5h', '5-hour', 0.42, 'allowed']);
  assert.deepEqual([seven!.name, seven!.utilization], ['7d', 0.2]);
  // The fake's 5-hour window resets 2 h after it started: 3 of 5 hours are gone.
  const resetsIn = (Date.parse(five!.resetsAt!) - Date.now()) / 1000;
  assert.ok(resetsIn > 7000 && resetsIn <= 7200, `resets in ${resetsIn}s`);
  assert.ok(Math.abs(five!.pace!.elapsedShare - 0.6) < 0.01);
  assert.ok(Math.abs(five!.pace!.ratio! - 0.42 / 0.6) < 0.01);
  assert.equal(cred!.limits.requests?.limit, 4000);
});

test('crossing 80 % of a window is a live quota-threshold event', async () => {
  const event = await nextEvent('quota-threshold', () => planClient().messages.create(userMessage('busy QUOTA:0.83')));
  assert.deepEqual({ ...(event as Record<string, unknown>), fingerprint: 'x' }, {
    fingerprint: 'x', window: '5h', threshold: 0.8, utilization: 0.83, resetsAt: (event as { resetsAt: number }).resetsAt,
  });
});

test('a 1-hour cache_control write is reported split by lifetime, then read back, with the service tier', async () => {
  const params = userMessage('cached prompt', {
    system: [{ type: 'text', text: 'A long, stable system prompt. '.repeat(40), cache_control: { type: 'ephemeral', ttl: '1h' } }],
  });
  const first = await planClient().messages.create(params, { headers: { 'x-cco-cache': 'bypass' } });
  assert.ok(first.usage.cache_creation!.ephemeral_1h_input_tokens > 0);
  assert.equal(first.usage.cache_creation!.ephemeral_5m_input_tokens, 0);
  assert.equal(first.usage.cache_creation_input_tokens, first.usage.cache_creation!.ephemeral_1h_input_tokens);
  assert.equal(first.usage.service_tier, 'standard');
  const second = await planClient().messages.create(params, { headers: { 'x-cco-cache': 'bypass' } });
  assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
  assert.equal(second.usage.cache_creation_input_tokens, 0);
});

test('a restarted daemon still knows the last reading, kept in a private file', async () => {
  const before = (await quota()).body.credentials[0]!;
  await daemon.close();
  daemon = await start();
  const after = (await quota()).body.credentials[0]!;
  assert.equal(after.fingerprint, before.fingerprint);
  assert.equal(after.windows[0]!.utilization, before.windows[0]!.utilization);
  const file = readdirSync(dataDir).find((f) => f.startsWith('quota-'))!;
  assert.equal(statSync(join(dataDir, file)).mode & 0o777, 0o600);
});
