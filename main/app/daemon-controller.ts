import type { DaemonConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import type { Health } from '../common/daemon-client.js';
import type { StartDecision } from './attach.js';
import type { HostedDaemon } from './daemon-child.js';
import type { DaemonState, TodayStats } from './daemon-state.js';

/** A daemon that crashes this often within CRASH_WINDOW_MS is left stopped: restarting only loops. */
export const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 60_000;

export interface DaemonControllerDeps {
  /** The config to start with, read fresh each start (settings may have changed). Throws when settings are unusable. */
  config(): DaemonConfig;
  decide(config: DaemonConfig): Promise<StartDecision>;
  /** Starts the daemon in a child process of the app (main/app/daemon-child.ts). */
  host(config: DaemonConfig): Promise<HostedDaemon>;
  /** Stops a daemon the app did not start (the CLI's stop logic: PID file, verified pid, SIGTERM). */
  stopExternal(config: DaemonConfig): Promise<void>;
  health(url: string): Promise<Health | null>;
  stats(url: string): Promise<TodayStats | null>;
  upstream(upstreamUrl: string): Promise<string | null>;
  logger: Logger;
  /** Milliseconds, for counting crashes. */
  now?: () => number;
}

/** Something the user has to hear about (a notification), besides the state change itself. */
export interface DaemonProblem {
  title: string;
  body: string;
}

type Listener = (state: DaemonState) => void;

/**
 * The daemon's lifecycle as the tray sees it: start (host or attach), stop, poll. One operation
 * at a time; every failure ends in a state with its reason and a problem report.
 */
export class DaemonController {
  private current: DaemonState = { kind: 'stopped', note: null };
  private hosted: HostedDaemon | null = null;
  private crashes: number[] = [];
  private config: DaemonConfig | null = null;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<Listener>();
  private readonly problemListeners = new Set<(problem: DaemonProblem) => void>();

  constructor(private readonly deps: DaemonControllerDeps) {}

  get state(): DaemonState {
    return this.current;
  }

  /** The log file of the daemon the app hosts, if any. */
  get logFile(): string | null {
    return this.hosted?.logFile ?? null;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onProblem(listener: (problem: DaemonProblem) => void): () => void {
    this.problemListeners.add(listener);
    return () => this.problemListeners.delete(listener);
  }

  start(): Promise<DaemonState> {
    return this.serial(() => this.doStart());
  }

  stop(): Promise<DaemonState> {
    return this.serial(() => this.doStop());
  }

  restart(): Promise<DaemonState> {
    return this.serial(async () => {
      await this.doStop();
      if (this.current.kind === 'running') return this.current; // could not stop it: say so, do not pile on
      return this.doStart();
    });
  }

  /** On Quit: a daemon the app hosts is drained and closed; one it attached to keeps running for `cco`. */
  shutdown(): Promise<DaemonState> {
    return this.serial(async () => {
      if (this.hosted) await this.doStop();
      return this.current;
    });
  }

  /** Polls health (for an attached daemon), today's stats and, while it is failing, the upstream. */
  refresh(): Promise<DaemonState> {
    return this.serial(async () => {
      const state = this.current;
      if (state.kind !== 'running') return state;
      if (state.owner === 'external' && !(await this.deps.health(state.url))) {
        this.set({ kind: 'stopped', note: `the daemon on port ${state.port} stopped outside the app` });
        return this.current;
      }
      const stats = await this.deps.stats(state.url);
      const upstreamProblem = state.upstreamProblem && this.config ? await this.deps.upstream(this.config.upstream) : null;
      const now = this.current;
      if (now.kind === 'running') this.set({ ...now, stats, upstreamProblem });
      return this.current;
    });
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.busy.then(operation, operation);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private set(state: DaemonState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }

  private problem(title: string, body: string): void {
    this.deps.logger.warn(`${title}: ${body}`);
    for (const listener of this.problemListeners) listener({ title, body });
  }

  private fail(reason: string, port: number | null): DaemonState {
    this.set({ kind: 'error', reason, port });
    this.problem('CCO could not start the daemon', reason);
    return this.current;
  }

  private async doStart(): Promise<DaemonState> {
    if (this.current.kind === 'running') return this.current;
    let config: DaemonConfig;
    try {
      config = this.deps.config();
    } catch (error) {
      return this.fail((error as Error).message, null);
    }
    this.config = config;
    this.set({ kind: 'starting', port: config.port });
    const got = await this.hostOrAttach(config);
    if ('reason' in got) return this.fail(got.reason, config.port);
    const running: DaemonState = { kind: 'running', ...got, stats: null, upstreamProblem: null };
    this.set(running);
    const upstreamProblem = await this.deps.upstream(config.upstream);
    const stats = await this.deps.stats(running.url);
    this.set({ ...running, stats, upstreamProblem });
    if (upstreamProblem) this.problem('CCO cannot reach the upstream', `${upstreamProblem}. Requests will fail until it is reachable.`);
    return this.current;
  }

  private async hostOrAttach(
    config: DaemonConfig,
  ): Promise<{ port: number; url: string; owner: 'app' | 'external'; pid: number | null } | { reason: string }> {
    let decision = await this.deps.decide(config);
    if (decision.action === 'host') {
      try {
        const hosted = await this.deps.host(config);
        this.hosted = hosted;
        hosted.onUnexpectedExit((detail, clean) => void this.ended(hosted, detail, clean));
        return { port: hosted.port, url: hosted.url, owner: 'app', pid: hosted.pid };
      } catch (error) {
        // `cco` may have bound the port between our probe and our bind: look once more.
        if ((error as { code?: string }).code !== 'EADDRINUSE') return { reason: (error as Error).message };
        decision = await this.deps.decide(config);
        if (decision.action === 'host') return { reason: `Port ${config.port} is already in use by another program` };
      }
    }
    if (decision.action === 'refuse') return { reason: decision.reason };
    return { port: config.port, url: decision.url, owner: 'external', pid: decision.health.pid };
  }

  /**
   * The hosted daemon's process ended without the app asking. Stopped from outside (`kill PID`, a
   * clean drain): it stays stopped. Crashed: say so, and start it again unless it keeps dying.
   */
  private ended(hosted: HostedDaemon, detail: string, clean: boolean): Promise<DaemonState> {
    return this.serial(async () => {
      if (this.hosted !== hosted) return this.current; // stopped or replaced meanwhile
      this.hosted = null;
      if (clean) {
        this.set({ kind: 'stopped', note: `the daemon on port ${hosted.port} was stopped outside the app` });
        return this.current;
      }
      const now = (this.deps.now ?? Date.now)();
      this.crashes = [...this.crashes.filter((at) => now - at < CRASH_WINDOW_MS), now];
      if (this.crashes.length >= MAX_CRASHES) {
        const reason = `the daemon stopped unexpectedly ${this.crashes.length} times within a minute (last: ${detail})`;
        this.set({ kind: 'error', reason, port: hosted.port });
        const advice = `See ${hosted.logFile}, then choose Start.`;
        this.problem('CCO daemon keeps stopping', `${reason}, so it was not restarted. ${advice}`);
        return this.current;
      }
      const body = `It ended (${detail}) and is being restarted. See ${hosted.logFile}.`;
      this.problem('CCO daemon stopped unexpectedly', body);
      this.set({ kind: 'stopped', note: 'the daemon stopped unexpectedly; restarting' });
      return this.doStart();
    });
  }

  private async doStop(): Promise<DaemonState> {
    const state = this.current;
    if (state.kind !== 'running') return state;
    this.set({ kind: 'stopping', port: state.port });
    if (this.hosted) {
      const hosted = this.hosted;
      this.hosted = null;
      try {
        // The drain is the hosted daemon's own setting (drainTimeoutSeconds).
        await hosted.close();
      } catch (error) {
        this.deps.logger.error(`Stopping the daemon failed: ${(error as Error).message}`);
      }
      this.set({ kind: 'stopped', note: null });
      return this.current;
    }
    try {
      await this.deps.stopExternal(this.config ?? this.deps.config());
      this.set({ kind: 'stopped', note: null });
    } catch (error) {
      const details = (error as { details?: readonly string[] }).details ?? [];
      this.set(state);
      this.problem('CCO could not stop the daemon', [(error as Error).message, ...details].join(' '));
    }
    return this.current;
  }
}
