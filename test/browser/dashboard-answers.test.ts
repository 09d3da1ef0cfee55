// The dashboard answers questions: which requests match a search, what is older than the first
// page, what an export holds. Each check runs at 1280 × 800 and 420 px wide, in light and dark,
// against a real daemon and its fake upstream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MachineStatsResponse, ModelStatsResponse, RequestEntry, RequestsResponse, SummaryResponse } from '../../shared/api.js';
import { sdk, userMessage } from '../support/clients.js';
import { screenshotPath, } from '../support/headless-chromium.js';
import { formatMs, formatPercent, formatUsd } from '../../renderer/src/format.js';
import { type DashboardRig, type OpenedPage, startDashboardRig } from '../support/dashboard-rig.js';
import { waitFor } from '../support/wait.js';

/** The longest model names Claude Code sends today. */
const MODELS = ['claude-3-7-sonnet-20250219', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001'];
const TOTAL = 63;
const FAILED = 3;

let rig: DashboardRig;

const api = <T>(path: string): Promise<T> => rig.api<T>(path);

/** More than one page of requests over two projects and three models, three of them failed. */
async function sendTraffic(): Promise<void> {
  const clients = ['/work/shop', '/work/blog'].map((project) =>
    sdk(rig.daemon.url, { defaultHeaders: { 'x-cco-project': project } }));
  for (let i = 0; i < TOTAL - FAILED; i += 6) {
    await Promise.all(Array.from({ length: Math.min(6, TOTAL - FAILED - i) }, (_, j) =>
      clients[(i + j) % 2]!.messages.create(userMessage(`question ${i + j}`, { model: MODELS[(i + j) % 3]! }))));
  }
  for (let i = 0; i < FAILED; i++) {
    await assert.rejects(clients[1]!.messages.create(userMessage(`too fast ${i} ERROR:429`, { model: MODELS[0]! })));
  }
}

const open = (width: number, scheme: 'light' | 'dark', path?: string): Promise<OpenedPage> => rig.open(width, scheme, path);

/** Requests the requests chart draws (every bar's count, summed). */
const drawnRequests = (page: Page) => page.locator('[data-chart="requests"] rect.bar')
  .evaluateAll((bars) => bars.reduce((sum, b) => sum + Number(b.getAttribute('data-value')), 0));

/** [status, count] of each bar in the status codes chart. */
const statusBars = (page: Page) => page.locator('[data-chart="status-codes"] g.status-row')
  .evaluateAll((rows) => rows.map((g) => [Number(g.getAttribute('data-status')), Number(g.getAttribute('data-value'))]));

const rowCount = (page: Page) => page.locator('#requests tbody tr:not(.details-row)').count();

before(async () => {
  rig = await startDashboardRig('dashboard-answers');
  await sendTraffic();
  await waitFor(async () => (await api<SummaryResponse>('/api/stats/summary?range=today')).requests === TOTAL);
});

after(async () => {
  await rig?.close();
});

describe('the dashboard answers questions, in a real browser', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 420]) {
      it(`pages, searches and exports what is filtered at ${width} px in ${scheme}`, async () => {
        const { page, errors, close } = await open(width, scheme);
        try {
          await page.locator('#status-text', { hasText: /^Connected$/ }).waitFor();
          const { requests } = await api<RequestsResponse>(`/api/requests?limit=${TOTAL}`);
          // Cards: the change against the hour before (empty here, so "new"), and when they were updated.
          assert.equal(await page.locator('[data-change="requests"]').textContent(), 'new vs previous 1h');
          assert.equal(await page.locator('[data-change="errors"]').count(), 0, 'no rate to compare with');
          assert.match((await page.locator('#last-updated').textContent()) ?? '', /^Updated \d\d:\d\d:\d\d$/);

          // Charts: tokens over time, time to first byte, status codes, as the API counts them.
          const { chartData } = await api<MachineStatsResponse>('/api/machine/stats?range=1h');
          await page.locator('[data-chart="tokens"] path.s-output').first().waitFor();
          await page.locator('[data-chart="ttfb"] circle.s-ttfbP50').first().waitFor();
          const bars = await statusBars(page);
          assert.deepEqual(bars, chartData.statusCodes.map((c) => [c.status, c.count]));
          assert.deepEqual(bars, [[200, TOTAL - FAILED], [429, FAILED]]);
          assert.equal(await page.locator('[data-chart="status-codes"] g.status-row[data-status="429"] rect.s-errors')
            .count(), 1, 'failures in the errors\' colour');
          const output = chartData.tokensPerBucket.reduce((sum, p) => sum + p.output, 0);
          assert.equal(output, requests.reduce((sum, r) => sum + r.outputTokens, 0), 'every output token is drawn');

          // Models: one row each, as the API counts them; the longest names keep their date.
          const { models } = await api<ModelStatsResponse>('/api/model/stats?range=1h');
          await waitFor(async () => (await page.locator('#models tbody tr[data-model]').count()) === MODELS.length,
            { message: 'a row per model' });
          for (const m of models) {
            const row = page.locator(`#models tr[data-model="${m.model}"]`);
            // The narrow layout's labels are CSS (::before), so the text is the figure alone.
            const cell = async (col: string) => (await row.locator(`td[data-col="${col}"]`).textContent()) ?? '';
            assert.equal(await cell('cost'), formatUsd(m.costUsd));
            assert.equal(await cell('avg'), formatMs(m.latencyMs.avg));
            assert.equal(await cell('p95'), formatMs(m.latencyMs.p95));
            assert.equal(await cell('errors'), `${formatPercent(m.errorRate)}${m.errors ? ` (${m.errors})` : ''}`);
            const name = row.locator('td.model');
            assert.match((await name.textContent()) ?? '', /20\d{6}$/);
            assert.equal(await name.evaluate((el) => el.scrollWidth > el.clientWidth + 1), false, `${m.model} not clipped`);
          }
          const sonnet = models.find((m) => m.model === MODELS[0])!;
          assert.equal(sonnet.errors, FAILED, 'the 429s count against their model');

          // Paging: 50 first, then the older ones, each once.
          await waitFor(async () => (await rowCount(page)) === 50, { message: 'the first 50' });
          await page.click('#requests-more');
          await waitFor(async () => (await rowCount(page)) === TOTAL, { message: `all ${TOTAL} after "more"` });
          assert.equal(await page.locator('#requests-more').count(), 0, 'nothing older to ask for');
          const times = await page.locator('#requests tbody td.time').count();
          assert.equal(times, requests.length);

          // Search: words over project, model, status and error type, kept in the address.
          await page.fill('#request-search-input', 'rate_limit');
          await page.press('#request-search-input', 'Enter');
          await page.waitForURL(/\?q=rate_limit$/);
          await waitFor(async () => (await rowCount(page)) === FAILED, { message: 'only the 429s' });
          await page.locator('#filters .chip[data-filter="q"]', { hasText: 'Search: rate_limit' }).waitFor();
          await page.fill('#request-search-input', 'blog opus-4-5');
          await page.press('#request-search-input', 'Enter');
          await page.waitForURL(/\?q=blog\+opus-4-5$/);
          const wanted = requests.filter((r: RequestEntry) => r.project === '/work/blog' && r.servedModel === MODELS[1]);
          await waitFor(async () => (await rowCount(page)) === wanted.length, { message: 'blog and opus 4.5' });
          await page.reload();
          await page.locator('body[data-ready="true"]').waitFor();
          assert.equal(await page.inputValue('#request-search-input'), 'blog opus-4-5', 'a reload keeps the search');

          // Export: the file holds exactly what the list shows.
          const href = (await page.locator('#export-json').getAttribute('href')) ?? '';
          assert.match(href, /format=json/);
          assert.match(href, /q=blog\+opus-4-5/);
          const download = page.waitForEvent('download');
          await page.click('#export-csv');
          const file = await (await download).path();
          const { readFileSync } = await import('node:fs');
          const lines = readFileSync(file, 'utf8').trim().split('\r\n');
          assert.equal(lines.length - 1, wanted.length, 'the CSV has the listed rows and a header');
          const exported = (await (await fetch(`${rig.daemon.url}${href}`)).json()) as RequestEntry[];
          assert.deepEqual(exported.map((r) => r.startedAt).sort(), wanted.map((r) => r.startedAt).sort());

          const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
          assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
          await page.screenshot({ path: screenshotPath(`answers-search-${width}-${scheme}`), fullPage: true });
          await page.click('#clear-filters');
          await page.waitForURL((url) => url.search === '');
          assert.equal(await page.inputValue('#request-search-input'), '');

          // A project filter narrows the models table; a model in it filters the page.
          await page.locator('#projects td.project button', { hasText: 'shop' }).click();
          await page.waitForURL(/\?project=%2Fwork%2Fshop$/);
          const shop = (await api<ModelStatsResponse>('/api/model/stats?range=1h&project=%2Fwork%2Fshop')).models;
          const shopCount = requests.filter((r) => r.project === '/work/shop').length;
          await page.locator('#cards[data-filtered="true"]').waitFor();
          await page.locator('[data-card="requests"] .stat-value', { hasText: new RegExp(`^${shopCount}$`) }).waitFor();
          assert.equal(await page.locator('[data-card="errors"] .stat-value').textContent(), '0%', 'the 429s were blog\'s');
          await waitFor(async () => {
            const counts = await page.locator('#models td[data-col="requests"]').allTextContents();
            return counts.join() === shop.map((m) => String(m.requests)).join();
          }, { message: 'the models of /work/shop' });
          // The charts and the projects table follow the filter as the cards do, and so does a reload.
          for (const pass of ['clicked', 'reloaded']) {
            if (pass === 'reloaded') {
              await page.reload();
              await page.locator('body[data-ready="true"]').waitFor();
            }
            await waitFor(async () => (await drawnRequests(page)) === shopCount, { message: `the requests chart of /work/shop (${pass})` });
            assert.equal(await page.locator('[data-chart="requests"] rect.bar.s-errors').count(), 0, 'blog\'s 429s are not drawn');
            await waitFor(async () => JSON.stringify(await statusBars(page)) === JSON.stringify([[200, shopCount]]),
              { message: `the status codes of /work/shop (${pass})` });
            await waitFor(async () => (await page.locator('#projects tbody tr[data-project]').count()) === 1,
              { message: `the projects table narrowed (${pass})` });
            assert.equal(await page.locator('#projects tr[data-project="/work/shop"]').count(), 1);
          }
          await page.screenshot({ path: screenshotPath(`answers-project-filter-${width}-${scheme}`), fullPage: true });
          await page.locator(`#models tr[data-model="${MODELS[2]}"] td.model button`).click();
          await page.waitForURL(/project=%2Fwork%2Fshop&model=claude-haiku-4-5-20251001$/);
          const haikuShop = requests.filter((r) => r.project === '/work/shop' && r.servedModel === MODELS[2]).length;
          await waitFor(async () => (await rowCount(page)) === haikuShop, { message: 'haiku of shop' });
          await page.screenshot({ path: screenshotPath(`answers-models-${width}-${scheme}`), fullPage: true });
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  }
});
