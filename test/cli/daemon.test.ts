import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  destroySandbox,
  freePort,
  healthOf,
  isGone,
  logFile,
  makeSandbox,
  pidFile,
  runCco,
  startCco,
  waitFor,
  type Sandbox,
} from './harness.js';

/** The per-install token the daemon created in the sandbox's data directory. */
function tokenOf(sandbox: Sandbox): string {
  return readFileSync(join(sandbox.env.CCO_HOME ?? '', 'token'), 'utf8').trim();
}

function readPid(sandbox: Sandbox, port = sandbox.port): number {
  return Number.parseInt(readFileSync(pidFile(sandbox, port), 'utf8'), 10);
}

/** A pid that certainly belongs to no process: a child that has already exited and been reaped. */
async function deadPid(): Promise<number> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 999_999;
}

describe('cco daemon start|status|stop|restart', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
  });
  after(async () => {
    await destroySandbox(sandbox);
  });

  it('status says not running with exit 3, also as JSON', async () => {
    const text = await runCco(['daemon', 'status'], { env: sandbox.env });
    assert.equal(text.code, 3);
    assert.match(text.stdout, new RegExp(`not running on port ${sandbox.port}`));
    const json = await runCco(['daemon', 'status', '--json'], { env: sandbox.env });
    assert.equal(json.code, 3);
    assert.deepEqual(JSON.parse(json.stdout), { running: false, port: sandbox.port, stalePidFile: null, managedBy: null });
  });

  it('start runs the daemon in the background and reports it', async () => {
    const result = await runCco(['daemon', 'start', '--cache-size', '5'], { env: sandbox.env });
    assert.equal(result.code, 0, result.stderr);
    const health = await healthOf(sandbox.port);
    assert.ok(health);
    assert.match(result.stdout, /✅ Daemon started successfully/);
    assert.match(result.stdout, new RegExp(`PID: ${health.pid}\\b`));
    assert.match(result.stdout, new RegExp(`Dashboard: http://localhost:${sandbox.port}/#token=${tokenOf(sandbox)}\n`));
    assert.equal(readPid(sandbox), health.pid);
  });

  it('start again says it is already running, with its PID', async () => {
    const pid = readPid(sandbox);
    const result = await runCco(['daemon', 'start'], { env: sandbox.env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /already running/);
    assert.match(result.stdout, new RegExp(`PID: ${pid}\\b`));
  });

  it('status shows the daemon, text and JSON', async () => {
    const pid = readPid(sandbox);
    const text = await runCco(['daemon', 'status'], { env: sandbox.env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`PID: ${pid}\\b`));
    assert.match(text.stdout, /Upstream: http:\/\/127\.0\.0\.1:9/);
    assert.match(text.stdout, /Cache: 0 entries, 0 B, hit rate 0%/);
    const json = await runCco(['daemon', 'status', '--json'], { env: sandbox.env });
    assert.equal(json.code, 0);
    const status = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.equal(status.running, true);
    assert.equal(status.pid, pid);
    assert.equal(status.port, sandbox.port);
    assert.equal(status.upstream, 'http://127.0.0.1:9');
    assert.equal(typeof status.uptimeSeconds, 'number');
    assert.equal((status.cache as { size: number }).size, 0);
  });

  it('dashboard --print prints the address with the token; status shows it too', async () => {
    const expected = `http://localhost:${sandbox.port}/#token=${tokenOf(sandbox)}`;
    const printed = await runCco(['dashboard', '--print'], { env: sandbox.env });
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, `${expected}\n`);
    const status = await runCco(['daemon', 'status'], { env: sandbox.env });
    assert.ok(status.stdout.includes(`Dashboard: ${expected}\n`), status.stdout);
  });

  it('dashboard opens the address in the browser ($BROWSER)', async () => {
    const opened = join(sandbox.home, 'opened-url');
    const browser = join(sandbox.bin, 'fake-browser');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`, { mode: 0o755 });
    const result = await runCco(['dashboard'], { env: { ...sandbox.env, BROWSER: browser } });
    assert.equal(result.code, 0, result.stderr);
    await waitFor(() => existsSync(opened) && readFileSync(opened, 'utf8').length > 0, 10_000, 'the browser to be started');
    assert.equal(readFileSync(opened, 'utf8'), `http://localhost:${sandbox.port}/#token=${tokenOf(sandbox)}`);
  });

  it('dashboard says so, and still prints the address, when no browser can be started', async () => {
    const result = await runCco(['dashboard'], { env: { ...sandbox.env, BROWSER: join(sandbox.home, 'no-such-browser') } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Could not open a browser/);
    assert.match(result.stdout, /#token=/);
  });

  it('dashboard --print names a data directory it cannot use, without a stack trace', async () => {
    const file = join(sandbox.home, 'a-file');
    writeFileSync(file, '');
    const result = await runCco(['dashboard', '--print'], { env: { ...sandbox.env, CCO_HOME: join(file, 'data') } });
    assert.equal(result.code, 1);
    assert.ok(result.stderr.includes(`(ENOTDIR: ${file} is a file, not a directory)\nMove that file away`), result.stderr);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('logs -n prints the last lines of the log file', async () => {
    appendFileSync(logFile(sandbox), 'marker one\nmarker two\n');
    const result = await runCco(['daemon', 'logs', '-n', '2'], { env: sandbox.env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'marker one\nmarker two\n');
  });

  it('logs --follow prints appended lines until SIGINT', async () => {
    const started = startCco(['daemon', 'logs', '-n', '0', '--follow'], { env: sandbox.env });
    // The follower is watching once the process is up; append until it shows (the first write may precede the watch).
    await waitFor(() => {
      appendFileSync(logFile(sandbox), 'followed line\n');
      return started.output().stdout.includes('followed line');
    }, 10_000, 'the appended line');
    started.child.kill('SIGINT');
    const result = await started.result;
    assert.equal(result.code, 0, result.stderr);
  });

  it('logs --follow stops by itself when its reader goes away (cco daemon logs -f | grep -m1 ...)', async () => {
    const started = startCco(['daemon', 'logs', '-n', '1', '--follow'], { env: sandbox.env });
    await waitFor(() => started.output().stdout.length > 0, 10_000, 'the last line');
    started.child.stdout!.destroy();
    // Appending makes the follower write into the closed pipe; it must end rather than follow forever.
    await waitFor(async () => {
      appendFileSync(logFile(sandbox), 'nobody reads this\n');
      return started.child.exitCode !== null || started.child.signalCode !== null;
    }, 10_000, 'the follower to stop');
    const result = await started.result;
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EPIPE/);
  });

  it('restart stops the daemon and starts a new one with the new flags', async () => {
    const before = readPid(sandbox);
    const result = await runCco(['daemon', 'restart', '--upstream', 'http://127.0.0.1:10'], { env: sandbox.env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Daemon stopped/);
    assert.match(result.stdout, /Daemon started successfully/);
    const health = await healthOf(sandbox.port);
    assert.ok(health);
    assert.notEqual(health.pid, before);
    assert.equal(health.upstream, 'http://127.0.0.1:10');
    assert.equal(isGone(before), true);
  });

  it('restart keeps the running daemon\'s options, changes only those given, and says what changed', async () => {
    const result = await runCco(['daemon', 'restart', '--cache-size', '60'], { env: { ...sandbox.env, CCO_UPSTREAM_URL: 'http://127.0.0.1:9' } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /--cache-size: \d+ → 60/);
    assert.doesNotMatch(result.stdout, /--upstream/);
    const health = await healthOf(sandbox.port);
    assert.equal(health?.upstream, 'http://127.0.0.1:10', 'the upstream of the previous restart is kept');
    assert.equal((health?.options as { cacheSize?: number } | undefined)?.cacheSize, 60);
  });

  it('a broken settings.json does not block status, logs or stop of a daemon named by --port', async () => {
    const file = join(sandbox.env.CCO_HOME ?? '', 'settings.json');
    writeFileSync(file, '{ "port": ');
    try {
      const port = String(sandbox.port);
      const status = await runCco(['daemon', 'status', '--port', port, '--json'], { env: sandbox.env });
      assert.equal(status.code, 0, status.stderr);
      assert.equal((JSON.parse(status.stdout) as { running: boolean }).running, true);
      assert.match(status.stderr, /Warning: ignoring the settings file: .*settings\.json/);
      const logs = await runCco(['daemon', 'logs', '--port', port, '-n', '1'], { env: sandbox.env });
      assert.equal(logs.code, 0, logs.stderr);
      const refused = await runCco(['daemon', 'status'], { env: sandbox.env });
      assert.equal(refused.code, 2, 'without --port the file decides the port, so it must be fixed');
    } finally {
      writeFileSync(file, '{}');
    }
  });

  it('stop stops it and removes the PID file; stop again says not running', async () => {
    const pid = readPid(sandbox);
    const result = await runCco(['daemon', 'stop'], { env: sandbox.env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Daemon stopped/);
    assert.equal(await healthOf(sandbox.port), null);
    assert.equal(existsSync(pidFile(sandbox)), false);
    await waitFor(() => isGone(pid), 5000, 'the daemon process to go');
    const again = await runCco(['daemon', 'stop'], { env: sandbox.env });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /not running/);
  });
});

describe('cco daemon failure handling', () => {
  let sandbox: Sandbox;
  let blocker: Server | undefined;
  before(async () => {
    sandbox = await makeSandbox();
  });
  after(async () => {
    blocker?.close();
    await destroySandbox(sandbox);
  });

  it('names a port taken by another program, how to find it and --port, and starts nothing', async () => {
    // Hangs up on every connection, like a program that does not speak HTTP.
    blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker?.listen(sandbox.port, '127.0.0.1', resolve));
    const result = await runCco(['daemon', 'start'], { env: sandbox.env });
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`Port ${sandbox.port} is already in use`));
    assert.match(result.stderr, /lsof -i :\d+|ss -ltnp/);
    assert.match(result.stderr, /--port/);
    assert.equal(existsSync(pidFile(sandbox)), false);
    const launch = await runCco(['-p', 'x'], { env: sandbox.env });
    assert.equal(launch.code, 1);
    assert.match(launch.stderr, /already in use/);
    assert.equal(existsSync(sandbox.recordFile), false, 'Claude Code is not run without its daemon');
    await new Promise((resolve) => blocker?.close(resolve));
    blocker = undefined;
  });

  it('a stale PID file (dead pid) does not block start, and stop clears it', async () => {
    const dataDir = sandbox.env.CCO_HOME ?? '';
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(pidFile(sandbox), `${await deadPid()}\n`);
    const status = await runCco(['daemon', 'status'], { env: sandbox.env });
    assert.equal(status.code, 3);
    assert.match(status.stdout, /stale/);
    const stop = await runCco(['daemon', 'stop'], { env: sandbox.env });
    assert.equal(stop.code, 0);
    assert.match(stop.stdout, /not running/);
    assert.equal(existsSync(pidFile(sandbox)), false);
    writeFileSync(pidFile(sandbox), `${await deadPid()}\n`);
    const start = await runCco(['daemon', 'start'], { env: sandbox.env });
    assert.equal(start.code, 0, start.stderr);
    const health = await healthOf(sandbox.port);
    assert.ok(health);
    assert.equal(readPid(sandbox), health.pid);
  });

  it('stop refuses to guess when the PID file names another program but a daemon answers', async () => {
    // The test runner stands in for an unrelated program that now has the recorded pid.
    const daemon = await healthOf(sandbox.port);
    assert.ok(daemon);
    writeFileSync(pidFile(sandbox), `${process.pid}\n`);
    const result = await runCco(['daemon', 'stop'], { env: sandbox.env });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /stale PID file/);
    assert.match(result.stderr, /not started by the cco command/);
    assert.equal(existsSync(pidFile(sandbox)), false);
    assert.equal((await healthOf(sandbox.port))?.pid, daemon.pid, 'the daemon was not touched');
    process.kill(daemon.pid, 'SIGTERM');
    await waitFor(async () => (await healthOf(sandbox.port)) === null && isGone(daemon.pid), 15_000, 'the daemon to stop');
  });

  it('stop treats a reused pid as a stale PID file: removed, nothing killed, exit 0', async () => {
    writeFileSync(pidFile(sandbox), `${process.pid}\n`);
    const result = await runCco(['daemon', 'stop'], { env: sandbox.env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /not running/);
    assert.equal(existsSync(pidFile(sandbox)), false);
  });

  it('reports a daemon that dies during start-up with the end of its log, and leaves nothing behind', async () => {
    const port = await freePort();
    const env = { ...sandbox.env, CCO_PORT: String(port) };
    mkdirSync(join(sandbox.env.CCO_HOME ?? '', 'logs'), { recursive: true });
    const earlier = Array.from({ length: 30 }, (_, i) => `earlier line ${i}`).join('\n');
    writeFileSync(logFile(sandbox, port), `${earlier}\n`);
    // Preloaded into every node process of the run, it fails only the daemon itself.
    const crash = join(sandbox.home, 'crash-daemon.cjs');
    writeFileSync(crash, "if (process.argv.includes('--foreground')) { console.error('boom: simulated start-up failure'); process.exit(3); }\n");
    const result = await runCco(['daemon', 'start'], { env: { ...env, NODE_OPTIONS: `--require ${crash}` } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Daemon failed to start: it exited with code 3/);
    assert.match(result.stderr, /boom: simulated start-up failure/);
    assert.match(result.stderr, /earlier line 29/);
    assert.doesNotMatch(result.stderr, /earlier line 5\b/, 'only the last lines');
    assert.equal(existsSync(pidFile(sandbox, port)), false);
    assert.equal(existsSync(join(sandbox.env.CCO_HOME ?? '', `daemon-${port}.lock`)), false);
    assert.equal(await healthOf(port), null);
  });
});

describe('cco daemon usage errors and help', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
  });
  after(async () => {
    await destroySandbox(sandbox);
  });

  for (const command of [[], ['daemon'], ['daemon', 'start'], ['daemon', 'stop'], ['daemon', 'restart'], ['daemon', 'status'], ['daemon', 'logs']]) {
    it(`cco ${[...command, '--help'].join(' ')} prints help and exits 0`, async () => {
      const result = await runCco([...command, '--help'], { env: sandbox.env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Usage: cco/);
    });
  }

  it('start --help lists the options with their defaults', async () => {
    const { stdout } = await runCco(['daemon', 'start', '--help'], { env: sandbox.env });
    for (const option of ['--port', '--host', '--upstream', '--cache-size', '--cache-ttl', '--cache-max-bytes', '--workers', '--log-level', '--foreground']) {
      assert.ok(stdout.includes(option), option);
    }
    assert.match(stdout, /default: 3000/);
  });

  it('an unknown option is named, with a hint to --help, exit 2', async () => {
    const result = await runCco(['daemon', 'start', '--bogus'], { env: sandbox.env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option '--bogus'/);
    assert.match(result.stderr, /cco daemon start --help/);
    const sub = await runCco(['daemon', 'frobnicate'], { env: sandbox.env });
    assert.equal(sub.code, 2);
    assert.match(sub.stderr, /frobnicate/);
  });

  it('an invalid value is a config error, exit 2, and starts nothing', async () => {
    const result = await runCco(['daemon', 'start', '--port', '70000'], { env: sandbox.env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^Error: port must be/m);
    const env = await runCco(['daemon', 'status'], { env: { ...sandbox.env, CCO_CACHE_TTL: 'soon' } });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /cache TTL/);
    const host = await runCco(['daemon', 'start', '--host', 'not.a.host'], { env: sandbox.env });
    assert.equal(host.code, 2);
    assert.match(host.stderr, /^Error: host must be an IP address .*"not\.a\.host"/m);
    assert.doesNotMatch(host.stderr, /\n\s+at /, 'a reason, not a stack trace');
  });

  it('a negative number is refused by the option\'s own check, not called ambiguous', async () => {
    const result = await runCco(['daemon', 'start', '--cache-ttl', '-5'], { env: sandbox.env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^Error: cache TTL must be a whole number from 1 to \d+, got "-5"/m);
    assert.doesNotMatch(result.stderr, /ambiguous/);
  });

  it('the port range in messages is the range the command accepts', async () => {
    for (const port of ['0', '70000']) {
      const result = await runCco(['daemon', 'start', '--port', port], { env: sandbox.env });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^Error: port must be a whole number from 1 to 65535/m, port);
    }
  });

  it('cco route test with an unknown option names it in one line', async () => {
    const result = await runCco(['route', 'test', 'x', '--bogus'], { env: sandbox.env });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^Error: unknown option '--bogus'\nRun 'cco route test --help'/);
  });

  it('the not-running hint keeps the port it was asked about', async () => {
    const other = await freePort();
    const result = await runCco(['daemon', 'status', '--port', String(other)], { env: sandbox.env });
    assert.equal(result.code, 3);
    assert.match(result.stdout, new RegExp(`Start it with: cco daemon start --port ${other}`));
  });

  it('a foreground daemon writing to a pipe prints no colour codes', async () => {
    const port = await freePort();
    const started = startCco(['daemon', 'start', '--foreground', '--port', String(port)], { env: sandbox.env });
    try {
      await waitFor(() => /INFO .*listening/.test(started.output().stdout), 10_000, 'the listening line');
    } finally {
      started.child.kill('SIGTERM');
    }
    await started.result;
    assert.ok(!started.output().stdout.includes('\x1b['), started.output().stdout);
  });

  it('a corrupt settings.json is reported with its path', async () => {
    const dataDir = sandbox.env.CCO_HOME ?? '';
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'settings.json');
    writeFileSync(file, '{ "port": ');
    try {
      const result = await runCco(['daemon', 'status'], { env: sandbox.env });
      assert.equal(result.code, 2);
      assert.ok(result.stderr.includes(file), result.stderr);
    } finally {
      writeFileSync(file, '{}');
    }
  });

  it('settings.json sits under the environment and flags', async () => {
    const dataDir = sandbox.env.CCO_HOME ?? '';
    const file = join(dataDir, 'settings.json');
    const filePort = await freePort();
    writeFileSync(file, JSON.stringify({ port: filePort, startAtLogin: true }));
    try {
      const { CCO_PORT: _omit, ...withoutPort } = sandbox.env;
      const fromFile = await runCco(['daemon', 'status', '--json'], { env: withoutPort });
      assert.equal((JSON.parse(fromFile.stdout) as { port: number }).port, filePort);
      const fromEnv = await runCco(['daemon', 'status', '--json'], { env: sandbox.env });
      assert.equal((JSON.parse(fromEnv.stdout) as { port: number }).port, sandbox.port);
      const fromFlag = await runCco(['daemon', 'status', '--json', '--port', '4321'], { env: sandbox.env });
      assert.equal((JSON.parse(fromFlag.stdout) as { port: number }).port, 4321);
    } finally {
      writeFileSync(file, '{}');
    }
  });
});
