import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { applyPatch, FieldErrors, fieldInfo, migrateSettings, restartNeeded } from '../../main/app/settings-model.js';
import { SettingsStore, type SettingsChange } from '../../main/app/settings-store.js';
import { resolveCliConfig } from '../../main/cli/config.js';
import { silentLogger } from '../../main/common/logger.js';
import { readSettings } from '../../main/common/settings.js';
import { waitFor } from '../support/wait.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cco-settings-'));
  dirs.push(dir);
  return dir;
}
const ctx = (dir: string) => ({ env: { CCO_HOME: dir }, cwd: dir, out() {}, err() {}, stderrIsTTY: false });

test('migration: old key names move, strings become numbers and booleans, an explicit new key wins', () => {
  const { value, changes } = migrateSettings({
    upstreamUrl: 'http://127.0.0.1:9999',
    cacheTTL: '600',
    maxCacheSize: 50,
    port: ' 3100 ',
    launchAtLogin: 'true',
    logLevel: 'DEBUG',
    cacheSize: 75,
    futureKey: 'kept for validation to drop',
  });
  assert.deepEqual(value, {
    upstream: 'http://127.0.0.1:9999',
    cacheTtlSeconds: 600,
    cacheSize: 75,
    port: 3100,
    startAtLogin: true,
    logLevel: 'debug',
    futureKey: 'kept for validation to drop',
  });
  assert.ok(changes.includes('dropped "maxCacheSize" ("cacheSize" is set)'));
  assert.deepEqual(migrateSettings({ port: 3000 }).changes, [], 'a current file is left alone');
});

test('an old settings file is migrated on load and rewritten so the cco command reads the same values', () => {
  const dir = dataDir();
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ port: '3456', upstreamUrl: 'http://127.0.0.1:9', openDashboard: true }));
  const store = new SettingsStore(dir, silentLogger);
  assert.equal(store.load(), null);
  assert.deepEqual(store.settings, { port: 3456, upstream: 'http://127.0.0.1:9', openDashboardOnStart: true });
  assert.deepEqual(readSettings(dir), store.settings, 'the file itself now has the current keys');
  const cli = resolveCliConfig(ctx(dir));
  assert.equal(cli.config.port, 3456);
  assert.equal(cli.config.upstream, 'http://127.0.0.1:9');
});

test('a change from the app is validated, saved to the file the CLI reads, and says which changes need a restart', () => {
  const dir = dataDir();
  const store = new SettingsStore(dir, silentLogger);
  store.load();
  const change = store.update({ port: 3999, openDashboardOnStart: true });
  assert.deepEqual(change, { settings: { port: 3999, openDashboardOnStart: true }, restartNeeded: ['port'] });
  assert.equal(resolveCliConfig(ctx(dir)).config.port, 3999);
  assert.deepEqual(store.update({ openDashboardOnStart: false }).restartNeeded, [], 'app-only keys need no restart');
  assert.deepEqual(store.update({ port: null }).settings, { openDashboardOnStart: false }, 'null goes back to the default');
  assert.equal(resolveCliConfig(ctx(dir)).config.port, 3000);
});

test('invalid changes are refused with the reason and leave the file as it was', () => {
  const dir = dataDir();
  const store = new SettingsStore(dir, silentLogger);
  store.load();
  store.update({ cacheSize: 10 });
  const before = readFileSync(join(dir, 'settings.json'), 'utf8');
  assert.throws(() => store.update({ port: 70000 }), /port must be a whole number from 0 to 65535/);
  assert.throws(() => store.update({ upstream: 'ftp://example.com' }), /upstream must be an http\(s\) URL/);
  assert.throws(() => store.update({ logLevel: 'loud' }), /log level must be one of/);
  assert.throws(() => store.update({ startAtLogin: 'yes' }), /startAtLogin must be true or false/);
  assert.throws(() => store.update({ teamDb: 'postgres://u:p@h/db' }), /"teamDb" cannot be changed here/);
  assert.throws(() => store.update({ __proto__: { port: 1 }, toString: 1 }), /"toString" cannot be changed here/);
  assert.throws(() => store.update([1, 2]), /expected an object/);
  assert.equal(readFileSync(join(dir, 'settings.json'), 'utf8'), before);
});

test('a broken settings file is reported, not overwritten, and blocks changes until fixed', () => {
  const dir = dataDir();
  writeFileSync(join(dir, 'settings.json'), '{ "port": 3000,');
  const store = new SettingsStore(dir, silentLogger);
  assert.match(store.load() ?? '', /is not valid JSON/);
  assert.throws(() => store.update({ cacheSize: 1 }), /fix .*settings\.json first/);
  assert.equal(readFileSync(join(dir, 'settings.json'), 'utf8'), '{ "port": 3000,');
});

test('an edit made outside the app (by hand or by cco) is picked up, with the restart it needs', async () => {
  const dir = dataDir();
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ port: 3000 }));
  const store = new SettingsStore(dir, silentLogger);
  store.load();
  const changes: SettingsChange[] = [];
  store.onChange((c) => changes.push(c));
  store.watch();
  try {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ port: 3000, upstream: 'http://127.0.0.1:8' }));
    await waitFor(() => changes.length > 0, { message: 'the watcher to see the edit' });
    assert.deepEqual(changes.at(-1), { settings: { port: 3000, upstream: 'http://127.0.0.1:8' }, restartNeeded: ['upstream'] });
  } finally {
    store.close();
  }
});

test('applyPatch and restartNeeded on their own', () => {
  assert.deepEqual(applyPatch({ port: 3000 }, { workers: 4 }), { port: 3000, workers: 4 });
  assert.deepEqual(restartNeeded({ port: 3000, startAtLogin: true }, { port: 3000, startAtLogin: false, logLevel: 'debug' }), ['logLevel']);
});

test('the window\'s changes: text parsed by the CLI\'s schema, every bad field named at once, read back by cco', () => {
  const dir = dataDir();
  const store = new SettingsStore(dir, silentLogger);
  store.load();
  let error: unknown;
  try {
    store.update({ port: '70000', workers: 'many', host: 'example.com', cacheTtlSeconds: '60' });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof FieldErrors);
  assert.deepEqual(Object.keys(error.fields).sort(), ['host', 'port', 'workers']);
  assert.match(error.fields.port!, /^port must be a whole number from 0 to 65535, got "70000"$/);
  assert.match(error.fields.host!, /^host must be an IP address/);
  assert.deepEqual(store.settings, {}, 'nothing of a refused change is kept, not even its valid fields');

  const routing = join(dir, 'routes.json');
  const change = store.update({ host: '::1', upstreamTimeoutSeconds: '90.5', cacheMaxBytes: '512MB', routingFile: routing, logLevel: 'DEBUG' });
  assert.deepEqual(change.restartNeeded.sort(), ['cacheMaxBytes', 'host', 'logLevel', 'routingFile', 'upstreamTimeoutSeconds']);
  const cli = resolveCliConfig(ctx(dir)).config;
  assert.deepEqual([cli.host, cli.upstreamTimeoutSeconds, cli.cacheMaxBytes, cli.routingFile, cli.logLevel], ['::1', 90.5, 512 * 1024 ** 2, routing, 'debug']);
  assert.deepEqual(store.update({ host: '  ' }).restartNeeded, ['host'], 'an emptied field goes back to the default');
  assert.equal(resolveCliConfig(ctx(dir)).config.host, '127.0.0.1');
  assert.deepEqual(restartNeeded({ startAtLogin: true }, { startAtLogin: false }), [], 'app-only keys never need a restart');
});

test('field labels, help and defaults come from the schema, with the keys that need a restart marked', () => {
  const fields = fieldInfo();
  assert.deepEqual(fields.cacheMaxBytes, {
    label: 'cache max bytes', help: 'most bytes held by the cache (a number, or with a unit: 512MB, 1G)', default: '268435456 (256 MiB)', needsRestart: true,
  });
  assert.equal(fields.routingFile.default, 'model-routing.json in the data directory');
  assert.equal(fields.openDashboardOnStart.needsRestart, false);
});
