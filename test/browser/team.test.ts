import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import {
  chromiumMissing,
  launchChromium,
  screenshotPath,
  type HeadlessChromium,
} from '../support/headless-chromium.js';
import { postgresBin, startPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const PASSWORD = 'Dashb0ard-Secret-pw-9931';
const found = postgresBin();
const skip = chromiumMissing() || ('missing' in found ? found.missing : false);

let server: TestPostgres;
let fake: FakeAnthropic;
let chromium: HeadlessChromium;
const dirs: string[] = [];
const daemons: RunningDaemon[] = [];
let laptop: RunningDaemon;

async function start(name: string, teamDb: string): Promise<RunningDaemon> {
  const dataDir = mkdtempSync(join(tmpdir(), `cco-team-ui-${name}-`));
  dirs.push(dataDir);
  const config = applyConfig(defaultConfig(), {
    port: 0,
    upstream: fake.url,
    teamDb,
    teamMachine: name,
    teamUser: name === 'laptop' ? 'ann' : 'ci',
  });
  const daemon = await runDaemonHost({
    config,
    dataDir,
    console: false,
    ledgerTimings: { intervalMs: 50, minBackoffMs: 50, maxBackoffMs: 200 },
  });
  daemons.push(daemon);
  return daemon;
}

before(async () => {
  if (skip) return;
  server = await startPostgres((found as { bin: string }).bin);
  fake = await startFakeAnthropic();
  laptop = await start('laptop', server.url(PASSWORD));
  const ci = await start('build-server', server.url(PASSWORD));
  const send = (d: RunningDaemon, project: string, n: number) => {
    const client = sdk(d.url, { defaultHeaders: { 'x-cco-project': project } });
    return Promise.all(Array.from({ length: n }, (_, i) => client.messages.create(userMessage(`${project} ${i}`))));
  };
  await send(laptop, '/home/ann/src/shop', 2);
  await send(ci, '/srv/ci/shop', 3);
  await send(ci, '/srv/ci/infra', 1);
  await waitFor(
    async () => {
      const body = (await (await fetch(`${laptop.url}/api/team/overview?range=24h`)).json()) as {
        state: string;
        totals?: { requests: number };
      };
      return body.state === 'ok' && body.totals?.requests === 6;
    },
    { timeoutMs: 20_000, message: 'six rows from two machines in the ledger' },
  );
  chromium = await launchChromium();
});

after(async () => {
  if (skip) return;
  await chromium?.close();
  for (const d of daemons) await d.close(0).catch(() => {});
  await fake.close();
  server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Opens the dashboard at a width and colour scheme; collects console errors. */
async function open(url: string, width: number, colorScheme: 'light' | 'dark') {
  const context = await chromium.browser.newContext({
    viewport: { width, height: 900 },
    reducedMotion: 'reduce',
    colorScheme,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { context, page, errors };
}

test(
  'the Team scope shows this machine against the team, by machine, user, project and model, at 1280 and 420 px, light and dark',
  { skip },
  async () => {
    for (const [width, scheme] of [
      [1280, 'light'],
      [1280, 'dark'],
      [420, 'light'],
      [420, 'dark'],
    ] as const) {
      const { context, page, errors } = await open(laptop.url, width, scheme);
      try {
        await page.locator('#range button[data-range="24h"]').click();
        await page.waitForSelector('#team[data-team-state="ok"]');
        await waitFor(
          async () => /\b6 requests from 2 machines, 2 users/.test(await page.locator('#team').innerText()),
          {
            message: 'the team totals',
            timeoutMs: 10_000,
          },
        );
        const text = await page.locator('#team').innerText();
        assert.match(
          await page.locator('[data-team="this-machine"]').innerText(),
          /This machine\s+\$[\d.]+\s+2 requests/,
        );
        assert.match(text, /\d+ % of the team's cost/);
        const machines = await page.locator('[data-team-table="machines"] tbody tr').allInnerTexts();
        assert.equal(machines.length, 2);
        assert.ok(
          machines.some((m) => /laptop\s+ann\s*this machine\s+2\s/.test(m)),
          machines.join('|'),
        );
        assert.ok(
          machines.some((m) => /build-server\s+ci\s+4\s/.test(m)),
          machines.join('|'),
        );
        const projects = await page.locator('[data-team-table="projects"] tbody tr').allInnerTexts();
        assert.deepEqual(
          projects.map((p) => p.split(/\s+/)[0]).sort(),
          ['infra', 'shop'],
          'basenames, as the ledger keeps them',
        );
        assert.ok(
          projects.some((p) => /^shop\s+5\s/.test(p)),
          'one project on two machines is one row',
        );
        assert.equal(await page.locator('[data-team-table="models"] tbody tr').count(), 1);
        assert.match(text, /laptop \/ ann → postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
        assert.ok(!(await page.content()).includes(PASSWORD), 'no password on the page');
        const overflow = Number(
          await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
        );
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at ${width} px`);
        await page.locator('#team').scrollIntoViewIfNeeded();
        await page.locator('#team').screenshot({ path: screenshotPath(`team-${width}-${scheme}`) });
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  },
);

test(
  'without a team DB the Team scope says how to set one; with the ledger down it says so, and neither is a console error',
  { skip },
  async () => {
    const alone = await start('alone', '');
    const plain = await open(alone.url, 1280, 'light');
    try {
      await plain.page.waitForSelector('#team[data-team-state="unconfigured"]');
      assert.match(
        await plain.page.locator('#team').innerText(),
        /No team database is configured[\s\S]*--team-db postgres:\/\/[\s\S]*CCO_TEAM_DB[\s\S]*teamDb/,
      );
      await plain.page.locator('#team').screenshot({ path: screenshotPath('team-unconfigured') });
      assert.deepEqual(plain.errors, []);
    } finally {
      await plain.context.close();
    }

    server.stop();
    try {
      for (const scheme of ['light', 'dark'] as const) {
        const down = await open(laptop.url, 420, scheme);
        try {
          await down.page.waitForSelector('#team[data-team-state="unreachable"]', { timeout: 15_000 });
          const text = await down.page.locator('#team').innerText();
          assert.match(
            text,
            /The team ledger cannot be reached\.[\s\S]*postgres:\/\/postgres:\*\*\*@127\.0\.0\.1[\s\S]*rows wait locally/,
          );
          assert.ok(!(await down.page.content()).includes(PASSWORD), 'no password on the page');
          await down.page.locator('#team').screenshot({ path: screenshotPath(`team-unreachable-420-${scheme}`) });
          assert.deepEqual(down.errors, []);
        } finally {
          await down.context.close();
        }
      }
    } finally {
      server.start();
    }
  },
);
