// Child-process entry for the benchmark: the fake upstream or the real daemon, each in its own process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConfig, defaultConfig } from '../main/common/config.js';
import { silentLogger } from '../main/common/logger.js';
import { createDaemon } from '../main/daemon/app.js';
import { loadPriceTable } from '../main/daemon/pricing/load.js';
import { createPricer } from '../main/daemon/pricing/pricer.js';
import { systemClock } from '../main/daemon/usage/clock.js';
import { openUsageStore } from '../main/daemon/usage/store.js';
import { startFakeAnthropic } from '../test/support/fake-anthropic.js';

const [role, upstream, recording] = process.argv.slice(2);

async function upstreamRole(): Promise<void> {
  const fake = await startFakeAnthropic({ record: false });
  process.send!({ url: fake.url });
  process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
}

/** The daemon as the CLI hosts it, with usage recording into a real database or none at all. */
async function daemonRole(): Promise<void> {
  const config = applyConfig(defaultConfig(), { port: 0, upstream, cacheSize: 100_000 });
  const store = recording === 'on'
    ? openUsageStore({
        file: join(mkdtempSync(join(tmpdir(), 'cco-bench-')), 'usage.db'),
        pricer: createPricer(loadPriceTable(null, silentLogger), silentLogger),
        clock: systemClock,
        logger: silentLogger,
        writer: 'thread',
      })
    : undefined;
  const daemon = createDaemon({ config, logger: silentLogger, ...(store ? { recorder: store } : {}) });
  const { url } = await daemon.listen(0, '127.0.0.1');
  process.send!({ url });
  process.once('SIGTERM', () => void daemon.close(0).then(() => { store?.close(); process.exit(0); }));
}

// CPU time on request: the benchmark compares CPU per request, which other load on the machine does not skew.
process.on('message', (message) => {
  if (message !== 'cpu') return;
  const { user, system } = process.cpuUsage();
  process.send!({ cpu: user + system });
});

void (role === 'upstream' ? upstreamRole() : daemonRole());
