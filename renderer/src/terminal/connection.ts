import type {
  ErrorMessage,
  ExitMessage,
  ReadyMessage,
  TerminalClientMessage,
  TerminalServerMessage,
} from '../../../shared/terminal.js';

export interface ConnectionEvents {
  ready(message: ReadyMessage): void;
  /** UTF-8 bytes, never cut mid-character; acknowledge them once they are on screen. */
  output(bytes: Uint8Array): void;
  exit(message: ExitMessage): void;
  /** The daemon refused or could not serve the session; the socket is closing. */
  error(message: ErrorMessage): void;
  /** Another window took the session over. */
  detached(reason: string): void;
  /** The socket ended without the session being closed (daemon stopped, network): worth reconnecting. */
  lost(): void;
}

const EARLY_MAX = 1000;

/** One WebSocket to `/api/terminal` for one session (shared/terminal.ts describes the protocol). */
export class TerminalConnection {
  private readonly ws: WebSocket;
  private finished = false;
  /** Set when this page let go of the socket: anything still arriving is for nobody. */
  private released = false;
  /** Typing and resizes from before the socket opened, sent right after the opening message. */
  private early: TerminalClientMessage[] = [];

  constructor(url: string, first: TerminalClientMessage, events: ConnectionEvents) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'arraybuffer';
    this.ws.addEventListener('open', () => {
      this.send(first);
      for (const message of this.early.splice(0)) this.send(message);
    });
    this.ws.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
      if (this.released) return;
      if (typeof event.data !== 'string') return events.output(new Uint8Array(event.data));
      const message = JSON.parse(event.data) as TerminalServerMessage;
      switch (message.type) {
        case 'ready':
          return events.ready(message);
        case 'exit':
          return events.exit(message);
        case 'error':
          this.finished = true;
          return events.error(message);
        case 'detached':
          this.finished = true;
          return events.detached(message.reason);
        case 'closed':
          this.finished = true;
          return;
      }
    });
    this.ws.addEventListener('close', () => {
      if (!this.finished) events.lost();
      this.finished = true;
    });
  }

  input(data: string): void {
    this.send({ type: 'input', data });
  }

  resize(cols: number, rows: number): void {
    this.send({ type: 'resize', cols, rows });
  }

  ack(bytes: number): void {
    this.send({ type: 'ack', bytes });
  }

  /** Ends the session's process (the tab was closed). */
  close(): void {
    this.finished = true;
    this.released = true;
    if (this.ws.readyState === WebSocket.OPEN) this.send({ type: 'close' });
    else this.ws.close();
  }

  /** Drops the socket but leaves the session running (page unload). */
  drop(): void {
    this.finished = true;
    this.released = true;
    this.ws.close();
  }

  private send(message: TerminalClientMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
    // Keystrokes typed while connecting are kept (a bounded few), not lost; stale acks are not.
    else if (this.ws.readyState === WebSocket.CONNECTING && message.type !== 'ack' && this.early.length < EARLY_MAX) this.early.push(message);
  }
}
