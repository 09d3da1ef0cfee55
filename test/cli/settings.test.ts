import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../main/common/config.js';
import { resolveCliConfig } from '../../main/cli/config.js';
import { readSettings, settingsConfigLayer, SettingsError, updateSettings, writeSettings } from '../../main/common/settings.js';

const scratch = mkdtempSync(join(tmpdir(), 'cco-settings-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function dirWith(text?: string): string {
  const dir = mkdtempSync(join(scratch, 'd-'));
  if (text !== undefined) writeFileSync(join(dir, 'settings.json'), text);
  return dir;
}

describe('settings.json', () => {
  it('is empty when missing or blank', () => {
    assert.deepEqual(readSettings(dirWith()), {});
    assert.deepEqual(readSettings(dirWith('  \n')), {});
  });

  it('reads known keys and drops unknown ones', () => {
    const dir = dirWith(JSON.stringify({ port: 4000, logLevel: 'debug', startAtLogin: true, fromTheFuture: 1 }));
    assert.deepEqual(readSettings(dir), { port: 4000, logLevel: 'debug', startAtLogin: true });
  });

  it('names the file when it is not JSON', () => {
    const dir = dirWith('{ nope');
    assert.throws(() => readSettings(dir), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.includes(join(dir, 'settings.json')));
      return true;
    });
  });

  it('rejects wrong types and out-of-range values, naming the key and the file', () => {
    assert.throws(() => readSettings(dirWith('{"port":"four"}')), /settings\.json: port must be a whole number/);
    assert.throws(() => readSettings(dirWith('{"port":70000}')), /settings\.json: port must be/);
    assert.throws(() => readSettings(dirWith('{"startAtLogin":"yes"}')), /startAtLogin must be true or false, got "yes"/);
    assert.throws(() => readSettings(dirWith('[1]')), /expected a JSON object/);
  });

  it('writes atomically and round-trips; update merges and removes', () => {
    const dir = dirWith();
    writeSettings(dir, { port: 4100, openDashboardOnStart: false });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')), { port: 4100, openDashboardOnStart: false });
    updateSettings(dir, { upstream: 'http://127.0.0.1:9', port: undefined });
    assert.deepEqual(readSettings(dir), { upstream: 'http://127.0.0.1:9', openDashboardOnStart: false });
    assert.throws(() => writeSettings(dir, { workers: 0 }), /workers/);
  });

  it('feeds only daemon keys to the config layer', () => {
    assert.deepEqual(settingsConfigLayer({ port: 1, startAtLogin: true, cacheTtlSeconds: 5 }), { port: 1, cacheTtlSeconds: 5 });
  });

  it('is migrated by the cco command as by the app: numbers as strings, renamed keys, units', () => {
    const dir = dirWith(JSON.stringify({ port: '3456', upstreamUrl: 'http://127.0.0.1:9/', cacheTTL: '600', cacheMaxBytes: '64MB' }));
    const ctx = { env: { CCO_HOME: dir }, cwd: dir, out() {}, err() {}, stderrIsTTY: false };
    const { config } = resolveCliConfig(ctx);
    assert.equal(config.port, 3456);
    assert.equal(config.upstream, 'http://127.0.0.1:9');
    assert.equal(config.cacheTtlSeconds, 600);
    assert.equal(config.cacheMaxBytes, 64 * 1024 * 1024);
    assert.equal(readFileSync(join(dir, 'settings.json'), 'utf8').includes('upstreamUrl'), true, 'the CLI reads, never rewrites');
  });
});
