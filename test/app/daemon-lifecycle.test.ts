import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decideStart } from '../../main/app/attach.js';
import { DaemonController, type DaemonControllerDeps } from '../../main/app/daemon-controller.js';
import { checkUpstream, fetchTodayStats } from '../../main/app/probes.js';
import { fetchHealth } from '../../main/common/daemon-client.js';
import { stopDaemon } from '../../main/cli/stop.js';
import { applyConfig, defaultConfig, type DaemonConfig } from '../../main/common/config.js';
import { silentLogger } from '../../main/common/logger.js';
import { runDaemonHost } from '../../main/daemon/host.js';
import { freePort, makeSandbox, destroySandbox, runCco, type Sandbox } from '../cli/harness.js';
import { sdk, userMessage } from '../support/clients.js';
import { hostDaemonInChild } from '../support/fork-daemon.js';
import { waitFor } from '../support/wait.js';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';

let fake: FakeAnthropic;
const dirs: string[] = [];
before(async () => {
  fake = await startFakeAnthropic();
});
after(async () => {
  await fake.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cco-app-'));
  dirs.push(dir);
  return dir;
}

function config(port: number, overrides: Partial<DaemonConfig> = {}): DaemonConfig {
  return applyConfig(defaultConfig(), { port, upstream: fake.url, ...overrides });
}

function controller(cfg: () => DaemonConfig, dir: string, extra: Partial<DaemonControllerDeps> = {}): DaemonController {
  return new DaemonController({
    config: cfg,
    decide: (c) => decideStart(c),
    host: (c) => hostDaemonInChild(c, dir),
    stopExternal: async (c) => {
      await stopDaemon({ config: c, dataDir: dir }, { env: {}, cwd: dir, out() {}, err() {}, stderrIsTTY: false });
    },
    health: (url) => fetchHealth(url, 1000),
    stats: (url) => fetchTodayStats(url),
    upstream: (url) => checkUpstream(url, 2000),
    logger: silentLogger,
    ...extra,
  });
}

/** Another program on the port: it accepts and hangs up, so it is plainly not a CCO daemon. */
function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('decideStart: host on a free port, attach to a CCO daemon, refuse a port held by another program', async () => {
  const port = await freePort();
  assert.deepEqual(await decideStart(config(port)), { action: 'host' });

  const daemon = await runDaemonHost({ config: config(port), dataDir: dataDir(), console: false });
  try {
    const decision = await decideStart(config(port));
    assert.equal(decision.action, 'attach');
    assert.equal(decision.action === 'attach' && decision.health.pid, process.pid);
  } finally {
    await daemon.close(0);
  }

  const other = await listen(port);
  try {
    const decision = await decideStart(config(port));
    assert.equal(decision.action, 'refuse');
    assert.match(decision.action === 'refuse' ? decision.reason : '', new RegExp(`Port ${port} is already in use by another program`));
  } finally {
    other.close();
  }
});

test('the app hosts the daemon: running with today\'s stats, requests are served, Stop drains and frees the port', async () => {
  const port = await freePort();
  const dir = dataDir();
  const daemon = controller(() => config(port), dir);
  const states: string[] = [];
  daemon.onChange((s) => states.push(s.kind));
  const state = await daemon.start();
  assert.equal(state.kind, 'running');
  assert.equal(state.kind === 'running' && state.owner, 'app');
  const child = state.kind === 'running' ? state.pid : null;
  assert.ok(child && child !== process.pid, 'the daemon runs in a process of its own');
  assert.equal((await fetchHealth(`http://127.0.0.1:${port}`, 1000))?.pid, child, 'and that process answers');
  assert.equal(state.kind === 'running' && state.upstreamProblem, null);
  assert.deepEqual(state.kind === 'running' && state.stats, { requests: 0, hitRate: 0, costUsd: 0 });

  await sdk(`http://127.0.0.1:${port}`).messages.create(userMessage('through the tray app'));
  const refreshed = await daemon.refresh();
  assert.equal(refreshed.kind === 'running' && refreshed.stats?.requests, 1);

  const stopped = await daemon.stop();
  assert.equal(stopped.kind, 'stopped');
  assert.deepEqual(states.slice(0, 1), ['starting']);
  assert.ok(states.includes('stopping'));
  assert.equal(await fetchHealth(`http://127.0.0.1:${port}`, 500), null, 'nothing answers after Stop');
  assert.deepEqual(await decideStart(config(port)), { action: 'host' }, 'the port is free again');
});

test('a port held by another program: error state with the reason and a problem report, never silent', async () => {
  const port = await freePort();
  const other = await listen(port);
  try {
    const daemon = controller(() => config(port), dataDir());
    const problems: string[] = [];
    daemon.onProblem((p) => problems.push(`${p.title}: ${p.body}`));
    const state = await daemon.start();
    assert.equal(state.kind, 'error');
    assert.match(state.kind === 'error' ? state.reason : '', /already in use by another program/);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /CCO could not start the daemon: Port \d+ is already in use/);
  } finally {
    other.close();
  }
});

test('an unreachable upstream is reported while the daemon runs, and clears once it answers again', async () => {
  const port = await freePort();
  const deadPort = await freePort();
  let upstream = `http://127.0.0.1:${deadPort}`;
  const daemon = controller(() => config(port, { upstream }), dataDir());
  const problems: string[] = [];
  daemon.onProblem((p) => problems.push(p.body));
  const state = await daemon.start();
  try {
    assert.equal(state.kind, 'running');
    assert.match(state.kind === 'running' ? state.upstreamProblem ?? '' : '', new RegExp(`Upstream http://127.0.0.1:${deadPort} is unreachable \\(ECONNREFUSED\\)`));
    assert.equal(problems.length, 1);
    // The same host now answers: the next refresh clears the warning.
    const revived = createServer((socket) => socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => revived.listen(deadPort, '127.0.0.1', resolve));
    try {
      const after = await daemon.refresh();
      assert.equal(after.kind === 'running' && after.upstreamProblem, null);
    } finally {
      revived.close();
    }
  } finally {
    upstream = fake.url;
    await daemon.stop();
  }
});

test('invalid settings: the daemon does not start, and the reason is the error state', async () => {
  const daemon = controller(() => {
    throw new Error('settings.json: "port" must be a number, got "x"');
  }, dataDir());
  const state = await daemon.start();
  assert.deepEqual(state, { kind: 'error', reason: 'settings.json: "port" must be a number, got "x"', port: null });
});

test('attach to a daemon started by `cco`, show it, and Stop it with the CLI\'s own stop logic', { timeout: 30_000 }, async () => {
  const sandbox: Sandbox = await makeSandbox();
  try {
    const started = await runCco(['daemon', 'start', '--upstream', fake.url], { env: sandbox.env });
    assert.equal(started.code, 0, started.stderr);
    const dir = sandbox.env.CCO_HOME!;
    const cliHealth = await fetchHealth(`http://127.0.0.1:${sandbox.port}`, 1000);
    assert.ok(cliHealth, 'the cco daemon answers');

    const daemon = controller(() => config(sandbox.port), dir);
    const state = await daemon.start();
    assert.equal(state.kind, 'running');
    assert.equal(state.kind === 'running' && state.owner, 'external');
    assert.equal(state.kind === 'running' && state.pid, cliHealth.pid);

    const stopped = await daemon.stop();
    assert.equal(stopped.kind, 'stopped');
    assert.equal(await fetchHealth(`http://127.0.0.1:${sandbox.port}`, 500), null, 'the cco daemon is gone');
  } finally {
    await destroySandbox(sandbox);
  }
});

test('an attached daemon that stops outside the app is noticed on the next refresh', { timeout: 30_000 }, async () => {
  const sandbox = await makeSandbox();
  try {
    assert.equal((await runCco(['daemon', 'start', '--upstream', fake.url], { env: sandbox.env })).code, 0);
    const daemon = controller(() => config(sandbox.port), sandbox.env.CCO_HOME!);
    assert.equal((await daemon.start()).kind, 'running');
    assert.equal((await runCco(['daemon', 'stop'], { env: sandbox.env })).code, 0);
    const state = await daemon.refresh();
    assert.deepEqual(state, { kind: 'stopped', note: `the daemon on port ${sandbox.port} stopped outside the app` });
  } finally {
    await destroySandbox(sandbox);
  }
});

test('Quit closes a daemon the app hosts but leaves one it attached to running', async () => {
  const port = await freePort();
  const dir = dataDir();
  const external = await runDaemonHost({ config: config(port), dataDir: dir, console: false });
  try {
    const daemon = controller(() => config(port), dir);
    assert.equal((await daemon.start()).kind, 'running');
    await daemon.shutdown();
    assert.ok(await fetchHealth(external.url, 1000), 'the attached daemon still answers');
  } finally {
    await external.close(0);
  }
  const hostedPort = await freePort();
  const own = controller(() => config(hostedPort), dir);
  assert.equal((await own.start()).kind, 'running');
  assert.equal((await own.shutdown()).kind, 'stopped');
  assert.equal(await fetchHealth(`http://127.0.0.1:${hostedPort}`, 500), null);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a hosted daemon killed from outside is restarted, with a notification, and serves again', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const daemon = controller(() => config(port), dataDir());
  const problems: Array<{ title: string; body: string }> = [];
  daemon.onProblem((p) => problems.push(p));
  const first = await daemon.start();
  const firstPid = first.kind === 'running' ? first.pid! : 0;
  try {
    process.kill(firstPid, 'SIGKILL');
    await waitFor(() => daemon.state.kind === 'running' && daemon.state.pid !== firstPid, { timeoutMs: 20_000, message: 'a restarted daemon' });
    const again = daemon.state;
    assert.equal(again.kind === 'running' && again.owner, 'app');
    assert.equal(isAlive(firstPid), false);
    // Only the crash is news (an upstream check slowed by a busy machine could add its own).
    const crashes = problems.filter((p) => p.title.includes('daemon'));
    assert.equal(crashes.length, 1);
    assert.equal(crashes[0]!.title, 'CCO daemon stopped unexpectedly');
    assert.match(crashes[0]!.body, /\(signal SIGKILL\) and is being restarted\. See .*daemon-\d+\.log/);
    const reply = await sdk(`http://127.0.0.1:${port}`).messages.create(userMessage('after the crash'));
    assert.equal(reply.type, 'message');
  } finally {
    await daemon.stop();
  }
  assert.equal(await fetchHealth(`http://127.0.0.1:${port}`, 500), null, 'Stop after a restart stops the new process');
});

test('a daemon that keeps dying is left stopped after three crashes in a minute, and says where to look', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const daemon = controller(() => config(port), dataDir(), { now: () => 1_000_000 });
  const titles: string[] = [];
  daemon.onProblem((p) => titles.push(p.title));
  await daemon.start();
  for (let crash = 1; crash <= 3; crash++) {
    const state = daemon.state;
    assert.equal(state.kind, 'running', `running before crash ${crash}`);
    process.kill(state.kind === 'running' ? state.pid! : 0, 'SIGKILL');
    await waitFor(() => daemon.state.kind === 'error' || (daemon.state.kind === 'running' && daemon.state.pid !== (state.kind === 'running' && state.pid)), {
      timeoutMs: 20_000,
      message: `the controller to handle crash ${crash}`,
    });
  }
  const state = daemon.state;
  assert.equal(state.kind, 'error');
  assert.match(state.kind === 'error' ? state.reason : '', /stopped unexpectedly 3 times within a minute/);
  assert.deepEqual(titles.filter((t) => t.includes('daemon')), ['CCO daemon stopped unexpectedly', 'CCO daemon stopped unexpectedly', 'CCO daemon keeps stopping']);
  assert.equal(await fetchHealth(`http://127.0.0.1:${port}`, 500), null);
});

test('a hosted daemon stopped from outside (kill PID) drains, exits and is not restarted', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const daemon = controller(() => config(port), dataDir());
  const problems: string[] = [];
  daemon.onProblem((p) => problems.push(p.title));
  const state = await daemon.start();
  const pid = state.kind === 'running' ? state.pid! : 0;
  const calls = fake.messageCalls;
  const answer = sdk(`http://127.0.0.1:${port}`).messages.create(userMessage('kill me gently HOLD:outside-stop'));
  await waitFor(() => fake.messageCalls > calls, { message: 'the request to reach the upstream' });
  process.kill(pid, 'SIGTERM');
  await waitFor(async () => (await fetchHealth(`http://127.0.0.1:${port}`, 300)) === null, { timeoutMs: 10_000, message: 'new connections refused' });
  fake.release('outside-stop');
  assert.equal((await answer).type, 'message', 'the request under way got its answer');
  await waitFor(() => daemon.state.kind === 'stopped', { timeoutMs: 15_000, message: 'the stopped state' });
  assert.deepEqual(daemon.state, { kind: 'stopped', note: `the daemon on port ${port} was stopped outside the app` });
  assert.deepEqual(problems.filter((t) => t.includes('daemon')), []);
  assert.equal(isAlive(pid), false);
});

test('the host entry, started and stopped as a child process: drains the request under way, then exits', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const hosted = await hostDaemonInChild(config(port), dataDir());
  let crashed = false;
  hosted.onUnexpectedExit(() => {
    crashed = true;
  });
  const calls = fake.messageCalls;
  const answer = sdk(hosted.url).messages.create(userMessage('stop while I talk HOLD:child-drain'));
  await waitFor(() => fake.messageCalls > calls, { message: 'the request to reach the upstream' });
  const closed = hosted.close(10_000);
  await waitFor(async () => (await fetchHealth(hosted.url, 300)) === null, { timeoutMs: 10_000, message: 'new connections to be refused' });
  assert.equal(isAlive(hosted.pid), true, 'still draining');
  fake.release('child-drain');
  assert.equal((await answer).type, 'message', 'the request under way got its answer');
  await closed;
  assert.equal(isAlive(hosted.pid), false, 'the process has ended');
  assert.equal(crashed, false, 'a requested stop is no crash');
});

test('a daemon that cannot start in its process: the error state gives the reason the daemon gave', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const blocker = join(dataDir(), 'not-a-directory');
  writeFileSync(blocker, 'a file where the data directory should be');
  const problems: string[] = [];
  const daemon = controller(() => config(port), join(blocker, 'cco'));
  daemon.onProblem((p) => problems.push(p.body));
  const state = await daemon.start();
  assert.equal(state.kind, 'error');
  assert.match(state.kind === 'error' ? state.reason : '', /Data directory .*not-a-directory.* is not writable \(ENOTDIR\)/);
  assert.equal(problems.length, 1);
  assert.deepEqual(await decideStart(config(port)), { action: 'host' }, 'nothing holds the port');
});
