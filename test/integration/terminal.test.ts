import assert from 'node:assert/strict';
import { realpathSync, rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  processAlive,
  sessionEnv,
  startTerminalDaemon,
  stubClaudeScript,
  tempDir,
  TerminalClient,
  terminalUrl,
  TEST_TOKEN,
  upgradeStatus,
  type TerminalDaemon,
} from '../support/terminal.js';
import { waitFor } from '../support/wait.js';

const FLOW = { highWaterBytes: 32 * 1024, lowWaterBytes: 8 * 1024, maxBatchBytes: 8 * 1024 };

describe('terminal with Claude Code installed', () => {
  let t: TerminalDaemon;
  const bin = tempDir('cco-term-bin-');
  const project = realpathSync(tempDir('cco-term-project-'));
  before(async () => {
    t = await startTerminalDaemon({ env: sessionEnv({ CCO_CLAUDE_PATH: stubClaudeScript(bin) }), limits: FLOW });
  });
  after(async () => {
    await t.close();
    rmSync(bin, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  test('a wrong or missing token is refused before any socket opens', async () => {
    assert.equal(await upgradeStatus(terminalUrl(t.url, 'wrong')), 401);
    assert.equal(await upgradeStatus(terminalUrl(t.url, null)), 401);
    assert.equal(await upgradeStatus(terminalUrl(t.url, '')), 401);
    assert.equal(t.service.list().length, 0);
  });

  test('a foreign Origin or Host is refused even with the token', async () => {
    assert.equal(await upgradeStatus(terminalUrl(t.url, TEST_TOKEN), { origin: 'https://evil.example' }), 403);
    assert.equal(await upgradeStatus(terminalUrl(t.url, TEST_TOKEN), { host: 'evil.example:80' }), 403);
    assert.equal(await upgradeStatus(terminalUrl(t.url, TEST_TOKEN), { origin: t.url }), 0);
  });

  test('a session runs Claude Code in the project, through the proxy, and echoes what is typed', async () => {
    const client = await TerminalClient.connect(t.url);
    const ready = await client.open(project);
    assert.equal(ready.kind, 'claude');
    assert.equal(ready.cwd, project);
    assert.equal(ready.notice, undefined);
    await client.sees(`stub-claude in ${project}`);
    await client.sees(`BASE=${t.url}`);
    await client.sees(`X-CCO-Project: ${project}`);
    await client.sees(`X-CCO-Session: ${ready.id}`);
    client.type('echo typed-$((6*7))\r');
    await client.sees('echo typed-$((6*7))'); // the terminal's echo
    await client.sees('typed-42'); // the shell ran it
    client.send({ type: 'close' });
    await client.message('closed');
  });

  test('a character split across two writes of the process arrives whole, in one frame', async () => {
    const client = await TerminalClient.connect(t.url);
    await client.open(project);
    await client.sees('\n$ ');
    // The first byte of "€" is written, then the process waits for a line (not echoed) before
    // writing the other two: the pty delivers them in two reads.
    client.type(`stty -echo; printf 'split:\\342'; read x; printf '\\202\\254 euro\\n'; stty echo\r`);
    await client.sees('split:'); // "\342" is held back until the rest of its character arrives
    client.type('\r');
    await client.sees('split:€ euro');
    assert.equal(client.badFrames, 0, 'every frame is valid UTF-8 on its own');
    client.send({ type: 'close' });
    await client.message('closed');
  });

  test('a flood pauses the process until the page acknowledges what it drew, and nothing is lost', async () => {
    const client = await TerminalClient.connect(t.url, { autoAck: false });
    const ready = await client.open(project);
    client.type(`head -c 1000000 /dev/zero | tr '\\0' x; echo; echo flood-$((1+1))\r`);
    await waitFor(() => t.service.list().find((s) => s.id === ready.id)?.paused === true, { message: 'the session to pause' });
    // What the daemon sent before pausing may still be on its way.
    await waitFor(() => client.receivedBytes >= FLOW.highWaterBytes, { message: 'the output sent before pausing' });
    // Bounded by the watermark plus what was already read and batched, far from the megabyte produced.
    assert.ok(client.receivedBytes < FLOW.highWaterBytes + 4 * 64 * 1024, `${client.receivedBytes} bytes sent unacknowledged`);
    assert.ok(!client.output.includes('flood-2'));
    client.autoAck = true;
    client.ackAll();
    await client.sees('flood-2', 15_000);
    // The flood is one unbroken run of x; stray x elsewhere (the random temp path echoed at start) does not count.
    assert.equal((client.output.match(/x{100,}/g) ?? []).join('').length, 1_000_000);
    const state = t.service.list().find((s) => s.id === ready.id)!;
    assert.equal(state.paused, false);
    client.send({ type: 'close' });
    await client.message('closed');
  });

  test('typing that arrives while the process starts is kept and reaches it', async () => {
    const client = await TerminalClient.connect(t.url);
    client.send({ type: 'open', cols: 100, rows: 30, cwd: project });
    client.type('echo early-$((2*21))\r');
    await client.message('ready');
    await client.sees('early-42');
    client.send({ type: 'close' });
    await client.message('closed');
  });

  test('a page that reloads reattaches to the same process and gets its scrollback', async () => {
    const first = await TerminalClient.connect(t.url);
    const ready = await first.open(project);
    first.type('echo before-$((2+3))\r');
    await first.sees('before-5');
    first.end(); // a reload: no close message
    await first.waitClosed();
    await waitFor(() => t.service.list().find((s) => s.id === ready.id)?.attached === false);

    const second = await TerminalClient.connect(t.url);
    second.send({ type: 'attach', id: ready.id, cols: 90, rows: 20 });
    const again = await second.message('ready');
    assert.equal(again.attached, true);
    assert.equal(again.pid, ready.pid);
    await second.sees('before-5'); // replayed
    second.type('echo after-$((3+4))\r');
    await second.sees('after-7');
    second.send({ type: 'close' });
    await second.message('closed');
  });

  test('a page that asks not to take over is refused while another page shows the session', async () => {
    const holder = await TerminalClient.connect(t.url);
    const ready = await holder.open(project);
    const duplicate = await TerminalClient.connect(t.url);
    duplicate.send({ type: 'attach', id: ready.id, cols: 80, rows: 24, takeover: false });
    assert.equal((await duplicate.message('error')).code, 'held-elsewhere');
    holder.type('echo kept-$((4+4))\r');
    await holder.sees('kept-8');
    const taker = await TerminalClient.connect(t.url);
    taker.send({ type: 'attach', id: ready.id, cols: 80, rows: 24, takeover: true });
    await taker.message('ready');
    assert.match((await holder.message('detached')).reason, /Another page took this session over/);
    taker.send({ type: 'close' });
    await taker.message('closed');
  });

  test('the session manager lists, renames and ends sessions, with the idle limit', async () => {
    const page = await TerminalClient.connect(t.url);
    const ready = await page.open(project);
    const ask = async (message: Parameters<TerminalClient['send']>[0]) => {
      const manager = await TerminalClient.connect(t.url);
      manager.send(message);
      return manager.message('sessions');
    };
    const listed = await ask({ type: 'list' });
    const mine = listed.sessions.find((s) => s.id === ready.id);
    assert.ok(mine?.attached && !mine.exited && mine.name === null && mine.cwd === project);
    assert.ok(mine.startedAt > 0 && listed.idleLimitMs > 0);
    const renamed = await ask({ type: 'rename', id: ready.id, name: '  auth work ' });
    assert.equal(renamed.sessions.find((s) => s.id === ready.id)?.name, 'auth work');
    page.end();
    await page.waitClosed();
    await waitFor(async () => (await ask({ type: 'list' })).sessions.find((s) => s.id === ready.id)?.idleSince !== null, {
      message: 'the closed page leaves the session idle, not ended',
    });
    const ended = await ask({ type: 'end', id: ready.id });
    assert.equal(ended.sessions.some((s) => s.id === ready.id), false);
  });

  test('attaching to an unknown session says it has ended', async () => {
    const client = await TerminalClient.connect(t.url);
    client.send({ type: 'attach', id: 'no-such-session', cols: 80, rows: 24 });
    const error = await client.message('error');
    assert.equal(error.code, 'unknown-session');
    assert.equal((await client.waitClosed()).code, 4400);
  });

  test('a directory that does not exist is refused with a clear message', async () => {
    const client = await TerminalClient.connect(t.url);
    client.send({ type: 'open', cwd: `${project}/missing`, cols: 80, rows: 24 });
    const error = await client.message('error');
    assert.equal(error.code, 'bad-directory');
    assert.match(error.message, /missing is not a directory/);
  });

  test('closing the tab ends its process', async () => {
    const client = await TerminalClient.connect(t.url);
    const ready = await client.open(project);
    await client.sees('stub-claude in');
    assert.ok(processAlive(ready.pid));
    client.send({ type: 'close' });
    await client.message('closed');
    await waitFor(() => !processAlive(ready.pid), { message: `pid ${ready.pid} to end` });
    assert.equal(t.service.get(ready.id), undefined);
  });

  test('a process that exits tells the page its exit code', async () => {
    const client = await TerminalClient.connect(t.url);
    await client.open(project);
    client.type('exit 3\r');
    const exit = await client.message('exit');
    assert.equal(exit.exitCode, 3);
    client.send({ type: 'close' });
    await client.message('closed');
  });
});

describe('terminal without Claude Code', () => {
  test('opens the user\'s shell with a one-line explanation', async () => {
    const emptyBin = tempDir('cco-term-empty-');
    const t = await startTerminalDaemon({ env: sessionEnv({ PATH: `${emptyBin}:/usr/bin:/bin` }) });
    try {
      const client = await TerminalClient.connect(t.url);
      const ready = await client.open();
      assert.equal(ready.kind, 'shell');
      assert.equal(ready.command, '/bin/sh');
      assert.match(ready.notice ?? '', /Claude Code is not installed/);
      await client.sees('Claude Code is not installed');
      client.type('echo shell-$((1+1))\r');
      await client.sees('shell-2');
    } finally {
      await t.close();
      rmSync(emptyBin, { recursive: true, force: true });
    }
  });
});

describe('terminal lifetime', () => {
  test('stopping the daemon ends every session', async () => {
    const t = await startTerminalDaemon({ env: sessionEnv({}) });
    const client = await TerminalClient.connect(t.url);
    const ready = await client.open();
    await client.sees('$ ');
    await t.close();
    await waitFor(() => !processAlive(ready.pid), { message: `pid ${ready.pid} to end` });
    await client.waitClosed();
  });

  test('a node-pty that does not load disables the terminal with a clear message, not the daemon', async () => {
    const { lazyNodePty } = await import('../../main/daemon/terminal/pty.js');
    const t = await startTerminalDaemon({ env: sessionEnv({}), loadPty: lazyNodePty('node-pty-that-is-not-installed') });
    try {
      const client = await TerminalClient.connect(t.url);
      client.send({ type: 'open', cols: 80, rows: 24 });
      const error = await client.message('error');
      assert.equal(error.code, 'unavailable');
      assert.match(error.message, /terminal is unavailable: node-pty could not be loaded/);
      const health = await fetch(`${t.url}/health`);
      assert.equal(health.status, 200);
    } finally {
      await t.close();
    }
  });
});
