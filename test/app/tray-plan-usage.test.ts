import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { DaemonState, TodayStats } from '../../main/app/daemon-state.js';
import { buildTrayView, type MenuEntry } from '../../main/app/menu-model.js';
import { fetchTodayStats } from '../../main/app/probes.js';
import { applyConfig, defaultConfig } from '../../main/common/config.js';
import { type RunningDaemon, runDaemonHost } from '../../main/daemon/host.js';
import { sdk, userMessage } from '../support/clients.js';
import { type FakeAnthropic, startFakeAnthropic } from '../support/fake-anthropic.js';
import { waitFor } from '../support/wait.js';

const options = { startAtLogin: false, openDashboardOnStart: false, settingsProblem: null };

function labels(menu: readonly MenuEntry[]): string[] {
  return menu.flatMap((e) => (e.type === 'label' ? [e.label] : []));
}

function runningWith(stats: TodayStats | null): DaemonState {
  return { kind: 'running', port: 3000, url: 'http://127.0.0.1:3000', owner: 'app', pid: 42, stats, upstreamProblem: null };
}

// Local times, as the tray shows them: today 11:30, the 5-hour window resets at 14:05 today.
const at = new Date(2026, 11, 1, 11, 30).getTime();
const fiveReset = new Date(2026, 11, 1, 14, 5).getTime();
const sevenReset = new Date(2026, 11, 4, 9, 0).getTime();
const today = { requests: 3, hitRate: 0, costUsd: 0.5 };

describe('the tray shows plan usage', () => {
  it('lists each window with its share and reset time, and puts the worst one in the tooltip', () => {
    const view = buildTrayView(runningWith({
      ...today,
      plan: {
        at,
        windows: [
          { label: '5-hour', utilization: 0.42, resetsAt: fiveReset },
          { label: '7-day', utilization: 0.853, resetsAt: sevenReset },
        ],
      },
    }), options);
    const weekday = new Date(sevenReset).toLocaleDateString('en-US', { weekday: 'short' });
    assert.deepEqual(labels(view.menu).slice(2), ['Plan 5-hour: 42 % (resets 14:05)', `Plan 7-day: 85 % (resets ${weekday} 09:00)`]);
    assert.equal(view.tooltip, 'CCO — Running on port 3000 — plan 85 % (7-day)');
  });

  it('says nothing of the plan before a reading (or on an API key), nor when the daemon did not answer', () => {
    const none = buildTrayView(runningWith({ ...today, plan: { at, windows: [] } }), options);
    assert.deepEqual(labels(none.menu), ['Running on port 3000', 'Today: 3 requests · 0% cache hits · $0.50']);
    assert.equal(none.tooltip, 'CCO — Running on port 3000');
    const unknown = buildTrayView(runningWith({ ...today, plan: null }), options);
    assert.ok(!labels(unknown.menu).some((l) => l.startsWith('Plan')));
  });
});

describe('the tray reads plan usage from a real daemon over HTTP', () => {
  let fake: FakeAnthropic;
  let daemon: RunningDaemon;
  let dataDir: string;
  before(async () => {
    fake = await startFakeAnthropic();
    dataDir = mkdtempSync(join(tmpdir(), 'cco-tray-plan-'));
    daemon = await runDaemonHost({ config: applyConfig(defaultConfig(), { port: 0, upstream: fake.url }), dataDir, console: false });
  });
  after(async () => {
    await daemon.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes each window at its worst over the credentials seen', async () => {
    assert.equal((await fetchTodayStats(daemon.url))?.plan, undefined, 'no plan before the first reading');
    const login = new Anthropic({ baseURL: daemon.url, authToken: 'sk-ant-oat01-tray-login', apiKey: null, maxRetries: 0 });
    await login.messages.create(userMessage('plan work QUOTA:0.42'));
    await sdk(daemon.url).messages.create(userMessage('other credential QUOTA:0.9'));
    await waitFor(async () => (await fetchTodayStats(daemon.url))?.plan?.windows[0]?.utilization === 0.9, { timeoutMs: 5000 });
    const stats = await fetchTodayStats(daemon.url);
    assert.deepEqual(stats?.plan?.windows.map((w) => [w.label, w.utilization]), [['5-hour', 0.9], ['7-day', 0.2]]);
    const view = buildTrayView(runningWith(stats), options);
    assert.match(view.tooltip, / — plan 90 % \(5-hour\)$/);
    assert.ok(labels(view.menu).some((l) => /^Plan 5-hour: 90 % \(resets \d\d:\d\d\)$/.test(l)));
  });
});
