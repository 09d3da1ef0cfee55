import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSettings } from '../../main/common/settings.js';
import { freePort, healthOf, ROOT } from '../cli/harness.js';
import { waitFor } from '../support/wait.js';

/** The Electron binary's path, or why there is none (CI installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1). */
function electronBinary(): { path: string } | { skip: string } {
  let path: string;
  try {
    path = createRequire(import.meta.url)('electron') as string;
  } catch (error) {
    return { skip: `the Electron binary is not installed (${(error as Error).message})` };
  }
  if (!existsSync(path)) return { skip: `the Electron binary is missing at ${path}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { skip: 'no display (DISPLAY is unset)' };
  return { path };
}

const binary = electronBinary();

test('the real app starts, hosts the daemon, and its window gets the bridge', { skip: 'skip' in binary ? binary.skip : false, timeout: 60_000 }, async () => {
  const { _electron } = await import('playwright-core');
  const home = mkdtempSync(join(tmpdir(), 'cco-electron-'));
  const port = await freePort();
  writeSettings(home, { port, upstream: 'http://127.0.0.1:9', openDashboardOnStart: true });
  const app = await _electron.launch({
    executablePath: (binary as { path: string }).path,
    args: [ROOT],
    env: { ...process.env, CCO_HOME: home } as Record<string, string>,
  });
  try {
    await waitFor(async () => (await healthOf(port)) !== null, { timeoutMs: 30_000, message: 'the hosted daemon' });
    const window = await app.firstWindow();
    const info = await window.evaluate(async () => {
      const cco = (globalThis as unknown as { cco?: { daemonInfo(): Promise<{ url: string | null }> } }).cco;
      return { bridge: typeof cco, keys: cco ? Object.keys(cco).sort() : [], url: cco ? (await cco.daemonInfo()).url : null };
    });
    assert.equal(info.bridge, 'object');
    assert.equal(info.url, `http://127.0.0.1:${port}`);
    assert.ok(!info.keys.includes('send'), 'no generic send');
    const node = await window.evaluate(() => typeof (globalThis as { process?: unknown }).process);
    assert.equal(node, 'undefined', 'no Node in the page');
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
