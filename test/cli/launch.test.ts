import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  destroySandbox,
  healthOf,
  logFile,
  makeSandbox,
  pidFile,
  readRecord,
  runCco,
  startCco,
  waitFor,
  type Sandbox,
} from './harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('cco [claude arguments]', () => {
  let sandbox: Sandbox;
  let project: string;

  before(async () => {
    sandbox = await makeSandbox();
    project = join(sandbox.home, 'my project');
    mkdirSync(project);
  });
  after(async () => {
    await destroySandbox(sandbox);
  });

  it('starts the daemon, passes every argument and the environment through, and returns the exit code', async () => {
    const env = { ...sandbox.env, STUB_CLAUDE_EXIT: '7', ANTHROPIC_API_KEY: 'sk-ant-test-key', ANTHROPIC_AUTH_TOKEN: 'tok' };
    const result = await runCco(['-p', 'hi there', '--model', 'x', '--port', '1'], { env, cwd: project });
    assert.equal(result.code, 7, result.stderr);
    const record = readRecord(sandbox);
    assert.deepEqual(record.argv, ['-p', 'hi there', '--model', 'x', '--port', '1']);
    assert.equal(record.cwd, project);
    const url = `http://127.0.0.1:${sandbox.port}`;
    assert.equal(record.env.ANTHROPIC_BASE_URL, url);
    assert.equal(record.env.ORCHESTRATOR_ENABLED, '1');
    assert.equal(record.env.ORCHESTRATOR_API_URL, url);
    assert.equal(record.env.ORCHESTRATOR_PORT, String(sandbox.port));
    assert.equal(record.env.ORCHESTRATOR_PROJECT, project);
    assert.match(record.env.ORCHESTRATOR_SESSION_ID ?? '', UUID);
    assert.match(record.env.ORCHESTRATOR_VERSION ?? '', /^\d+\.\d+\.\d+/);
    assert.equal(record.env.ANTHROPIC_API_KEY, 'sk-ant-test-key');
    assert.equal(record.env.ANTHROPIC_AUTH_TOKEN, 'tok');
    assert.equal(
      record.env.ANTHROPIC_CUSTOM_HEADERS,
      `X-CCO-Project: ${project}\nX-CCO-Session: ${record.env.ORCHESTRATOR_SESSION_ID}`,
    );
    const health = await healthOf(sandbox.port);
    assert.ok(health, 'the daemon answers /health');
    assert.ok(existsSync(pidFile(sandbox)), 'the daemon wrote its PID file');
  });

  it('gives each launch a new session id and keeps the user\'s own custom headers', async () => {
    const env = { ...sandbox.env, ANTHROPIC_CUSTOM_HEADERS: 'X-Team: blue\nX-CCO-Session: stale\nX-Trace: 1' };
    assert.equal((await runCco([], { env, cwd: project })).code, 0);
    const first = readRecord(sandbox);
    assert.equal((await runCco([], { env, cwd: project })).code, 0);
    const second = readRecord(sandbox);
    assert.notEqual(first.env.ORCHESTRATOR_SESSION_ID, second.env.ORCHESTRATOR_SESSION_ID);
    assert.equal(
      second.env.ANTHROPIC_CUSTOM_HEADERS,
      `X-Team: blue\nX-Trace: 1\nX-CCO-Project: ${project}\nX-CCO-Session: ${second.env.ORCHESTRATOR_SESSION_ID}`,
    );
  });

  it('ends cco options at -- and passes the rest verbatim', async () => {
    assert.equal((await runCco(['--', '--help', '--version'], { env: sandbox.env })).code, 0);
    assert.deepEqual(readRecord(sandbox).argv, ['--help', '--version']);
  });

  it('forwards SIGTERM to Claude Code and exits with its code', async () => {
    const env = { ...sandbox.env, STUB_CLAUDE_WAIT_SIGNAL: 'SIGTERM', STUB_CLAUDE_SIGNAL_EXIT: '42' };
    rmSync(sandbox.recordFile, { force: true });
    const started = startCco(['--wait'], { env });
    await waitFor(() => existsSync(sandbox.recordFile), 10_000, 'the stub to be ready');
    started.child.kill('SIGTERM');
    const result = await started.result;
    assert.equal(result.code, 42, result.stderr);
    assert.equal(readRecord(sandbox).signal, 'SIGTERM');
  });

  it('--no-daemon runs Claude Code untouched, without a daemon', async () => {
    const other = await makeSandbox();
    try {
      const env = { ...other.env, ANTHROPIC_CUSTOM_HEADERS: 'X-Team: blue' };
      const result = await runCco(['--no-daemon', '-p', 'x'], { env });
      assert.equal(result.code, 0, result.stderr);
      const record = readRecord(other);
      assert.deepEqual(record.argv, ['-p', 'x']);
      assert.equal(record.env.ANTHROPIC_BASE_URL, undefined);
      assert.equal(record.env.ORCHESTRATOR_ENABLED, undefined);
      assert.equal(record.env.ANTHROPIC_CUSTOM_HEADERS, 'X-Team: blue');
      assert.equal(await healthOf(other.port), null);
      assert.equal(existsSync(pidFile(other)), false);
    } finally {
      await destroySandbox(other);
    }
  });
});

describe('cco without a daemon to touch', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
  });
  after(async () => {
    await destroySandbox(sandbox);
  });

  it('--help and --version neither start a daemon nor run Claude Code', async () => {
    const help = await runCco(['--help'], { env: sandbox.env });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: cco/);
    assert.match(help.stdout, /--no-daemon/);
    const version = await runCco(['--version'], { env: sandbox.env });
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^cco \d+\.\d+\.\d+/);
    assert.equal(existsSync(sandbox.recordFile), false);
    assert.equal(await healthOf(sandbox.port), null);
    assert.equal(existsSync(pidFile(sandbox)), false);
  });

  it('reports a missing Claude Code with where it looked and how to install it, exit 127', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cco-empty-path-'));
    try {
      const result = await runCco(['-p', 'x'], { env: { ...sandbox.env, PATH: empty } });
      assert.equal(result.code, 127);
      assert.match(result.stderr, /Error: Claude Code executable not found/);
      assert.ok(result.stderr.includes(empty), 'names the PATH directories searched');
      assert.match(result.stderr, /npm install -g @anthropic-ai\/claude-code/);
      assert.equal(await healthOf(sandbox.port), null, 'no daemon started for nothing');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('honours CCO_CLAUDE_PATH, and names it when it is wrong', async () => {
    const missing = join(sandbox.home, 'nope', 'claude');
    const result = await runCco(['--no-daemon'], { env: { ...sandbox.env, CCO_CLAUDE_PATH: missing } });
    assert.equal(result.code, 127);
    assert.ok(result.stderr.includes(missing));
    const ok = await runCco(['--no-daemon', 'a'], { env: { ...sandbox.env, CCO_CLAUDE_PATH: join(sandbox.bin, 'claude') } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(readRecord(sandbox).argv, ['a']);
  });
});

describe('two cco launched at once with no daemon', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await makeSandbox();
  });
  after(async () => {
    await destroySandbox(sandbox);
  });

  it('end with exactly one daemon and both succeed', async () => {
    const env = (n: number) => ({ ...sandbox.env, STUB_CLAUDE_RECORD: `${sandbox.recordFile}.${n}` });
    const results = await Promise.all([runCco(['one'], { env: env(1) }), runCco(['two'], { env: env(2) })]);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const health = await healthOf(sandbox.port);
    assert.ok(health);
    const dataDir = sandbox.env.CCO_HOME ?? '';
    const pidFiles = readdirSync(dataDir).filter((name) => name.endsWith('.pid'));
    assert.deepEqual(pidFiles, [`daemon-${sandbox.port}.pid`]);
    assert.equal(readdirSync(dataDir).some((name) => name.endsWith('.lock')), false, 'the start-up lock is released');
    const starts = readFileSync(logFile(sandbox), 'utf8').split('\n').filter((line) => /^CCO daemon .* listening on /.test(line));
    assert.equal(starts.length, 1, 'only one daemon process was ever started');
  });
});
