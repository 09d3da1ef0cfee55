import { readOrCreateToken } from '../common/token.js';
import type { ResolvedCli } from './config.js';
import { daemonUrl } from '../common/daemon-client.js';
import { errorCode } from './errors.js';
import { dashboardUrl } from './format.js';
import { dataDirError } from './preflight.js';
import { errorMessage } from '../common/format.js';

/**
 * The dashboard address with the per-install token in the fragment: browsers never send a
 * fragment to a server or put it in a Referer, and the page moves it into session storage.
 */
export function dashboardLink(resolved: ResolvedCli, url = daemonUrl(resolved.config.host, resolved.config.port)): string {
  const { config, dataDir } = resolved;
  return `${dashboardUrl(config.host, config.port, url)}/#token=${encodeURIComponent(tokenOf(dataDir))}`;
}

/** The token, or the data directory's problem said plainly (a file in its place, no permission). */
function tokenOf(dataDir: string): string {
  try {
    return readOrCreateToken(dataDir);
  } catch (error) {
    throw dataDirError(dataDir, errorCode(error) ?? errorMessage(error));
  }
}
