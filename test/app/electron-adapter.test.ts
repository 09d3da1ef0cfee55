// The app's real entry point (dist/main/app/main.js) and Electron adapter (main/app/electron/*),
// run under plain Node on a stand-in for the `electron` module (test/app/fake-electron/), which
// checks event names against Electron's typings and emits 'ready' only after the ESM entry has
// finished loading, as Electron does. What a real launch does, short of pixels.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { writeSettings } from '../../main/common/settings.js';
import { freePort, healthOf, ROOT } from '../cli/harness.js';
import { sdk, userMessage } from '../support/clients.js';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

const BOOT = join(ROOT, 'dist', 'test', 'app', 'fake-electron', 'boot.js');
const ENTRY = join(ROOT, 'dist', 'main', 'app', 'main.js');

type Line = { type: string; [key: string]: unknown };

interface FakeApp {
  lines: Line[];
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
  send(command: object): void;
  next(type: string, match?: (line: Line) => boolean): Promise<Line>;
}

function launch(home: string, env: Record<string, string> = {}): FakeApp {
  const child = spawn(process.execPath, [BOOT, ENTRY], {
    env: { ...process.env, CCO_HOME: home, FAKE_ELECTRON_APP_PATH: ROOT, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as Line);
    } catch {
      lines.push({ type: 'text', text });
    }
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const taken = new Set<number>();
  return {
    lines,
    child,
    exited,
    send: (command) => child.stdin.write(`${JSON.stringify(command)}\n`),
    /** The first line of this type not taken yet, optionally matching. */
    async next(type, match = () => true) {
      let found: Line | undefined;
      await waitFor(() => {
        const index = lines.findIndex((l, i) => !taken.has(i) && l.type === type && match(l));
        if (index < 0) return false;
        taken.add(index);
        found = lines[index];
        return true;
      }, { timeoutMs: 30_000, message: `a "${type}" line from the app` });
      return found!;
    },
  };
}

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
  const dir = mkdtempSync(join(tmpdir(), 'cco-fake-electron-'));
  homes.push(dir);
  return dir;
}

test('the entry point loads without waiting for ready, then the tray, a locked-down window and the bridge work', { timeout: 60_000 }, async () => {
  const dir = home();
  const port = await freePort();
  writeSettings(dir, { port, upstream: fake.url, openDashboardOnStart: true });
  const app = launch(dir);
  try {
    // A top-level await on app.whenReady() would hang here: Electron waits for the entry first.
    await app.next('entry-loaded');

    const tray = await app.next('tray');
    assert.equal(tray.empty, false, `the tray icon ${String(tray.icon)} exists (an empty image is an invisible tray)`);
    const menu = await app.next('tray-menu', (l) => (l.labels as string[])[0] === `Running on port ${port}`);
    assert.ok((menu.labels as string[]).includes('Quit CCO'));

    const window = await app.next('window');
    const prefs = (window.options as { webPreferences: Record<string, unknown> }).webPreferences;
    assert.equal(window.preloadExists, true, `the preload ${String(prefs.preload)} exists`);
    assert.match(String(prefs.preload), /\.cjs$/, 'a sandboxed preload is CommonJS');
    assert.deepEqual([prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration], [true, true, false]);
    const load = await app.next('load');
    assert.match(String(load.url), new RegExp(`^http://127\\.0\\.0\\.1:${port}/#token=`));

    // The bridge: the window may call; strangers, sub-frames, other origins and unknown calls may not.
    const invoke = async (channel: string, from?: object, args: unknown[] = []) => {
      app.send({ cmd: 'invoke', channel, args, from });
      return app.next('invoked', (l) => l.channel === channel);
    };
    const info = await invoke('cco:daemon-info');
    assert.equal(info.ok, true);
    assert.equal((info.value as { url: string }).url, `http://127.0.0.1:${port}`);
    assert.match(String((await invoke('cco:daemon-info', { stranger: true })).error), /not a window of this app/);
    assert.match(String((await invoke('cco:daemon-info', { subFrame: true })).error), /sub-frame/);
    assert.match(String((await invoke('cco:daemon-info', { frameUrl: 'https://evil.example/' })).error), /origin https:\/\/evil\.example/);
    assert.match(String((await invoke('cco:shell-exec')).error), /No handler registered/);
    assert.match(String((await invoke('cco:settings-save', undefined, ['port=1'])).error), /plain object/);
    assert.match(String((await invoke('cco:daemon-stop')).error), /No handler registered/, 'unused capabilities are gone');
    // electron-store (loaded on the stand-in) keeps the app's own preferences in the data directory.
    const saved = await invoke('cco:prefs-set', undefined, [{ lastTab: 'app' }]);
    assert.deepEqual(saved.value, { notifications: 'all', lastTab: 'app', dismissedBanners: [] });
    assert.equal(JSON.parse(readFileSync(join(dir, 'app-state.json'), 'utf8')).lastTab, 'app');
    if (process.platform !== 'win32') assert.equal(statSync(join(dir, 'app-state.json')).mode & 0o777, 0o600);

    // Navigation stays on the daemon; web links go to the browser, other schemes nowhere.
    app.send({ cmd: 'navigate', url: `http://127.0.0.1:${port}/terminal` });
    assert.equal((await app.next('navigated')).allowed, true);
    app.send({ cmd: 'navigate', url: 'https://docs.anthropic.com/' });
    assert.equal((await app.next('navigated')).allowed, false);
    assert.equal((await app.next('open-external')).url, 'https://docs.anthropic.com/');
    app.send({ cmd: 'open-window', url: 'file:///etc/passwd' });
    assert.equal((await app.next('window-open')).action, 'deny');
    app.send({ cmd: 'permission', permission: 'media' });
    assert.equal((await app.next('permission')).granted, false);
    app.send({ cmd: 'permission', permission: 'clipboard-sanitized-write' });
    assert.equal((await app.next('permission')).granted, true);
    assert.ok(!app.lines.some((l) => l.type === 'open-external' && String(l.url).startsWith('file:')));

    // A second launch shows the open window instead of a second app.
    const shown = app.lines.filter((l) => l.type === 'window-show').length;
    app.send({ cmd: 'second-instance' });
    await waitFor(() => app.lines.filter((l) => l.type === 'window-show').length > shown, { message: 'the window shown again' });
    assert.equal(app.lines.filter((l) => l.type === 'window').length, 1, 'no second window');

    // Where the user leaves the window is kept, and the next window opens there.
    const bounds = { x: 120, y: 80, width: 1000, height: 700 };
    app.send({ cmd: 'close-window', bounds });
    await app.next('window-closed');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'app-state.json'), 'utf8')).windowBounds, { dashboard: bounds });
    app.send({ cmd: 'second-instance' });
    const reopened = await app.next('window', (l) => (l.options as { x?: number }).x === 120);
    assert.deepEqual([...['x', 'y', 'width', 'height'].map((k) => (reopened.options as Record<string, unknown>)[k])], [120, 80, 1000, 700]);
  } finally {
    app.child.kill();
    await app.exited;
  }
});

test('Quit from the tray lets a request under way finish, then stops the hosted daemon and exits', { timeout: 60_000 }, async () => {
  const dir = home();
  const port = await freePort();
  writeSettings(dir, { port, upstream: fake.url });
  const app = launch(dir);
  try {
    await app.next('tray-menu', (l) => (l.labels as string[])[0] === `Running on port ${port}`);
    const calls = fake.messageCalls;
    const stream = sdk(`http://127.0.0.1:${port}`).messages.stream(userMessage('quit while I talk HOLD:quit-drain'));
    const text = stream.finalText();
    await waitFor(() => fake.messageCalls > calls, { message: 'the request to reach the upstream' });

    app.send({ cmd: 'click', label: 'Quit CCO' });
    await app.next('tray-menu', (l) => String((l.labels as string[])[0]).startsWith('Stopping (finishing requests)'));
    assert.equal(app.child.exitCode, null, 'still running while a request is under way');
    fake.release('quit-drain');
    assert.ok((await text).length > 0, 'the request under way got its whole answer');
    assert.equal(await app.exited, 0);
    assert.equal(await healthOf(port), null, 'the hosted daemon is gone');
  } finally {
    app.child.kill();
  }
});

test('the daemon runs in a utility process; killed, it is restarted with a notification; Quit ends it', { timeout: 60_000 }, async () => {
  const dir = home();
  const port = await freePort();
  writeSettings(dir, { port, upstream: fake.url });
  const app = launch(dir);
  try {
    const forked = await app.next('utility-process');
    assert.match(String(forked.modulePath), /dist[\\/]main[\\/]daemon[\\/]host-entry\.js$/);
    assert.equal(forked.serviceName, 'CCO daemon');
    await app.next('tray-menu', (l) => (l.labels as string[])[0] === `Running on port ${port}`);
    const pid = Number(forked.pid);
    assert.notEqual(pid, app.child.pid, 'not the app\'s own process');
    assert.equal((await healthOf(port))?.pid, pid, 'the utility process serves the port');

    process.kill(pid, 'SIGKILL');
    const note = await app.next('notification', (l) => String(l.title).includes('daemon'));
    assert.equal(note.title, 'CCO daemon stopped unexpectedly');
    assert.match(String(note.body), new RegExp(`is being restarted\\. See .*daemon-${port}\\.log`));
    const again = await app.next('utility-process');
    await app.next('tray-menu', (l) => (l.labels as string[])[0] === `Running on port ${port}`);
    assert.equal((await healthOf(port))?.pid, Number(again.pid), 'a new process serves the port');
    await sdk(`http://127.0.0.1:${port}`).messages.create(userMessage('after the restart'));

    app.send({ cmd: 'click', label: 'Quit CCO' });
    assert.equal(await app.exited, 0);
    const ended = await app.next('utility-exit', (l) => l.pid === again.pid);
    assert.equal(ended.code, 0, 'the daemon was stopped, not killed');
    assert.equal(await healthOf(port), null);
  } finally {
    app.child.kill();
  }
});

test('a second launch leaves at once without a tray of its own', { timeout: 30_000 }, async () => {
  const app = launch(home(), { FAKE_ELECTRON_LOCK: 'taken' });
  assert.equal(await app.exited, 0);
  assert.ok(!app.lines.some((l) => l.type === 'tray'));
  assert.ok(existsSync(BOOT));
});
