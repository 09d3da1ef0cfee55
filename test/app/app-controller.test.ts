import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppController } from '../../main/app/app-controller.js';
import { AppStateStore } from '../../main/app/app-state.js';
import type { BridgeSaveResult, BridgeSettingsView } from '../../shared/bridge.js';
import { decideStart } from '../../main/app/attach.js';
import { DaemonController } from '../../main/app/daemon-controller.js';
import { checkUpstream, clearCache, fetchTodayStats } from '../../main/app/probes.js';
import { SettingsStore } from '../../main/app/settings-store.js';
import { fetchHealth } from '../../main/common/daemon-client.js';
import { configFromEnv, resolveConfig } from '../../main/common/config.js';
import { silentLogger } from '../../main/common/logger.js';
import { settingsConfigLayer, writeSettings } from '../../main/common/settings.js';
import { readOrCreateToken, tokenFile } from '../../main/common/token.js';
import { freePort } from '../cli/harness.js';
import { sdk, userMessage } from '../support/clients.js';
import { hostDaemonInChild } from '../support/fork-daemon.js';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';
import { watchFile } from '../../main/common/watch-file.js';
import { FakeShell, MemoryAppState } from './fake-shell.js';

let fake: FakeAnthropic;
const dirs: string[] = [];
before(async () => {
  fake = await startFakeAnthropic();
});
after(async () => {
  await fake.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The app as main/app/run.ts composes it, with Electron replaced by FakeShell. */
function makeApp(dataDir: string) {
  const shell = new FakeShell();
  const settings = new SettingsStore(dataDir, silentLogger);
  const daemon = new DaemonController({
    config: () => {
      if (settings.error) throw new Error(settings.error);
      return resolveConfig({ file: settingsConfigLayer(settings.settings), env: configFromEnv({}) });
    },
    decide: (c) => decideStart(c),
    host: (c) => hostDaemonInChild(c, dataDir),
    stopExternal: async () => {
      throw new Error('not expected');
    },
    health: (url) => fetchHealth(url, 1000),
    stats: (url) => fetchTodayStats(url),
    upstream: (url) => checkUpstream(url, 2000),
    logger: silentLogger,
  });
  // The per-install token the hosted daemon will read, as run.ts wires it.
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(tokenFile(dataDir), 'tok-123\n', { mode: 0o600 });
  const token = readOrCreateToken(dataDir);
  const appState = new AppStateStore(new MemoryAppState());
  const app = new AppController({
    shell, daemon, settings, token, appState,
    watchFile: (path, onChange) => {
      const watcher = watchFile(path, onChange, silentLogger);
      return () => watcher.close();
    }, logsDir: join(dataDir, 'logs'), home: dataDir, pathEnv: '',
    shimSource: '/nonexistent/bin/cco', clearCache, logger: silentLogger,
  });
  return { shell, settings, daemon, app, appState };
}

async function appOnFreePort(extra: object = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cco-appctl-'));
  dirs.push(dataDir);
  const port = await freePort();
  writeSettings(dataDir, { port, upstream: fake.url, ...extra });
  return { dataDir, port, ...makeApp(dataDir) };
}

test('start: the tray shows the running daemon, the dashboard opens with the token, Quit drains and stops it', async () => {
  const { shell, app, port } = await appOnFreePort({ openDashboardOnStart: true });
  await app.start();
  const pid = (await fetchHealth(`http://127.0.0.1:${port}`, 1000))?.pid;
  assert.ok(pid && pid !== process.pid, 'the daemon runs in a process of its own');
  assert.equal(shell.icon, 'running');
  assert.deepEqual(shell.statusLabels(), [`Running on port ${port}`, 'Today: 0 requests · 0% cache hits · $0.00']);
  assert.deepEqual(shell.dashboards, [`http://127.0.0.1:${port}/#token=tok-123`]);
  const pushed = shell.events.at(-1);
  assert.equal(pushed?.channel, 'cco:settings-view');
  assert.deepEqual(pushed?.payload.daemon, { kind: 'running', port, url: `http://127.0.0.1:${port}`, owner: 'app', pid });
  await app.quit();
  assert.equal(shell.quitCalls, 1);
  assert.equal(await fetchHealth(`http://127.0.0.1:${port}`, 500), null);
});

test('menu actions: Clear Cache empties the daemon\'s cache and says how much; Stop and Start follow in the tray', async () => {
  const { shell, app, port } = await appOnFreePort();
  await app.start();
  try {
    const client = sdk(`http://127.0.0.1:${port}`);
    await client.messages.create(userMessage('cache me'));
    await app.action('clear-cache');
    assert.deepEqual(shell.notifications.at(-1), { title: 'CCO cache cleared', body: '1 cached response removed' });

    shell.click!('stop');
    await waitFor(() => shell.icon === 'stopped' && shell.statusLabels()[0] === 'Daemon stopped');
    assert.equal((shell.entry('open-dashboard') as { enabled: boolean }).enabled, false);
    await app.action('start');
    assert.equal(shell.icon, 'running');
  } finally {
    await app.quit();
  }
});

test('a port in use: notification and error icon with the reason; nothing silent', async () => {
  const { shell, app, port } = await appOnFreePort();
  const { createServer } = await import('node:net');
  const blocker = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    await app.start();
    assert.equal(shell.icon, 'error');
    assert.match(shell.statusLabels()[0]!, new RegExp(`Error: Port ${port} is already in use by another program`));
    assert.equal(shell.notifications.length, 1);
    assert.equal(shell.notifications[0]!.title, 'CCO could not start the daemon');
  } finally {
    blocker.close();
    await app.quit();
  }
});

test('a broken settings file: notified at start, shown in the menu, and the daemon stays stopped', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cco-appctl-'));
  dirs.push(dataDir);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dataDir, 'settings.json'), '{"port": "three thousand"}');
  const { shell, app } = makeApp(dataDir);
  await app.start();
  assert.equal(shell.icon, 'error');
  assert.equal(shell.notifications[0]!.title, 'CCO settings need fixing');
  assert.match(shell.notifications[0]!.body, /port must be a whole number/);
  assert.ok(shell.statusLabels().some((l) => /Settings: .*port must be a whole number/.test(l)));
  await app.quit();
});

test('settings window: errors per field, saved for cco, restart-needed shown until the daemon restarts', async () => {
  const { shell, app, port, dataDir, settings } = await appOnFreePort();
  await app.start();
  const pid = (await fetchHealth(`http://127.0.0.1:${port}`, 1000))?.pid;
  const sender = { frameUrl: `http://127.0.0.1:${port}/`, ownWindow: true, mainFrame: true };
  try {
    assert.deepEqual(await app.ipc.dispatch('cco:daemon-info', sender, []), {
      url: `http://127.0.0.1:${port}`, token: 'tok-123',
      state: { kind: 'running', port, url: `http://127.0.0.1:${port}`, owner: 'app', pid },
    });
    await assert.rejects(app.ipc.dispatch('cco:daemon-info', { ...sender, frameUrl: 'https://evil.example/' }, []), /refused/);
    // Every failing field comes back at once, each message naming its field as the CLI does.
    const bad = await app.ipc.dispatch('cco:settings-save', sender, [{ cacheSize: '-1', upstream: 'ftp://x', port: '3001' }]);
    assert.deepEqual(bad, {
      ok: false,
      error: null,
      fields: {
        cacheSize: 'cache size must be a whole number from 0 to 10000000, got "-1"',
        upstream: 'upstream must be an http(s) URL, got "ftp://x"',
      },
    });
    assert.equal(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).port, port, 'nothing saved');

    // Text as typed, parsed by the schema (sizes with units too); the window itself offers the restart.
    const good = (await app.ipc.dispatch('cco:settings-save', sender, [{ cacheSize: '5', cacheMaxBytes: '1 MiB', logLevel: null }])) as BridgeSaveResult;
    assert.ok(good.ok);
    assert.deepEqual(good.restartNeeded.sort(), ['cacheMaxBytes', 'cacheSize']);
    assert.deepEqual(good.view.pendingRestart.sort(), ['cacheMaxBytes', 'cacheSize']);
    assert.equal(good.view.fields.cacheSize.label, 'cache size');
    assert.equal(good.view.fields.cacheSize.needsRestart, true);
    assert.equal(good.view.fields.startAtLogin.needsRestart, false);
    const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
    assert.equal(saved.cacheSize, 5, 'saved where cco reads it');
    assert.equal(saved.cacheMaxBytes, 1024 * 1024);
    assert.deepEqual(shell.asked, [], 'no dialog on top of the window');

    const restarted = await app.ipc.dispatch('cco:daemon-restart', sender, []);
    assert.equal((restarted as { kind: string }).kind, 'running');
    const stats = (await (await fetch(`http://127.0.0.1:${port}/api/cache/stats`)).json()) as { maxSize: number };
    assert.equal(stats.maxSize, 5, 'the restarted daemon uses the saved setting');
    const after = (await app.ipc.dispatch('cco:settings-view', sender, [])) as BridgeSettingsView;
    assert.deepEqual(after.pendingRestart, [], 'nothing left to restart for');

    // A change from elsewhere (the tray, a hand edit) is still offered a restart in a dialog.
    shell.askAnswer = 1; // "Later"
    settings.update({ workers: 3 });
    await waitFor(() => shell.asked.length === 1);
    assert.equal(shell.asked[0], 'Restart the CCO daemon to apply the new settings?');
  } finally {
    await app.quit();
  }
});

test('Start at Login follows the setting; New Terminal opens the picked project on the terminal page', async () => {
  const { shell, app, port } = await appOnFreePort();
  await app.start();
  try {
    assert.equal(shell.loginItem, false);
    await app.action('toggle-start-at-login');
    assert.equal(shell.loginItem, true);
    assert.equal((shell.entry('toggle-start-at-login') as { checked: boolean }).checked, true);
    shell.folderAnswer = '/home/me/my project';
    await app.action('new-terminal');
    assert.deepEqual(shell.terminals, [`http://127.0.0.1:${port}/terminal?cwd=%2Fhome%2Fme%2Fmy+project#token=tok-123`]);
    shell.folderAnswer = null;
    await app.action('new-terminal');
    assert.equal(shell.terminals.length, 1, 'cancelling the picker opens nothing');
  } finally {
    await app.quit();
  }
});

test('the tray is rebuilt when what it shows changes (new stats), not on every poll (an open menu would close)', async () => {
  const { shell, app, daemon, port } = await appOnFreePort();
  await app.start();
  try {
    const renders = shell.renders;
    await daemon.refresh();
    await daemon.refresh();
    assert.equal(shell.renders, renders, 'nothing changed, nothing redrawn');
    await sdk(`http://127.0.0.1:${port}`).messages.create(userMessage('count me'));
    await waitFor(async () => {
      await daemon.refresh();
      return /^Today: 1 request /.test(shell.statusLabels()[1] ?? '');
    }, { message: 'the status line to count the request' });
    assert.ok(shell.renders > renders);
  } finally {
    await app.quit();
  }
});

test('Start at Login that the OS refuses is reported, not silently left unchecked-but-on', async () => {
  const { shell, app } = await appOnFreePort();
  await app.start();
  try {
    shell.loginItemError = 'Start at Login works only in the installed app on macOS';
    await app.action('toggle-start-at-login');
    assert.deepEqual(shell.notifications.at(-1), { title: 'CCO could not change Start at Login', body: 'Start at Login works only in the installed app on macOS' });
  } finally {
    await app.quit();
  }
});

test('Quit quits even when stopping the daemon goes wrong', async () => {
  const { shell, app, daemon } = await appOnFreePort();
  await app.start();
  const shutdown = daemon.shutdown.bind(daemon);
  daemon.shutdown = async () => {
    await shutdown();
    throw new Error('disk gone');
  };
  await app.quit();
  assert.equal(shell.quitCalls, 1);
});

test('the tray Budgets… item opens the dashboard at its budgets panel, with the token', async () => {
  const { shell, app, port } = await appOnFreePort();
  await app.start();
  try {
    await app.action('open-budgets');
    assert.deepEqual(shell.dashboards, [`http://127.0.0.1:${port}/#token=tok-123&panel=budgets`]);
    assert.deepEqual(shell.dashboardPanels, ['budgets'], 'an open dashboard window is moved to the panel too');
    await app.action('open-dashboard');
    assert.deepEqual(shell.dashboardPanels, ['budgets', null]);
  } finally {
    await app.quit();
  }
});

test('settings window: the routing file is created, opened and validated live; notifications follow the preference', async () => {
  const { shell, app, port, dataDir } = await appOnFreePort();
  await app.start();
  const sender = { frameUrl: `http://127.0.0.1:${port}/settings`, ownWindow: true, mainFrame: true };
  try {
    await app.action('open-settings');
    assert.deepEqual(shell.settingsWindows, [`http://127.0.0.1:${port}/settings#token=tok-123`]);
    const routingPath = join(dataDir, 'model-routing.json');
    const view = (await app.ipc.dispatch('cco:settings-view', sender, [])) as BridgeSettingsView;
    assert.deepEqual(view.routing, { path: routingPath, exists: false, error: null });

    await app.ipc.dispatch('cco:routing-open', sender, []);
    assert.deepEqual(shell.opened, [routingPath]);
    const created = (await app.ipc.dispatch('cco:settings-view', sender, [])) as BridgeSettingsView;
    assert.deepEqual(created.routing, { path: routingPath, exists: true, error: null }, 'a new file starts valid');

    // An edit in the editor: the window gets the daemon's own validation message, with the line.
    writeFileSync(routingPath, '{"providers": {}, "routes": [], "default": "nowhere"}\n');
    await waitFor(() => shell.events.some((e) => e.channel === 'cco:settings-view' && /default: must name a provider/.test(e.payload.routing.error ?? '')),
      { message: 'the routing error pushed to the window' });
    const last = shell.events.filter((e) => e.channel === 'cco:settings-view').at(-1)!.payload;
    assert.match(last.routing.error!, new RegExp(`^${routingPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: default:`));

    assert.deepEqual(await app.ipc.dispatch('cco:prefs-set', sender, [{ notifications: 'problems' }]), {
      notifications: 'problems', lastTab: 'daemon', dismissedBanners: [],
    });
    const before = shell.notifications.length;
    await app.action('clear-cache');
    assert.equal(shell.notifications.length, before, 'a confirmation is not shown with "problems only"');
    await app.ipc.dispatch('cco:prefs-set', sender, [{ notifications: 'all' }]);
    await app.action('clear-cache');
    assert.equal(shell.notifications.at(-1)?.title, 'CCO cache cleared');
  } finally {
    await app.quit();
  }
});
