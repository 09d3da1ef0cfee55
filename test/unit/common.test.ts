import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from '../../main/common/config.js';
import { formatBytes } from '../../main/common/format.js';
import { redactSecrets } from '../../main/common/logger.js';
import { dataDir } from '../../main/common/paths.js';

test('log lines lose anything that looks like a credential', () => {
  const line = redactSecrets(
    'x-api-key: sk-ant-api03-abcDEF_123-xyz authorization=Bearer eyJhbGciOi.abc.def {"apiKey":"other-secret"} sk-proj-abcdefghijkl',
  );
  for (const secret of ['abcDEF_123', 'eyJhbGciOi', 'other-secret', 'sk-proj-abcdefghijkl']) assert.ok(!line.includes(secret), secret);
  assert.equal(redactSecrets('POST /v1/messages 200 miss claude-opus-4-8 12ms'), 'POST /v1/messages 200 miss claude-opus-4-8 12ms');
});

test('settings resolve flags over environment over file over defaults', () => {
  const c = resolveConfig({ file: { port: 4000, cacheSize: 5 }, env: { port: '4001' }, flags: { port: 4002 } });
  assert.equal(c.port, 4002);
  assert.equal(c.cacheSize, 5);
  assert.equal(c.upstream, 'https://api.anthropic.com');
  assert.equal(c.host, '127.0.0.1');
});

test('bad settings are refused with the reason', () => {
  assert.throws(() => resolveConfig({ flags: { port: 70000 } }), (e: unknown) => e instanceof ConfigError && /port/.test(e.message));
  assert.throws(() => resolveConfig({ flags: { workers: 0 } }), /workers/);
  assert.throws(() => resolveConfig({ flags: { upstream: 'ftp://x' } }), /upstream/);
  assert.throws(() => resolveConfig({ flags: { logLevel: 'loud' } }), /log level/);
  assert.throws(() => resolveConfig({ env: { cacheTtlSeconds: 'soon' } }), /cache TTL/);
  // A host that is not an address to bind used to reach listen() and fail there with a stack trace.
  for (const host of ['not.a.host', '999.1.1.1', '']) {
    assert.throws(() => resolveConfig({ flags: { host } }), /host must be an IP address/, host);
  }
});

test('hosts to bind: IP literals (IPv6 with or without brackets) and localhost', () => {
  assert.equal(resolveConfig({ flags: { host: '0.0.0.0' } }).host, '0.0.0.0');
  assert.equal(resolveConfig({ flags: { host: '[::1]' } }).host, '::1');
  assert.equal(resolveConfig({ env: { host: 'LocalHost' } }).host, 'localhost');
});

test('the data directory follows CCO_HOME, else the OS convention', () => {
  assert.equal(dataDir({ CCO_HOME: '/tmp/x' }), '/tmp/x');
  assert.equal(dataDir({ HOME: '/home/u' }, 'linux'), '/home/u/.config/CCO');
  assert.equal(dataDir({ HOME: '/Users/u' }, 'darwin'), '/Users/u/Library/Application Support/CCO');
  assert.match(dataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming', HOME: 'C:\\Users\\u' }, 'win32'), /Roaming.CCO$/);
});

test('sizes read like people write them', () => {
  assert.equal(formatBytes(512), '512B');
  assert.equal(formatBytes(12.3 * 1024 * 1024), '12.3MiB');
});

test('the cache byte limit accepts the units people write, and refuses the rest with the reason', () => {
  const bytes = (value: unknown) => resolveConfig({ flags: { cacheMaxBytes: value } }).cacheMaxBytes;
  assert.equal(bytes('268435456'), 256 * 1024 ** 2);
  assert.equal(bytes('256MB'), 256 * 1024 ** 2);
  assert.equal(bytes('256 MiB'), 256 * 1024 ** 2);
  assert.equal(bytes('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(bytes('512k'), 512 * 1024);
  assert.equal(bytes(1000), 1000);
  assert.throws(() => bytes('256 parsecs'), /cache max bytes must be a whole number/);
  assert.throws(() => bytes('-5MB'), /cache max bytes/);
  assert.throws(() => bytes('5TB'), /cache max bytes/);
  assert.throws(() => bytes('2000GB'), /at most/);
});
