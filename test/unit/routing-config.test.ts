import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { PROVIDER_TYPES, parseRoutingConfig, RoutingConfigError } from '../../main/daemon/routing/config.js';
import { routingJsonSchema } from '../../main/daemon/routing/schema.js';
import { decideRoute, globToRegExp, queryOf } from '../../main/daemon/routing/match.js';
import { silentLogger } from '../../main/common/logger.js';
import { withFreeLocalProviders } from '../../main/daemon/pricing/local.js';
import { builtinPriceTable } from '../../main/daemon/pricing/load.js';
import { createPricer } from '../../main/daemon/pricing/pricer.js';
import { mergePriceTables, parsePriceTable } from '../../main/daemon/pricing/table.js';

const UPSTREAM = 'https://api.anthropic.com';
const parse = (value: unknown) => parseRoutingConfig(typeof value === 'string' ? value : JSON.stringify(value, null, 2), 'model-routing.json', UPSTREAM);

/** The example from the README and the issue, word for word. */
const EXAMPLE = {
  providers: {
    local: { type: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
    other: { type: 'openai', baseUrl: 'https://example.invalid/v1', apiKeyEnv: 'OTHER_API_KEY' },
  },
  routes: [
    { match: '*haiku*', provider: 'local', model: 'qwen2.5-coder:7b' },
    { match: 'gpt-*', provider: 'other', fallback: ['local'] },
  ],
  default: 'anthropic',
};

function rejects(value: unknown, pattern: RegExp): void {
  assert.throws(() => parse(value), (error: unknown) => {
    assert.ok(error instanceof RoutingConfigError);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('model-routing.json validation', () => {
  test('the documented example loads, with the built-in anthropic provider', () => {
    const config = parse(EXAMPLE);
    assert.deepEqual(Object.keys(config.providers).sort(), ['anthropic', 'local', 'other']);
    assert.equal(config.providers.anthropic!.baseUrl, UPSTREAM);
    assert.equal(config.routes[1]!.fallback[0]!.provider, 'local');
    assert.equal(config.default, 'anthropic');
  });

  test('an ollama provider defaults to the local endpoint; an empty file object routes nothing', () => {
    assert.equal(parse({ providers: { l: { type: 'ollama' } } }).providers.l!.baseUrl, 'http://127.0.0.1:11434/v1');
    assert.deepEqual(parse({}).routes, []);
  });

  test('errors name the line and the field', () => {
    const text = JSON.stringify(EXAMPLE, null, 2).replace('"provider": "other"', '"provider": "othr"');
    const line = text.split('\n').findIndex((l) => l.includes('"othr"')) + 1;
    rejects(text, new RegExp(`^model-routing\\.json:${line}: routes\\[1\\]\\.provider: must name a provider \\(anthropic, local, other\\), got "othr"`));
  });

  test('a syntax error names its line', () => {
    rejects('{\n  "routes": [\n    { "match": "x" },\n  ]\n}', /^model-routing\.json:4: not valid JSON/);
  });

  test('each field is checked', () => {
    rejects({ providers: { p: { type: 'grpc', baseUrl: 'http://x' } } }, /providers\.p\.type: must be one of anthropic, openai, ollama/);
    rejects({ providers: { p: { type: 'openai' } } }, /providers\.p\.baseUrl: must be an http\(s\) URL/);
    rejects({ providers: { p: { type: 'openai', baseUrl: 'http://x', apiKeyEnv: 'sk-live-123' } } }, /apiKeyEnv: must be the NAME of an environment variable/);
    rejects({ providers: { p: { type: 'openai', baseUrl: 'http://x', apiKey: 'sk-1' } } }, /providers\.p\.apiKey: unknown field/);
    rejects({ providers: { anthropic: { type: 'anthropic', baseUrl: 'http://x' } } }, /"anthropic" is built in/);
    rejects({ routes: [{ provider: 'anthropic' }] }, /routes\[0\]\.match: must be a model name or glob/);
    rejects({ routes: [{ match: 'x', provider: 'anthropic', when: { promptTokensOver: -1 } }] }, /routes\[0\]\.when\.promptTokensOver: must be a whole number/);
    rejects({ routes: [{ match: 'x', provider: 'anthropic', when: { streaming: true } }] }, /routes\[0\]\.when\.streaming: unknown field/);
    rejects({ routes: [{ match: 'x', provider: 'anthropic', fallback: ['nope'] }] }, /routes\[0\]\.fallback\[0\]: must name a provider/);
    rejects({ default: 'missing' }, /default: must name a provider/);
    rejects([], /\(file\): must be a JSON object/);
  });

  test('the shipped JSON Schema is the one derived from the validating schema (npm run schema writes it)', () => {
    const shipped = JSON.parse(readFileSync('assets/schema/model-routing.schema.json', 'utf8')) as unknown;
    assert.deepEqual(shipped, routingJsonSchema());
  });

  test('the shipped JSON Schema lists every field the daemon accepts, and refuses others', () => {
    type Obj = { properties: Record<string, { enum?: string[] }>; additionalProperties?: unknown };
    const schema = routingJsonSchema() as Obj & { $defs: Record<string, Obj> };
    const keys = (o: Obj) => Object.keys(o.properties).sort();
    assert.deepEqual(keys(schema), ['$schema', 'default', 'providers', 'routes']);
    assert.deepEqual(keys(schema.$defs.provider!), ['apiKeyEnv', 'baseUrl', 'headers', 'timeoutMs', 'type']);
    assert.deepEqual(keys(schema.$defs.route!), ['fallback', 'match', 'model', 'provider', 'when']);
    assert.deepEqual(schema.$defs.provider!.properties.type!.enum, [...PROVIDER_TYPES]);
    assert.equal(schema.$defs.provider!.additionalProperties, false);
    const raw = routingJsonSchema() as {
      properties: { providers: { propertyNames: unknown } };
      $defs: { provider: { then: { required: string[] } } };
    };
    assert.deepEqual(raw.properties.providers.propertyNames, { not: { const: 'anthropic' } }, 'anthropic is built in');
    assert.deepEqual(raw.$defs.provider.then.required, ['type', 'baseUrl'], 'baseUrl is required but for ollama');
  });
});

describe('route matching', () => {
  const config = parse({
    providers: { local: { type: 'ollama' }, big: { type: 'openai', baseUrl: 'http://big' } },
    routes: [
      { match: ['claude-3-5-haiku*', 'tiny-?'], provider: 'local' },
      { match: '*sonnet*', when: { thinking: true }, provider: 'big', model: 'thinker' },
      { match: '*sonnet*', when: { stream: false, promptTokensOver: 100 }, provider: 'big' },
    ],
  });
  const route = (body: Record<string, unknown>, bytes = 10) => decideRoute(config, queryOf(body, bytes));

  test('globs: * any run, ? one character, case-insensitive, whole name', () => {
    assert.ok(globToRegExp('*haiku*').test('claude-3-5-HAIKU-2024'));
    assert.ok(!globToRegExp('gpt-?').test('gpt-4o'));
    assert.ok(!globToRegExp('gpt.4').test('gpt-4'), 'a dot is a dot');
    assert.equal(route({ model: 'claude-3-5-haiku-20241022' }).provider.name, 'local');
    assert.equal(route({ model: 'tiny-1' }).provider.name, 'local');
    assert.equal(route({ model: 'tiny-12' }).provider.name, 'anthropic');
  });

  test('conditions: thinking, streaming, prompt size; first match wins', () => {
    const thinking = route({ model: 'claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: 1000 } });
    assert.deepEqual([thinking.provider.name, thinking.model, thinking.route], ['big', 'thinker', 1]);
    assert.equal(route({ model: 'claude-sonnet-4-5', thinking: { type: 'disabled' } }, 1000).route, 2);
    assert.equal(route({ model: 'claude-sonnet-4-5' }, 400).route, null, '100 tokens is not over 100');
    assert.equal(route({ model: 'claude-sonnet-4-5' }, 404).route, 2);
    assert.equal(route({ model: 'claude-sonnet-4-5', stream: true }, 1000).route, null);
  });

  test('no match: the default provider with the requested model', () => {
    const d = route({ model: 'claude-opus-4-8' });
    assert.deepEqual([d.provider.name, d.model, d.route, d.fallbacks], ['anthropic', 'claude-opus-4-8', null, []]);
  });
});

describe('prices of routed models', () => {
  const isLocal = (provider: string) => provider === 'local';
  test('a local (ollama) provider costs 0 unless pricing.json prices it', () => {
    const table = builtinPriceTable();
    const pricer = withFreeLocalProviders(createPricer(table, silentLogger), table, isLocal);
    assert.deepEqual(pricer.priceFor('qwen2.5-coder:7b', 'local'), { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, estimated: false });
    assert.equal(pricer.priceFor('gpt-4o', 'other'), null, 'an unpriced remote model stays unknown, not free');
    assert.equal(pricer.priceFor('claude-haiku-4-5', 'anthropic')?.input, 1);
    const priced = mergePriceTables(table, parsePriceTable({ providers: { local: { input: 0.1, output: 0.2, cacheWrite: 0, cacheRead: 0 } } }, { requireUpdated: false }));
    const override = withFreeLocalProviders(createPricer(priced, silentLogger), priced, isLocal);
    assert.equal(override.priceFor('qwen', 'local')?.output, 0.2);
  });
});
