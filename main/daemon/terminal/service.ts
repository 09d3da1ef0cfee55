import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { claudeEnv } from '../../common/claude-env.js';
import type { Logger } from '../../common/logger.js';
import type { SessionSummary, TerminalSize } from '../../../shared/terminal.js';
import { chooseCommand } from './command.js';
import { resolveDirectory } from './directory.js';
import { TerminalError } from './errors.js';
import { lazyNodePty, type PtyLoader } from './pty.js';
import { TerminalSession, type SessionLimits, type SessionState } from './session.js';
import { errorMessage } from '../../common/format.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface TerminalLimits extends SessionLimits {
  maxSessions: number;
  /** A session no page has shown for this long is ended (the browser tab was closed, not the terminal tab). */
  detachedTtlMs: number;
  /** After the hang-up signal, how long a process may linger before SIGKILL. */
  killGraceMs: number;
}

export const DEFAULT_LIMITS: TerminalLimits = {
  batchMs: 5,
  maxBatchBytes: 64 * 1024,
  highWaterBytes: 256 * 1024,
  lowWaterBytes: 64 * 1024,
  scrollbackBytes: 256 * 1024,
  maxSessions: 16,
  detachedTtlMs: 60 * 60 * 1000,
  killGraceMs: 3000,
};

export interface TerminalServiceOptions {
  /** The environment sessions start from (the daemon's own); Claude Code is looked up in its PATH. */
  env: Env;
  /** The daemon's address as Claude Code should dial it, known once the daemon listens. */
  daemonUrl: () => string;
  port: () => number;
  version: string;
  logger: Logger;
  loadPty?: PtyLoader;
  platform?: NodeJS.Platform;
  home?: string;
  limits?: Partial<TerminalLimits>;
  now?: () => number;
}

export interface OpenedSession {
  session: TerminalSession;
  notice?: string;
}

/** The daemon's terminal sessions, by id; each runs Claude Code (or a shell) through the proxy. */
export class TerminalService {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly expiry = new Map<string, NodeJS.Timeout>();
  /** When each session no page shows was left (what the idle limit counts from). */
  private readonly idleSince = new Map<string, number>();
  private readonly limits: TerminalLimits;
  private readonly loadPty: PtyLoader;
  private closing = false;

  constructor(private readonly options: TerminalServiceOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.loadPty = options.loadPty ?? lazyNodePty();
  }

  async open(request: { cwd?: string } & TerminalSize): Promise<OpenedSession> {
    if (this.closing) throw new TerminalError('unavailable', 'The daemon is stopping');
    if (this.sessions.size >= this.limits.maxSessions) {
      throw new TerminalError('too-many-sessions', `At most ${this.limits.maxSessions} terminal sessions can be open; close one first`);
    }
    const cwd = await resolveDirectory(request.cwd, this.options.home ?? homedir());
    const pty = await this.loadPty();
    const platform = this.options.platform ?? process.platform;
    const command = chooseCommand(this.options.env, platform);
    const id = randomUUID();
    const env = claudeEnv(this.options.env, {
      url: this.options.daemonUrl(),
      port: this.options.port(),
      project: cwd,
      sessionId: id,
      version: this.options.version,
    });
    env.TERM = 'xterm-256color';
    env.COLORTERM = 'truecolor';
    let child: ReturnType<typeof pty.spawn>;
    try {
      child = pty.spawn(command.file, command.args, { name: 'xterm-256color', cols: request.cols, rows: request.rows, cwd, env, encoding: null });
    } catch (error) {
      throw new TerminalError('spawn-failed', `Could not start ${command.file}: ${errorMessage(error)}`);
    }
    const info = { id, cwd, kind: command.kind, command: command.file, pid: child.pid, startedAt: this.now() };
    const session = new TerminalSession(info, child, this.limits);
    this.sessions.set(id, session);
    session.onExit((exit) => {
      this.options.logger.info(`Terminal session ${id} ended (exit ${exit.exitCode}${exit.signal ? `, signal ${exit.signal}` : ''})`);
    });
    if (command.notice) session.announce(`\x1b[33m${command.notice}\x1b[0m\r\n`);
    this.options.logger.info(`Terminal session ${id} started: ${command.kind} (pid ${child.pid}) in ${cwd}`);
    return { session, ...(command.notice ? { notice: command.notice } : {}) };
  }

  get(id: string): TerminalSession | undefined {
    return this.sessions.get(id);
  }

  /** The page stopped showing the session; end it if no page comes back for it in time. */
  detached(session: TerminalSession): void {
    if (session.attached || !this.sessions.has(session.info.id)) return;
    const timer = setTimeout(() => this.close(session.info.id), this.limits.detachedTtlMs);
    timer.unref();
    this.clearExpiry(session.info.id);
    this.expiry.set(session.info.id, timer);
    this.idleSince.set(session.info.id, this.now());
  }

  /** The sessions as the session manager lists them, oldest first. */
  summaries(): SessionSummary[] {
    return [...this.sessions.values()].map((s) => ({
      ...s.info,
      name: s.name,
      attached: s.attached,
      exited: s.exit !== null,
      idleSince: s.attached ? null : (this.idleSince.get(s.info.id) ?? null),
    }));
  }

  get idleLimitMs(): number {
    return this.limits.detachedTtlMs;
  }

  rename(id: string, name: string): void {
    const session = this.sessions.get(id);
    if (!session) throw new TerminalError('unknown-session', 'That terminal session has ended');
    session.name = name.trim() === '' ? null : name.trim();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  attached(session: TerminalSession): void {
    this.clearExpiry(session.info.id);
  }

  /** Ends the process and forgets the session (the tab was closed). */
  close(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.clearExpiry(id);
    session.kill(this.limits.killGraceMs);
  }

  /** Ends every session and waits (bounded) for the processes to go. */
  async closeAll(): Promise<void> {
    this.closing = true;
    const all = [...this.sessions.values()];
    const exits = all.map((s) => (s.exit ? Promise.resolve() : new Promise<void>((resolve) => s.onExit(() => resolve()))));
    for (const session of all) this.close(session.info.id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(exits),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.limits.killGraceMs + 500);
      }),
    ]);
    clearTimeout(timer);
  }

  list(): SessionState[] {
    return [...this.sessions.values()].map((s) => s.state());
  }

  private clearExpiry(id: string): void {
    clearTimeout(this.expiry.get(id));
    this.expiry.delete(id);
    this.idleSince.delete(id);
  }
}
