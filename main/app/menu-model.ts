import type { DaemonState, TrayPlanUsage } from './daemon-state.js';

/** Every action the tray menu can trigger; the adapter maps clicks back to these ids. */
export type MenuAction =
  | 'start'
  | 'stop'
  | 'open-dashboard'
  | 'open-budgets'
  | 'open-settings'
  | 'new-terminal'
  | 'clear-cache'
  | 'toggle-start-at-login'
  | 'toggle-open-dashboard-on-start'
  | 'edit-settings-file'
  | 'install-cli'
  | 'open-logs'
  | 'quit';

/** A menu as plain data, so it can be built and checked without Electron. */
export type MenuEntry =
  | { type: 'separator' }
  | { type: 'label'; label: string }
  | { type: 'action'; id: MenuAction; label: string; enabled: boolean }
  | { type: 'checkbox'; id: MenuAction; label: string; checked: boolean }
  | { type: 'submenu'; label: string; items: MenuEntry[] };

export interface MenuOptions {
  startAtLogin: boolean;
  openDashboardOnStart: boolean;
  /** Set when settings.json cannot be used; shown so the user knows why the daemon will not start. */
  settingsProblem: string | null;
}

export interface TrayView {
  tooltip: string;
  menu: MenuEntry[];
}

function money(usd: number): string {
  return usd >= 100 ? `$${usd.toFixed(0)}` : `$${usd.toFixed(2)}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `14:05` on the same day as `now`, `Mon 09:00` otherwise (local time). */
function resetClock(at: number, now: number): string {
  const d = new Date(at);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === new Date(now).toDateString()) return hm;
  return `${d.toLocaleDateString('en-US', { weekday: 'short' })} ${hm}`;
}

/**
 * One menu line per plan window: `Plan 5-hour: 42 % (resets 14:05)`. None before the first
 * reading, and none for API keys, whose responses carry no plan windows.
 */
export function planLines(plan: TrayPlanUsage | null | undefined): string[] {
  if (!plan) return [];
  return plan.windows.map((w) => {
    const reset = w.resetsAt === null ? '' : ` (resets ${resetClock(w.resetsAt, plan.at)})`;
    return `Plan ${w.label}: ${Math.round(w.utilization * 100)} %${reset}`;
  });
}

/** The window closest to its limit, for the tooltip: `plan 42 % (5-hour)`; null when none is known. */
export function worstPlan(plan: TrayPlanUsage | null | undefined): string | null {
  const worst = plan?.windows.reduce<TrayPlanUsage['windows'][number] | null>(
    (top, w) => (top === null || w.utilization > top.utilization ? w : top), null) ?? null;
  return worst ? `plan ${Math.round(worst.utilization * 100)} % (${worst.label})` : null;
}

/** The first line of the menu: what the daemon is doing, in a few words. */
export function statusLines(state: DaemonState): string[] {
  switch (state.kind) {
    case 'stopped':
      return [state.note ? `Stopped — ${state.note}` : 'Daemon stopped'];
    case 'starting':
      return [`Starting on port ${state.port}…`];
    case 'stopping':
      return [`Stopping (finishing requests) on port ${state.port}…`];
    case 'error':
      return [`Error: ${state.reason}`];
    case 'running': {
      const who = state.owner === 'external'
        ? `Attached to daemon on port ${state.port}${state.pid ? ` (PID ${state.pid}, started outside the app)` : ''}`
        : `Running on port ${state.port}`;
      const lines = [who];
      const s = state.stats;
      lines.push(s
        ? `Today: ${s.requests} ${s.requests === 1 ? 'request' : 'requests'} · ${Math.round(s.hitRate * 100)}% cache hits · ${money(s.costUsd)}`
        : 'Today: statistics unavailable');
      if (s?.budget) lines.push(`Budget: ${s.budget.label} ${Math.floor(s.budget.percent)} % used`);
      lines.push(...planLines(s?.plan));
      if (state.upstreamProblem) lines.push(`⚠ ${state.upstreamProblem}`);
      return lines;
    }
  }
}

/** The tray's menu and tooltip as a pure function of the daemon's state and the settings. */
export function buildTrayView(state: DaemonState, options: MenuOptions): TrayView {
  const running = state.kind === 'running';
  const busy = state.kind === 'starting' || state.kind === 'stopping';
  const lines = statusLines(state);
  if (options.settingsProblem) lines.push(`Settings: ${options.settingsProblem}`);
  const menu: MenuEntry[] = [
    ...lines.map((label): MenuEntry => ({ type: 'label', label })),
    { type: 'separator' },
    running
      ? { type: 'action', id: 'stop', label: state.owner === 'external' ? 'Stop Daemon (started outside the app)' : 'Stop Daemon', enabled: true }
      : { type: 'action', id: 'start', label: state.kind === 'error' ? 'Retry Starting Daemon' : 'Start Daemon', enabled: !busy },
    { type: 'action', id: 'open-dashboard', label: 'Open Dashboard', enabled: running },
    // The tightest budget is a line above: this goes straight to the panel that changes it.
    { type: 'action', id: 'open-budgets', label: 'Budgets…', enabled: running },
    { type: 'action', id: 'new-terminal', label: 'New Claude Code Terminal…', enabled: running },
    { type: 'action', id: 'clear-cache', label: 'Clear Cache', enabled: running },
    { type: 'separator' },
    {
      type: 'submenu',
      label: 'Settings',
      items: [
        { type: 'checkbox', id: 'toggle-start-at-login', label: 'Start at Login', checked: options.startAtLogin },
        { type: 'checkbox', id: 'toggle-open-dashboard-on-start', label: 'Open Dashboard on Start', checked: options.openDashboardOnStart },
        { type: 'separator' },
        // The window is a page of the daemon; with no daemon, the file is the way to fix settings.
        { type: 'action', id: 'open-settings', label: 'Settings…', enabled: running },
        { type: 'action', id: 'edit-settings-file', label: 'Edit Settings File…', enabled: true },
      ],
    },
    { type: 'action', id: 'install-cli', label: 'Install `cco` Command…', enabled: true },
    { type: 'action', id: 'open-logs', label: 'Open Logs', enabled: true },
    { type: 'separator' },
    { type: 'action', id: 'quit', label: 'Quit CCO', enabled: true },
  ];
  // The tooltip is all some users look at: a problem reaching the upstream belongs in it too.
  const warning = state.kind === 'running' && state.upstreamProblem ? ` — ⚠ ${state.upstreamProblem}` : '';
  // The worst budget percentage and how close the plan is to its limit (the worst window, whose
  // reset decides when work stops) belong where the user glances: the tooltip.
  const budget = state.kind === 'running' && state.stats?.budget ? ` — budget ${Math.floor(state.stats.budget.percent)} %` : '';
  const plan = state.kind === 'running' ? worstPlan(state.stats?.plan) : null;
  return { tooltip: `CCO — ${lines[0]}${budget}${plan ? ` — ${plan}` : ''}${warning}`, menu };
}

/** Every action id present and enabled in a menu (for adapters and tests). */
export function enabledActions(menu: readonly MenuEntry[]): MenuAction[] {
  return menu.flatMap((entry): MenuAction[] => {
    if (entry.type === 'action') return entry.enabled ? [entry.id] : [];
    if (entry.type === 'checkbox') return [entry.id];
    if (entry.type === 'submenu') return enabledActions(entry.items);
    return [];
  });
}
