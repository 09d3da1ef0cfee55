import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { CacheStatsResponse, MachineStatsResponse, RoutingResponse, SummaryResponse } from '../../shared/api.js';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { readOrCreateToken } from '../../main/common/token.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { requestTotals } from '../../renderer/src/charts/shape.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { launchChromium, screenshotPath, type BrowserContext, type HeadlessChromium } from '../support/headless-chromium.js';
import { waitFor } from '../support/wait.js';
import { freePort } from '../cli/harness.js';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let dataDir: string;
let token: string;
let chromium: HeadlessChromium;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

async function startHost(port: number): Promise<RunningDaemon> {
  return runDaemonHost({ config: applyConfig(defaultConfig(), { port, upstream: fake.url }), dataDir, console: false });
}

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(`${daemon.url}${path}`)).json()) as T;
}

/** Requests as Claude Code sends them: two projects, a repeat answered by the cache, one streamed. */
async function sendTraffic(): Promise<void> {
  const alpha = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/alpha' } });
  const beta = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/beta' } });
  await alpha.messages.create(userMessage('first question'));
  await alpha.messages.create(userMessage('first question'));
  await alpha.messages.stream(userMessage('a streamed one')).finalMessage();
  await beta.messages.create(userMessage('beta asks', { model: 'claude-sonnet-4-5' }));
  await beta.messages.create(userMessage('beta asks', { model: 'claude-sonnet-4-5' }));
}

interface Mark {
  series: string;
  value: number;
  height: number;
}

/** The drawn SVG marks: their series (or model), the value they stand for, and their height. */
function marks(selector: string): Promise<Mark[]> {
  return page.locator(selector).evaluateAll((els) =>
    els.map((el) => ({
      series: el.getAttribute('data-series') ?? el.closest('[data-model]')?.getAttribute('data-model') ?? '?',
      value: Number(el.getAttribute('data-value')),
      height: Number(el.getAttribute('height') ?? 0),
    })),
  );
}

function sumBySeries(list: Mark[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const m of list) totals[m.series] = (totals[m.series] ?? 0) + m.value;
  return totals;
}

function projectOrder(): Promise<Array<string | null>> {
  return page.locator('#projects tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-project')));
}

/** Records Content-Security-Policy violations (an inline script or style the page would need) in the page. */
const WATCH_CSP = {
  content: `window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
};

function cspViolations(p: Page): Promise<string[]> {
  return p.evaluate('window.cspViolations') as Promise<string[]>;
}

async function statusText(): Promise<string> {
  return (await page.locator('#status-text').textContent()) ?? '';
}

before(async () => {
  fake = await startFakeAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'cco-dashboard-'));
  // A fixed port: the usage database is per port, and the restart test comes back on the same one.
  daemon = await startHost(await freePort());
  token = readOrCreateToken(dataDir);
  await sendTraffic();
  await waitFor(async () => (await api<SummaryResponse>('/api/stats/summary?range=today')).requests === 5);
  chromium = await launchChromium();
  context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce', colorScheme: 'light' });
  await context.addInitScript(WATCH_CSP);
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${daemon.url}/#token=${token}`);
  await page.locator('body[data-ready="true"]').waitFor();
});

after(async () => {
  await chromium?.close();
  await daemon?.close(0);
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the dashboard in a real browser', () => {
  it('loads without console errors, connected, showing the daemon and today\'s numbers', async () => {
    await page.locator('#status-text', { hasText: /^Connected$/ }).waitFor();
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(await cspViolations(page), [], 'nothing the strict CSP had to block');
    const info = await page.locator('#daemon-info').textContent();
    assert.match(info ?? '', new RegExp(`port ${daemon.port}`));
    assert.match(info ?? '', new RegExp(new URL(fake.url).host.replace(/\./g, '\\.')));
    assert.equal(await page.locator('[data-card="requests"] .stat-value').textContent(), '5');
    assert.equal(await page.locator('[data-card="hit-rate"] .stat-value').textContent(), '40%');
    assert.equal(await page.locator('#requests tbody tr').count(), 5);
    assert.equal(await page.locator('a#nav-terminal').getAttribute('href'), '/terminal');
  });

  it('moves the token from the address bar into session storage', async () => {
    assert.equal(new URL(page.url()).hash, '');
    assert.equal(await page.evaluate('sessionStorage.getItem("cco.token")'), token);
  });

  it('keeps the token when the user goes to the Terminal view and back', async () => {
    await page.click('a#nav-terminal');
    await page.locator('body[data-ready="true"] #new-session').waitFor();
    assert.equal(await page.locator('#notice').isHidden(), true, (await page.locator('#notice').textContent()) ?? '');
    assert.equal(await page.isEnabled('#new-session button'), true);
    await page.goto(`${daemon.url}/`); // no #token= this time: the tab's session storage has it
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator('#status-text', { hasText: /^Connected$/ }).waitFor();
  });

  it('draws chart marks that match the API\'s numbers', async () => {
    const { chartData } = await api<MachineStatsResponse>('/api/machine/stats?range=1h');
    const drawn = {
      bars: sumBySeries(await marks('[data-chart="requests"] rect.bar')),
      cost: sumBySeries(await marks('[data-chart="cost"] circle.dot')),
      latency: (await marks('[data-chart="latency"] circle.dot')).length,
      models: sumBySeries(await marks('[data-chart="models"] rect.bar')),
      empty: await page.locator('.chart-card.is-empty').count(),
    };
    // Bars grow in with a transition (instant under reduced motion, but still on the next frame).
    await waitFor(async () => (await marks('[data-chart="requests"] rect.bar')).every((m) => m.height > 0), { message: 'every drawn segment has a height' });
    const totals = requestTotals(chartData.requestsPerMinute);
    assert.deepEqual(drawn.bars, { hits: totals.hits, misses: totals.misses });
    assert.equal(totals.hits + totals.misses, 5);
    const cost = chartData.costPerHour.reduce((s, p) => s + p.costUsd, 0);
    const saved = chartData.costPerHour.reduce((s, p) => s + p.savedUsd, 0);
    assert.ok(cost > 0 && saved > 0);
    assert.ok(Math.abs((drawn.cost.cost ?? 0) - cost) < 1e-9, `cost ${drawn.cost.cost} vs ${cost}`);
    assert.ok(Math.abs((drawn.cost.saved ?? 0) - saved) < 1e-9, `saved ${drawn.cost.saved} vs ${saved}`);
    // Upstream p50 and p95, and the cache hits' own p50, each marked where the bucket has any.
    const latencyPoints = chartData.latencyPerMinute.reduce((n, p) => n + (p.p50 === null ? 0 : 2) + (p.hitP50 ? 1 : 0), 0);
    assert.equal(drawn.latency, latencyPoints);
    assert.deepEqual(drawn.models, Object.fromEntries(chartData.tokensByModel.map((m) => [m.model, m.costUsd])));
    // Two models spread over the plot instead of huddling at its top above an empty card.
    const plot = await page.locator('[data-chart="models"] .overlay').evaluate((el) => el.getBoundingClientRect().height);
    const rows = await page.locator('[data-chart="models"] g.model-row').evaluateAll((gs) => gs.map((g) => g.getBoundingClientRect()));
    const covered = Math.max(...rows.map((r) => r.bottom)) - Math.min(...rows.map((r) => r.top));
    assert.ok(covered > plot * 0.5, `the model bars cover ${Math.round(covered)} of ${Math.round(plot)} px`);
    assert.equal(drawn.empty, 0);
  });

  it('shows a tooltip with the numbers of the hovered bucket', async () => {
    const box = await page.locator('[data-chart="requests"] rect.bar[data-series="hits"]').last().boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.locator('.tooltip');
    await tip.waitFor();
    const text = (await tip.textContent()) ?? '';
    assert.match(text, /Cache hits\d+/);
    assert.match(text, /Misses\d+/);
    await page.mouse.move(1, 1);
    await tip.waitFor({ state: 'hidden' });
  });

  it('shows a new request live, in the list and the cards, without a reload', async () => {
    await sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/gamma' } }).messages.create(userMessage('live one'));
    await page.locator('#requests tbody tr').nth(5).waitFor();
    assert.equal(await page.locator('#requests tbody tr').first().locator('td.project').textContent(), 'gamma');
    await page.locator('[data-card="requests"] .stat-value', { hasText: /^6$/ }).waitFor();
    await page.locator('#projects tr[data-project="/work/gamma"]').waitFor();
  });

  it('switches the chart range and sorts the projects table', async () => {
    await page.click('#range button[data-range="24h"]');
    await page.locator('body[data-charts-range="24h"]').waitFor();
    assert.equal(await page.locator('#range button[data-range="24h"]').getAttribute('aria-pressed'), 'true');
    await page.click('#projects th button[data-sort="project"]');
    assert.deepEqual(await projectOrder(), ['/work/alpha', '/work/beta', '/work/gamma']);
    await page.click('#projects th button[data-sort="project"]');
    assert.deepEqual(await projectOrder(), ['/work/gamma', '/work/beta', '/work/alpha']);
    await page.click('#range button[data-range="1h"]');
    await page.locator('body[data-charts-range="1h"]').waitFor();
  });

  it('refuses admin actions from a page with a wrong token, but not curl without one', async () => {
    const other = await context.newPage();
    await other.goto(`${daemon.url}/#token=not-the-token`);
    await other.locator('body[data-ready="true"]').waitFor();
    await other.click('#clear-cache');
    await other.click('#confirm-clear');
    await other.locator('#cache-message.error', { hasText: /Refused/ }).waitFor();
    const noToken = await other.evaluate(async () => (await fetch('/api/cache/clear', { method: 'POST' })).status);
    assert.equal(noToken, 403);
    assert.ok((await api<CacheStatsResponse>('/api/cache/stats')).size > 0, 'nothing was cleared');
    await other.close();
    const curl = await fetch(`${daemon.url}/api/cache/clear`, { method: 'POST', headers: { 'x-cco-token': 'wrong' } });
    assert.equal(curl.status, 403, 'a wrong token is refused even without an Origin');
  });

  it('clears the cache after a confirmation and says what was freed', async () => {
    const before = await api<CacheStatsResponse>('/api/cache/stats');
    assert.equal(before.size, 4);
    await page.click('#clear-cache');
    await page.locator('#confirm-clear').waitFor();
    assert.equal((await api<CacheStatsResponse>('/api/cache/stats')).size, 4, 'nothing happens before the confirmation');
    await page.click('#confirm-clear');
    const message = await page.locator('#cache-message.ok').textContent();
    assert.match(message ?? '', /^Cleared 4 entries, freed \d/);
    assert.equal((await api<CacheStatsResponse>('/api/cache/stats')).size, 0);
    await page.locator('[data-stat="size"] dd', { hasText: /^0 \// }).waitFor();
    await page.locator('[data-stat="queue"] dd', { hasText: /^0 of \d+ under way, 0 waiting$/ }).waitFor();
  });

  it('in the desktop app, takes the token from the preload bridge (window.cco)', async () => {
    const app = await context.browser()!.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    try {
      // What preload/index.cts exposes before the page's scripts run; only daemonInfo matters here.
      await app.addInitScript({
        content: `Object.defineProperty(window, 'cco', { value: { version: 1,
          daemonInfo: async () => ({ url: location.origin, token: ${JSON.stringify(token)}, state: { kind: 'stopped' } }) } });`,
      });
      const p = await app.newPage();
      await p.goto(`${daemon.url}/`); // no #token=: the bridge is the only source
      await p.locator('body[data-ready="true"]').waitFor();
      await p.click('#clear-cache');
      await p.click('#confirm-clear');
      await p.locator('#cache-message.ok', { hasText: /^Cleared/ }).waitFor();
      await p.goto(`${daemon.url}/terminal`);
      await p.locator('body[data-ready="true"]').waitFor();
      assert.equal(await p.isEnabled('#new-session button'), true, 'the terminal page has the token too');
    } finally {
      await app.close();
    }
  });

  it('shows a clear empty state before the first request, never a blank chart', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'cco-dashboard-empty-'));
    const empty = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir: emptyDir, console: false });
    const shot = await context.browser()!.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce', colorScheme: 'light' });
    try {
      const p = await shot.newPage();
      const errors: string[] = [];
      p.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await p.goto(`${empty.url}/`);
      await p.locator('body[data-ready="true"]').waitFor();
      assert.equal(await p.locator('.chart-card.is-empty').count(), 7, 'requests, cost, models, latency, tokens, time to first byte, status codes');
      assert.match((await p.locator('[data-chart="requests"] .chart-empty').textContent()) ?? '', /No requests in the last hour yet/);
      assert.equal(await p.locator('svg.chart .axis-x .tick').first().isVisible(), true, 'the axes are still drawn');
      assert.equal(await p.locator('#welcome').isVisible(), true);
      assert.equal(await p.locator('[data-card="hit-rate"] .stat-value').textContent(), '—');
      await p.screenshot({ path: screenshotPath('dashboard-empty-1280-light') });
      assert.deepEqual(errors, []);
    } finally {
      await shot.close();
      await empty.close(0);
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('shows the model routes, and an invalid model-routing.json edit with the routes still in force', async () => {
    const file = join(dataDir, 'model-routing.json');
    const routing = () => api<RoutingResponse>('/api/routing');
    writeFileSync(file, JSON.stringify({
      providers: { local: { type: 'ollama', baseUrl: 'http://127.0.0.1:9/v1' } },
      routes: [{ match: '*haiku*', provider: 'local', model: 'qwen2.5-coder:7b' }],
    }));
    await waitFor(async () => (await routing()).routes.length === 1, { timeoutMs: 10_000, message: 'routes loaded' });
    await page.reload();
    await page.locator('#routes td', { hasText: '*haiku*' }).waitFor();
    assert.match((await page.locator('#routes').textContent()) ?? '', /local → qwen2\.5-coder:7b/);
    assert.equal(await page.locator('#providers tr[data-provider="local"]').count(), 1);
    writeFileSync(file, '{ "routes": [ { "match": "*haiku*", "provider": "nowhere" } ] }');
    await waitFor(async () => (await routing()).error !== null, { timeoutMs: 10_000, message: 'the bad edit reported' });
    await page.reload();
    assert.match((await page.locator('#routing-error').textContent()) ?? '', /model-routing\.json is invalid .*nowhere/);
    assert.equal(await page.locator('#routes td', { hasText: '*haiku*' }).count(), 1, 'the previous routes stay');
  });

  it('saves screenshots of the overview, wide and narrow, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const width of [1280, 420]) {
        const shot = await context.browser()!.newContext({ viewport: { width, height: 800 }, reducedMotion: 'reduce', colorScheme: scheme });
        await shot.addInitScript(WATCH_CSP);
        const p = await shot.newPage();
        await p.goto(`${daemon.url}/`);
        await p.locator('body[data-ready="true"]').waitFor();
        await p.locator('#status-text', { hasText: /^Connected$/ }).waitFor();
        const overflow = Number(await p.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
        assert.ok(overflow <= 0, `no horizontal scrolling at ${width}px (${overflow}px too wide)`);
        const sideways = await p.locator('.table-wrap').evaluateAll((wraps) => wraps.map((w) => w.scrollWidth - w.clientWidth));
        assert.deepEqual(sideways.filter((px) => px > 0), [], `no table scrolls sideways at ${width}px`);
        assert.deepEqual(await cspViolations(p), []);
        await p.screenshot({ path: screenshotPath(`dashboard-${width}-${scheme}`), fullPage: width < 1000 });
        await shot.close();
      }
    }
  });

  it('shows the connection dropping when the daemon stops, and recovering when it returns', async () => {
    const port = daemon.port;
    await daemon.close(0);
    await waitFor(async () => /^(Reconnecting…|Disconnected)$/.test(await statusText()), { message: 'status leaves Connected' });
    // No range can load meanwhile: the range buttons and the custom range are disabled.
    await page.locator('#range button[data-range="24h"]:disabled').waitFor();
    assert.equal(await page.locator('#custom-toggle').isDisabled(), true);
    assert.equal(await page.locator('#custom-apply').isDisabled(), true);
    daemon = await startHost(port);
    await page.locator('#status-text', { hasText: /^Connected$/ }).waitFor({ timeout: 8000 });
    assert.equal(await page.locator('#custom-toggle').isDisabled(), false);
    await page.locator('[data-card="requests"] .stat-value', { hasText: /^6$/ }).waitFor();
  });
});
