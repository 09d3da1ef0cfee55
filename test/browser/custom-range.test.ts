// A custom date range on the dashboard: picked with two dates, kept in the address (reload and
// share restore it), followed by the cards, charts, tables and the export, cleared by the range
// buttons. Rows on known past days are written through the store's real write path before the
// daemon opens the file; today's come through the daemon and its fake upstream. Each check runs at
// 1280 × 800 and 420 px wide, in light and dark.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { SummaryResponse } from '../../shared/api.js';
import { silentLogger } from '../../main/common/logger.js';
import { instanceFiles } from '../../main/common/paths.js';
import { builtinPriceTable } from '../../main/daemon/pricing/load.js';
import { createPricer } from '../../main/daemon/pricing/pricer.js';
import { systemClock } from '../../main/daemon/usage/clock.js';
import { openUsageStore } from '../../main/daemon/usage/store.js';
import { isoDay } from '../../renderer/src/period.js';
import { sdk, userMessage } from '../support/clients.js';
import { screenshotPath, } from '../support/headless-chromium.js';
import { makeRecord } from '../unit/usage-fixtures.js';
import { type DashboardRig, type OpenedPage, startDashboardRig } from '../support/dashboard-rig.js';
import { waitFor } from '../support/wait.js';

/** Requests on days before today (days ago → count); the custom window picked is 9 to 8 days ago. */
const PAST: ReadonlyArray<[number, number]> = [[9, 4], [8, 3], [3, 5]];
const IN_WINDOW = 7;
const TODAY = 2;

let rig: DashboardRig;

const daysAgo = (n: number, hour = 12): Date => {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - n, hour);
};
const FROM = isoDay(daysAgo(9));
const TO = isoDay(daysAgo(8));

const api = <T>(path: string): Promise<T> => rig.api<T>(path);

/** The past days' rows, through the store's own write path (the daemon opens the same file after). */
async function writePastRows(dataDir: string): Promise<void> {
  const store = openUsageStore({
    file: instanceFiles(dataDir, 0).database, clock: systemClock, logger: silentLogger,
    pricer: createPricer(builtinPriceTable(), silentLogger),
  });
  for (const [ago, count] of PAST) {
    for (let i = 0; i < count; i++) {
      store.record(makeRecord({ startedAt: daysAgo(ago, 9 + i).getTime(), project: `/work/day-${ago}`, session: `s${ago}` }));
    }
  }
  await store.summary('all');
  store.close();
}

/** The dashboard, connected. */
async function open(width: number, scheme: 'light' | 'dark'): Promise<OpenedPage> {
  const opened = await rig.open(width, scheme);
  await opened.page.locator('#status-text', { hasText: /^Connected$/ }).waitFor();
  return opened;
}

const requestsCard = (page: Page, count: number) =>
  page.locator('[data-card="requests"] .stat-value', { hasText: new RegExp(`^${count}$`) }).waitFor();

async function noSideways(page: Page, width: number): Promise<void> {
  const scroll = Number(await page.evaluate('document.documentElement.scrollWidth'));
  assert.ok(scroll <= width, `the page scrolls sideways: ${scroll} > ${width}`);
}

before(async () => {
  rig = await startDashboardRig('custom-range', { prepare: writePastRows });
  const client = sdk(rig.daemon.url, { defaultHeaders: { 'x-cco-project': '/work/today' } });
  for (let i = 0; i < TODAY; i++) await client.messages.create(userMessage(`today ${i}`));
  await waitFor(async () => (await api<SummaryResponse>('/api/stats/summary?range=today')).requests === TODAY);
});

after(async () => {
  await rig?.close();
});

describe('a custom date range on the dashboard, in a real browser', () => {
  it('the API counts the window the test picks', async () => {
    const body = await api<SummaryResponse>(`/api/stats/summary?from=${FROM}&to=${TO}`);
    assert.equal(body.requests, IN_WINDOW);
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 420]) {
      it(`picks, keeps and clears a custom range at ${width} px in ${scheme}`, async () => {
        const { page, errors, close } = await open(width, scheme);
        try {
          await requestsCard(page, TODAY);
          await page.locator('#custom-toggle').click();
          await page.locator('#custom-range:not([hidden])').waitFor();
          assert.equal(await page.locator('#custom-toggle').getAttribute('aria-expanded'), 'true');
          // Dates in the wrong order are refused on the page, before anything is asked.
          await page.locator('#custom-from').fill(TO);
          await page.locator('#custom-to').fill(FROM);
          await page.locator('#custom-apply').click();
          await page.locator('#custom-error', { hasText: 'must not be after' }).waitFor();
          await page.locator('#custom-from').fill(FROM);
          await page.locator('#custom-to').fill(TO);
          await noSideways(page, width);
          await page.screenshot({ path: screenshotPath(`custom-range-form-${width}-${scheme}`) });
          await page.locator('#custom-apply').click();

          // The cards count exactly the window's rows; the charts and tables follow it.
          await requestsCard(page, IN_WINDOW);
          await page.locator('body[data-charts-range="custom"]').waitFor();
          await page.locator('#custom-toggle[aria-pressed="true"]').waitFor();
          assert.equal(await page.locator('#range button[data-range="1h"]').getAttribute('aria-pressed'), 'false');
          assert.equal(await page.locator('#custom-range').isHidden(), true, 'the form closes once applied');
          const label = (await page.locator('#custom-toggle').textContent()) ?? '';
          assert.match(label, /^\d{1,2} [A-Z][a-z]{2}( \d{4})? – \d{1,2} [A-Z][a-z]{2}( \d{4})?$/);
          const url = new URL(page.url());
          assert.deepEqual([url.searchParams.get('from'), url.searchParams.get('to')], [FROM, TO]);
          await page.locator('#projects', { hasText: 'day-9' }).waitFor();
          assert.equal(await page.locator('#projects', { hasText: 'today' }).count(), 0, 'today\'s project is outside');

          // The export link carries the window and holds its rows.
          const href = (await page.locator('#export-json').getAttribute('href')) ?? '';
          const exported = new URL(href, rig.daemon.url);
          assert.deepEqual([exported.searchParams.get('from'), exported.searchParams.get('to')], [FROM, TO]);
          const rows = (await (await fetch(exported)).json()) as unknown[];
          assert.equal(rows.length, IN_WINDOW);
          await noSideways(page, width);
          await page.screenshot({ path: screenshotPath(`custom-range-${width}-${scheme}`), fullPage: true });
          // The range picker under the sticky header, as a user scrolled to it sees it.
          await page.evaluate('scrollTo(0, document.getElementById("activity-title").getBoundingClientRect().top + scrollY - 120)');
          await page.screenshot({ path: screenshotPath(`custom-range-activity-${width}-${scheme}`) });

          // A reload (or a shared link) restores it.
          await page.reload();
          await page.locator('body[data-ready="true"]').waitFor();
          await requestsCard(page, IN_WINDOW);
          assert.equal(await page.locator('#custom-toggle').textContent(), label);
          await page.locator('#custom-toggle[aria-pressed="true"]').waitFor();

          // A range button clears it, from the page and from the address.
          await page.locator('#range button[data-range="24h"]').click();
          await requestsCard(page, TODAY);
          await page.locator('#range button[data-range="24h"][aria-pressed="true"]').waitFor();
          assert.equal(await page.locator('#custom-toggle').textContent(), 'Custom…');
          assert.equal(new URL(page.url()).searchParams.get('from'), null);
          assert.doesNotMatch((await page.locator('#export-csv').getAttribute('href')) ?? '', /from=/);
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  }
});
