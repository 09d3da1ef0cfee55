// The dashboard's numbers read right: money to three significant digits, failed requests as
// errors (never cache misses), names told apart, nothing stale pretending to be current. Each
// check runs at 1280 × 800 and 420 px wide, in light and dark, against a real daemon.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CacheStatsResponse, MachineStatsResponse, RequestsResponse, SummaryResponse } from '../../shared/api.js';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { runDaemonHost } from '../../main/daemon/host.js';
import { requestTotals } from '../../renderer/src/charts/shape.js';
import { formatPercent, formatUsd } from '../../renderer/src/format.js';
import { sdk, userMessage } from '../support/clients.js';
import { screenshotPath, } from '../support/headless-chromium.js';
import { type DashboardRig, type OpenedPage, startDashboardRig } from '../support/dashboard-rig.js';
import { waitFor } from '../support/wait.js';

const LONG_MODEL = 'claude-haiku-4-5-20251001';

let rig: DashboardRig;

const api = <T>(path: string): Promise<T> => rig.api<T>(path);

/** Two projects in folders of the same name, a cache hit, two failed calls and a long model name. */
async function sendTraffic(): Promise<void> {
  const work = sdk(rig.daemon.url, { defaultHeaders: { 'x-cco-project': '/work/app' } });
  const home = sdk(rig.daemon.url, { defaultHeaders: { 'x-cco-project': '/home/me/app' } });
  await work.messages.create(userMessage('first question', { model: LONG_MODEL }));
  await work.messages.create(userMessage('first question', { model: LONG_MODEL }));
  await work.messages.create(userMessage('a longer answer LONG:400'));
  await assert.rejects(home.messages.create(userMessage('too fast ERROR:429')));
  await assert.rejects(home.messages.create(userMessage('broken ERROR:500')));
  await home.messages.create(userMessage('fine again'));
}

const open = (width: number, scheme: 'light' | 'dark', path?: string): Promise<OpenedPage> => rig.open(width, scheme, path);

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

before(async () => {
  rig = await startDashboardRig('dashboard-clarity');
  await sendTraffic();
  await waitFor(async () => (await api<SummaryResponse>('/api/stats/summary?range=today')).requests === 6);
});

after(async () => {
  await rig?.close();
});

describe('the dashboard\'s numbers, in a real browser', () => {
  it('counts failed calls as errors, not cache misses, in /api/cache/stats and the charts\' data', async () => {
    const stats = await api<CacheStatsResponse>('/api/cache/stats');
    assert.equal(stats.failed, 2, 'the 429 and the 500');
    assert.equal(stats.hits, 1);
    assert.equal(stats.misses, 3, 'only the calls that answered');
    assert.equal(stats.hitRate, 1 / 4);
    const { chartData } = await api<MachineStatsResponse>('/api/machine/stats?range=1h');
    assert.deepEqual(requestTotals(chartData.requestsPerMinute), { hits: 1, misses: 3, bypassed: 0, errors: 2 });
    const summary = await api<SummaryResponse>('/api/stats/summary?range=today');
    assert.equal(summary.hitRate, 1 / 4, 'the card and the cache panel use one definition');
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 420]) {
      it(`reads right at ${width} px in ${scheme}`, async () => {
        const { page, errors, close } = await open(width, scheme);
        try {
          await page.locator('#status-text', { hasText: /^Connected$/ }).waitFor();
          await page.locator('[data-chart="requests"] rect.bar.s-errors').first().waitFor();
          const summary = await api<SummaryResponse>('/api/stats/summary?range=today');
          const { requests } = await api<RequestsResponse>('/api/requests?limit=50');

          // Money: the one format, with three significant digits below $1.
          assert.ok(summary.costUsd > 0 && summary.costUsd < 1, `a cost below $1 to look at (${summary.costUsd})`);
          const costCard = (await page.locator('[data-card="cost"] .stat-value').textContent()) ?? '';
          assert.equal(costCard, formatUsd(summary.costUsd));
          const cells = await page.locator('#requests tbody td.cost').allTextContents();
          const expected = requests.map((r) =>
            r.cache === 'hit' ? `saved ${formatUsd(r.savedUsd)}` : `${r.costEstimated && r.costUsd !== null ? '≈' : ''}${formatUsd(r.costUsd)}`);
          assert.deepEqual(cells.map((c) => c.replace(/^Cost /, '')), expected);
          const modelValues = await page.locator('[data-chart="models"] g.model-row').evaluateAll((rows) =>
            rows.map((g) => [Number(g.getAttribute('data-value')), g.querySelector('.model-value')?.textContent ?? '']));
          for (const [value, text] of modelValues) assert.equal(text, formatUsd(value as number));

          // Errors: their own series, a badge with status and type, an error rate.
          const errorBars = await page.locator('[data-chart="requests"] rect.bar.s-errors').evaluateAll((els) =>
            els.reduce((sum, el) => sum + Number(el.getAttribute('data-value')), 0));
          assert.equal(errorBars, 2);
          const badges = await page.locator('#requests .badge.c-error').allTextContents();
          assert.deepEqual(badges.sort(), ['429 rate_limit_error', '500 api_error']);
          assert.equal(await page.locator('#requests tr.failed .badge.c-miss').count(), 0, 'a failed request is no miss');
          assert.equal(await page.locator('[data-card="errors"] .stat-value').textContent(), formatPercent(2 / 6));
          assert.equal(await page.locator('[data-card="hit-rate"] .stat-value').textContent(), '25%');
          assert.match((await page.locator('[data-card="hit-rate"]').getAttribute('title')) ?? '', /failed requests are not counted/);
          assert.match((await page.locator('#cache [data-stat="hit-rate"] dd').textContent()) ?? '', /^25% \(1 of 4\)$/);

          // Names: two "app" folders told apart; the model's date suffix never hidden.
          const projects = await page.locator('#projects td.project').allTextContents();
          assert.deepEqual(projects.sort(), ['me/app', 'work/app']);
          const modelCell = page.locator('#requests td.model', { hasText: LONG_MODEL }).first();
          const clipped = await modelCell.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
          assert.equal(clipped, false, 'the model name is not clipped');
          const label = await page.locator(`[data-chart="models"] g.model-row[data-model="${LONG_MODEL}"] .model-label`).textContent();
          assert.match(label ?? '', /20251001$/);

          // Latency: cache hits are a line of their own, so the upstream p50 is the upstream's.
          assert.ok((await page.locator('[data-chart="latency"] circle.s-hitP50').count()) >= 1);
          assert.equal(await page.locator('[data-card="p50"] .stat-value').textContent(), `${Math.round(summary.latencyMs.p50 ?? 0)} ms`);

          // Units, backticks, clocks.
          assert.match((await page.locator('#cache [data-stat="size"] dd').textContent()) ?? '', /^\d+ \/ 1,000$/);
          assert.match((await page.locator('#cache [data-stat="bytes"] dd').textContent()) ?? '', /MiB$/);
          const text = await page.locator('body').innerText();
          assert.equal(text.includes('`'), false, 'no literal backticks');
          assert.equal(/Could not[^\n]*Could not/.test(text), false);
          const ticks = await page.locator('[data-chart="requests"] .axis-x .tick text').allTextContents();
          for (const tick of ticks) assert.match(tick, /^(\d\d:\d\d|[A-Z][a-z]{2} \d{1,2})$/, `one clock format: ${tick}`);

          // Light-theme badges meet WCAG AA on the panel.
          const pairs = await page.locator('#requests .badge').evaluateAll((els) =>
            els.map((el) => {
              const style = el.ownerDocument.defaultView!.getComputedStyle.bind(el.ownerDocument.defaultView);
              return [style(el).color, style(el.closest('.card')!).backgroundColor];
            }));
          for (const [fg, bg] of pairs) assert.ok(contrast(fg!, bg!) >= 4.5, `badge ${fg} on ${bg}: ${contrast(fg!, bg!).toFixed(2)}`);

          // The routing panel claims no routes without a model-routing.json.
          assert.match((await page.locator('#routing-none').textContent()) ?? '', /^No model-routing\.json/);
          assert.equal(await page.locator('#routes').count(), 0);

          const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
          assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
          await page.screenshot({ path: screenshotPath(`clarity-${width}-${scheme}`), fullPage: true });

          // Drill-down: a project filters the list, the address keeps it, a reload shows the same.
          await page.locator('#requests td.project button', { hasText: 'me/app' }).first().click();
          await page.waitForURL(/\?project=%2Fhome%2Fme%2Fapp$/);
          await waitFor(async () => (await page.locator('#requests tbody tr').count()) === 3, { message: 'three of me/app' });
          await page.reload();
          await page.locator('body[data-ready="true"]').waitFor();
          await page.locator('#filters .chip[data-filter="project"]', { hasText: 'Project: me/app' }).waitFor();
          assert.deepEqual([...new Set(await page.locator('#requests td.project').allTextContents())], ['me/app']);
          await page.locator('#requests td.http-status button', { hasText: '429' }).click();
          await page.waitForURL(/project=%2Fhome%2Fme%2Fapp&status=429$/);
          await waitFor(async () => (await page.locator('#requests tbody tr').count()) === 1, { message: 'only the 429' });

          // Details of one request: timing, tokens, cost, cache, provider, error; never a body.
          await page.locator('#requests tbody tr.failed td.time').click();
          const details = page.locator('#requests .request-details');
          await details.waitFor();
          assert.equal(await details.locator('[data-detail="status"] dd').textContent(), '429 rate_limit_error');
          assert.equal(await details.locator('[data-detail="provider"] dd').textContent(), 'anthropic');
          assert.match((await details.locator('[data-detail="ttfb"] dd').textContent()) ?? '', /ms$/);
          assert.match((await details.textContent()) ?? '', /Prompts and replies are never stored/);
          assert.equal(((await details.textContent()) ?? '').includes('too fast'), false, 'no prompt text');
          await page.screenshot({ path: screenshotPath(`clarity-filtered-${width}-${scheme}`), fullPage: true });
          await page.click('#clear-filters');
          await page.waitForURL((url) => url.search === '');
          await waitFor(async () => (await page.locator('#requests tbody tr').count()) === 6, { message: 'every request again' });
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  }

  it('ages "last seen" while the page stays open, and clears its messages by itself', async () => {
    const context = await rig.chromium.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    try {
      const page = await context.newPage();
      await page.clock.install();
      await page.goto(`${rig.daemon.url}/#token=not-the-token`);
      await page.locator('body[data-ready="true"]').waitFor();
      await page.locator('#projects td.aside', { hasText: 'just now' }).first().waitFor();
      // 'just now' is under 45 s: 30 more minutes read as 30 or 31 min, however slow the machine.
      await page.clock.fastForward('30:00');
      await page.locator('#projects td.aside', { hasText: /^3[01] min ago$/ }).first().waitFor();
      await page.click('#clear-cache');
      await page.click('#confirm-clear');
      await page.locator('#cache-message.error', { hasText: /^Refused/ }).waitFor();
      await page.clock.fastForward(9000);
      await page.locator('#cache-message').waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });

  it('disables the admin action, saying why, on a page without the token', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const width of [1280, 420]) {
        const { page, errors, close } = await open(width, scheme, '/');
        try {
          await page.locator('#clear-cache-reason').waitFor();
          assert.equal(await page.isDisabled('#clear-cache'), true);
          assert.match((await page.locator('#clear-cache-reason').textContent()) ?? '', /Needs the access token: open this page with cco dashboard/);
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      }
    }
  });

  it('dims the numbers and disables the ranges when the daemon is out of reach', async () => {
    const spareDir = mkdtempSync(join(tmpdir(), 'cco-dashboard-down-'));
    const spare = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: rig.fake.url }), dataDir: spareDir, console: false });
    const context = await rig.chromium.browser.newContext({ viewport: { width: 420, height: 800 }, reducedMotion: 'reduce', colorScheme: 'dark' });
    try {
      const page = await context.newPage();
      await page.goto(`${spare.url}/`);
      await page.locator('#status-text', { hasText: /^Connected$/ }).waitFor();
      assert.equal(await page.isEnabled('#range button[data-range="24h"]'), true);
      await spare.close(0);
      await page.locator('#status-text', { hasText: /^(Reconnecting…|Disconnected)$/ }).waitFor();
      assert.equal(await page.isDisabled('#range button[data-range="24h"]'), true);
      assert.equal(await page.locator('#range button[aria-pressed="true"]').getAttribute('data-range'), '1h', 'the range on screen stays selected');
      const opacity = Number(await page.locator('#cards').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).opacity));
      assert.ok(opacity < 1, `the cards are dimmed (${opacity})`);
      await page.screenshot({ path: screenshotPath('clarity-disconnected-420-dark'), fullPage: true });
    } finally {
      await context.close();
      rmSync(spareDir, { recursive: true, force: true });
    }
  });

  it('gives the terminal page the dashboard\'s navigation and a directory field that explains itself', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const width of [1280, 420]) {
        const { page, errors, close } = await open(width, scheme, `/terminal#token=${rig.token}`);
        try {
          assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Terminal');
          assert.equal(await page.locator('nav a', { hasText: 'Overview' }).getAttribute('href'), '/');
          assert.match((await page.locator('#cwd').getAttribute('placeholder')) ?? '', /empty = home/);
          assert.equal(await page.locator('#cwd').getAttribute('list'), 'recent-projects', 'recent projects are offered');
          const field = await page.locator('#cwd').evaluate((el) => el.getBoundingClientRect().width);
          assert.ok(field >= 180, `the directory field is not clipped (${field}px)`);
          assert.equal((await page.locator('body').innerText()).includes('`'), false);
          await page.screenshot({ path: screenshotPath(`terminal-nav-${width}-${scheme}`) });
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      }
    }
  });
});
