// The settings page in real headless Chromium, served by a real daemon, with the desktop app's
// logic behind it: a stand-in for the preload (the same six calls and one event) that hands each
// call to the real AppController's IPC router, as main/app/electron/ipc.ts does in the app.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { AppController } from '../../main/app/app-controller.js';
import { AppStateStore } from '../../main/app/app-state.js';
import { decideStart } from '../../main/app/attach.js';
import { DaemonController } from '../../main/app/daemon-controller.js';
import { checkUpstream, clearCache, fetchTodayStats } from '../../main/app/probes.js';
import { SettingsStore } from '../../main/app/settings-store.js';
import { configFromEnv, resolveConfig } from '../../main/common/config.js';
import { fetchHealth } from '../../main/common/daemon-client.js';
import { silentLogger } from '../../main/common/logger.js';
import { settingsConfigLayer, writeSettings } from '../../main/common/settings.js';
import { tokenFile } from '../../main/common/token.js';
import { watchFile } from '../../main/common/watch-file.js';
import { FakeShell, MemoryAppState } from '../app/fake-shell.js';
import { freePort } from '../cli/harness.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { hostDaemonInChild } from '../support/fork-daemon.js';
import { launchChromium, screenshotPath, type HeadlessChromium } from '../support/headless-chromium.js';
import { waitFor } from '../support/wait.js';

/** What preload/index.cts exposes, with ipcRenderer replaced by a binding to the test. */
const BRIDGE_STAND_IN = {
  content: `(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective));
    const listeners = new Set();
    window.__ccoEvent = (view) => { for (const l of listeners) l(view); };
    const call = (channel, ...args) => window.__ccoInvoke(channel, args).then((r) => {
      if (!r.ok) throw new Error(r.error);
      return r.value;
    });
    window.cco = {
      version: 2,
      daemonInfo: () => call('cco:daemon-info'),
      settingsView: () => call('cco:settings-view'),
      saveSettings: (patch) => call('cco:settings-save', patch),
      restartDaemon: () => call('cco:daemon-restart'),
      openRoutingFile: () => call('cco:routing-open'),
      setPrefs: (patch) => call('cco:prefs-set', patch),
      onSettingsView: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    };
  })();`,
};

let fake: FakeAnthropic;
let dataDir: string;
let port: number;
let shell: FakeShell;
let app: AppController;
let chromium: HeadlessChromium;
const pages: Page[] = [];
const consoleErrors: string[] = [];

function makeApp(): void {
  shell = new FakeShell();
  const settings = new SettingsStore(dataDir, silentLogger);
  const daemon = new DaemonController({
    config: () => resolveConfig({ file: settingsConfigLayer(settings.settings), env: configFromEnv({}) }),
    decide: (c) => decideStart(c),
    host: (c) => hostDaemonInChild(c, dataDir),
    stopExternal: async () => {},
    health: (url) => fetchHealth(url, 1000),
    stats: (url) => fetchTodayStats(url),
    upstream: (url) => checkUpstream(url, 2000),
    logger: silentLogger,
  });
  app = new AppController({
    shell,
    daemon,
    settings,
    appState: new AppStateStore(new MemoryAppState()),
    watchFile: (path, onChange) => {
      const watcher = watchFile(path, onChange, silentLogger);
      return () => watcher.close();
    },
    token: 'tok-settings',
    logsDir: join(dataDir, 'logs'),
    home: dataDir,
    pathEnv: '',
    shimSource: '/nonexistent/bin/cco',
    clearCache,
    logger: silentLogger,
  });
  // Events main broadcasts reach every open page, as webContents.send does.
  shell.windows.broadcast = (channel, payload) => {
    shell.events.push({ channel, payload });
    for (const page of pages)
      void page
        .evaluate((view) => (globalThis as unknown as { __ccoEvent(v: unknown): void }).__ccoEvent(view), payload)
        .catch(() => {});
  };
}

async function openPage(options: { bridge: boolean; width?: number; dark?: boolean }): Promise<Page> {
  const context = await chromium.browser.newContext({
    viewport: { width: options.width ?? 1280, height: 800 },
    reducedMotion: 'reduce',
    colorScheme: options.dark ? 'dark' : 'light',
  });
  if (options.bridge) {
    await context.exposeBinding('__ccoInvoke', async ({ frame }, channel: string, args: unknown[]) => {
      const sender = { frameUrl: frame.url(), ownWindow: true, mainFrame: frame.parentFrame() === null };
      try {
        return { ok: true, value: await app.ipc.dispatch(channel, sender, args) };
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
    });
    await context.addInitScript(BRIDGE_STAND_IN);
  }
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  pages.push(page);
  return page;
}

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-settings-page-'));
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(tokenFile(dataDir), 'tok-settings\n', { mode: 0o600 });
  port = await freePort();
  writeSettings(dataDir, { port, upstream: fake.url });
  makeApp();
  await app.start();
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await app?.quit();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the settings page in a real browser', () => {
  let page: Page;

  it('shows the daemon settings with their defaults, without console errors or CSP violations', async () => {
    page = await openPage({ bridge: true });
    await page.goto(`http://127.0.0.1:${port}/settings#token=tok-settings`);
    await page.locator('#field-port').waitFor();
    assert.equal(await page.inputValue('#field-port'), String(port));
    assert.equal(await page.getAttribute('#field-cacheSize', 'placeholder'), '1000');
    assert.equal(await page.locator('#tab-daemon').getAttribute('aria-selected'), 'true');
    assert.match((await page.locator('#routing-state').textContent()) ?? '', /No routing file/);
    assert.equal(await page.isDisabled('#save'), true, 'nothing to save yet');
    await page.screenshot({ path: screenshotPath('settings-1280-light'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(await page.evaluate('window.cspViolations'), []);
  });

  it("puts the schema's messages next to the fields and saves nothing while one is wrong", async () => {
    await page.fill('#field-port', '70000');
    await page.fill('#field-upstream', 'ftp://example.com');
    await page.fill('#field-cacheSize', '5');
    assert.match((await page.locator('#save-status').textContent()) ?? '', /3 unsaved changes/);
    await page.click('#save');
    await page
      .locator('#field-port-error', { hasText: 'port must be a whole number from 0 to 65535, got "70000"' })
      .waitFor();
    assert.equal(
      await page.textContent('#field-upstream-error'),
      'upstream must be an http(s) URL, got "ftp://example.com"',
    );
    assert.equal(await page.getAttribute('#field-port', 'aria-invalid'), 'true');
    assert.equal(await page.textContent('#field-cacheSize-error'), '', 'a valid field has no message');
    await page.screenshot({ path: screenshotPath('settings-errors-1280-light'), fullPage: true });
    assert.equal(
      JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).cacheSize,
      undefined,
      'nothing saved',
    );
  });

  it('saves a valid change where cco reads it, says a restart is needed and restarts on request', async () => {
    await page.fill('#field-port', String(port));
    await page.fill('#field-upstream', '');
    await page.fill('#field-host', '0.0.0.0');
    assert.equal(await page.isVisible('#field-host-note'), true, 'a non-loopback address is pointed out');
    await page.fill('#field-host', '');
    await page.fill('#field-upstream', fake.url);
    await page.click('#save');
    await page.locator('#restart-banner', { hasText: 'cache size' }).waitFor();
    assert.equal(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).cacheSize, 5);
    assert.equal(await page.textContent('#field-port-error'), '');
    await page.screenshot({ path: screenshotPath('settings-restart-1280-light'), fullPage: true });
    await page.click('#restart');
    await page
      .locator('#save-status', { hasText: 'Daemon restarted with the saved settings.' })
      .waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#restart-banner').count(), 0);
    const stats = (await (await fetch(`http://127.0.0.1:${port}/api/cache/stats`)).json()) as { maxSize: number };
    assert.equal(stats.maxSize, 5);
  });

  it("shows the routing file's validation errors live as it is edited", async () => {
    await page.click('#open-routing');
    await page.locator('#routing-state', { hasText: 'Valid.' }).waitFor();
    const file = join(dataDir, 'model-routing.json');
    assert.deepEqual(shell.opened.at(-1), file);
    writeFileSync(file, '{\n  "providers": {},\n  "routes": [],\n  "default": "nowhere"\n}\n');
    await page.locator('#routing-state', { hasText: ':4: default: must name a provider' }).waitFor();
    await page.screenshot({ path: screenshotPath('settings-routing-error-1280-light'), fullPage: true });
    writeFileSync(file, '{ "providers": {}, "routes": [], "default": "anthropic" }\n');
    await page.locator('#routing-state', { hasText: 'Valid.' }).waitFor();
  });

  it("remembers the last tab and a dismissed banner in the app's own state; app settings save at once", async () => {
    await page.click('#tab-app');
    await page.click('#shared-settings button');
    await page.check('#openDashboardOnStart');
    await waitFor(() => JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).openDashboardOnStart === true);
    await page.selectOption('#notifications', 'problems');
    await page.screenshot({ path: screenshotPath('settings-app-tab-1280-light'), fullPage: true });
    await page.reload();
    await page.locator('#panel-app:not([hidden])').waitFor();
    assert.equal(await page.locator('#shared-settings').count(), 0);
    assert.equal(await page.isChecked('#openDashboardOnStart'), true);
    assert.equal(await page.inputValue('#notifications'), 'problems');
    await page.click('#tab-daemon');
  });

  it('fits a 420 px window in the dark theme', async () => {
    const narrow = await openPage({ bridge: true, width: 420, dark: true });
    await narrow.goto(`http://127.0.0.1:${port}/settings#token=tok-settings`);
    await narrow.locator('#field-port').waitFor();
    const overflow = await narrow.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    assert.equal(overflow, 0, 'no horizontal scrolling');
    await narrow.screenshot({ path: screenshotPath('settings-420-dark'), fullPage: true });
  });

  it('in a plain browser says where settings are edited; the dashboard offers Settings only in the app', async () => {
    const plain = await openPage({ bridge: false });
    await plain.goto(`http://127.0.0.1:${port}/settings`);
    await plain.locator('#no-bridge:not([hidden])').waitFor();
    assert.equal(await plain.isHidden('#tabs'), true);
    await plain.goto(`http://127.0.0.1:${port}/#token=tok-settings`);
    await plain.locator('body[data-ready="true"]').waitFor();
    assert.equal(await plain.isHidden('#nav-settings'), true);
    await page.goto(`http://127.0.0.1:${port}/#token=tok-settings`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.click('#nav-settings');
    await page.locator('#field-port').waitFor();
    assert.deepEqual(consoleErrors, []);
  });
});
