import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { Page } from 'playwright-core';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { type HeadlessChromium, launchChromium, screenshotPath } from '../support/headless-chromium.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;
let chromium: HeadlessChromium;
const consoleErrors: string[] = [];

/** Claude Code on a Pro/Max plan: its login travels as an OAuth bearer token. */
function planClient(): Anthropic {
  return new Anthropic({ baseURL: daemon.url, authToken: 'sk-ant-oat01-plan-login-for-the-panel', apiKey: null, maxRetries: 0 });
}

async function openDashboard(width: number, colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await chromium.browser.newContext({ viewport: { width, height: 900 }, reducedMotion: 'reduce', colorScheme });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${daemon.url}/`);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

const windowRow = (page: Page, name: string) => page.locator(`#plan .plan-window[data-window="${name}"]`);

/** The filled share of a window's bar, as drawn (0..1). */
function drawnShare(page: Page, name: string): Promise<number> {
  return windowRow(page, name).locator('.plan-bar').evaluate((bar) => {
    const fill = bar.querySelector('.plan-fill')!;
    return fill.getBoundingClientRect().width / bar.getBoundingClientRect().width;
  });
}

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-plan-panel-'));
  daemon = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await daemon?.close(0);
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Plan usage panel in a real browser', () => {
  let page: Page;

  it('says plainly that no reading has come yet', async () => {
    page = await openDashboard(1280, 'light');
    await page.locator('#plan .plan-empty', { hasText: 'No plan reading yet' }).waitFor();
  });

  it('shows bars, ticking reset countdowns, pace and age live after a proxied request', async () => {
    await planClient().messages.create(userMessage('where do I stand QUOTA:0.42'));
    // No reload: the `quota` event brings the reading.
    await windowRow(page, '5h').waitFor();
    const five = windowRow(page, '5h');
    assert.equal(await five.locator('.plan-label').textContent(), '5-hour');
    assert.equal(await five.locator('.plan-pct').textContent(), '42 %');
    assert.equal(await five.locator('.plan-bar').getAttribute('aria-valuenow'), '42');
    assert.ok(Math.abs((await drawnShare(page, '5h')) - 0.42) < 0.01, 'the bar is drawn 42 % full');
    assert.equal(await five.getAttribute('data-level'), 'ok');
    // The fake's 5-hour window resets 2 h after it started: 42 % used in 60 % of the time.
    const pace = (await five.locator('.plan-pace').textContent()) ?? '';
    assert.match(pace, /^60 % of the time gone, on pace for 70 % by the reset \(within the window\)$/);
    const countdown = five.locator('.plan-reset');
    const first = (await countdown.textContent()) ?? '';
    // The reset's clock time, with its weekday when it falls after midnight (a run late in the evening).
    assert.match(first, /^resets in 1h 59m \d\ds \((\w{3} )?\d\d:\d\d\)$/);
    const ticked = async () => (await countdown.textContent()) !== first;
    await waitFor(ticked, { timeoutMs: 5000, intervalMs: 100, message: 'the countdown to tick' });
    const seven = windowRow(page, '7d');
    assert.equal(await seven.locator('.plan-pct').textContent(), '20 %');
    assert.ok(Math.abs((await drawnShare(page, '7d')) - 0.2) < 0.01);
    assert.match((await seven.locator('.plan-reset').textContent()) ?? '', /^resets in 2d 23h \(\w{3} \d\d:\d\d\)$/);
    assert.equal(await page.locator('#plan .plan-age').textContent(), 'updated just now');
    const status = (await page.locator('#plan .plan-status').textContent()) ?? '';
    assert.match(status, /^Within the plan · the 5-hour window decides$/);
    assert.equal(await page.locator('#plan .plan-window').count(), 2);
    await page.locator('#plan').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('plan-usage-1280-light'), fullPage: false });
  });

  it('turns a window amber, live, when it passes 80 %', async () => {
    await planClient().messages.create(userMessage('heavy session QUOTA:0.85'));
    await page.locator('#plan .plan-window[data-window="5h"][data-level="warn"]').waitFor();
    assert.equal(await windowRow(page, '5h').locator('.plan-pct').textContent(), '85 %');
    assert.match((await windowRow(page, '5h').locator('.plan-pace').textContent()) ?? '', /faster than the window allows/);
    assert.equal(await page.locator('#plan .plan-credential').getAttribute('data-status'), 'allowed_warning');
    assert.match((await page.locator('#plan .plan-status').textContent()) ?? '', /^Close to the limit/);
  });

  it('fits a 420 px window in dark mode, without sideways scrolling', async () => {
    const narrow = await openDashboard(420, 'dark');
    await windowRow(narrow, '5h').waitFor();
    assert.equal(await windowRow(narrow, '5h').locator('.plan-pct').textContent(), '85 %');
    const overflow = await narrow.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, 'nothing sticks out sideways');
    const box = await narrow.locator('#plan').boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 420);
    await narrow.locator('#plan').scrollIntoViewIfNeeded();
    await narrow.screenshot({ path: screenshotPath('plan-usage-420-dark') });
    await narrow.context().close();
  });

  it('logged no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
