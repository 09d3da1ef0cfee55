import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../cli/harness.js';

// electron-builder's own loader, validator and file matcher (app-builder-lib): offline, no download.
const require = createRequire(import.meta.url);
const builderConfig = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: object, debugLogger: object): Promise<void>;
};
const { getFileMatchers } = require('app-builder-lib/out/fileMatcher') as {
  getFileMatchers(config: object, name: string, dest: string, options: object): Array<{ createFilter(): (file: string, stat: object) => boolean }> | null;
};
const { DebugLogger, log } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => object;
  log: { stream: { write(text: string): boolean } };
};
// electron-builder logs to stdout, which node:test's child processes use to talk to the runner.
log.stream = { write: () => true };

async function loadConfig(): Promise<Record<string, unknown>> {
  return builderConfig.getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
}

/** The files of the project electron-builder would put in the app (node_modules is collected separately). */
function packedFiles(config: object): string[] {
  const matchers = getFileMatchers(config, 'files', ROOT, {
    macroExpander: (p: string) => p,
    customBuildOptions: {},
    globalOutDir: join(ROOT, 'out'),
    defaultSrc: ROOT,
  });
  assert.ok(matchers && matchers.length > 0);
  const filter = matchers[0]!.createFilter();
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      const rel = relative(ROOT, path);
      if (rel === 'node_modules' || rel === 'out' || rel === '.git') continue;
      if (!filter(path, stat)) continue;
      if (stat.isDirectory()) walk(path);
      else out.push(rel.split('\\').join('/'));
    }
  };
  walk(ROOT);
  return out;
}

test('electron-builder.yml loads and passes electron-builder\'s own validation', async () => {
  const config = await loadConfig();
  await builderConfig.validateConfiguration(config, new DebugLogger(false));
  assert.equal(config.appId, 'dev.cco.orchestrator');
  assert.equal(config.productName, 'CCO');
  assert.equal((config.mac as { target: string }).target, 'dmg');
  assert.equal((config.win as { target: string }).target, 'nsis');
  assert.deepEqual((config.linux as { target: string[] }).target, ['AppImage', 'deb']);
  // No asar: the shim, the spawned daemon and the usage worker run the app's files as plain Node.
  assert.equal(config.asar, false);
  assert.deepEqual(config.extraResources, [{ from: 'assets/bin', to: 'bin', filter: ['cco', 'cco.cmd'] }]);
});

test('an invalid configuration is caught by the same validation', async () => {
  const config = { ...(await loadConfig()), mac: { target: 'dmg', notAnOption: true } };
  await assert.rejects(builderConfig.validateConfiguration(config, new DebugLogger(false)), /configuration\.mac/);
});

test('the packed files are the compiled app only: no tests, sources, benchmarks or source maps', async () => {
  const files = packedFiles(await loadConfig());
  for (const needed of ['package.json', 'bin/cco.js', 'dist/main/app/main.js', 'dist/main/app/run.js', 'dist/preload/index.cjs', 'dist/main/daemon/host.js', 'dist/main/cli/index.js', 'dist/main/cli-bundle/index.js', 'assets/tray/runningTemplate.png', 'assets/icon.png', 'assets/schema/model-routing.schema.json', 'dist/renderer/index.html', 'dist/renderer/terminal.html']) {
    assert.ok(files.includes(needed), `${needed} is packed`);
  }
  const wrong = files.filter((f) => /^(test|dist\/test|bench|dist\/bench|main|preload|shared|scripts|renderer\/src)\//.test(f) || /\.(ts|cts|mts|map)$/.test(f));
  assert.deepEqual(wrong, []);
});

test('the app\'s entry points resolve: main, preload, the shim\'s CLI, and a tray icon per state and platform', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
  assert.equal(pkg.main, 'dist/main/app/main.js');
  assert.ok(existsSync(join(ROOT, pkg.main)));
  assert.ok(existsSync(join(ROOT, 'dist', 'preload', 'index.cjs')), 'the preload run.ts points to');
  assert.match(readFileSync(join(ROOT, 'dist', 'preload', 'index.cjs'), 'utf8'), /exposeInMainWorld\('cco'/);
  assert.ok(existsSync(join(ROOT, 'dist', 'main', 'daemon', 'host-entry.js')), 'the daemon entry run.ts forks');
  assert.match(pkg.scripts.dist ?? '', /electron-builder/);
  for (const state of ['running', 'stopped', 'error']) {
    for (const file of [`${state}Template.png`, `${state}Template@2x.png`, `${state}.png`, `${state}@2x.png`, `${state}.ico`]) {
      const path = join(ROOT, 'assets', 'tray', file);
      assert.ok(existsSync(path), file);
      const head = readFileSync(path).subarray(0, 4);
      assert.ok(file.endsWith('.ico') ? head.equals(Buffer.from([0, 0, 1, 0])) : head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])), `${file} is an image`);
    }
  }
  // The shims look for the CLI at <resources>/app/bin/cco.js, which the packed list contains.
  assert.match(readFileSync(join(ROOT, 'assets', 'bin', 'cco'), 'utf8'), /\$resources\/app\/bin\/cco\.js/);
  assert.match(readFileSync(join(ROOT, 'assets', 'bin', 'cco.cmd'), 'utf8'), /%CCO_RESOURCES%\\app\\bin\\cco\.js/);
});

test('the shipped shim, linked onto PATH as Install `cco` Command does, runs the packaged CLI with the app binary as Node', { skip: process.platform === 'win32' ? 'a POSIX shell script' : false }, () => {
  // The installed layout on Linux: <dir>/cco-desktop (Electron) and <dir>/resources/{bin/cco,app/}.
  const dir = mkdtempSync(join(tmpdir(), 'cco-packaged-'));
  try {
    const resources = join(dir, 'resources');
    mkdirSync(join(resources, 'bin'), { recursive: true });
    copyFileSync(join(ROOT, 'assets', 'bin', 'cco'), join(resources, 'bin', 'cco'));
    chmodSync(join(resources, 'bin', 'cco'), 0o755);
    symlinkSync(ROOT, join(resources, 'app')); // the packed app: package.json, bin/, dist/, node_modules/
    // Electron in Node mode, played by node; it refuses to run unless asked to act as Node.
    const electron = join(dir, 'cco-desktop');
    writeFileSync(electron, `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "not in Node mode" >&2; exit 9; }\nexec "${process.execPath}" "$@"\n`, { mode: 0o755 });
    const onPath = join(dir, 'home', '.local', 'bin');
    mkdirSync(onPath, { recursive: true });
    symlinkSync(join(resources, 'bin', 'cco'), join(onPath, 'cco'));
    const out = execFileSync(join(onPath, 'cco'), ['--version'], { encoding: 'utf8', env: { ...process.env, CCO_HOME: join(dir, 'home') } });
    assert.match(out, /^cco \d+\.\d+\.\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
