import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseQuotaHeaders, windowLabel, windowSeconds } from '../../main/daemon/quota/headers.js';
import { QuotaService, type QuotaThresholdEvent } from '../../main/daemon/quota/service.js';
import { quotaView } from '../../main/daemon/quota/view.js';
import { recordingLogger, tempDir } from './usage-fixtures.js';

const tmp = tempDir('cco-quota-');
after(() => tmp.remove());

const T0 = 1_800_000_000; // epoch seconds
const KEY = 'sk-ant-oat01-very-secret-token';

function unified(fiveHour: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'anthropic-ratelimit-unified-status': 'allowed',
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-reset': String(T0 + 3600),
    'anthropic-ratelimit-unified-5h-utilization': String(fiveHour),
    'anthropic-ratelimit-unified-5h-reset': String(T0 + 3600),
    'anthropic-ratelimit-unified-5h-status': 'allowed',
    'anthropic-ratelimit-unified-7d-utilization': '0.31',
    'anthropic-ratelimit-unified-7d-reset': String(T0 + 2 * 86_400),
    'anthropic-ratelimit-unified-7d-status': 'allowed',
    ...extra,
  };
}

describe('quota headers', () => {
  test('reads the overall state, every named window and the API-key limits', () => {
    const reading = parseQuotaHeaders({
      ...unified(0.42, {
        'anthropic-ratelimit-unified-7d_opus-utilization': '0.9',
        'anthropic-ratelimit-unified-7d_opus-reset': String(T0 + 86_400),
        'anthropic-ratelimit-unified-7d_opus-status': 'allowed_warning',
        'anthropic-ratelimit-unified-overage-status': 'rejected',
      }),
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3999',
      'anthropic-ratelimit-requests-reset': '2027-01-15T10:00:00Z',
      'anthropic-ratelimit-output-tokens-remaining': '80000',
    })!;
    assert.equal(reading.status, 'allowed');
    assert.equal(reading.representativeClaim, 'five_hour');
    assert.equal(reading.resetsAt, T0 + 3600);
    assert.deepEqual(reading.windows.map((w) => [w.name, w.utilization, w.resetsAt, w.status]), [
      ['5h', 0.42, T0 + 3600, 'allowed'],
      ['7d', 0.31, T0 + 2 * 86_400, 'allowed'],
      ['7d_opus', 0.9, T0 + 86_400, 'allowed_warning'],
    ]);
    assert.deepEqual(reading.limits.requests, { limit: 4000, remaining: 3999, resetsAt: '2027-01-15T10:00:00Z' });
    assert.deepEqual(reading.limits['output-tokens'], { limit: null, remaining: 80000, resetsAt: null });
    assert.equal(reading.limits.tokens, undefined);
  });

  test('a response without any of them reads as nothing', () => {
    assert.equal(parseQuotaHeaders({ 'content-type': 'application/json', 'request-id': 'req_1' }), null);
  });

  test('window names tell their length and label', () => {
    assert.equal(windowSeconds('5h'), 5 * 3600);
    assert.equal(windowSeconds('7d_opus'), 7 * 86_400);
    assert.equal(windowSeconds('weekly'), null);
    assert.equal(windowLabel('5h'), '5-hour');
    assert.equal(windowLabel('7d_opus'), '7-day opus');
  });
});

describe('quota service', () => {
  function service(file: string | null, nowMs = T0 * 1000) {
    const { logger, lines } = recordingLogger();
    const clock = { now: nowMs };
    return { svc: new QuotaService({ file, logger, now: () => clock.now, saveDelayMs: 0 }), clock, lines };
  }

  test('keeps the latest reading per credential, named by a fingerprint that is not the credential', () => {
    const { svc } = service(null);
    svc.observe({ authorization: `Bearer ${KEY}` }, unified(0.1));
    svc.observe({ authorization: `Bearer ${KEY}` }, unified(0.2));
    svc.observe({ 'x-api-key': 'sk-ant-api03-other' }, unified(0.3));
    svc.observe({ 'x-api-key': 'sk-ant-api03-other' }, { 'content-type': 'text/plain' });
    const entries = svc.entries();
    assert.equal(entries.length, 2);
    const sub = entries.find((e) => e.kind === 'subscription')!;
    assert.equal(sub.reading.windows[0]!.utilization, 0.2);
    assert.ok(!JSON.stringify(entries).includes('secret'), 'no credential in the readings');
    assert.ok(!JSON.stringify(entries).includes('other'));
    assert.deepEqual(svc.credentialOf({ authorization: `Bearer ${KEY}` }), { kind: 'subscription', fingerprint: sub.fingerprint });
    assert.deepEqual(svc.credentialOf({}), { kind: 'none', fingerprint: null });
  });

  test('threshold events fire once per crossing of 50/80/95 %, and again in a new window', () => {
    const { svc } = service(null);
    const events: QuotaThresholdEvent[] = [];
    svc.subscribe((e) => {
      if (e.type === 'threshold') events.push(e.event);
    });
    const h = { authorization: `Bearer ${KEY}` };
    for (const u of [0.3, 0.5, 0.55, 0.79, 0.81, 0.82, 0.97, 0.99]) svc.observe(h, unified(u));
    assert.deepEqual(events.map((e) => [e.window, e.threshold, e.utilization]), [
      ['5h', 0.5, 0.5], ['5h', 0.8, 0.81], ['5h', 0.95, 0.97],
    ]);
    // The window resets: a new period crosses 50 % again.
    svc.observe(h, unified(0.6, { 'anthropic-ratelimit-unified-5h-reset': String(T0 + 5 * 3600) }));
    assert.deepEqual(events.at(-1), {
      fingerprint: events[0]!.fingerprint, window: '5h', threshold: 0.5, utilization: 0.6, resetsAt: T0 + 5 * 3600,
    });
    assert.equal(events.length, 4);
  });

  test('readings survive a restart in a private file, and are not announced twice', () => {
    const file = join(tmp.dir, 'quota-1.json');
    const first = service(file).svc;
    first.observe({ authorization: `Bearer ${KEY}` }, unified(0.85));
    first.flush();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(!readFileSync(file, 'utf8').includes(KEY));
    const { svc: second } = service(file);
    assert.equal(second.entries().length, 1);
    assert.equal(second.entries()[0]!.fingerprint, first.entries()[0]!.fingerprint, 'same salt, same fingerprint');
    const events: unknown[] = [];
    second.subscribe((e) => {
      if (e.type === 'threshold') events.push(e);
    });
    second.observe({ authorization: `Bearer ${KEY}` }, unified(0.86));
    assert.equal(events.length, 0, '80 % was already crossed before the restart');
  });

  test('a damaged file is reported and replaced, never fatal', () => {
    const file = join(tmp.dir, 'quota-bad.json');
    writeFileSync(file, '{ "salt": ');
    const { svc, lines } = service(file);
    assert.equal(svc.entries().length, 0);
    assert.match(lines.warn.join('\n'), /quota-bad\.json/);
    svc.observe({ 'x-api-key': KEY }, unified(0.1));
    svc.flush();
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).entries.length, 1);
  });
});

describe('quota view', () => {
  test('gives each window its reset as ISO 8601, the reading\'s age and the pace', () => {
    const { logger } = recordingLogger();
    const svc = new QuotaService({ file: null, logger, now: () => T0 * 1000 });
    svc.observe({ authorization: `Bearer ${KEY}` }, unified(0.6));
    // 30 minutes later: 5h window resets at T0 + 1 h, so 4.5 of its 5 hours are gone.
    const view = quotaView(svc.entries(), (T0 + 1800) * 1000);
    const cred = view.credentials[0]!;
    assert.equal(cred.ageSeconds, 1800);
    assert.equal(cred.kind, 'subscription');
    const five = cred.windows[0]!;
    assert.equal(five.label, '5-hour');
    assert.equal(five.resetsAt, new Date((T0 + 3600) * 1000).toISOString());
    assert.equal(five.resetsInSeconds, 1800);
    assert.equal(five.pace!.elapsedShare, 0.9);
    assert.ok(Math.abs(five.pace!.ratio! - 0.6 / 0.9) < 1e-12);
    assert.equal(five.stale, false);
    assert.equal(quotaView(svc.entries(), (T0 + 3601) * 1000).credentials[0]!.windows[0]!.stale, true);
  });
});
