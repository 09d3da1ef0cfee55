// A filter that matches more requests than the timing sample: the cards and the latency, time to
// first byte and status charts say that their figures are of the latest matching requests (no
// roll-up keeps latency per project), while counts and cost stay exact. 1280 and 420 px, light and dark.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MachineStatsResponse, SummaryResponse } from '../../shared/api.js';
import { silentLogger } from '../../main/common/logger.js';
import { instanceFiles } from '../../main/common/paths.js';
import { builtinPriceTable } from '../../main/daemon/pricing/load.js';
import { createPricer } from '../../main/daemon/pricing/pricer.js';
import { systemClock } from '../../main/daemon/usage/clock.js';
import { TIMING_SAMPLE } from '../../main/daemon/usage/match-sums.js';
import { openUsageStore } from '../../main/daemon/usage/store.js';
import { formatExact } from '../../renderer/src/format.js';
import { type DashboardRig, startDashboardRig } from '../support/dashboard-rig.js';
import { screenshotPath } from '../support/headless-chromium.js';
import { makeRecord } from '../unit/usage-fixtures.js';

const BIG = TIMING_SAMPLE + 500;
const FILTER = '?project=%2Fwork%2Fbig';

let rig: DashboardRig;

/** More rows of one project in the last 50 minutes than the sample holds, through the store's write path. */
async function writeRows(dataDir: string): Promise<void> {
  const store = openUsageStore({
    file: instanceFiles(dataDir, 0).database, clock: systemClock, logger: silentLogger,
    pricer: createPricer(builtinPriceTable(), silentLogger),
  });
  const start = Date.now() - 50 * 60_000;
  for (let i = 0; i < BIG; i++) {
    store.record(makeRecord({ startedAt: start + Math.floor((i * 50 * 60_000) / BIG), project: '/work/big', latencyMs: 100 + (i % 900) }));
  }
  store.record(makeRecord({ startedAt: start, project: '/work/small' }));
  await store.summary('all');
  store.close();
}

before(async () => {
  rig = await startDashboardRig('timing-sample', { prepare: writeRows });
});

after(async () => {
  await rig?.close();
});

describe('figures of a sample say so', () => {
  it('the API marks sampled timings and keeps the counts exact', async () => {
    const summary = await rig.api<SummaryResponse>(`/api/stats/summary${FILTER}&range=1h`);
    assert.equal(summary.requests, BIG);
    assert.equal(summary.timingSample?.requests, TIMING_SAMPLE);
    const { chartData } = await rig.api<MachineStatsResponse>(`/api/machine/stats${FILTER}&range=1h`);
    assert.equal(chartData.timingSample?.requests, TIMING_SAMPLE);
    assert.equal(chartData.statusCodes.reduce((n, c) => n + c.count, 0), TIMING_SAMPLE);
    const small = await rig.api<SummaryResponse>('/api/stats/summary?project=%2Fwork%2Fsmall&range=1h');
    assert.equal(small.timingSample, undefined, 'every matching row: no mark');
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 420]) {
      it(`says so on the latency card and charts at ${width} px in ${scheme}`, async () => {
        const { page, errors, close } = await rig.open(width, scheme, `/${FILTER}#token=${rig.token}`);
        try {
          const latest = new RegExp(`latest ${formatExact(TIMING_SAMPLE)} matching requests \\(since \\d\\d:\\d\\d:\\d\\d\\)`);
          await page.locator('[data-card="p50"]', { hasText: latest }).waitFor();
          for (const chart of ['latency', 'ttfb', 'status-codes']) {
            await page.locator(`[data-chart="${chart}"] .chart-note`, { hasText: latest }).waitFor();
          }
          assert.equal(await page.locator('[data-chart="requests"] .chart-note').count(), 0, 'counts are exact: no note');
          await page.click('#clear-filters');
          await page.locator('[data-chart="latency"] .chart-note').waitFor({ state: 'detached' });
          assert.doesNotMatch((await page.locator('[data-card="p50"]').textContent()) ?? '', /latest/);
          await page.goto(`${rig.daemon.url}/${FILTER}#token=${rig.token}`);
          await page.locator('[data-chart="latency"] .chart-note').waitFor();
          const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
          assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
          await page.screenshot({ path: screenshotPath(`timing-sample-${width}-${scheme}`) });
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  }
});
