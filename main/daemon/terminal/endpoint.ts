import { WebSocketServer } from 'ws';
import { tokenMatches } from '../../common/token.js';
import { refuseUpgrade, type UpgradeRoute, type UpgradeShared } from '../http/upgrade.js';
import { TerminalService, type TerminalServiceOptions } from './service.js';
import { serveSocket } from './socket.js';

export const TERMINAL_PATH = '/api/terminal';

export type TerminalEndpointOptions = Omit<TerminalServiceOptions, 'daemonUrl' | 'port' | 'logger'> & {
  /** Receives the service once the daemon creates it (tests look at its sessions). */
  onService?: (service: TerminalService) => void;
};

/**
 * `/api/terminal`: a WebSocket per terminal tab. The per-install token must come as the `token`
 * query parameter (a browser cannot set headers on a WebSocket); without it the upgrade is
 * refused before any socket exists. Host and Origin were already checked by the daemon.
 * ws: the small, well-kept WebSocket library; framing, masking and close handshakes are not
 * worth writing by hand.
 */
export function terminalEndpoint(options: TerminalEndpointOptions) {
  return (shared: UpgradeShared): UpgradeRoute => {
    const service = new TerminalService({ ...options, daemonUrl: shared.url, port: shared.port, logger: shared.logger });
    options.onService?.(service);
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
    return {
      path: TERMINAL_PATH,
      handle(req, socket, head) {
        const given = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
        if (!shared.token || !tokenMatches(shared.token, given)) {
          return refuseUpgrade(socket, 401, 'The terminal needs the access token (the `token` file in the data directory) as the `token` query parameter');
        }
        wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, service, shared.logger));
      },
      async close() {
        for (const ws of wss.clients) ws.terminate();
        await service.closeAll();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      },
    };
  };
}
