import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { silentLogger } from '../../main/common/logger.js';
import { createDaemon, type Daemon } from '../../main/daemon/app.js';

const TOKEN = 'test-token-0123456789abcdef';
let daemon: Daemon;
let url: string;

before(async () => {
  const config = applyConfig(defaultConfig(), { port: 0, upstream: 'http://127.0.0.1:9' });
  daemon = createDaemon({ config, logger: silentLogger, token: TOKEN });
  ({ url } = await daemon.listen(0, '127.0.0.1'));
});
after(() => daemon.close(0));

function clear(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/cache/clear`, { method: 'POST', headers });
}

describe('admin actions and the per-install token', () => {
  it('lets a local tool without an Origin clear the cache, as the troubleshooting guide shows', async () => {
    const res = await clear();
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
  });

  it('refuses the daemon\'s own page without the token, and accepts it with the token', async () => {
    const origin = new URL(url).origin;
    const refused = await clear({ origin });
    assert.equal(refused.status, 403);
    const body = (await refused.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'permission_error');
    assert.match(body.error.message, /token/);
    assert.equal((await clear({ origin, 'x-cco-token': TOKEN })).status, 200);
  });

  it('refuses a wrong token from anyone', async () => {
    assert.equal((await clear({ origin: new URL(url).origin, 'x-cco-token': 'nope' })).status, 403);
    assert.equal((await clear({ 'x-cco-token': 'nope' })).status, 403);
  });

  it('keeps reads open to the page without the token', async () => {
    const res = await fetch(`${url}/api/cache/stats`, { headers: { origin: new URL(url).origin } });
    assert.equal(res.status, 200);
  });

  it('refuses a browser admin action when the daemon has no token at all', async () => {
    const bare = createDaemon({ config: applyConfig(defaultConfig(), { port: 0, upstream: 'http://127.0.0.1:9' }), logger: silentLogger });
    const { url: bareUrl } = await bare.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${bareUrl}/api/cache/clear`, { method: 'POST', headers: { origin: new URL(bareUrl).origin, 'x-cco-token': '' } });
      assert.equal(res.status, 403);
    } finally {
      await bare.close(0);
    }
  });
});
