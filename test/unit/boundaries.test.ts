import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/check-boundaries.mjs', import.meta.url));
const trees: string[] = [];
after(() => {
  for (const t of trees) rmSync(t, { recursive: true, force: true });
});

function check(files: Record<string, string>): { status: number | null; stderr: string } {
  const root = mkdtempSync(join(tmpdir(), 'cco-bounds-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('the build fails when the daemon, CLI or common code imports electron', () => {
  for (const dir of ['main/daemon', 'main/common', 'main/cli']) {
    const r = check({ [`${dir}/x.ts`]: "import { app } from 'electron';\n" });
    assert.equal(r.status, 1, dir);
    assert.match(r.stderr, new RegExp(`${dir}/x.ts imports "electron"`));
  }
  assert.equal(check({ 'main/daemon/y.ts': "const s = await import('electron-store');\n" }).status, 1);
});

test('the build fails when the daemon reaches into the desktop shell, or the renderer into main', () => {
  assert.equal(check({ 'main/daemon/x.ts': "import { tray } from '../app/tray.js';\n" }).status, 1);
  assert.equal(check({ 'renderer/x.ts': "import { cacheKey } from '../main/daemon/cache/key.js';\n" }).status, 1);
});

test('the build fails when the desktop app imports the CLI (shared code lives in main/common)', () => {
  const r = check({ 'main/app/x.ts': "import { fetchHealth } from '../cli/health.js';\n" });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /main\/app\/x\.ts imports "\.\.\/cli\/health\.js"/);
});

test('the desktop shell may import electron and the daemon', () => {
  const r = check({
    'main/app/main.ts': "import { app } from 'electron';\nimport { createDaemon } from '../daemon/app.js';\n",
    'main/daemon/app.ts': "import Koa from 'koa';\n",
  });
  assert.equal(r.status, 0, r.stderr);
});

test('inside the daemon, a folder that imports a layer above it in the data flow fails the build', () => {
  // routing sits below the cache and the proxy; the protocol module below everything.
  const upward = check({ 'main/daemon/routing/x.ts': "import { cacheKey } from '../cache/key.js';\n" });
  assert.equal(upward.status, 1);
  assert.match(upward.stderr, /main\/daemon\/routing\/x\.ts imports "\.\.\/cache\/key\.js"/);
  assert.equal(check({ 'main/daemon/anthropic/x.ts': "import { Flight } from '../proxy/flight.js';\n" }).status, 1);
  assert.equal(check({ 'main/daemon/cache/x.ts': "import { x } from '../proxy/flight.js';\n" }).status, 1);
  assert.equal(check({ 'main/daemon/usage/x.ts': "import { x } from '../routes/stats.js';\n" }).status, 1);
  // Downward imports, and the proxy's recorder port, are fine.
  const downward = check({
    'main/daemon/proxy/x.ts':
      "import { SseParser } from '../anthropic/sse.js';\nimport type { RequestRecorder } from '../usage/record.js';\n",
    'main/daemon/routing/y.ts': "import { createUpstreamClient } from '../http/upstream.js';\n",
  });
  assert.equal(downward.status, 0, downward.stderr);
  assert.equal(check({ 'main/daemon/proxy/z.ts': "import { openUsageStore } from '../usage/store.js';\n" }).status, 1);
});
