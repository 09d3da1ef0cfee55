// The terminal WebSocket protocol (`/api/terminal?token=...`), shared by the daemon and the page.
// Types only: this module emits no code and imports nothing.
//
// One socket carries one session. The client's first message is `open` (a new session) or
// `attach` (an existing one, after a page reload). Control messages are JSON text frames; the
// terminal's output travels as binary frames of UTF-8 that never end mid-character. The client
// acknowledges the bytes it has written to the screen, and the daemon pauses the process while too
// many are unacknowledged.

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Start a new session in `cwd` (absolute, or `~`-relative; empty means the home directory). */
export interface OpenMessage extends TerminalSize {
  type: 'open';
  cwd?: string;
}

/** Reconnect to a session that is still alive (or has exited but was not closed yet). */
export interface AttachMessage extends TerminalSize {
  type: 'attach';
  id: string;
  /**
   * false: refuse (`held-elsewhere`) when another page shows the session, so a duplicated browser
   * tab does not silently steal it. true or absent: take it over; the other page is told.
   */
  takeover?: boolean;
}

/** The session manager: list the sessions (answered with `sessions`, then the socket closes). */
export interface ListMessage {
  type: 'list';
}

/** Give a session a name of its own (empty: back to its directory's name); answered with `sessions`. */
export interface RenameMessage {
  type: 'rename';
  id: string;
  name: string;
}

/** End a session's process, whichever page shows it; answered with `sessions`. */
export interface EndMessage {
  type: 'end';
  id: string;
}

export interface InputMessage {
  type: 'input';
  data: string;
}

export interface ResizeMessage extends TerminalSize {
  type: 'resize';
}

/** `bytes` of output frames have been written to the screen. */
export interface AckMessage {
  type: 'ack';
  bytes: number;
}

/** The tab was closed: end the process and forget the session. */
export interface CloseMessage {
  type: 'close';
}

export type TerminalClientMessage =
  | OpenMessage
  | AttachMessage
  | InputMessage
  | ResizeMessage
  | AckMessage
  | CloseMessage
  | ListMessage
  | RenameMessage
  | EndMessage;

export type SessionKind = 'claude' | 'shell';

export interface SessionInfo {
  id: string;
  cwd: string;
  kind: SessionKind;
  /** What runs: the Claude Code executable or the shell. */
  command: string;
  pid: number;
  /** Epoch ms the session started. */
  startedAt: number;
}

/** One running session as the session manager lists it. */
export interface SessionSummary extends SessionInfo {
  /** The name the user gave it, or null (the directory's name is shown). */
  name: string | null;
  /** Whether a page shows it now. */
  attached: boolean;
  exited: boolean;
  /** Epoch ms since no page shows it (null while one does); it ends `idleLimitMs` after this. */
  idleSince: number | null;
}

/** The answer to `list`, `rename` and `end`; the socket closes after this. */
export interface SessionsMessage {
  type: 'sessions';
  /** How long a session no page shows keeps running (the `terminalIdleMinutes` setting). */
  idleLimitMs: number;
  sessions: SessionSummary[];
}

/** Sent once the session is open or attached; an attach replays the recent scrollback right after. */
export interface ReadyMessage extends SessionInfo {
  type: 'ready';
  attached: boolean;
  name: string | null;
  /** One line for the user, e.g. why a shell runs instead of Claude Code. */
  notice?: string;
}

export interface ExitMessage {
  type: 'exit';
  exitCode: number;
  signal?: number;
}

/** The session was closed on request; the socket closes after this. */
export interface ClosedMessage {
  type: 'closed';
}

/** Another page attached to this session; this socket closes after this. */
export interface DetachedMessage {
  type: 'detached';
  reason: string;
}

export type TerminalErrorCode =
  | 'bad-request'
  | 'unknown-session'
  | 'held-elsewhere'
  | 'bad-directory'
  | 'unavailable'
  | 'too-many-sessions'
  | 'spawn-failed';

/** The request could not be served; the socket closes after this. */
export interface ErrorMessage {
  type: 'error';
  code: TerminalErrorCode;
  message: string;
}

export type TerminalServerMessage =
  | ReadyMessage
  | ExitMessage
  | ClosedMessage
  | DetachedMessage
  | ErrorMessage
  | SessionsMessage;
