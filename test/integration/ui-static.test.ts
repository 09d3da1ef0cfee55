import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { silentLogger } from '../../main/common/logger.js';
import { createDaemon, type Daemon } from '../../main/daemon/app.js';
import { CONTENT_SECURITY_POLICY, defaultUiDir } from '../../main/daemon/routes/ui.js';

let daemon: Daemon;
let url: string;
let port: number;
const dir = mkdtempSync(join(tmpdir(), 'cco-ui-'));

before(async () => {
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>CCO</title>');
  writeFileSync(join(dir, 'index.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'cco-ui-secret.js'), 'secret');
  const config = applyConfig(defaultConfig(), { port: 0, upstream: 'http://127.0.0.1:9' });
  daemon = createDaemon({ config, logger: silentLogger, uiDir: dir });
  ({ url, port } = await daemon.listen(0, '127.0.0.1'));
});
after(async () => {
  await daemon.close(0);
  rmSync(dir, { recursive: true, force: true });
});

test('the dashboard page is served at / with a strict Content-Security-Policy', async () => {
  const res = await fetch(`${url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
  assert.match(CONTENT_SECURITY_POLICY, /style-src 'self'(;|$)/, 'no inline style on the dashboard either');
  assert.match(await res.text(), /<title>CCO<\/title>/);
  const js = await fetch(`${url}/index.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
});

test('files outside the UI folder are not reachable, encoded or not', async () => {
  for (const path of ['/../cco-ui-secret.js', '/%2e%2e/cco-ui-secret.js', '/..%2fcco-ui-secret.js']) {
    const status = await rawGetStatus(path);
    assert.equal(status, 404, path);
  }
});

test('a missing file is an Anthropic-shaped 404, not a crash', async () => {
  const res = await fetch(`${url}/nope.js`);
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { type: string }).type, 'error');
});

test('the production build exists where the host looks for it', async () => {
  const { existsSync } = await import('node:fs');
  assert.ok(existsSync(join(defaultUiDir(), 'index.html')), 'npm run build writes dist/renderer/index.html');
});

function rawGetStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
