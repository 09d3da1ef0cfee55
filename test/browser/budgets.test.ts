import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { readOrCreateToken } from '../../main/common/token.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { chromiumMissing, launchChromium, screenshotPath, type HeadlessChromium } from '../support/headless-chromium.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;
let token: string;
let chromium: HeadlessChromium;

before(async () => {
  if (chromiumMissing()) return;
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-budget-ui-'));
  token = readOrCreateToken(dataDir);
  daemon = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });
  chromium = await launchChromium();
});
after(async () => {
  if (chromiumMissing()) return;
  await chromium.close();
  await daemon.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the dashboard shows budgets as bars with their reset, a live alert banner until dismissed, and sets budgets with the token', { skip: chromiumMissing() }, async () => {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', colorScheme: 'light' });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(`${daemon.url}/#token=${token}`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.locator('#budgets').innerText(), /No budgets yet/);
    assert.equal(await page.locator('#alert-banner').isHidden(), true);

    // Added from the page: an admin action carrying the token.
    await page.selectOption('#budget-form select[name=scope]', 'project');
    await page.fill('#budget-form input[name=value]', '/work/ui');
    await page.fill('#budget-form input[name=limit]', '0.0002');
    await page.click('#budget-form button[type=submit]');
    await page.waitForSelector('#budgets li[data-budget]');
    assert.match(await page.locator('#budgets li[data-budget]').innerText(), /project \/work\/ui daily[\s\S]*0 % used · resets 00:00/);

    // Spending past it raises an alert, which arrives live as a banner.
    await sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/ui' } }).messages.create(userMessage('spend in the ui project'));
    await page.waitForSelector('#alert-banner:not([hidden]) .alert-text', { timeout: 10_000 });
    assert.match(await page.locator('#alert-banner').innerText(), /project \/work\/ui daily budget passed 100 %/);
    await waitFor(async () => /\d{3} % used/.test(await page.locator('#budgets li[data-budget]').innerText()), { message: 'the bar shows the spend', timeoutMs: 10_000 });
    assert.equal(Number(await page.locator('#budgets meter').getAttribute('value')), 100);
    await page.screenshot({ path: screenshotPath('budgets-panel'), fullPage: true });

    await page.click('#dismiss-alert');
    assert.equal(await page.locator('#alert-banner').isHidden(), true);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('#alert-banner').isHidden(), true, 'a dismissed alert stays dismissed');

    await page.click('#budgets button[data-remove]');
    await page.waitForSelector('#budgets .empty');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a #panel=budgets link (the tray Budgets… item) opens the page at the budgets panel, keeping the token', { skip: chromiumMissing() }, async () => {
  const context = await chromium.browser.newContext({ viewport: { width: 420, height: 800 }, reducedMotion: 'reduce' });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(`${daemon.url}/#token=${token}&panel=budgets`);
    await page.waitForSelector('body[data-ready="true"]');
    const position = async () => JSON.parse(String(await page.evaluate(`JSON.stringify({
      top: document.getElementById('budgets').closest('section').getBoundingClientRect().top, y: window.scrollY,
      max: document.documentElement.scrollHeight - window.innerHeight })`))) as { top: number; y: number; max: number };
    const inView = async () => {
      const { top, y, max } = await position();
      // At the top of the window, or as near as the page's end lets it come.
      return y > 0 && top >= 0 && (top < 140 || y >= max - 1);
    };
    await waitFor(inView, { message: 'the budgets panel at the top of the window' }).catch(async (e) => { throw new Error(`${(e as Error).message}: ${JSON.stringify(await position())}`); });
    assert.equal(await page.evaluate('location.hash'), '#panel=budgets', 'the token left the address, the panel stayed');
    assert.equal(await page.evaluate(`sessionStorage.getItem('cco.token')`), token);
    assert.equal(await page.evaluate(`document.activeElement && document.activeElement.getAttribute('aria-labelledby')`), 'budgets-title');
    await page.screenshot({ path: screenshotPath('budgets-panel-link-420') });

    // An open window is only given the fragment again (windows.ts): it scrolls back to the panel.
    await page.evaluate(`window.scrollTo(0, 0); location.hash = ''`);
    await page.evaluate(`location.hash = 'panel=budgets'`);
    await waitFor(inView, { message: 'scrolled to the panel again' });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('without the token, the page cannot change budgets and says why', { skip: chromiumMissing() }, async () => {
  const context = await chromium.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${daemon.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#budget-form input[name=limit]', '5');
    await page.click('#budget-form button[type=submit]');
    await page.waitForSelector('#budget-message');
    assert.match(await page.locator('#budget-message').innerText(), /Refused: this page has no valid token/);
    const { budgets } = (await (await fetch(`${daemon.url}/api/budgets`)).json()) as { budgets: unknown[] };
    assert.equal(budgets.length, 0);
  } finally {
    await context.close();
  }
});
