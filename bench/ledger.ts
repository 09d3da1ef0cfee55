// The team ledger's share of `npm run bench`: proxied misses with the ledger on vs off, and how
// many rows a second one daemon ships to a real PostgreSQL on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { silentLogger } from '../main/common/logger.js';
import { openPool } from '../main/daemon/ledger/connect.js';
import { LocalRows } from '../main/daemon/ledger/local-rows.js';
import { LedgerShipper } from '../main/daemon/ledger/shipper.js';
import { createPricer } from '../main/daemon/pricing/pricer.js';
import { loadPriceTable } from '../main/daemon/pricing/load.js';
import { systemClock } from '../main/daemon/usage/clock.js';
import { openUsageStore } from '../main/daemon/usage/store.js';
import { postgresBin, startPostgres } from '../test/support/postgres.js';
import { sequential, throughput } from './measure.js';
import { setLedger, startRole, stopRole } from './processes.js';

const ROUNDS = 11;
const SHIP_ROWS = 20_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function ledgerBench(upstreamUrl: string, headers: Record<string, string>, roundMs: number): Promise<string[]> {
  const found = postgresBin();
  if ('missing' in found) return [`team ledger: skipped (${found.missing})`];
  const pg = await startPostgres(found.bin);
  try {
    return [...(await onVsOff(upstreamUrl, pg.url(), headers, roundMs)), await shipping(pg.url())];
  } finally {
    pg.close();
  }
}

/**
 * One daemon whose ledger is switched on and off between rounds that alternate which goes first, so
 * other load on the machine hits both alike (as the recording cost is measured).
 */
async function onVsOff(upstreamUrl: string, teamDb: string, headers: Record<string, string>, roundMs: number): Promise<string[]> {
  const daemon = await startRole('daemon', [upstreamUrl, teamDb]);
  const pool = new Pool(daemon.url, { connections: 32 });
  const body = (tag: string) => (i: number) =>
    JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: `${tag} ${Math.random()} ${i}` }] });
  try {
    const latency = { on: [] as number[], off: [] as number[] };
    const ratios: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order: Array<'on' | 'off'> = i % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      const rps: Record<string, number> = {};
      for (const which of order) {
        await setLedger(daemon.child, which === 'on');
        latency[which].push((await sequential(pool, 100, body(`lat-${which}`), headers)).p50);
        rps[which] = (await throughput(pool, 20, roundMs, '', headers, body(`load-${which}`))).rps;
      }
      ratios.push(rps.on! / rps.off!);
    }
    const r = median(ratios);
    return [
      `${'ledger on vs off, misses'.padEnd(34)} throughput ×${r.toFixed(3)} (${((1 - r) * 100).toFixed(1)} % lost); ` +
        `p50 ${median(latency.on).toFixed(2)} vs ${median(latency.off).toFixed(2)} ms (median of ${ROUNDS} rounds)`,
    ];
  } finally {
    await pool.close();
    await stopRole(daemon.child);
  }
}

/** Rows per second from a local database that already holds SHIP_ROWS rows into an empty ledger. */
async function shipping(teamDb: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cco-bench-ledger-'));
  const file = join(dir, 'usage.db');
  const store = openUsageStore({ file, pricer: createPricer(loadPriceTable(null, silentLogger), silentLogger), clock: systemClock, logger: silentLogger });
  for (let i = 0; i < SHIP_ROWS; i++) {
    store.record({
      startedAt: Date.now(), project: `/work/p${i % 7}`, session: 's', method: 'POST', path: '/v1/messages',
      requestedModel: 'claude-opus-4-8', servedModel: 'claude-opus-4-8', provider: 'anthropic', status: 200, errorType: null,
      cache: 'miss', streaming: true, inputTokens: 1200, outputTokens: 300, cacheCreationTokens: 0, cacheReadTokens: 5000,
      latencyMs: 900, ttfbMs: 300, requestBytes: 40_000, responseBytes: 2_000,
    });
  }
  store.close();
  const rows = new LocalRows(file);
  const shipper = new LedgerShipper({ url: teamDb, rows, openPool: () => openPool(teamDb), logger: silentLogger, machine: 'bench', user: 'bench', projectNames: 'basename' });
  try {
    const start = performance.now();
    await shipper.shipNow();
    const seconds = (performance.now() - start) / 1000;
    return `${'ledger shipping'.padEnd(34)} ${(shipper.status().shipped / seconds).toFixed(0)} rows/s (${shipper.status().shipped} rows in batches of 500)`;
  } finally {
    await shipper.close(0);
    rows.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
