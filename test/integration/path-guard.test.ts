import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { silentLogger } from '../../main/common/logger.js';
import { createDaemon, type Daemon } from '../../main/daemon/app.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';

const TOKEN = 'test-token-0123456789abcdef';
let fake: FakeAnthropic;
let daemon: Daemon;
let port: number;
let origin: string;

before(async () => {
  fake = await startFakeAnthropic();
  const config = applyConfig(defaultConfig(), { port: 0, upstream: fake.url });
  daemon = createDaemon({ config, logger: silentLogger, token: TOKEN });
  ({ port } = await daemon.listen(0, '127.0.0.1'));
  origin = `http://127.0.0.1:${port}`;
});
after(async () => {
  await daemon.close(0);
  await fake.close();
});

interface Answer {
  status: number;
  body: string;
}

/** A request with the path exactly as given: fetch would resolve `..` and `%2e%2e` before sending. */
function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function errorOf(answer: Answer): { type: string; error: { type: string; message: string } } {
  return JSON.parse(answer.body) as { type: string; error: { type: string; message: string } };
}

describe('admin routes are guarded on the normalised path', () => {
  const spellings = ['/API/cache/clear', '/api//cache/clear', '/api/cache/clear/', '/api%2Fcache%2Fclear',
    '/Api/Cache/Clear/', '/x/../api/cache/clear', '/api/./cache/clear', '/%61pi/cache/clear'];
  for (const path of spellings) {
    it(`refuses a browser's POST ${path} without the token`, async () => {
      const answer = await raw('POST', path, { origin });
      assert.equal(answer.status, 403, answer.body);
      assert.equal(errorOf(answer).error.type, 'permission_error');
    });
  }

  it('still clears with the token, and for a local tool without an Origin', async () => {
    assert.equal((await raw('POST', '/API/cache/clear', { origin, 'x-cco-token': TOKEN })).status, 200);
    assert.equal((await raw('POST', '/api/cache/clear')).status, 200);
  });
});

describe('a wrong token is refused on reads too', () => {
  for (const path of ['/api/cache/stats', '/API/cache/stats', '/api/routing']) {
    it(`GET ${path} with a wrong x-cco-token answers 403`, async () => {
      const answer = await raw('GET', path, { 'x-cco-token': 'wrong' });
      assert.equal(answer.status, 403, answer.body);
      assert.match(errorOf(answer).error.message, /token/i);
    });
  }

  it('reads without a token, or with the right one, still answer', async () => {
    assert.equal((await raw('GET', '/api/cache/stats', { origin })).status, 200);
    assert.equal((await raw('GET', '/api/cache/stats', { 'x-cco-token': TOKEN })).status, 200);
  });
});

describe('pass-through never leaves /v1/', () => {
  const escapes = ['/v1/../secret', '/v1/%2e%2e/secret', '/v1/%2E%2E/secret', '/v1/..%2Fsecret',
    '/v1/models/../../secret', '/v1/.%2e/secret', '/v1/..\\secret'];
  for (const path of escapes) {
    it(`answers 400 to ${path} and sends nothing upstream`, async () => {
      const before = fake.requests.length;
      const answer = await raw('GET', path, { 'x-api-key': 'sk-ant-test' });
      assert.equal(answer.status, 400, answer.body);
      const body = errorOf(answer);
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, 'invalid_request_error');
      assert.equal(fake.requests.length, before, 'nothing reached the upstream');
    });
  }

  it('still passes a path that stays under /v1/', async () => {
    const answer = await raw('GET', '/v1/models', { 'x-api-key': 'sk-ant-test' });
    assert.equal(answer.status, 200, answer.body);
  });
});
