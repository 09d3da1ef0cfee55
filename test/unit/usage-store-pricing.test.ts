import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { countRows, makeRecord, near, openTestStore, tempDir } from './usage-fixtures.js';

// Anthropic's published prices (USD per million tokens), written out here, not read from the code.
const SONNET_45 = { input: 3, output: 15, write5m: 3.75, write1h: 6, read: 0.3 };
const SONNET_45_LONG = { input: 6, output: 22.5, write5m: 7.5, write1h: 12, read: 0.6 };
const M = 1_000_000;

const tmp = tempDir('cco-usage-pricing-');
after(() => tmp.remove());
let seq = 0;
const freshFile = () => join(tmp.dir, `usage-${++seq}.db`);

test('stored rows are priced exactly: 1-hour writes at 2 x input, long context, batch tier', async () => {
  const { store } = openTestStore(freshFile());
  store.record(makeRecord({
    project: 'split', inputTokens: 1000, outputTokens: 500, cacheCreationTokens: 30_000, cacheReadTokens: 40_000,
    cacheWrite5mTokens: 10_000, cacheWrite1hTokens: 20_000,
  }));
  store.record(makeRecord({ project: 'long', inputTokens: 150_000, outputTokens: 1000, cacheReadTokens: 60_000 }));
  store.record(makeRecord({ project: 'batch', inputTokens: 1000, outputTokens: 1000, serviceTier: 'batch' }));
  const rows = Object.fromEntries((await store.requests({ limit: 10 })).map((r) => [r.project, r]));
  near(rows.split!.costUsd, (1000 * SONNET_45.input + 500 * SONNET_45.output + 10_000 * SONNET_45.write5m
    + 20_000 * SONNET_45.write1h + 40_000 * SONNET_45.read) / M, '5m/1h split');
  near(rows.long!.costUsd, (150_000 * SONNET_45_LONG.input + 1000 * SONNET_45_LONG.output
    + 60_000 * SONNET_45_LONG.read) / M, 'long context');
  near(rows.batch!.costUsd, ((1000 * SONNET_45.input + 1000 * SONNET_45.output) / M) * 0.5, 'batch at half price');
  assert.equal(rows.split!.costEstimated, false);
  store.close();
});

test('subscription traffic is API-equivalent value, kept apart from pay-as-you-go spend in the roll-ups', async () => {
  const { store, file } = openTestStore(freshFile());
  store.record(makeRecord({ billing: 'subscription', credentialFingerprint: 'abcd' }));
  store.record(makeRecord({ billing: 'payg' }));
  store.record(makeRecord({ servedModel: 'claude-sonnet-4-9', requestedModel: 'claude-sonnet-4-9' }));
  const rows = await store.requests({ limit: 10 });
  const sub = rows.find((r) => r.billing === 'subscription')!;
  const one = (1000 * SONNET_45.input + 1000 * SONNET_45.output) / M;
  near(sub.costUsd, one);
  assert.equal(sub.credentialFingerprint, 'abcd');
  const estimated = rows.find((r) => r.servedModel === 'claude-sonnet-4-9')!;
  assert.equal(estimated.costEstimated, true, 'a family fallback price is an estimate');
  store.close();
  const sum = (col: string) => countRows(file, `SELECT SUM(${col}) AS n FROM rollup WHERE res = 86400000`) / 1e9;
  near(sum('api_equiv_nanos'), one);
  near(sum('payg_nanos'), 2 * one, 'the estimated row is pay-as-you-go too');
  near(sum('estimated_nanos'), one);
});
