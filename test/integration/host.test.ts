import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyConfig, type DaemonConfig, defaultConfig } from '../../main/common/config.js';
import { instanceFiles } from '../../main/common/paths.js';
import { HostError, type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { rawPost, sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

let fake: FakeAnthropic;
const homes: string[] = [];

before(async () => {
  fake = await startFakeAnthropic();
});
after(async () => {
  await fake.close();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cco-host-'));
  homes.push(dir);
  return dir;
}

function config(overrides: Partial<DaemonConfig> = {}): DaemonConfig {
  return applyConfig(defaultConfig(), { port: 0, upstream: fake.url, logLevel: 'debug', ...overrides });
}

async function summary(daemon: RunningDaemon): Promise<{ requests: number }> {
  return (await (await fetch(`${daemon.url}/api/stats/summary?range=all`)).json()) as { requests: number };
}

test('API keys never reach the log, even at debug level', async () => {
  const dataDir = home();
  const daemon = await runDaemonHost({ config: config(), dataDir, console: false });
  const secret = 'sk-ant-api03-SECRETSECRETSECRETSECRET0123456789';
  await rawPost(`${daemon.url}/v1/messages`, JSON.stringify(userMessage('log me')), {
    'x-api-key': secret, 'content-type': 'application/json', 'anthropic-version': '2023-06-01',
  });
  await sdk(daemon.url, { apiKey: secret }).messages.create(userMessage('ERROR:401')).catch(() => {});
  await daemon.close();
  const log = readFileSync(daemon.logFile, 'utf8');
  assert.match(log, /listening on/);
  assert.match(log, /POST \/v1\/messages 200 miss/, 'requests are logged at debug');
  assert.ok(!log.includes('SECRETSECRET'), 'the key does not appear in the log');
});

test('usage survives a restart of the daemon', async () => {
  const dataDir = home();
  const first = await runDaemonHost({ config: config(), dataDir, console: false });
  await sdk(first.url).messages.create(userMessage('remember me'));
  await waitFor(async () => (await summary(first)).requests === 1);
  await first.close();
  const second = await runDaemonHost({ config: config(), dataDir, console: false });
  try {
    assert.equal((await summary(second)).requests, 1);
  } finally {
    await second.close();
  }
});

test('stop lets a request under way finish before closing', async () => {
  const daemon = await runDaemonHost({ config: config(), dataDir: home(), console: false });
  const calls = fake.messageCalls;
  const pending = sdk(daemon.url).messages.create(userMessage('HOLD:drain'));
  await waitFor(() => fake.messageCalls === calls + 1);
  const closing = daemon.close(5_000);
  fake.release('drain');
  const message = await pending;
  assert.equal(message.type, 'message');
  await closing;
  await assert.rejects(fetch(`${daemon.url}/health`), 'no longer listening');
});

test('a port held by another program is reported as such', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    await assert.rejects(
      runDaemonHost({ config: config({ port }), dataDir: home(), console: false }),
      (error: unknown) => error instanceof HostError && error.code === 'EADDRINUSE' && error.message === `Port ${port} is already in use`,
    );
  } finally {
    blocker.close();
  }
});

test('a data directory that cannot be written is named with the fix', async (t) => {
  if (process.getuid?.() === 0) {
    // root can write anywhere: use a path below a regular file instead.
    const file = join(home(), 'not-a-dir');
    writeFileSync(file, '');
    await assert.rejects(runDaemonHost({ config: config(), dataDir: join(file, 'cco'), console: false }), (error: unknown) =>
      error instanceof HostError && error.code === 'DATA_DIR' && error.message.includes(join(file, 'cco')));
    return;
  }
  const dir = home();
  chmodSync(dir, 0o500);
  t.after(() => chmodSync(dir, 0o700));
  await assert.rejects(runDaemonHost({ config: config(), dataDir: join(dir, 'sub'), console: false }), (error: unknown) =>
    error instanceof HostError && error.code === 'DATA_DIR' && /chown|permissions/.test(error.message));
});

test('each instance keeps its own log and database by port', () => {
  const files = instanceFiles('/data', 3001);
  assert.notDeepEqual(files, instanceFiles('/data', 3002));
  assert.match(files.logFile, /3001/);
  assert.match(files.database, /3001/);
});
