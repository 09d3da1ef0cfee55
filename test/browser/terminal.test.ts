import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { defaultUiDir } from '../../main/daemon/routes/ui.js';
import { chromiumMissing, launchChromiumContext, type HeadlessBrowser } from '../support/headless-chromium.js';
import { sessionEnv, startTerminalDaemon, stubClaudeScript, tempDir, TEST_TOKEN, type TerminalDaemon } from '../support/terminal.js';
import { waitFor } from '../support/wait.js';

const skip = chromiumMissing();
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');

let t: TerminalDaemon;
let browser: HeadlessBrowser;
const bin = tempDir('cco-browser-bin-');
const project = realpathSync(tempDir('cco-browser-project-'));

before(async () => {
  if (skip) return;
  t = await startTerminalDaemon({ env: sessionEnv({ CCO_CLAUDE_PATH: stubClaudeScript(bin) }), uiDir: defaultUiDir() });
  browser = await launchChromiumContext();
});
after(async () => {
  if (skip) return;
  await browser.close();
  await t.close();
  rmSync(bin, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

const ACTIVE_ROWS = '.pane:not([hidden]) .xterm-rows';

/** The size the process sees (`stty size`), printed on the active terminal: [rows, cols]. */
async function ptySize(page: Page, mark: string): Promise<[number, number]> {
  await page.keyboard.type(`echo ${mark}=$(stty size)`);
  await page.keyboard.press('Enter');
  const pattern = new RegExp(`${mark}=(\\d+) (\\d+)`);
  await page.locator(ACTIVE_ROWS, { hasText: pattern }).waitFor({ timeout: 10_000 });
  const match = pattern.exec(await page.locator(ACTIVE_ROWS).innerText())!;
  return [Number(match[1]), Number(match[2])];
}

/** Rows of the active terminal's screen, as xterm.js laid them out. */
function screenRows(page: Page): Promise<number> {
  return page.locator(`${ACTIVE_ROWS} > div`).count();
}

/** Waits until the active terminal's screen (xterm's DOM renderer) shows `text`. */
async function screenShows(page: Page, text: string): Promise<void> {
  try {
    await page.locator(ACTIVE_ROWS, { hasText: text }).waitFor({ timeout: 10_000 });
  } catch (error) {
    await page.screenshot({ path: join(SCREENSHOTS, 'terminal-failure.png') });
    const renderer = await page.getAttribute('.pane:not([hidden])', 'data-renderer').catch(() => null);
    const shown = await page.locator(ACTIVE_ROWS).innerText().catch(() => '(no terminal)');
    throw new Error(`${(error as Error).message}\nrenderer: ${renderer}\nscreen was:\n${shown}`);
  }
}

test('the terminal page runs Claude Code in a pty, echoes typing, and reattaches after a reload', { skip }, async () => {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.addInitScript({
    content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP blocked ' + e.violatedDirective))",
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The DOM renderer, so the test can read the screen (WebGL draws it into a canvas).
  await page.goto(`${t.url}/terminal?renderer=dom#token=${TEST_TOKEN}`);
  assert.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar');
  await page.fill('#cwd', project);
  await page.click('text=New terminal');
  await screenShows(page, `stub-claude in ${project}`);
  await page.locator('.pane:not([hidden]) .xterm').click();
  await page.keyboard.type('echo typed-$((6*7))');
  await page.keyboard.press('Enter');
  await screenShows(page, 'typed-42');
  assert.match(await page.textContent('.tab-select[aria-selected="true"]') ?? '', new RegExp(project.split('/').pop()!));

  // A second tab: its own session, in the same project.
  await page.click('text=New terminal');
  await waitFor(() => t.service.list().length === 2, { message: 'a second session' });
  await screenShows(page, 'stub-claude in');
  await page.locator('.pane:not([hidden]) .xterm').click();
  await page.keyboard.type('echo second-$((1+1))');
  await page.keyboard.press('Enter');
  await screenShows(page, 'second-2');
  assert.equal(await page.locator('.tab').count(), 2);

  // The process follows the view's size: a narrow window gives it fewer columns and rows.
  const wide = await ptySize(page, 'wide');
  assert.equal(wide[0], await screenRows(page));
  await page.setViewportSize({ width: 420, height: 500 });
  await waitFor(async () => (await screenRows(page)) < wide[0], { message: 'the terminal refits to the smaller view' });
  const narrow = await ptySize(page, 'narrow');
  assert.ok(narrow[0] < wide[0] && narrow[1] < wide[1], `${narrow} inside ${wide}`);
  assert.equal(narrow[0], await screenRows(page));
  for (const [width, height] of [[1280, 800], [420, 800]]) {
    await page.setViewportSize({ width: width!, height: height! });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SCREENSHOTS, `terminal-${width}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });

  const pids = t.service.list().map((s) => s.pid).sort();
  await page.reload();
  await screenShows(page, 'second-2'); // the scrollback, replayed into the same session
  await page.click('.tab-select >> nth=0');
  await screenShows(page, 'typed-42');
  assert.deepEqual(t.service.list().map((s) => s.pid).sort(), pids);

  await page.click('.tab-close >> nth=0');
  await waitFor(() => t.service.list().length === 1, { message: 'closing a tab to end its session' });
  await page.click('.tab-close');
  await waitFor(() => t.service.list().length === 0, { message: 'closing the last tab' });
  await page.waitForSelector('#empty:not([hidden])');
  assert.deepEqual(problems, []);
  await page.close();
});

test('/terminal?cwd=DIR (the desktop app\'s New Terminal) opens one tab there, and a reload does not open another', { skip }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${t.url}/terminal?renderer=dom&cwd=${encodeURIComponent(project)}#token=${TEST_TOKEN}`);
  await screenShows(page, `stub-claude in ${project}`);
  assert.equal(new URL(page.url()).searchParams.get('cwd'), null, 'the request is taken out of the address');
  await page.reload();
  await screenShows(page, `stub-claude in ${project}`);
  assert.equal(await page.locator('.tab').count(), 1);
  assert.equal(t.service.list().length, 1);
  await page.click('.tab-close');
  await waitFor(() => t.service.list().length === 0, { message: 'closing the tab' });
  await page.close();
});

test('a wrong token is refused with a clear message', { skip }, async () => {
  const page = await browser.context.newPage();
  const before = t.service.list().length;
  await page.goto(`${t.url}/terminal#token=not-the-token`);
  await page.fill('#cwd', project);
  await page.click('text=New terminal');
  await page.waitForSelector('#notice:not([hidden])');
  assert.match(await page.textContent('#notice') ?? '', /access token was refused/);
  assert.equal(t.service.list().length, before);
  await page.close();
});

test('without a token, or without node-pty, the page says why it cannot open a terminal', { skip }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${t.url}/terminal`); // a new browser tab: no token in its session storage
  assert.match(await page.textContent('#notice') ?? '', /needs the daemon's access token/);
  assert.equal(await page.isDisabled('text=New terminal'), true);

  const { lazyNodePty } = await import('../../main/daemon/terminal/pty.js');
  const broken = await startTerminalDaemon({ env: sessionEnv({}), uiDir: defaultUiDir(), loadPty: lazyNodePty('node-pty-that-is-not-installed') });
  try {
    await page.goto(`${broken.url}/terminal#token=${TEST_TOKEN}`);
    await page.click('text=New terminal');
    await page.waitForSelector('#notice:not([hidden])');
    assert.match(await page.textContent('#notice') ?? '', /terminal is unavailable: node-pty could not be loaded/);
    assert.equal(await page.isDisabled('text=New terminal'), true);
  } finally {
    await page.close();
    await broken.close();
  }
});
