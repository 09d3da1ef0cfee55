// The page header: name, navigation, connection status and the daemon's identity.
import type { HealthResponse } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import type { ConnectionStatus } from '../live.js';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

export function renderStatus(status: ConnectionStatus, retryInMs: number | null): void {
  const el = byId('status');
  el.dataset.status = status;
  fill(el, h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { id: 'status-text' }, STATUS_TEXT[status]));
  el.title = retryInMs === null ? STATUS_TEXT[status] : `${STATUS_TEXT[status]} (next try in ${Math.ceil(retryInMs / 1000)} s)`;
}

/** The upstream's host is what tells a user which API they are on. */
function upstreamHost(upstream: string | undefined): string {
  if (!upstream) return '—';
  try {
    return new URL(upstream).host;
  } catch {
    return upstream;
  }
}

export function renderDaemonInfo(health: HealthResponse): void {
  fill(
    byId('daemon-info'),
    h('span', { title: 'Daemon version' }, `v${health.version}`),
    h('span', { title: 'Port' }, `port ${health.port}`),
    h('span', { title: `Upstream: ${health.upstream ?? ''}`, id: 'upstream' }, upstreamHost(health.upstream)),
  );
}
