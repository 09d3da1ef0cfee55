// Child-process entry for the benchmark: the fake upstream or the real daemon, each in its own process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { applyConfig, defaultConfig } from '../main/common/config.js';
import { silentLogger } from '../main/common/logger.js';
import { createDaemon } from '../main/daemon/app.js';
import { openTeamLedger } from '../main/daemon/ledger/ledger.js';
import { runDaemonHost } from '../main/daemon/host.js';
import { loadPriceTable } from '../main/daemon/pricing/load.js';
import { createPricer } from '../main/daemon/pricing/pricer.js';
import { systemClock } from '../main/daemon/usage/clock.js';
import { openUsageStore } from '../main/daemon/usage/store.js';
import { startFakeAnthropic } from '../test/support/fake-anthropic.js';
import { startFloorProxy } from './floor.js';

// upstream [latencyMs] | daemon <upstream URL> [team DB URL] | floor <upstream URL> | idle
// | host <upstream URL> <data dir> <port>
const [role, arg, teamDb] = process.argv.slice(2);

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
  // With a team DB the ledger ships this daemon's rows as `cco daemon start --team-db` would; it is
  // closed and opened again by message, so "ledger on" and "off" are measured in this one process.
  const openLedger = () => (teamDb ? openTeamLedger(applyConfig(config, { teamDb }), store.file, silentLogger) : null);
  let ledger = openLedger();
  process.on('message', (message) => {
    if (message !== 'ledger-on' && message !== 'ledger-off') return;
    void (async () => {
      await ledger?.close();
      ledger = message === 'ledger-on' ? openLedger() : null;
      // Rows recorded while it was off ship first, so an "on" round pays only for its own rows.
      await store.summary('today');
      const deadline = Date.now() + 60_000;
      while (ledger && ledger.status().waiting > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      process.send!({ ledger: ledger !== null });
    })();
  });
  const daemon = createDaemon({ config, logger: silentLogger, recorder: { record: (r) => recording && store.record(r) } });
  const { url } = await daemon.listen(0, '127.0.0.1');
  process.send!({ url });
  process.once('SIGTERM', () => void daemon.close(0).then(async () => {
    store.close();
    await ledger?.close();
    process.exit(0);
  }));
}

/** The minimal pass-through proxy CCO is measured against. */
async function floorRole(): Promise<void> {
  const floor = await startFloorProxy(arg!);
  process.send!({ url: floor.url });
  process.once('SIGTERM', () => {
    floor.server.close();
    void floor.pool.close().then(() => process.exit(0));
  });
}

// CPU time on request: the benchmark compares CPU per request, which other load on the machine does not skew.
process.on('message', (message) => {
  if (message !== 'cpu') return;
  const { user, system } = process.cpuUsage();
  process.send!({ cpu: user + system });
});

// Event-loop delay over a load: how long a timer due in this process waited beyond its time, i.e.
// how long any one piece of work held the loop. On only during a measured load, so that its
// sampling timer costs nothing in the other figures.
// The histogram holds whole timer intervals (an idle loop reads about the resolution), so the
// resolution is taken off to leave the delay itself.
const RESOLUTION_MS = 2;
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
process.on('message', (message) => {
  if (message === 'loop-delay-start') {
    loop.reset();
    loop.enable();
    process.send!({ loopDelay: 'started' });
  } else if (message === 'loop-delay-stop') {
    loop.disable();
    const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    const loopDelay = { p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean), samples: loop.count };
    process.send!({ loopDelay });
  }
});

/** Does nothing but measure: its loop delay is what the machine alone does to a process meanwhile. */
async function idleRole(): Promise<void> {
  process.send!({ url: '' });
  process.once('SIGTERM', () => process.exit(0));
  // The IPC channel is unref'd in a forked child; this keeps the role alive until told to stop.
  setInterval(() => {}, 1 << 30);
}

/** The daemon exactly as `cco daemon start` hosts it, on a given data directory and port. */
async function hostRole(): Promise<void> {
  const [, , dataDir, port] = process.argv.slice(2);
  const config = applyConfig(defaultConfig(), { port: Number(port), upstream: arg });
  const running = await runDaemonHost({ config, dataDir: dataDir!, console: false });
  process.send!({ url: running.url });
  process.once('SIGTERM', () => void running.close(0).then(() => process.exit(0)));
}

const roles: Record<string, () => Promise<void>> = { upstream: upstreamRole, idle: idleRole, floor: floorRole, host: hostRole };
void (roles[role ?? ''] ?? daemonRole)();
