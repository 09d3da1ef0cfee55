import { instanceFiles } from '../common/paths.js';
import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { EXIT } from './errors.js';
import { dashboardLink } from './dashboard-link.js';
import { formatBytes } from '../common/format.js';
import { commandFor, formatDuration, formatPercent } from './format.js';
import { daemonUrl, fetchCacheStats, fetchHealth, type CacheSummary } from '../common/daemon-client.js';
import { statusHelp } from './help.js';
import { HELP_SPEC, configFlagsFrom, configSpecs, parseOptions } from './parse.js';
import { assertOwnDaemon } from './own-daemon.js';
import { readPidFile } from '../common/pidfile.js';
import { isRunning } from '../common/processes.js';

export async function statusCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(true), json: { type: 'boolean' }, ...HELP_SPEC }, 'cco daemon status');
  if (values.help) {
    ctx.out(statusHelp());
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values), { manage: true });
  const { config, dataDir } = resolved;
  const url = daemonUrl(config.host, config.port);
  const health = await fetchHealth(url, 2000);
  const { managerOf } = await import('./service/command.js');
  const manager = managerOf(resolved, ctx);
  const managedBy = manager
    ? { manager: manager.kind, name: manager.name(config.port), file: manager.file(config.port) }
    : null;
  if (!health) {
    return reportStopped(ctx, config.port, instanceFiles(dataDir, config.port).pidFile, values.json === true, managedBy);
  }
  assertOwnDaemon(resolved, health);
  const cache = await fetchCacheStats(url, 2000);
  const status = {
    running: true,
    pid: health.pid,
    port: config.port,
    url,
    dashboard: dashboardLink(resolved, url),
    version: health.version ?? null,
    uptimeSeconds: health.uptimeSeconds ?? null,
    upstream: health.upstream ?? null,
    managedBy,
    cache,
  };
  if (values.json) {
    ctx.out(JSON.stringify(status, null, 2));
    return EXIT.ok;
  }
  ctx.out(`● Daemon is running on port ${config.port}`);
  ctx.out(`   PID: ${status.pid}`);
  ctx.out(`   Dashboard: ${status.dashboard}`);
  if (status.uptimeSeconds !== null) ctx.out(`   Uptime: ${formatDuration(status.uptimeSeconds)}`);
  if (status.version !== null) ctx.out(`   Version: ${status.version}`);
  if (status.upstream !== null) ctx.out(`   Upstream: ${status.upstream}`);
  if (managedBy) ctx.out(`   Managed by: ${managedBy.manager} (${managedBy.name}); stop and restart go through it`);
  ctx.out(`   ${cacheLine(cache)}`);
  return EXIT.ok;
}

export function cacheLine(cache: CacheSummary | null): string {
  if (!cache) return 'Cache: statistics unavailable';
  return `Cache: ${cache.size} ${cache.size === 1 ? 'entry' : 'entries'}, ${formatBytes(cache.bytes, ' ')}, hit rate ${formatPercent(cache.hitRate)}`;
}

interface ManagedBy {
  manager: string;
  name: string;
  file: string;
}

function reportStopped(
  ctx: CliContext,
  port: number,
  pidFile: string,
  json: boolean,
  managedBy: ManagedBy | null,
): number {
  const pid = readPidFile(pidFile);
  const stale = pid !== undefined;
  if (json) {
    ctx.out(JSON.stringify({ running: false, port, stalePidFile: stale ? pidFile : null, managedBy }, null, 2));
    return EXIT.notRunning;
  }
  ctx.out(`○ Daemon is not running on port ${port}`);
  if (managedBy) {
    ctx.out(`   Managed by: ${managedBy.manager} (${managedBy.name}); start it with: cco daemon start`);
    return EXIT.notRunning;
  }
  if (stale) {
    const why = isRunning(pid) ? `PID ${pid} is alive but does not answer on port ${port}` : `PID ${pid} has exited`;
    ctx.out(`   The PID file ${pidFile} is stale (${why}); starting the daemon will replace it.`);
  }
  ctx.out(`   Start it with: ${commandFor('cco daemon start', port)}`);
  return EXIT.notRunning;
}
