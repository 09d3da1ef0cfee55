import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'libsql';
import pg from 'pg';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { instanceFiles } from '../../main/common/paths.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { runCco } from '../cli/harness.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { TEAM_SCHEMA_VERSION } from '../../main/daemon/ledger/pg-schema.js';
import { postgresBin, startPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const PASSWORD = 'Sup3r-Secret-pw-4711';
const found = postgresBin();
const skip = 'missing' in found ? found.missing : false;

let server: TestPostgres;
let fake: FakeAnthropic;
let check: pg.Pool;
const dirs: string[] = [];
const daemons: RunningDaemon[] = [];
let laptopDir: string;
let serverDir: string;
let laptop: RunningDaemon;
let server2: RunningDaemon;
const responses: string[] = [];

before(async () => {
  if (skip) return;
  server = await startPostgres((found as { bin: string }).bin);
  fake = await startFakeAnthropic();
  check = new pg.Pool({ connectionString: server.url(), max: 2 });
  check.on('error', () => {});
  laptopDir = mkdtempSync(join(tmpdir(), 'cco-team-laptop-'));
  serverDir = mkdtempSync(join(tmpdir(), 'cco-team-server-'));
  dirs.push(laptopDir, serverDir);
});

after(async () => {
  if (skip) return;
  for (const d of daemons) await d.close(0).catch(() => {});
  await check.end();
  await fake.close();
  server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startDaemon(dataDir: string, machine: string): Promise<RunningDaemon> {
  const config = applyConfig(defaultConfig(), {
    port: 0,
    upstream: fake.url,
    teamDb: server.url(PASSWORD),
    teamMachine: machine,
    teamUser: 'ann',
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

async function close(daemon: RunningDaemon): Promise<void> {
  await daemon.close(0);
  daemons.splice(daemons.indexOf(daemon), 1);
}

async function shipped(): Promise<number> {
  try {
    return Number((await check.query('SELECT count(*) AS n FROM cco_usage')).rows[0].n);
  } catch {
    return -1;
  }
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  const text = await response.text();
  responses.push(text);
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

async function send(daemon: RunningDaemon, project: string, prompts: string[]): Promise<void> {
  const client = sdk(daemon.url, { defaultHeaders: { 'x-cco-project': project } });
  for (const prompt of prompts) await client.messages.create(userMessage(prompt));
}

const logOf = (dir: string) => {
  const file = instanceFiles(dir, 0).logFile;
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};
// log4js is one per process: with two daemons in this one, lines land in the last configured file.
const logs = () => logOf(laptopDir) + logOf(serverDir);

test('two daemons starting at once against an empty database migrate it exactly once', { skip }, async () => {
  [laptop, server2] = await Promise.all([startDaemon(laptopDir, 'laptop'), startDaemon(serverDir, 'build-server')]);
  await waitFor(async () => (await shipped()) === 0, { timeoutMs: 15_000, message: 'the ledger table to exist' });
  // Each migration commits on its own: wait until the last one is in, then every version is there once.
  const versions = async () =>
    ((await check.query('SELECT version FROM cco_schema_migrations ORDER BY version')).rows as Array<{ version: number }>)
      .map((v) => v.version);
  await waitFor(async () => (await versions()).length >= TEAM_SCHEMA_VERSION, { timeoutMs: 15_000, message: 'every migration' });
  assert.deepEqual(await versions(), Array.from({ length: TEAM_SCHEMA_VERSION }, (_, i) => i + 1));
  assert.doesNotMatch(logs(), /unreachable/);
});

test('two machines ship their rows; the team views total them by machine and project, without prompts', { skip }, async () => {
  await send(laptop, '/home/ann/src/alpha', ['TOPSECRET-PROMPT one', 'TOPSECRET-PROMPT two', 'TOPSECRET-PROMPT three']);
  await send(server2, '/srv/ci/beta', ['TOPSECRET-PROMPT four', 'TOPSECRET-PROMPT five']);
  await waitFor(async () => (await shipped()) === 5, { timeoutMs: 15_000, message: '5 rows in the ledger' });
  const { status, body } = await getJson(`${laptop.url}/api/team/summary?range=all`);
  assert.equal(status, 200);
  assert.equal((body.totals as { requests: number }).requests, 5);
  const machines = body.machines as Array<{ machine: string; user: string; requests: number; costUsd: number; lastSeen: number }>;
  assert.deepEqual(machines.map((m) => [m.machine, m.user, m.requests]).sort(), [['build-server', 'ann', 2], ['laptop', 'ann', 3]]);
  assert.ok(machines.every((m) => m.costUsd > 0 && m.lastSeen > Date.now() - 60_000));
  const projects = (body.projects as Array<{ project: string; requests: number }>).map((p) => [p.project, p.requests]).sort();
  assert.deepEqual(projects, [['alpha', 3], ['beta', 2]], 'only the last folder leaves the machine by default');
  const fromOther = await getJson(`${server2.url}/api/team/machines?range=today`);
  assert.equal((fromOther.body.machines as unknown[]).length, 2, 'either daemon sees the whole team');
  const everything = JSON.stringify((await check.query('SELECT * FROM cco_usage')).rows);
  assert.doesNotMatch(everything, /TOPSECRET/);
  // The store's v3 columns arrive under their own names; the credential fingerprint never leaves.
  const local = new Database(instanceFiles(laptopDir, 0).database);
  const localRows = local
    .prepare('SELECT id, source, session_id, billing, credential_fingerprint FROM requests ORDER BY id')
    .all() as Array<{ id: number; source: string; session_id: string | null; billing: string; credential_fingerprint: string | null }>;
  local.close();
  const laptopId = (await check.query("SELECT DISTINCT install_id FROM cco_usage WHERE machine = 'laptop'")).rows[0].install_id;
  const remote = (await check.query(
    'SELECT row_id, source, session_id, billing FROM cco_usage WHERE install_id = $1 ORDER BY row_id', [laptopId],
  )).rows.map((r: Record<string, unknown>) => ({ ...r, row_id: Number(r.row_id) }));
  assert.deepEqual(remote, localRows.map((r) => ({ row_id: r.id, source: r.source, session_id: r.session_id, billing: r.billing })));
  const fingerprints = localRows.map((r) => r.credential_fingerprint).filter((f): f is string => !!f);
  for (const f of fingerprints) assert.ok(!everything.includes(f), 'a credential fingerprint was shipped');
  const columns = (await check.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'cco_usage'")).rows;
  assert.ok(!columns.some((c: { column_name: string }) => /fingerprint|credential/.test(c.column_name)));
  assert.equal(Number((await check.query('SELECT count(DISTINCT install_id) AS n FROM cco_usage')).rows[0].n), 2);
});

test('rows recorded while PostgreSQL is down wait and ship once it is back, exactly once, with one log line each way', { skip }, async () => {
  server.stop();
  await send(laptop, '/home/ann/src/alpha', ['down one', 'down two', 'down three', 'down four']);
  await waitFor(() => /unreachable/.test(logs()), { timeoutMs: 15_000, message: 'the ledger to be reported down' });
  const whileDown = await getJson(`${laptop.url}/api/team/summary`);
  assert.equal(whileDown.status, 503);
  assert.equal((whileDown.body.error as { type: string }).type, 'api_error');
  server.start();
  await waitFor(async () => (await shipped()) >= 9, { timeoutMs: 20_000, message: '9 rows after the restart' });
  await send(laptop, '/home/ann/src/alpha', ['after one']);
  await waitFor(async () => (await shipped()) >= 10, { timeoutMs: 15_000, message: 'the next row' });
  assert.equal(await shipped(), 10);
  // Only the laptop had rows to ship while it was down; the server's empty passes send nothing.
  const log = logs();
  assert.equal(log.match(/is unreachable/g)?.length, 1, log);
  assert.equal(log.match(/is reachable again/g)?.length, 1, log);
});

test('a daemon stopped with rows unshipped resumes from its cursor after a restart', { skip }, async () => {
  server.stop();
  await send(laptop, '/home/ann/src/alpha', ['pending one', 'pending two']);
  await close(laptop);
  server.start();
  assert.equal(await shipped(), 10, 'nothing shipped while the ledger was down');
  laptop = await startDaemon(laptopDir, 'laptop');
  await waitFor(async () => (await shipped()) >= 12, { timeoutMs: 15_000, message: 'the two waiting rows' });
  await close(laptop);
  laptop = await startDaemon(laptopDir, 'laptop');
  await send(laptop, '/home/ann/src/alpha', ['after restart']);
  await waitFor(async () => (await shipped()) >= 13, { timeoutMs: 15_000, message: 'the row after the restart' });
  assert.equal(await shipped(), 13, 'no row shipped twice');
  assert.equal(Number((await check.query('SELECT count(DISTINCT install_id) AS n FROM cco_usage')).rows[0].n), 2, 'the install id is kept');
});

test('a crash between the insert and the cursor move (kill -9) ships the batch again without counting it twice', { skip }, async () => {
  await close(laptop);
  // What a kill -9 right after PostgreSQL committed, before the local cursor moved, leaves behind.
  const local = new Database(instanceFiles(laptopDir, 0).database);
  local.prepare("UPDATE ledger_state SET value = '0' WHERE key = 'shipped_up_to'").run();
  local.close();
  laptop = await startDaemon(laptopDir, 'laptop');
  await waitFor(async () => {
    const ledger = (await getJson(`${laptop.url}/api/team/summary`)).body.ledger as { state: string; waiting: number; shipped: number };
    return ledger.state === 'up' && ledger.waiting === 0 && ledger.shipped === 11; // all of the laptop's rows
  }, { timeoutMs: 15_000, message: 'the laptop to re-ship its 11 rows' });
  assert.equal(await shipped(), 13);
});

test('the password is in no log and no API answer', { skip }, async () => {
  for (const path of ['/health', '/api/team/summary?range=all', '/api/team/overview?range=all', '/api/team/machines', '/api/stats/summary', '/api/requests']) {
    const response = await fetch(`${laptop.url}${path}`);
    responses.push(await response.text());
  }
  responses.push(await (await fetch(`${laptop.url}/metrics`)).text());
  const summary = (await getJson(`${laptop.url}/api/team/summary`)).body as { ledger: { target: string } };
  assert.match(summary.ledger.target, /^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres$/);
  assert.match(logs(), /Team ledger: shipping usage rows to postgres:\/\/postgres:\*\*\*@/);
  for (const text of [...responses, logs()]) assert.ok(!text.includes(PASSWORD), text.slice(0, 500));
});

test('cco stats --team prints the team totals, machines and projects from PostgreSQL, without the password', { skip }, async () => {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: laptopDir, CCO_HOME: join(laptopDir, 'cli'), CCO_TEAM_DB: server.url(PASSWORD) };
  const json = await runCco(['stats', '--team', '--range', 'all', '--json'], { env });
  assert.equal(json.code, 0, json.stderr);
  const body = JSON.parse(json.stdout) as { totals: { requests: number }; machines: Array<{ machine: string }>; projects: unknown[]; ledger: string };
  assert.equal(body.totals.requests, 13);
  assert.deepEqual(body.machines.map((m) => m.machine).sort(), ['build-server', 'laptop']);
  assert.equal(body.projects.length, 2);
  const text = await runCco(['stats', '--team', '--range', 'all'], { env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Requests {3}13 from 2 machines/);
  assert.match(text.stdout, /laptop +ann +11/);
  for (const out of [json.stdout, json.stderr, text.stdout, text.stderr]) assert.ok(!out.includes(PASSWORD));
  const none = await runCco(['stats', '--team'], { env: { ...env, CCO_TEAM_DB: '' } });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /No team ledger is configured/);
});
