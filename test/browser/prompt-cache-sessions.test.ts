// The two caches told apart on the dashboard (CCO's response cache, the provider's prompt cache),
// and the sessions table, in a real browser at 1280 and 420 px, light and dark, against a real daemon.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SessionsResponse, SummaryResponse } from '../../shared/api.js';
import { formatPercent, formatUsd } from '../../renderer/src/format.js';
import { sdk, userMessage } from '../support/clients.js';
import { screenshotPath, } from '../support/headless-chromium.js';
import { type DashboardRig, startDashboardRig } from '../support/dashboard-rig.js';
import { waitFor } from '../support/wait.js';

const MODEL = 'claude-haiku-4-5-20251001';
// A long system prompt marked for the prompt cache: written by the first call, read by the next ones.
const SYSTEM = [
  { type: 'text' as const, text: 'You are a careful reviewer. '.repeat(400), cache_control: { type: 'ephemeral' as const } },
];

let rig: DashboardRig;

const api = <T>(path: string): Promise<T> => rig.api<T>(path);

before(async () => {
  rig = await startDashboardRig('prompt-cache-ui');
  const client = sdk(rig.daemon.url, { defaultHeaders: { 'x-cco-project': '/work/review' } });
  for (const question of ['first file', 'second file', 'third file']) {
    await client.messages.create(userMessage(question, { model: MODEL, system: SYSTEM }));
  }
  // The same request again: CCO's response cache answers it, the provider is not asked.
  await client.messages.create(userMessage('third file', { model: MODEL, system: SYSTEM }));
  await waitFor(async () => (await api<SummaryResponse>('/api/stats/summary?range=1h')).requests === 4);
});

after(async () => {
  await rig?.close();
});

describe('response cache, prompt cache and sessions on the dashboard', () => {
  it('reports the prompt cache of the calls that went upstream', async () => {
    const s = await api<SummaryResponse>('/api/stats/summary?range=1h');
    const p = s.promptCache!;
    assert.ok(p.write5mTokens > 0 && p.readTokens === 2 * p.write5mTokens,
      `one write read back twice (${JSON.stringify(p)})`);
    assert.ok(p.savedUsd > 0);
    assert.equal(s.sources?.proxy, 4);
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 420]) {
      it(`names both caches and lists the session at ${width} px in ${scheme}`, async () => {
        const { page, errors, close } = await rig.open(width, scheme);
        try {
          const summary = await api<SummaryResponse>('/api/stats/summary?range=1h');
          const { sessions } = await api<SessionsResponse>('/api/sessions?range=1h');

          assert.equal(await page.locator('#cache-title').textContent(), 'Response cache');
          assert.equal(await page.locator('#prompt-cache-title').textContent(), 'Prompt cache');
          // Each panel says what its ratio means, and the two ratios are different figures.
          const text = async (selector: string) => (await page.locator(selector).textContent()) ?? '';
          assert.match(await text('#cache .definition'), /answered from the response cache/);
          assert.match(await text('#prompt-cache .definition'), /cache reads \/ \(reads \+ cache writes \+ uncached input\)/);
          const ratio = await page.locator('#prompt-cache [data-stat="ratio"] dd').textContent();
          assert.equal(ratio, formatPercent(summary.promptCache!.hitRatio));
          assert.equal(await text('#prompt-cache [data-stat="saved"] dd'), formatUsd(summary.promptCache!.savedUsd));
          assert.match(await text('#cache [data-stat="hit-rate"] dd'), /^25% \(1 of 4\)$/);

          // The sessions table: one row per session, with its cost to three significant digits.
          assert.equal(sessions.length, 1);
          const row = page.locator(`#sessions tr[data-session="${sessions[0]!.session}"]`);
          await row.waitFor();
          // At 420 px a cell starts with its label ("Cost $0.00422"): the figure is what follows it.
          const cell = async (col: string) =>
            ((await row.locator(`td[data-col="${col}"]`).textContent()) ?? '').replace(/^[A-Z][a-z]+( cache)? /, '');
          assert.equal(await cell('cost'), formatUsd(sessions[0]!.costUsd));
          assert.equal(await cell('prompt-cache'), formatPercent(sessions[0]!.promptCache.hitRatio));
          assert.equal(await cell('models'), MODEL);
          assert.equal(await cell('source'), 'proxy');
          const modelCell = row.locator('td[data-col="models"]');
          const clipped = await modelCell.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
          assert.equal(clipped, false, 'the model name is not clipped');

          const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
          assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
          await page.screenshot({ path: screenshotPath(`prompt-cache-${width}-${scheme}`), fullPage: true });
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  }
});
