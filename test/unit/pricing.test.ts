import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { costUsd } from '../../main/daemon/pricing/cost.js';
import { builtinPriceTable, loadPriceTable } from '../../main/daemon/pricing/load.js';
import { parseModelId } from '../../main/daemon/pricing/model-id.js';
import { createPricer, type ModelPrice } from '../../main/daemon/pricing/pricer.js';
import { near, recordingLogger, tempDir } from './usage-fixtures.js';

function priceOf(model: string, provider = 'anthropic'): ModelPrice | null {
  return createPricer(builtinPriceTable(), recordingLogger().logger).priceFor(model, provider);
}

const tmp = tempDir('cco-pricing-');
const dir = tmp.dir;
after(() => tmp.remove());

describe('built-in price table', () => {
  test('has a date and the published prices', () => {
    const table = builtinPriceTable();
    assert.match(table.updated, /^\d{4}-\d{2}-\d{2}$/);
    // Published on Anthropic's pricing page; 1h writes are 2 x input.
    assert.deepEqual(table.models['claude-opus-4-1'], { input: 15, output: 75, cacheWrite: 18.75, cacheWrite1h: 30, cacheRead: 1.5 });
    assert.deepEqual(table.models['claude-opus-4-8'], { input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cacheRead: 0.5 });
    assert.deepEqual(table.models['claude-haiku-4-5'], { input: 1, output: 5, cacheWrite: 1.25, cacheWrite1h: 2, cacheRead: 0.1 });
    assert.deepEqual(table.models['claude-3-5-haiku'], { input: 0.8, output: 4, cacheWrite: 1, cacheWrite1h: 1.6, cacheRead: 0.08 });
    assert.deepEqual(table.models['claude-3-haiku'], { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheWrite1h: 0.5, cacheRead: 0.03 });
    assert.deepEqual(table.models['claude-sonnet-4-5']?.longContext, {
      aboveInputTokens: 200_000, input: 6, output: 22.5, cacheWrite: 7.5, cacheWrite1h: 12, cacheRead: 0.6,
    });
    assert.equal(table.serverTools.webSearch, 10);
    assert.equal(table.serviceTiers.batch, 0.5);
  });
});

describe('costUsd', () => {
  test('prices each kind of token at its own rate', () => {
    const sonnet = priceOf('claude-sonnet-4-5-20250929')!;
    const tokens = { inputTokens: 1000, outputTokens: 2000, cacheCreationTokens: 1_000_000, cacheReadTokens: 500_000 };
    // 1000*3 + 2000*15 + 1e6*3.75 + 5e5*0.30, per million.
    near(costUsd(tokens, sonnet), 0.003 + 0.03 + 3.75 + 0.15);
    const opus = priceOf('claude-opus-4-20250514')!;
    near(costUsd({ inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 1_000_000 }, opus), 1.5);
    near(costUsd({ inputTokens: 0, outputTokens: 0, cacheCreationTokens: 1_000_000, cacheReadTokens: 0 }, opus), 18.75);
  });
});

describe('model resolution', () => {
  test('parses current and legacy ids into family and generation', () => {
    assert.deepEqual(parseModelId('claude-haiku-4-5-20251001'), { family: 'haiku', major: 4, minor: 5 });
    assert.deepEqual(parseModelId('claude-sonnet-4-20250514'), { family: 'sonnet', major: 4, minor: 0 });
    assert.deepEqual(parseModelId('claude-3-5-haiku-20241022'), { family: 'haiku', major: 3, minor: 5 });
    assert.deepEqual(parseModelId('claude-sonnet-5'), { family: 'sonnet', major: 5, minor: 0 });
    assert.deepEqual(parseModelId('us.anthropic.claude-opus-4-1-20250805-v1:0'), { family: 'opus', major: 4, minor: 1 });
    assert.deepEqual(parseModelId('claude-sonnet-4-5@20250929'), { family: 'sonnet', major: 4, minor: 5 });
    assert.equal(parseModelId('gpt-4o'), null);
  });

  test('a dated id of a known generation is priced exactly', () => {
    assert.deepEqual(priceOf('claude-haiku-4-5-20251001'), { input: 1, output: 5, cacheWrite: 1.25, cacheWrite1h: 2, cacheRead: 0.1, estimated: false });
    assert.equal(priceOf('claude-opus-4-1-20250805')?.input, 15);
    assert.equal(priceOf('claude-opus-4-1-20250805')?.estimated, false);
    assert.equal(priceOf('claude-3-5-haiku-20241022')?.input, 0.8);
    assert.equal(priceOf('claude-3-haiku-20240307')?.cacheRead, 0.03);
    assert.equal(priceOf('claude-sonnet-4-20250514')?.estimated, false);
  });

  test('an unknown generation borrows its family\'s latest known price, marked estimated', () => {
    assert.deepEqual(priceOf('claude-sonnet-5'), { input: 3, output: 15, cacheWrite: 3.75, cacheWrite1h: 6, cacheRead: 0.3, estimated: true });
    assert.deepEqual(priceOf('claude-opus-4-9'), { input: 5, output: 25, cacheWrite: 6.25, cacheWrite1h: 10, cacheRead: 0.5, estimated: true });
    // Older than every known haiku: the oldest known one is the nearest.
    assert.deepEqual(priceOf('claude-2-haiku'), { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheWrite1h: 0.5, cacheRead: 0.03, estimated: true });
  });

  test('an unknown model has no price and is warned about once', () => {
    const { lines, logger } = recordingLogger();
    const pricer = createPricer(builtinPriceTable(), logger);
    assert.equal(pricer.priceFor('gpt-4o', 'anthropic'), null);
    assert.equal(pricer.priceFor('gpt-4o', 'anthropic'), null);
    assert.equal(pricer.priceFor('GPT-4o', 'anthropic'), null);
    assert.equal(lines.warn.length, 1);
    assert.match(lines.warn[0]!, /gpt-4o/);
    assert.equal(pricer.priceFor('mistral-large', 'anthropic'), null);
    assert.equal(lines.warn.length, 2);
    assert.equal(pricer.priceFor(null, 'anthropic'), null);
  });
});

describe('pricing.json overrides', () => {
  test('overrides and extends the built-ins, and prices whole providers', () => {
    const file = join(dir, 'pricing.json');
    writeFileSync(file, JSON.stringify({
      models: {
        'claude-sonnet-4-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
        'my-model': { input: 1, output: 1, cacheWrite: 1, cacheRead: 1 },
      },
      providers: { local: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 } },
    }));
    const { lines, logger } = recordingLogger();
    const pricer = createPricer(loadPriceTable(file, logger), logger);
    assert.equal(lines.error.length, 0);
    assert.equal(pricer.priceFor('claude-sonnet-4-5-20250929', 'anthropic')?.input, 2);
    assert.equal(pricer.priceFor('claude-opus-4-5', 'anthropic')?.input, 5);
    assert.deepEqual(pricer.priceFor('my-model', 'anthropic'), { input: 1, output: 1, cacheWrite: 1, cacheRead: 1, estimated: false });
    assert.deepEqual(pricer.priceFor('qwen3-coder', 'local'), { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, estimated: false });
    assert.equal(lines.warn.length, 0);
  });

  test('a bad file is reported with its name and the built-ins are kept', () => {
    for (const [name, text, field] of [
      ['broken.json', '{ "models": ', /JSON/],
      [
        'negative.json',
        JSON.stringify({ models: { x: { input: -1, output: 0, cacheWrite: 0, cacheRead: 0 } } }),
        /models\["x"\]\.input must be a number >= 0 \(USD per million tokens\), got -1/,
      ],
      [
        'partial.json',
        JSON.stringify({ models: { 'claude-sonnet-4-5': { input: 0 } } }),
        /models\["claude-sonnet-4-5"\]\.output must be a number >= 0/,
      ],
      [
        'tiers.json',
        JSON.stringify({ serviceTiers: { batch: 'half' } }),
        /serviceTiers\.batch must be a number >= 0 \(a multiplier\), got "half"/,
      ],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const { lines, logger } = recordingLogger();
      const table = loadPriceTable(file, logger);
      assert.equal(lines.error.length, 1, name);
      assert.ok(lines.error[0]!.includes(file), lines.error[0]);
      assert.match(lines.error[0]!, field);
      assert.deepEqual(table, builtinPriceTable());
    }
  });

  test('a missing file is fine and silent', () => {
    const { lines, logger } = recordingLogger();
    assert.deepEqual(loadPriceTable(join(dir, 'absent.json'), logger), builtinPriceTable());
    assert.equal(lines.error.length + lines.warn.length, 0);
  });
});
