// The session manager in real Chromium: sessions outlive the browser tab that opened them, can be
// taken over from another page (which is told and stops sending keys), renamed, restarted and
// ended; a duplicated tab no longer steals a session or writes over its screen.
import assert from 'node:assert/strict';
import { realpathSync, rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { defaultUiDir } from '../../main/daemon/routes/ui.js';
import { chromiumMissing, launchChromiumContext, screenshotPath, type HeadlessBrowser } from '../support/headless-chromium.js';
import { sessionEnv, startTerminalDaemon, stubClaudeScript, tempDir, TEST_TOKEN, type TerminalDaemon } from '../support/terminal.js';
import { waitFor } from '../support/wait.js';

const skip = chromiumMissing();
const ACTIVE_ROWS = '.pane:not([hidden]) .xterm-rows';

let t: TerminalDaemon;
let browser: HeadlessBrowser;
const bin = tempDir('cco-sessions-bin-');
const project = realpathSync(tempDir('cco-sessions-project-'));
const problems: string[] = [];

before(async () => {
  if (skip) return;
  t = await startTerminalDaemon({
    env: sessionEnv({ CCO_CLAUDE_PATH: stubClaudeScript(bin) }),
    uiDir: defaultUiDir(),
    limits: { detachedTtlMs: 45 * 60_000 },
  });
  browser = await launchChromiumContext({ width: 1280, height: 800 });
});
after(async () => {
  if (skip) return;
  await browser.close();
  await t.close();
  rmSync(bin, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

async function openPage(init?: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  if (init) await page.addInitScript({ content: init });
  await page.goto(`${t.url}/terminal?renderer=dom#token=${TEST_TOKEN}`);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

function screenShows(page: Page, text: string): Promise<void> {
  return page.locator(ACTIVE_ROWS, { hasText: text }).waitFor({ timeout: 10_000 });
}

async function type(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

async function openManager(page: Page): Promise<void> {
  if ((await page.getAttribute('#sessions-toggle', 'aria-expanded')) !== 'true') await page.click('#sessions-toggle');
  await page.locator('#sessions .sessions-limit', { hasText: /keeps running for 45 min/ }).waitFor();
}

test('sessions outlive their tab and move between pages, told apart and never stolen silently', { skip }, async () => {
  // Page A opens a session and works in it.
  const a = await openPage();
  await a.fill('#cwd', project);
  await a.click('text=New terminal');
  await screenShows(a, `stub-claude in ${project}`);
  await a.locator('.pane:not([hidden]) .xterm').click();
  await type(a, 'echo from-a-$((2*3))');
  await screenShows(a, 'from-a-6');
  const [id] = t.service.list().map((s) => s.id);
  assert.ok(id);

  // Page B lists it as open in another page and takes it over.
  const b = await openPage();
  await openManager(b);
  const row = b.locator(`#sessions li[data-session="${id}"]`);
  await row.locator('.session-state', { hasText: 'open in another page' }).waitFor();
  assert.match((await row.textContent()) ?? '', new RegExp(`session ${id!.slice(0, 8)}`));
  await row.locator('button[data-action="attach"]', { hasText: 'Take over' }).click();
  await screenShows(b, 'from-a-6');
  // A is told, over its screen (not in it), and its keys no longer reach the session.
  await a.locator('.held-banner', { hasText: 'Another page took this session over. Keys typed here are not sent.' }).waitFor();
  await a.locator('.pane:not([hidden]) .xterm').click();
  await type(a, 'echo lost-keys');
  await b.locator('.pane:not([hidden]) .xterm').click();
  await type(b, 'echo from-b-$((3*3))');
  await screenShows(b, 'from-b-9');
  assert.equal((await b.locator(ACTIVE_ROWS).innerText()).includes('lost-keys'), false, 'A sent nothing');
  assert.equal((await a.locator(ACTIVE_ROWS).innerText()).includes('another page'), false, 'no note written over the screen');
  await a.screenshot({ path: screenshotPath('terminal-taken-over-1280-light') });

  // A duplicated tab (its session storage copied) does not take the session from B.
  const saved = (await b.evaluate('sessionStorage.getItem("cco.terminal.sessions")')) as string;
  const duplicate = await openPage(`sessionStorage.setItem('cco.terminal.sessions', ${JSON.stringify(saved)});`);
  await duplicate.locator('.held-banner', { hasText: 'This session is open in another page.' }).waitFor();
  await type(b, 'echo still-b');
  await screenShows(b, 'still-b');
  assert.equal(await b.locator('.held-banner').isHidden(), true, 'B keeps the session');
  await duplicate.close();
  await a.close();

  // B's browser tab closes: the session keeps running, and a new page finds and attaches it.
  await b.close();
  await waitFor(() => t.service.list().every((s) => !s.attached), { message: 'the session is shown by no page' });
  const c = await openPage();
  await openManager(c);
  const idle = c.locator(`#sessions li[data-session="${id}"]`);
  await idle.locator('.session-state', { hasText: /^not shown; ends at \d\d:\d\d unless reopened$/ }).waitFor();
  await idle.locator('button[data-action="attach"]', { hasText: 'Attach' }).click();
  await screenShows(c, 'still-b');
  await idle.locator('.session-state', { hasText: 'shown in this page' }).waitFor();

  // Search in the scrollback.
  await c.fill('#search-text', 'still-b');
  await c.locator('#search-results', { hasText: /^[12] of 2$/ }).waitFor();
  await c.fill('#search-text', 'not-on-screen');
  await c.locator('#search-results', { hasText: 'no matches' }).waitFor();
  await c.fill('#search-text', '');

  // Rename: the list and the tab show the new name.
  await idle.locator('button[data-action="rename"]').click();
  await idle.locator('input[aria-label="Session name"]').fill('refactor auth');
  await idle.locator('button[type="submit"]').click();
  await idle.locator('.session-name', { hasText: 'refactor auth' }).waitFor();
  assert.equal(await c.textContent('.tab-select[aria-selected="true"]'), 'refactor auth');

  for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [420, 'light'], [420, 'dark']] as const) {
    await c.setViewportSize({ width, height: 800 });
    await c.emulateMedia({ colorScheme: scheme });
    // Layout follows a viewport change after a frame or two (xterm refits): wait for it, then measure.
    await c.waitForFunction('document.documentElement.scrollWidth <= window.innerWidth', null, { timeout: 5000 })
      .catch(() => undefined);
    const overflow = Number(await c.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 0, `no sideways scrolling at ${width}px (${overflow}px)`);
    await c.screenshot({ path: screenshotPath(`terminal-sessions-${width}-${scheme}`) });
  }
  await c.setViewportSize({ width: 1280, height: 800 });

  // Restart: a new process in the same directory replaces the old one.
  await idle.locator('button[data-action="restart"]').click();
  await waitFor(() => t.service.list().length === 1 && t.service.list()[0]!.id !== id, { message: 'a new session replaces the old' });
  await screenShows(c, `stub-claude in ${project}`);
  const restarted = t.service.list()[0]!.id;

  // End, from the list.
  await c.locator(`#sessions li[data-session="${restarted}"]`).waitFor();
  await c.locator(`#sessions li[data-session="${restarted}"] button[data-action="end"]`).click();
  await waitFor(() => t.service.list().length === 0, { message: 'the session ended' });
  await c.locator('#sessions .sessions-empty').waitFor();
  await c.close();
  assert.deepEqual(problems, []);
});
