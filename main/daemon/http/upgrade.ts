import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../common/logger.js';
import { refuseForeignRequest } from './guard.js';

/** A WebSocket endpoint: it takes over the connection of an HTTP upgrade request for its path. */
export interface UpgradeRoute {
  path: string;
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends its connections and whatever they run; called when the daemon closes. */
  close(): Promise<void>;
}

/** What the daemon hands each upgrade route when it creates it. */
export interface UpgradeShared {
  logger: Logger;
  /** The per-install token, when the host has one; without it, routes that need it refuse everyone. */
  token?: string;
  /** The daemon's own base URL and port, known once it listens. */
  url(): string;
  port(): number;
}

/** Answers an upgrade request with a plain HTTP error and drops the connection. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Error';
  const body = JSON.stringify({ type: 'error', error: { type: status === 404 ? 'not_found_error' : 'permission_error', message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Routes upgrade requests by path, after the same Host/Origin check every HTTP request gets. */
export function upgradeDispatcher(routes: readonly UpgradeRoute[], extraHosts: ReadonlySet<string>) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a client vanishing mid-handshake is not the daemon's problem
    const foreign = refuseForeignRequest(req, extraHosts);
    if (foreign) return refuseUpgrade(socket, 403, `${foreign}: the daemon only answers local clients`);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path);
    if (!route) return refuseUpgrade(socket, 404, `No WebSocket endpoint at ${path}`);
    route.handle(req, socket, head);
  };
}
