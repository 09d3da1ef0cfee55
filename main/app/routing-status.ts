import { existsSync, readFileSync } from 'node:fs';
import type { BridgeRoutingStatus } from '../../shared/bridge.js';
import { routingFile } from '../common/paths.js';
import { parseRoutingConfig } from '../daemon/routing/config.js';

/**
 * The routing file the daemon will read and what the daemon's own validator says about it, so
 * the settings window shows the error the daemon would log, with its line and field.
 */
export function routingStatus(dataDir: string, configured: string | undefined, upstream: string): BridgeRoutingStatus {
  const path = routingFile(dataDir, configured ?? '');
  if (!existsSync(path)) return { path, exists: false, error: null };
  try {
    parseRoutingConfig(readFileSync(path, 'utf8'), path, upstream);
    return { path, exists: true, error: null };
  } catch (error) {
    return { path, exists: true, error: (error as Error).message };
  }
}

/** What a new routing file starts as: valid, and routing everything to the upstream as before. */
export const EMPTY_ROUTING_FILE = `${JSON.stringify({ providers: {}, routes: [], default: 'anthropic' }, null, 2)}\n`;
