import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trayIconFor, type DaemonState } from '../../main/app/daemon-state.js';
import { buildTrayView, enabledActions, type MenuEntry } from '../../main/app/menu-model.js';

const options = { startAtLogin: false, openDashboardOnStart: true, settingsProblem: null };

function labels(menu: readonly MenuEntry[]): string[] {
  return menu.flatMap((e) => (e.type === 'label' ? [e.label] : []));
}

const running: DaemonState = {
  kind: 'running', port: 3000, url: 'http://127.0.0.1:3000', owner: 'app', pid: 42,
  stats: { requests: 12, hitRate: 0.25, costUsd: 1.234 }, upstreamProblem: null,
};

test('running: status line shows port, requests today, hit rate and cost; Stop and the daemon actions are offered', () => {
  const view = buildTrayView(running, options);
  assert.deepEqual(labels(view.menu), ['Running on port 3000', 'Today: 12 requests · 25% cache hits · $1.23']);
  const actions = enabledActions(view.menu);
  for (const id of ['stop', 'open-dashboard', 'open-budgets', 'new-terminal', 'clear-cache', 'install-cli', 'open-logs', 'quit'] as const) {
    assert.ok(actions.includes(id), `${id} is enabled`);
  }
  assert.ok(!actions.includes('start'));
  assert.equal(trayIconFor(running), 'running');
  assert.match(view.tooltip, /Running on port 3000/);
});

test('stopped: Start is offered, dashboard, terminal and cache actions are disabled', () => {
  const state: DaemonState = { kind: 'stopped', note: null };
  const view = buildTrayView(state, options);
  assert.deepEqual(labels(view.menu), ['Daemon stopped']);
  const actions = enabledActions(view.menu);
  assert.ok(actions.includes('start'));
  for (const id of ['stop', 'open-dashboard', 'open-budgets', 'new-terminal', 'clear-cache'] as const) assert.ok(!actions.includes(id), `${id} is disabled`);
  assert.ok(actions.includes('quit') && actions.includes('open-logs') && actions.includes('install-cli'));
  assert.equal(trayIconFor(state), 'stopped');
});

test('error: the reason is in the menu, the icon shows the error, and Start becomes Retry', () => {
  const state: DaemonState = { kind: 'error', reason: 'Port 3000 is already in use by another program', port: 3000 };
  const view = buildTrayView(state, options);
  assert.deepEqual(labels(view.menu), ['Error: Port 3000 is already in use by another program']);
  const retry = view.menu.find((e) => e.type === 'action' && e.id === 'start');
  assert.deepEqual(retry, { type: 'action', id: 'start', label: 'Retry Starting Daemon', enabled: true });
  assert.equal(trayIconFor(state), 'error');
});

test('starting and stopping: no start or stop can be clicked while one is under way', () => {
  for (const state of [{ kind: 'starting', port: 3000 }, { kind: 'stopping', port: 3000 }] as DaemonState[]) {
    const actions = enabledActions(buildTrayView(state, options).menu);
    assert.ok(!actions.includes('start') && !actions.includes('stop'), state.kind);
    assert.ok(!actions.includes('open-dashboard'), state.kind);
    assert.equal(trayIconFor(state), 'stopped');
  }
});

test('attached to a daemon started by cco: says so, with its PID, and Stop names it', () => {
  const state: DaemonState = { ...running, owner: 'external', pid: 777, stats: null } as DaemonState;
  const view = buildTrayView(state, options);
  assert.deepEqual(labels(view.menu), ['Attached to daemon on port 3000 (PID 777, started outside the app)', 'Today: statistics unavailable']);
  const stop = view.menu.find((e) => e.type === 'action' && e.id === 'stop');
  assert.equal(stop?.type === 'action' && stop.label, 'Stop Daemon (started outside the app)');
});

test('an unreachable upstream turns the icon to error and shows the reason while the daemon keeps running', () => {
  const state: DaemonState = { ...running, upstreamProblem: 'Upstream https://api.anthropic.com is unreachable (ENOTFOUND)' } as DaemonState;
  const view = buildTrayView(state, options);
  assert.ok(labels(view.menu).includes('⚠ Upstream https://api.anthropic.com is unreachable (ENOTFOUND)'));
  assert.equal(trayIconFor(state), 'error');
  assert.ok(enabledActions(view.menu).includes('stop'));
  assert.match(view.tooltip, /^CCO — Running on port \d+ — ⚠ Upstream https:\/\/api\.anthropic\.com is unreachable/);
  assert.doesNotMatch(buildTrayView(running, options).tooltip, /⚠/);
});

test('settings checkboxes reflect the settings, and a broken settings file is shown', () => {
  const view = buildTrayView({ kind: 'stopped', note: null }, { startAtLogin: true, openDashboardOnStart: false, settingsProblem: 'port must be a number' });
  const settings = view.menu.find((e) => e.type === 'submenu');
  assert.ok(settings?.type === 'submenu');
  assert.deepEqual(
    settings.items.filter((e) => e.type === 'checkbox').map((e) => e.type === 'checkbox' && [e.id, e.checked]),
    [['toggle-start-at-login', true], ['toggle-open-dashboard-on-start', false]],
  );
  assert.ok(labels(view.menu).includes('Settings: port must be a number'));
});

test('one request and a large cost read naturally', () => {
  const state = { ...running, stats: { requests: 1, hitRate: 1, costUsd: 123.4 } } as DaemonState;
  assert.equal(labels(buildTrayView(state, options).menu)[1], 'Today: 1 request · 100% cache hits · $123');
});

test('the tightest budget is a line of the menu and its percentage is in the tooltip', () => {
  const state = { ...running, stats: { requests: 3, hitRate: 0, costUsd: 4.5, budget: { label: 'project ~/code/shop daily', percent: 90.4 } } } as DaemonState;
  const view = buildTrayView(state, options);
  assert.ok(labels(view.menu).includes('Budget: project ~/code/shop daily 90 % used'));
  assert.match(view.tooltip, /— budget 90 %/);
  assert.doesNotMatch(buildTrayView(running, options).tooltip, /budget/, 'no budget, no mention');
});
