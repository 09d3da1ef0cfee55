import type { WebSocket } from 'ws';
import type { Logger } from '../../common/logger.js';
import type { TerminalClientMessage, TerminalServerMessage } from '../../../shared/terminal.js';
import { TerminalError } from './errors.js';
import { parseClientMessage } from './messages.js';
import type { TerminalService } from './service.js';
import type { SessionClient, TerminalSession } from './session.js';
import { errorMessage } from '../../common/format.js';

/** Messages held while a session starts; a paste is one message. */
const EARLY_MAX = 1000;

/** Close codes in the application range, so a page can tell why its socket ended. */
export const CLOSE = { normal: 1000, refused: 4400, replaced: 4409 } as const;

/**
 * One page's socket for one session: the first message opens or attaches, the rest drive it.
 * The socket ending (reload, network) only detaches; an explicit `close` ends the process.
 */
export function serveSocket(ws: WebSocket, service: TerminalService, logger: Logger): void {
  let session: TerminalSession | null = null;
  let starting = false;
  const send = (message: TerminalServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const refuse = (error: TerminalError) => {
    send({ type: 'error', code: error.code, message: error.message });
    ws.close(CLOSE.refused, error.code);
  };
  const client: SessionClient = {
    output: (frame) => {
      if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    },
    exited: (exit) => send({ type: 'exit', ...exit }),
    replaced: () => {
      session = null;
      send({ type: 'detached', reason: 'Another page took this session over' });
      ws.close(CLOSE.replaced, 'replaced');
    },
  };

  const start = async (message: TerminalClientMessage) => {
    starting = true;
    try {
      if (message.type === 'open') {
        const opened = await service.open(message);
        session = opened.session;
        if (ws.readyState !== ws.OPEN) return service.close(session.info.id); // the page left while it started
        const notice = opened.notice ? { notice: opened.notice } : {};
        send({ type: 'ready', ...session.info, name: null, attached: false, ...notice });
      } else if (message.type === 'attach') {
        const found = service.get(message.id);
        if (!found) throw new TerminalError('unknown-session', 'That terminal session has ended');
        if (message.takeover === false && found.attached) {
          throw new TerminalError('held-elsewhere', 'This terminal session is open in another page');
        }
        session = found;
        send({ type: 'ready', ...found.info, name: found.name, attached: true });
        found.resize(message.cols, message.rows);
      } else if (message.type === 'list' || message.type === 'rename' || message.type === 'end') {
        return manage(message);
      } else {
        throw new TerminalError('bad-request', 'The first message must open or attach a session');
      }
      service.attached(session);
      session.attach(client);
      for (const queued of early.splice(0)) handle(queued);
    } catch (error) {
      if (error instanceof TerminalError) return refuse(error);
      logger.error(`Terminal: ${(error as Error).stack}`);
      refuse(new TerminalError('spawn-failed', errorMessage(error)));
    } finally {
      starting = false;
    }
  };

  /** The session manager's requests: one per socket, answered with the sessions as they are now. */
  const manage = (message: TerminalClientMessage) => {
    if (message.type === 'rename') service.rename(message.id, message.name);
    if (message.type === 'end') service.close(message.id);
    send({ type: 'sessions', idleLimitMs: service.idleLimitMs, sessions: service.summaries() });
    ws.close(CLOSE.normal, 'done');
  };

  /** Typing that arrives while the process starts waits for it (bounded), rather than being lost. */
  const early: TerminalClientMessage[] = [];
  ws.on('message', (data, isBinary) => {
    const message = isBinary ? null : parseClientMessage(data.toString());
    if (!message) return refuse(new TerminalError('bad-request', 'Malformed terminal message'));
    if (session) return handle(message);
    if (!starting) return void start(message);
    if (early.length < EARLY_MAX) early.push(message);
  });
  function handle(message: TerminalClientMessage): void {
    if (!session) return;
    switch (message.type) {
      case 'input':
        session.write(message.data);
        return;
      case 'resize':
        session.resize(message.cols, message.rows);
        return;
      case 'ack':
        session.acknowledge(message.bytes);
        return;
      case 'close':
        service.close(session.info.id);
        session = null;
        send({ type: 'closed' });
        ws.close(CLOSE.normal, 'closed');
        return;
      default:
        refuse(new TerminalError('bad-request', 'The session is already open'));
    }
  }
  ws.on('close', () => {
    if (!session) return;
    session.detach(client);
    service.detached(session);
    session = null;
  });
}
