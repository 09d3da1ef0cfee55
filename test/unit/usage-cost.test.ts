import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { credentialOf, fingerprint } from '../../main/daemon/anthropic/credential.js';
import { builtinPriceTable, loadPriceTable } from '../../main/daemon/pricing/load.js';
import { createPricer } from '../../main/daemon/pricing/pricer.js';
import { type UsageToPrice, UsagePricer } from '../../main/daemon/pricing/usage-cost.js';
import { near, recordingLogger, tempDir } from './usage-fixtures.js';

// Anthropic's published prices (USD per million tokens), written out here rather than read from
// the code under test, so a wrong table or a wrong formula both fail.
const SONNET_45 = { input: 3, output: 15, write5m: 3.75, write1h: 6, read: 0.3 };
const SONNET_45_LONG = { input: 6, output: 22.5, write5m: 7.5, write1h: 12, read: 0.6 };
const OPUS_48 = { input: 5, output: 25, write5m: 6.25, write1h: 10, read: 0.5 };
const WEB_SEARCH_PER_1000 = 10;
const M = 1_000_000;

const tmp = tempDir('cco-usage-cost-');
after(() => tmp.remove());

function pricer(file: string | null = null): UsagePricer {
  const { logger } = recordingLogger();
  const table = file ? loadPriceTable(file, logger) : builtinPriceTable();
  return new UsagePricer(createPricer(table, logger), table);
}

function price(usage: Record<string, unknown>, extra: Partial<UsageToPrice> = {}) {
  return pricer().price({ usage, model: 'claude-sonnet-4-5-20250929', provider: 'anthropic', credential: 'api-key', ...extra });
}

describe('exact cost of one response', () => {
  test('cache writes are priced by lifetime: 5 minutes at 1.25 x input, 1 hour at 2 x, reads at 0.1 x', () => {
    const cost = price({
      input_tokens: 1200, output_tokens: 800, cache_read_input_tokens: 40_000, cache_creation_input_tokens: 30_000,
      cache_creation: { ephemeral_5m_input_tokens: 10_000, ephemeral_1h_input_tokens: 20_000 },
    });
    const expected = (1200 * SONNET_45.input + 800 * SONNET_45.output + 10_000 * SONNET_45.write5m
      + 20_000 * SONNET_45.write1h + 40_000 * SONNET_45.read) / M;
    near(cost.payg, expected);
    assert.equal(cost.apiEquivalent, 0);
    assert.equal(cost.estimated, false);
    near(cost.breakdown.usd!.cacheWrite1h, (20_000 * 6) / M);
  });

  test('without the 5m/1h split every cache write is taken as a 5-minute write', () => {
    const cost = price({ input_tokens: 10, output_tokens: 10, cache_creation_input_tokens: 50_000 });
    near(cost.payg, (10 * SONNET_45.input + 10 * SONNET_45.output + 50_000 * SONNET_45.write5m) / M);
    assert.equal(cost.breakdown.tokens.cacheSplitKnown, false);
  });

  test('above 200k prompt tokens (input + writes + reads) Sonnet 4.5 charges the whole request at the long-context rates', () => {
    const atLimit = { input_tokens: 100_000, cache_read_input_tokens: 100_000, output_tokens: 1000 };
    near(price(atLimit).payg, (100_000 * SONNET_45.input + 100_000 * SONNET_45.read + 1000 * SONNET_45.output) / M);
    assert.equal(price(atLimit).breakdown.longContext, false);
    const over = {
      input_tokens: 100_001, cache_read_input_tokens: 100_000, output_tokens: 1000, cache_creation_input_tokens: 5000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 5000 },
    };
    const cost = price(over);
    assert.equal(cost.breakdown.longContext, true);
    near(cost.payg, (100_001 * SONNET_45_LONG.input + 100_000 * SONNET_45_LONG.read + 1000 * SONNET_45_LONG.output
      + 5000 * SONNET_45_LONG.write1h) / M);
    // Opus 4.8 has no long-context tier: the same request is at its normal rates.
    const opus = price(over, { model: 'claude-opus-4-8' });
    near(opus.payg, (100_001 * OPUS_48.input + 100_000 * OPUS_48.read + 1000 * OPUS_48.output + 5000 * OPUS_48.write1h) / M);
  });

  test('web searches are charged per 1,000; web fetches only their tokens', () => {
    const cost = price({ input_tokens: 0, output_tokens: 0, server_tool_use: { web_search_requests: 3, web_fetch_requests: 2 } });
    near(cost.payg, (3 * WEB_SEARCH_PER_1000) / 1000);
    assert.equal(cost.breakdown.tokens.webFetchRequests, 2);
    assert.equal(cost.estimated, false);
  });

  test('service tier: batch at half price, an unpublished tier at standard rates and marked estimated', () => {
    const usage = { input_tokens: 1000, output_tokens: 1000 };
    const standard = (1000 * SONNET_45.input + 1000 * SONNET_45.output) / M;
    near(price({ ...usage, service_tier: 'standard' }).payg, standard);
    near(price({ ...usage, service_tier: 'batch' }).payg, standard / 2);
    const priority = price({ ...usage, service_tier: 'priority' });
    near(priority.payg, standard);
    assert.equal(priority.estimated, true);
    assert.match(priority.breakdown.estimatedBecause.join(), /priority/);
  });

  test('subscription traffic costs nothing per token and is shown as API-equivalent value', () => {
    const usage = { input_tokens: 1000, output_tokens: 2000 };
    const cost = price(usage, { credential: 'subscription' });
    assert.equal(cost.payg, 0);
    near(cost.apiEquivalent, (1000 * SONNET_45.input + 2000 * SONNET_45.output) / M);
  });

  test('a model priced from its family is marked estimated; an unknown one has no figure, never zero', () => {
    const sibling = price({ input_tokens: 1000, output_tokens: 0 }, { model: 'claude-opus-4-9' });
    assert.equal(sibling.estimated, true);
    near(sibling.payg, (1000 * OPUS_48.input) / M);
    const unknown = price({ input_tokens: 1000 }, { model: 'mystery-1' });
    assert.equal(unknown.payg, null);
    assert.equal(price({ input_tokens: 1000 }, { model: 'mystery-1', credential: 'subscription' }).apiEquivalent, null);
  });

  test('pricing.json can set a long-context tier; cache rates left out scale like input', () => {
    const file = join(tmp.dir, 'pricing.json');
    writeFileSync(file, JSON.stringify({
      models: {
        'my-model': {
          input: 2, output: 8, cacheWrite: 2.5, cacheRead: 0.2, longContext: { aboveInputTokens: 1000, input: 4, output: 12 },
        },
      },
      serverTools: { webSearch: 20 },
    }));
    const cost = pricer(file).price({
      usage: { input_tokens: 900, cache_read_input_tokens: 200, output_tokens: 10, server_tool_use: { web_search_requests: 1 } },
      model: 'my-model', provider: 'anthropic', credential: 'api-key',
    });
    near(cost.payg, (900 * 4 + 200 * 0.4 + 10 * 12) / M + 20 / 1000);
  });
});

describe('credentials', () => {
  test('OAuth bearer tokens and sk-ant-oat keys are subscriptions; other keys pay as they go', () => {
    assert.equal(credentialOf({ authorization: 'Bearer sk-ant-oat01-abc' }).kind, 'subscription');
    assert.equal(credentialOf({ 'x-api-key': 'sk-ant-oat01-abc' }).kind, 'subscription');
    assert.equal(credentialOf({ 'x-api-key': 'sk-ant-api03-abc' }).kind, 'api-key');
    assert.equal(credentialOf({}).kind, 'none');
  });

  test('a fingerprint is stable per salt and never contains the secret', () => {
    const a = fingerprint('sk-ant-api03-secret', 'salt-1');
    assert.equal(a, fingerprint('sk-ant-api03-secret', 'salt-1'));
    assert.notEqual(a, fingerprint('sk-ant-api03-secret', 'salt-2'));
    assert.match(a, /^[0-9a-f]{16}$/);
  });
});
