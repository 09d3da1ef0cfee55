// The agents table: what the main conversation and each kind of subagent cost, from Claude Code's
// transcripts (the fixtures hold a session with a general-purpose subagent), in a real browser at
// 1280 and 420 px, light and dark, against a real daemon that imports them.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { AgentsResponse } from '../../shared/api.js';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { readOrCreateToken } from '../../main/common/token.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { formatPercent, formatUsd } from '../../renderer/src/format.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { launchChromium, screenshotPath, type HeadlessChromium } from '../support/headless-chromium.js';
import { waitFor } from '../support/wait.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/claude-code-transcripts/', import.meta.url));
// The fixtures' sessions ran on 1 December 2026: a custom window of days around it, whatever today is.
const WINDOW = 'from=2026-11-30&to=2026-12-02';

let fake: FakeAnthropic;
let daemon: RunningDaemon;
let sandbox: string;
let token: string;
let chromium: HeadlessChromium;
/** The local day of the proxied request (not a fixture's day): its custom window has no subagent. */
let requestDay: string;

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(`${daemon.url}${path}`)).json()) as T;
}

before(async () => {
  fake = await startFakeAnthropic();
  sandbox = mkdtempSync(join(tmpdir(), 'cco-agents-ui-'));
  const claudeDir = join(sandbox, 'claude');
  cpSync(FIXTURES, claudeDir, { recursive: true });
  const config = applyConfig(defaultConfig(), { port: 0, upstream: fake.url });
  daemon = await runDaemonHost({ config, dataDir: join(sandbox, 'data'), console: false, claudeDir });
  token = readOrCreateToken(join(sandbox, 'data'));
  // One request through the proxy now: its day has a main conversation and no subagent.
  const d = new Date();
  requestDay = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await sdk(daemon.url, { defaultHeaders: { 'x-cco-project': '/work/agents' } }).messages.create(userMessage('hello'));
  await waitFor(async () => (await api<AgentsResponse>(`/api/agents?${WINDOW}`)).agents.some((a) => a.agentType !== null)
    && (await api<AgentsResponse>(`/api/agents?from=${requestDay}&to=${requestDay}`)).agents.length > 0, { timeoutMs: 15_000, message: 'the import' });
  chromium = await launchChromium();
});

after(async () => {
  await chromium?.close();
  await daemon?.close(0);
  await fake?.close();
  rmSync(sandbox, { recursive: true, force: true });
});

describe('the agents table', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 420]) {
      it(`shows the subagents' cost beside the main conversation at ${width} px in ${scheme}`, async () => {
        const context = await chromium.browser.newContext({
          viewport: { width, height: 800 }, reducedMotion: 'reduce', colorScheme: scheme,
        });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        try {
          await page.goto(`${daemon.url}/?${WINDOW}#token=${token}`);
          await page.locator('body[data-ready="true"]').waitFor();
          const { agents } = await api<AgentsResponse>(`/api/agents?${WINDOW}`);
          const total = agents.reduce((sum, a) => sum + a.costUsd, 0);
          const sub = agents.find((a) => a.agentType === 'general-purpose');
          assert.ok(sub && sub.costUsd > 0, `the subagent is priced (${JSON.stringify(agents)})`);

          const row = page.locator('#agents tr[data-agent="general-purpose"]');
          await row.waitFor();
          // At 420 px a cell starts with its label ("Cost $0.0123"): the figure is what follows it.
          const cell = async (r: typeof row, col: string) =>
            ((await r.locator(`td[data-col="${col}"]`).textContent()) ?? '').replace(/^(Sessions|Requests|Tokens|Cost|Share of cost) /, '');
          assert.equal(await cell(row, 'agent'), 'general-purpose');
          assert.equal(await cell(row, 'cost'), formatUsd(sub.costUsd));
          assert.equal(await cell(row, 'share'), formatPercent(sub.costUsd / total));
          const main = page.locator('#agents tr[data-agent=""]');
          assert.equal(await cell(main, 'agent'), 'Main conversation');
          assert.equal(await page.locator('#agents [data-note="no-subagents"]').count(), 0);
          await page.locator('#agents-title').scrollIntoViewIfNeeded();
          const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
          assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px too wide)`);
          // The panel below the sticky header, then the transcript's calls in the request list.
          await page.evaluate('window.scrollBy(0, document.getElementById("agents-title").getBoundingClientRect().top - 90)');
          await page.screenshot({ path: screenshotPath(`agents-${width}-${scheme}`) });

          const transcriptRow = page.locator('#requests tbody tr', { hasText: 'shop-api' }).first();
          assert.equal(await transcriptRow.locator('.badge').textContent(), 'transcript');
          assert.match((await transcriptRow.locator('td.time').textContent()) ?? '', /^Dec 1 \d\d:\d\d:\d\d$/,
            'a call of another day shows its date');

          // The request's day alone: one proxied request, so the main conversation alone, and why.
          await page.goto(`${daemon.url}/?from=${requestDay}&to=${requestDay}#token=${token}`);
          await page.locator('#agents [data-note="no-subagents"]').waitFor();
          assert.equal(await page.locator('#agents tbody tr').count(), 1);
          assert.equal(await cell(page.locator('#agents tr[data-agent=""]'), 'requests'), '1');
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    }
  }
});
