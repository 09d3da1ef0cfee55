// Each terminal tab shows what its own session has cost so far, and follows it live: the requests
// of another session (another tab, or cco elsewhere) never count.
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LaunchCostResponse } from '../../shared/api.js';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { readOrCreateToken } from '../../main/common/token.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { formatUsd } from '../../renderer/src/format.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { launchChromium, screenshotPath, type HeadlessChromium } from '../support/headless-chromium.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;
let project: string;
let token: string;
let chromium: HeadlessChromium;

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-terminal-cost-'));
  project = realpathSync(mkdtempSync(join(tmpdir(), 'cco-terminal-cost-project-')));
  daemon = await runDaemonHost({
    config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false,
  });
  token = readOrCreateToken(dataDir);
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await daemon?.close(0);
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

/** A request as Claude Code in that tab sends it: with the tab's X-CCO-Session. */
async function sendAs(session: string, text: string): Promise<void> {
  const client = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': project, 'x-cco-session': session } });
  await client.messages.create(userMessage(text));
}

async function costOf(session: string): Promise<LaunchCostResponse> {
  return (await (await fetch(`${daemon.url}/api/launch/cost?session=${session}`)).json()) as LaunchCostResponse;
}

describe('terminal tabs', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 420]) {
      it(`each shows its own session's cost, live, at ${width} px in ${scheme}`, async () => {
        const context = await chromium.browser.newContext({
          viewport: { width, height: 800 }, reducedMotion: 'reduce', colorScheme: scheme,
        });
        const errors: string[] = [];
        try {
          const page = await context.newPage();
          page.on('console', (message) => {
            if (message.type() === 'error') errors.push(message.text());
          });
          page.on('pageerror', (error) => errors.push(error.message));
          await page.goto(`${daemon.url}/terminal?renderer=dom#token=${token}`);
          await page.locator('body[data-ready="true"]').waitFor();
          const ids: string[] = [];
          for (let i = 0; i < 2; i++) {
            await page.fill('#cwd', project);
            await page.click('text=New terminal');
            await waitFor(async () => (await page.locator('.tab-select[data-session]').count()) === i + 1,
              { message: `tab ${i + 1} to have its session` });
            ids.push((await page.locator('.tab-select[data-session]').nth(i).getAttribute('data-session'))!);
          }
          const [first, second] = ids as [string, string];
          const badge = (id: string) => page.locator(`.tab-select[data-session="${id}"] .tab-cost`);

          // Prompts of their own per run, so none is answered from the response cache.
          const run = `${width}-${scheme}`;
          await sendAs(first, `one ${run}`);
          await sendAs(first, `two ${run}`);
          await sendAs(second, `three ${run} LONG:400`);
          const a = await costOf(first);
          const b = await costOf(second);
          assert.equal(a.requests, 2);
          assert.ok(a.costUsd > 0 && b.costUsd > 0 && a.costUsd !== b.costUsd);
          await badge(first).filter({ hasText: new RegExp(`^${formatUsd(a.costUsd).replace('$', '\\$')}$`) }).waitFor();
          await badge(second).filter({ hasText: new RegExp(`^${formatUsd(b.costUsd).replace('$', '\\$')}$`) }).waitFor();
          assert.match((await badge(first).getAttribute('title')) ?? '', /over 2 requests/);
          for (const id of ids) {
            const inView = await badge(id).evaluate((el) => {
              const tab = el.closest('.tab-select')!.getBoundingClientRect();
              const cost = el.getBoundingClientRect();
              return cost.width > 0 && cost.right <= tab.right + 0.5;
            });
            assert.ok(inView, 'the cost is not cut off by a long project name');
          }

          // Live: a new request of the first session moves its tab only.
          await sendAs(first, `four ${run}`);
          const a2 = await costOf(first);
          await badge(first).filter({ hasText: new RegExp(`^${formatUsd(a2.costUsd).replace('$', '\\$')}$`) }).waitFor();
          assert.equal(await badge(second).textContent(), formatUsd(b.costUsd));

          const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
          assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
          await page.screenshot({ path: screenshotPath(`terminal-cost-${width}-${scheme}`) });
          for (const id of ids) {
            await page.locator(`.tab:has(.tab-select[data-session="${id}"]) .tab-close`).click();
          }
          await waitFor(async () => (await page.locator('.tab').count()) === 0, { message: 'tabs closed' });
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    }
  }
});
