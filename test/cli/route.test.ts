import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CliContext } from '../../main/cli/context.js';
import { main } from '../../main/cli/index.js';
import { CCO } from './harness.js';

const home = mkdtempSync(join(tmpdir(), 'cco-route-'));
after(() => rmSync(home, { recursive: true, force: true }));

const ROUTING = {
  providers: {
    local: { type: 'ollama' },
    other: { type: 'openai', baseUrl: 'https://example.invalid/v1', apiKeyEnv: 'OTHER_API_KEY' },
  },
  routes: [
    { match: '*haiku*', provider: 'local', model: 'qwen2.5-coder:7b' },
    { match: 'gpt-*', provider: 'other', fallback: ['local'] },
    { match: 'claude-opus-*', when: { promptTokensOver: 50000 }, provider: 'other', model: 'long-context' },
  ],
  default: 'anthropic',
};
writeFileSync(join(home, 'model-routing.json'), JSON.stringify(ROUTING, null, 2));

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { env: { CCO_HOME: home, ...env }, cwd: home, out: (l) => out.push(l), err: (l) => err.push(l), stderrIsTTY: false };
  const code = await main(args, ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cco route test', () => {
  it('names the provider, target model, route and fallbacks', async () => {
    const haiku = await run(['route', 'test', 'claude-3-5-haiku-20241022']);
    assert.equal(haiku.code, 0);
    assert.match(haiku.out, /^claude-3-5-haiku-20241022 → local \(ollama, http:\/\/127\.0\.0\.1:11434\/v1\) as qwen2\.5-coder:7b/);
    assert.match(haiku.out, /route #1: match "\*haiku\*"/);
    const gpt = await run(['route', 'test', 'gpt-4o', '--json']);
    assert.deepEqual(JSON.parse(gpt.out), {
      provider: 'other', type: 'openai', baseUrl: 'https://example.invalid/v1', model: 'gpt-4o', route: 2, match: ['gpt-*'],
      fallbacks: [{ provider: 'local', model: 'gpt-4o' }], file: join(home, 'model-routing.json'),
    });
  });

  it('takes the request\'s shape into account, and falls to the default', async () => {
    const small = await run(['route', 'test', 'claude-opus-4-8']);
    assert.match(small.out, /→ anthropic \(anthropic, https:\/\/api\.anthropic\.com\) as claude-opus-4-8/);
    assert.match(small.out, /no route matches/);
    const big = await run(['route', 'test', 'claude-opus-4-8', '--tokens', '60000']);
    assert.match(big.out, /→ other .* as long-context/);
  });

  it('reports an invalid file with its line and field, and exits 1', async () => {
    const bad = join(home, 'bad.json');
    writeFileSync(bad, '{\n  "routes": [\n    { "match": "x", "provider": "nowhere" }\n  ]\n}\n');
    const result = await run(['route', 'test', 'x'], { CCO_ROUTING_FILE: bad });
    assert.equal(result.code, 1);
    assert.match(result.err, /bad\.json:3: routes\[0\]\.provider: must name a provider/);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await run(['route', 'test'])).code, 2);
    assert.equal((await run(['route', 'list'])).code, 2);
  });

  it('runs from the real launcher', () => {
    const result = spawnSync(process.execPath, [CCO, 'route', 'test', 'gpt-4o'], { env: { ...process.env, CCO_HOME: home, CCO_ROUTING_FILE: '' }, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /gpt-4o → other/);
  });
});
