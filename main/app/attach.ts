import type { DaemonConfig } from '../common/config.js';
import { daemonUrl, fetchHealth, type Health } from '../common/daemon-client.js';
import { probePort } from '../common/port-probe.js';

/** What to do for the configured port: host our own daemon, attach to the one there, or give up. */
export type StartDecision =
  | { action: 'host' }
  | { action: 'attach'; url: string; health: Health }
  | { action: 'refuse'; reason: string };

export interface AttachProbes {
  health(url: string): Promise<Health | null>;
  port(host: string, port: number): Promise<'free' | 'in-use' | 'denied'>;
}

/** The CLI's own probes: the same /health check `cco` uses to find a running daemon. */
export const cliProbes: AttachProbes = {
  health: (url) => fetchHealth(url, 1000),
  port: probePort,
};

/**
 * A CCO daemon already answering on the port (started by `cco`, or a previous app run) is
 * attached to rather than fought over; anything else holding the port is a reason to stop.
 */
export async function decideStart(config: DaemonConfig, probes: AttachProbes = cliProbes): Promise<StartDecision> {
  const url = daemonUrl(config.host, config.port);
  const health = await probes.health(url);
  if (health) return { action: 'attach', url, health };
  const port = await probes.port(config.host, config.port);
  if (port === 'free') return { action: 'host' };
  if (port === 'denied') return { action: 'refuse', reason: `Not allowed to listen on port ${config.port}; choose a port from 1024 up in Settings` };
  return { action: 'refuse', reason: `Port ${config.port} is already in use by another program; stop it or choose another port in Settings` };
}
