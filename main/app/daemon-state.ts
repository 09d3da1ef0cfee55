import type { BridgeDaemonState } from '../../shared/bridge.js';

/** Today's numbers for the tray's status line (from `/api/stats/summary?range=today`). */
export interface TodayStats {
  requests: number;
  /** Fraction 0..1 of requests answered from the cache. */
  hitRate: number;
  costUsd: number;
  /** The spend budget closest to its limit (from `/api/budgets`); absent when there is none. */
  budget?: { label: string; percent: number } | null;
  /** The newest budget alert (from `/api/alerts`), so the app can notify once per new one. */
  latestAlert?: { id: string; message: string } | null;
  /** Plan usage (from `/api/quota`): each window's highest share over the credentials seen; absent when none. */
  plan?: TrayPlanUsage | null;
}

/** Plan-usage windows for the tray, in the daemon's order (5-hour, 7-day, ...). */
export interface TrayPlanUsage {
  /** Epoch ms the daemon answered at, so reset times are shown against the same clock. */
  at: number;
  windows: Array<{ label: string; utilization: number; /** Epoch ms, or null when not stated. */ resetsAt: number | null }>;
}

/**
 * What the app knows about the daemon for its port. `owner` says who started it: the app hosts
 * it in-process ('app') or attached to one already running ('external', e.g. started by `cco`).
 */
export type DaemonState =
  | { kind: 'stopped'; note: string | null }
  | { kind: 'starting'; port: number }
  | {
      kind: 'running';
      port: number;
      url: string;
      owner: 'app' | 'external';
      pid: number | null;
      stats: TodayStats | null;
      /** Set while the upstream cannot be reached: the daemon runs but every request would fail. */
      upstreamProblem: string | null;
    }
  | { kind: 'stopping'; port: number }
  | { kind: 'error'; reason: string; port: number | null };

export type TrayIconState = 'running' | 'stopped' | 'error';

export function trayIconFor(state: DaemonState): TrayIconState {
  if (state.kind === 'error') return 'error';
  if (state.kind === 'running') return state.upstreamProblem ? 'error' : 'running';
  return 'stopped';
}

/** The part of the state the window may see (no stats, no internal notes). */
export function bridgeState(state: DaemonState): BridgeDaemonState {
  switch (state.kind) {
    case 'stopped':
      return { kind: 'stopped' };
    case 'starting':
    case 'stopping':
      return { kind: state.kind, port: state.port };
    case 'running':
      return { kind: 'running', port: state.port, url: state.url, owner: state.owner, pid: state.pid };
    case 'error':
      return { kind: 'error', reason: state.reason };
  }
}
