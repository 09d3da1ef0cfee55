// Child-process entry for the benchmark: the fake upstream or the real daemon, each in its own process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConfig, defaultConfig } from '../main/common/config.js';
import { silentLogger } from '../main/common/logger.js';
import { createDaemon } from '../main/daemon/app.js';
import { runDaemonHost } from '../main/daemon/host.js';
import { loadPriceTable } from '../main/daemon/pricing/load.js';
import { createPricer } from '../main/daemon/pricing/pricer.js';
import { systemClock } from '../main/daemon/usage/clock.js';
import { openUsageStore } from '../main/daemon/usage/store.js';
import { startFakeAnthropic } from '../test/support/fake-anthropic.js';

// upstream [latencyMs] | daemon <upstream URL> | host <upstream URL> <data dir> <port>
const [role, arg] = process.argv.slice(2);

async function upstreamRole(): Promise<void> {
  const fake = await startFakeAnthropic({ record: false, latencyMs: Number(arg ?? 0) });
  process.send!({ url: fake.url });
  process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
}

/**
 * The daemon as the CLI hosts it, recording into a real database. Recording can be switched off
 * and on by message, so that "on" and "off" are compared inside one process (same heap, same JIT,
 * same cache), not across two processes that differ in ways the comparison should not see.
 */
async function daemonRole(): Promise<void> {
  const config = applyConfig(defaultConfig(), { port: 0, upstream: arg, cacheSize: 100_000 });
  const store = openUsageStore({
    file: join(mkdtempSync(join(tmpdir(), 'cco-bench-')), 'usage.db'),
    pricer: createPricer(loadPriceTable(null, silentLogger), silentLogger),
    clock: systemClock,
    logger: silentLogger,
    writer: process.env.BENCH_WRITER === 'inline' ? 'inline' : 'thread',
  });
  let recording = true;
  process.on('message', (message) => {
    if (message === 'record-on' || message === 'record-off') {
      recording = message === 'record-on';
      // Commit the backlog now (a read waits for it), so no round pays for the one before it.
      void store.summary('today').then(() => process.send!({ recording }));
    }
  });
  const daemon = createDaemon({ config, logger: silentLogger, recorder: { record: (r) => recording && store.record(r) } });
  const { url } = await daemon.listen(0, '127.0.0.1');
  process.send!({ url });
  process.once('SIGTERM', () => void daemon.close(0).then(() => { store.close(); process.exit(0); }));
}

// CPU time on request: the benchmark compares CPU per request, which other load on the machine does not skew.
process.on('message', (message) => {
  if (message !== 'cpu') return;
  const { user, system } = process.cpuUsage();
  process.send!({ cpu: user + system });
});

/** The daemon exactly as `cco daemon start` hosts it, on a given data directory and port. */
async function hostRole(): Promise<void> {
  const [, , dataDir, port] = process.argv.slice(2);
  const config = applyConfig(defaultConfig(), { port: Number(port), upstream: arg });
  const running = await runDaemonHost({ config, dataDir: dataDir!, console: false });
  process.send!({ url: running.url });
  process.once('SIGTERM', () => void running.close(0).then(() => process.exit(0)));
}

void (role === 'upstream' ? upstreamRole() : role === 'host' ? hostRole() : daemonRole());
