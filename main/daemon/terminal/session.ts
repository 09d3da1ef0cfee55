import { StringDecoder } from 'node:string_decoder';
import type { SessionInfo } from '../../../shared/terminal.js';
import type { Pty } from './pty.js';
import { Scrollback } from './scrollback.js';

/** Where a session's output goes while a page is attached to it. */
export interface SessionClient {
  output(frame: Buffer): void;
  exited(exit: SessionExit): void;
  /** Another page attached to the session; this one no longer receives anything. */
  replaced(): void;
}

export interface SessionExit {
  exitCode: number;
  signal?: number;
}

export interface SessionLimits {
  /** Output is gathered this long before it is sent, so a flood becomes few large frames. */
  batchMs: number;
  /** A batch this large is sent at once. */
  maxBatchBytes: number;
  /** Unacknowledged output above this pauses the process... */
  highWaterBytes: number;
  /** ...until acknowledgements bring it down to this. */
  lowWaterBytes: number;
  scrollbackBytes: number;
}

export interface SessionState extends SessionInfo {
  attached: boolean;
  paused: boolean;
  unackedBytes: number;
  exit: SessionExit | null;
}

/**
 * One pseudo-terminal and at most one page showing it. Output is decoded as UTF-8 (a character
 * split across reads waits for its last byte), kept in a bounded scrollback for reattaching, and
 * sent in batches; the process is paused while the page has too much output it has not drawn yet.
 */
export class TerminalSession {
  /** The name the user gave the session in the session manager, or null. */
  name: string | null = null;
  private client: SessionClient | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private readonly scrollback: Scrollback;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private unacked = 0;
  private paused = false;
  private exitStatus: SessionExit | null = null;
  private readonly exitListeners: Array<(exit: SessionExit) => void> = [];

  constructor(
    readonly info: SessionInfo,
    private readonly pty: Pty,
    private readonly limits: SessionLimits,
  ) {
    this.scrollback = new Scrollback(limits.scrollbackBytes);
    pty.onData((data) => this.received(typeof data === 'string' ? data : this.decoder.write(data)));
    pty.onExit(({ exitCode, signal }) => this.ended({ exitCode, ...(signal ? { signal } : {}) }));
  }

  /** A line of our own (e.g. why a shell runs), shown and kept like the process's output. */
  announce(text: string): void {
    this.received(text);
  }

  /** Makes `client` the page showing this session: replays the scrollback, then streams. */
  attach(client: SessionClient): void {
    const previous = this.client;
    this.client = client;
    if (previous && previous !== client) previous.replaced();
    this.unacked = 0;
    this.setPaused(false);
    // Whatever is pending is already in the scrollback: the replay carries it.
    this.clearPending();
    const replay = this.scrollback.text();
    if (replay !== '') this.send(Buffer.from(replay));
    if (this.exitStatus) client.exited(this.exitStatus);
  }

  /** The page went away (reload, network): the process keeps running into the scrollback. */
  detach(client: SessionClient): void {
    if (this.client !== client) return;
    this.client = null;
    this.unacked = 0;
    this.setPaused(false);
  }

  get attached(): boolean {
    return this.client !== null;
  }

  get exit(): SessionExit | null {
    return this.exitStatus;
  }

  onExit(listener: (exit: SessionExit) => void): void {
    this.exitListeners.push(listener);
  }

  write(data: string): void {
    if (!this.exitStatus) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.exitStatus) this.pty.resize(cols, rows);
  }

  acknowledge(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    if (this.paused && this.unacked + this.pendingBytes <= this.limits.lowWaterBytes) this.setPaused(false);
  }

  /** Ends the process (SIGHUP, as closing a terminal window does); escalates if it lingers. */
  kill(graceMs: number): void {
    if (this.exitStatus) return;
    this.setPaused(false); // a paused process cannot read its hang-up
    this.pty.kill();
    const force = setTimeout(() => {
      if (!this.exitStatus) this.pty.kill('SIGKILL');
    }, graceMs);
    force.unref();
    this.onExit(() => clearTimeout(force));
  }

  state(): SessionState {
    return { ...this.info, attached: this.attached, paused: this.paused, unackedBytes: this.unacked, exit: this.exitStatus };
  }

  private received(text: string): void {
    if (text === '') return;
    this.scrollback.push(text);
    if (!this.client) return;
    this.pending.push(text);
    this.pendingBytes += Buffer.byteLength(text);
    // Output read but not yet sent counts too: a slow event loop must not let a batch outgrow the watermark.
    if (this.unacked + this.pendingBytes >= this.limits.highWaterBytes) this.setPaused(true);
    if (this.pendingBytes >= this.limits.maxBatchBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.limits.batchMs);
  }

  private flush(): void {
    const text = this.pending.join('');
    this.clearPending();
    if (text !== '' && this.client) this.send(Buffer.from(text));
  }

  private clearPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private send(frame: Buffer): void {
    this.client!.output(frame);
    this.unacked += frame.length;
    if (this.unacked >= this.limits.highWaterBytes) this.setPaused(true);
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused || this.exitStatus) return;
    this.paused = paused;
    if (paused) this.pty.pause();
    else this.pty.resume();
  }

  private ended(exit: SessionExit): void {
    this.received(this.decoder.end());
    this.flush();
    this.paused = false;
    this.exitStatus = exit;
    this.client?.exited(exit);
    for (const listener of this.exitListeners.splice(0)) listener(exit);
  }
}
