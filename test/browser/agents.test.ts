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
import { formatPercent, formatUsd } from '../../renderer/src/format.js';
import { isoDay } from '../../renderer/src/period.js';
import { sdk, userMessage } from '../support/clients.js';
import { type DashboardRig, startDashboardRig } from '../support/dashboard-rig.js';
import { screenshotPath } from '../support/headless-chromium.js';
import { waitFor } from '../support/wait.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/claude-code-transcripts/', import.meta.url));
// The fixtures' sessions ran on 1 December 2026: a custom window of days around it, whatever today is.
const WINDOW = 'from=2026-11-30&to=2026-12-02';

const claudeDir = mkdtempSync(join(tmpdir(), 'cco-agents-claude-'));
let rig: DashboardRig;
/** The local day of the proxied request (not a fixture's day): its custom window has no subagent. */
let requestDay: string;

before(async () => {
  cpSync(FIXTURES, claudeDir, { recursive: true });
  rig = await startDashboardRig('agents-ui', { claudeDir });
  // One request through the proxy now: its day has a main conversation and no subagent.
  requestDay = isoDay(new Date());
  await sdk(rig.daemon.url, { defaultHeaders: { 'x-cco-project': '/work/agents' } }).messages.create(userMessage('hello'));
  await waitFor(async () => (await rig.api<AgentsResponse>(`/api/agents?${WINDOW}`)).agents.some((a) => a.agentType !== null)
    && (await rig.api<AgentsResponse>(`/api/agents?from=${requestDay}&to=${requestDay}`)).agents.length > 0,
  { timeoutMs: 15_000, message: 'the import' });
});

after(async () => {
  await rig?.close();
  rmSync(claudeDir, { recursive: true, force: true });
});

describe('the agents table', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [1280, 420]) {
      it(`shows the subagents' cost beside the main conversation at ${width} px in ${scheme}`, async () => {
        const { page, errors, close } = await rig.open(width, scheme, `/?${WINDOW}#token=${rig.token}`);
        try {
          const { agents } = await rig.api<AgentsResponse>(`/api/agents?${WINDOW}`);
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
          await page.goto(`${rig.daemon.url}/?from=${requestDay}&to=${requestDay}#token=${rig.token}`);
          await page.locator('#agents [data-note="no-subagents"]').waitFor();
          assert.equal(await page.locator('#agents tbody tr').count(), 1);
          assert.equal(await cell(page.locator('#agents tr[data-agent=""]'), 'requests'), '1');
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  }
});
