import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import pg from 'pg';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { readOrCreateToken } from '../../main/common/token.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { postgresBin, startPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const found = postgresBin();
const skip = 'missing' in found ? found.missing : false;

let server: TestPostgres;
let fake: FakeAnthropic;
let check: pg.Pool;
const dirs: string[] = [];
const daemons: RunningDaemon[] = [];

before(async () => {
  if (skip) return;
  server = await startPostgres((found as { bin: string }).bin);
  fake = await startFakeAnthropic();
  check = new pg.Pool({ connectionString: server.url(), max: 1 });
  check.on('error', () => {});
});

after(async () => {
  if (skip) return;
  for (const d of daemons) await d.close(0).catch(() => {});
  await check.end();
  await fake.close();
  server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function machine(name: string): Promise<{ daemon: RunningDaemon; token: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `cco-team-budget-${name}-`));
  dirs.push(dataDir);
  const config = applyConfig(defaultConfig(), { port: 0, upstream: fake.url, teamDb: server.url(), teamMachine: name });
  const daemon = await runDaemonHost({
    config,
    dataDir,
    console: false,
    teamBudgetRefreshMs: 100,
    ledgerTimings: { intervalMs: 50, minBackoffMs: 50, maxBackoffMs: 200 },
  });
  daemons.push(daemon);
  return { daemon, token: readOrCreateToken(dataDir) };
}

interface Status {
  budget: { id: string };
  label: string;
  spent: { total: number };
  exhausted: boolean;
}

async function budgets(m: { daemon: RunningDaemon; token: string }): Promise<Status[]> {
  return ((await (await fetch(`${m.daemon.url}/api/budgets`)).json()) as { budgets: Status[] }).budgets;
}

async function teamCost(): Promise<number> {
  try {
    return Number((await check.query('SELECT coalesce(sum(cost_usd), 0) AS c FROM cco_usage')).rows[0].c);
  } catch {
    return 0;
  }
}

test(
  'a team budget counts the spend of every machine on the ledger and refuses on each once the team total reaches it',
  { skip },
  async () => {
    const [laptop, ci] = await Promise.all([machine('laptop'), machine('ci')]);
    const onLaptop = sdk(laptop.daemon.url, { defaultHeaders: { 'x-cco-project': '/work/shop' } });
    const onCi = sdk(ci.daemon.url, { defaultHeaders: { 'x-cco-project': '/work/shop' } });
    await onLaptop.messages.create(userMessage('first request, from the laptop'));
    await waitFor(async () => (await teamCost()) > 0, { timeoutMs: 15_000, message: 'the laptop row in the ledger' });
    const one = await teamCost();
    // One request's cost is under the limit; two (one from each machine) are over it.
    const limitUsd = Number((one * 1.5).toPrecision(6));
    for (const m of [laptop, ci]) {
      const res = await fetch(`${m.daemon.url}/api/budgets`, {
        method: 'POST',
        headers: { 'x-cco-token': m.token, 'content-type': 'application/json' },
        body: JSON.stringify({ team: true, scope: { type: 'global' }, period: 'daily', limitUsd, mode: 'enforce' }),
      });
      assert.equal(res.status, 201, await res.text());
    }
    await waitFor(async () => (await budgets(ci))[0]!.spent.total > 0, {
      timeoutMs: 15_000,
      message: "the laptop's spend in the CI's team budget",
    });
    const seenOnCi = (await budgets(ci))[0]!;
    assert.equal(seenOnCi.label, 'team global daily');
    assert.ok(Math.abs(seenOnCi.spent.total - one) < 1e-9, 'the CI machine sees what the laptop spent');
    assert.equal(seenOnCi.exhausted, false);

    await onCi.messages.create(userMessage('second request, from the CI machine')); // still under the limit: admitted
    for (const m of [laptop, ci]) {
      // Raised by the same refresh that starts refusing: enforcement is decided from memory, not per request.
      await waitFor(
        async () => {
          const { alerts } = (await (await fetch(`${m.daemon.url}/api/alerts`)).json()) as {
            alerts: Array<{ threshold: number }>;
          };
          return alerts.some((a) => a.threshold === 100);
        },
        { timeoutMs: 15_000, message: 'the 100 % alert of the team budget' },
      );
      assert.equal((await budgets(m))[0]!.exhausted, true);
    }
    const upstreamCalls = fake.requests.length;
    for (const client of [onLaptop, onCi]) {
      const refused = await client.messages.create(userMessage(`over the team budget ${Math.random()}`)).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(refused instanceof Anthropic.BadRequestError, 'refused with a 400');
      assert.match(
        refused.message,
        /CCO budget exceeded: team global spent \$\S+ of its \$\S+ daily budget .*cco budget set --team --global --daily \d+/,
      );
    }
    assert.equal(fake.requests.length, upstreamCalls, 'refused requests never reached the upstream');
    // Neither machine's own spend reached the limit: only the team total did.
    const ledger = (await check.query('SELECT machine, sum(cost_usd) AS c FROM cco_usage GROUP BY machine')).rows;
    assert.equal(ledger.length, 2);
    for (const row of ledger) assert.ok(Number(row.c) < limitUsd, `${row.machine} alone is under the limit`);
  },
);
