// Usage analytics at scale: a store filled through the real write path by a deterministic
// generator, then the daemon's analytics endpoints, the request filters, `cco stats` and an HTTP
// export (with proxied requests alongside) timed at each size, side by side.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { instanceFiles } from '../main/common/paths.js';
import { silentLogger } from '../main/common/logger.js';
import { loadPriceTable } from '../main/daemon/pricing/load.js';
import { createPricer } from '../main/daemon/pricing/pricer.js';
import { systemClock } from '../main/daemon/usage/clock.js';
import type { RequestRecord } from '../main/daemon/usage/record.js';
import { openUsageStore } from '../main/daemon/usage/store.js';
import { percentile, sequential } from './measure.js';
import { loopDelayDuring, startRole, stopRole } from './processes.js';

const CCO = fileURLToPath(new URL('../../bin/cco.js', import.meta.url));
const DAY = 86_400_000;
const MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', 'claude-opus-4-8', 'claude-sonnet-4'];
const CACHES = ['miss', 'miss', 'miss', 'hit', 'bypass', 'coalesced'] as const;

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Row i of `total`: 90 days, oldest first, 30 projects, 5 models, 5 % errors; sessions of 200
 * requests, each in one project (as a Claude Code session runs in one directory). Same input,
 * same rows.
 */
function generated(rnd: () => number, i: number, total: number, end: number): RequestRecord {
  const int = (n: number) => Math.floor(rnd() * n);
  const session = Math.floor(i / 200);
  const model = MODELS[int(MODELS.length)]!;
  const failed = rnd() < 0.05;
  const latency = Math.round(200 * Math.exp(rnd() * 4));
  return {
    startedAt: end - 90 * DAY + Math.floor((i / total) * 90 * DAY) + int(1000), project: `/work/project-${(session * 7919) % 30}`,
    session: `session-${session}`, method: 'POST', path: '/v1/messages', requestedModel: model, servedModel: model,
    provider: 'anthropic', status: failed ? 529 : 200, errorType: failed ? 'overloaded_error' : null,
    cache: CACHES[int(CACHES.length)]!, streaming: true, inputTokens: int(4000), outputTokens: int(2000),
    cacheCreationTokens: int(2000), cacheReadTokens: int(60_000), latencyMs: latency, ttfbMs: Math.round(latency / 4),
    requestBytes: 2000 + int(80_000), responseBytes: 500 + int(8000),
  };
}

async function fill(file: string, rows: number, log: (line: string) => void): Promise<number> {
  const store = openUsageStore({
    file, pricer: createPricer(loadPriceTable(null, silentLogger), silentLogger), clock: systemClock, logger: silentLogger,
    writer: 'thread', flushIntervalMs: 3_600_000, maxQueue: 1_000_000,
  });
  const rnd = seeded(13);
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const start = performance.now();
  let reported = 0;
  for (let i = 0; i < rows; i++) {
    store.record(generated(rnd, i, rows, end));
    if (i % 2000 === 1999) store.flush();
    // Keeps the writer's backlog short: a read waits for every commit before it.
    if (i % 20_000 === 19_999) await store.requests({ limit: 1 });
    if (i / rows >= reported + 0.1) {
      reported += 0.1;
      log(`  writing ${rows} rows: ${Math.round(reported * 100)} %`);
    }
  }
  await store.requests({ limit: 1 });
  store.close();
  return (performance.now() - start) / rows;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function p95Of(url: string, runs = 20): Promise<number> {
  for (let i = 0; i < 3; i++) await (await fetch(url)).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    times.push(performance.now() - t0);
  }
  return percentile(times.sort((a, b) => a - b), 95);
}

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' };
const small = (tag: string) => (i: number) =>
  JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: `${tag} ${i}` }] });

interface Figures {
  writeUsPerRow: number;
  stats: Record<string, number>;
  filters: Record<string, number>;
  ccoStatsMs: number;
  exportSeconds: number;
  exportMb: number;
  rssGrowthMb: number;
  proxyIdleP99: number;
  proxyDuringP99: number;
  proxyErrors: number;
  /** The daemon's event-loop delay: proxying alone, then with the export and the dashboard. */
  loopIdleP99: number;
  loopDuringP99: number;
  loopDuringMax: number;
  refreshes: number;
}

/**
 * A filled store for `rows`: new each run, or, with BENCH_ANALYTICS_CACHE=dir, kept there and used
 * again (filling 10M rows takes a quarter of an hour; the write figure is the one measured then).
 */
async function filledStore(rows: number, port: number, log: (line: string) => void): Promise<{ dataDir: string; writeUs: number; keep: boolean }> {
  const cache = process.env.BENCH_ANALYTICS_CACHE;
  const dataDir = cache ? join(cache, String(rows)) : mkdtempSync(join(tmpdir(), 'cco-bench-analytics-'));
  const marker = join(dataDir, 'bench-fill.json');
  const database = instanceFiles(dataDir, port).database;
  if (cache && existsSync(marker)) {
    const saved = JSON.parse(readFileSync(marker, 'utf8')) as { writeUs: number; file: string };
    if (saved.file !== database) {
      renameSync(saved.file, database);
      writeFileSync(marker, JSON.stringify({ ...saved, file: database }));
    }
    log(`  using the store of ${rows} rows filled before (${dataDir})`);
    return { dataDir, writeUs: saved.writeUs, keep: true };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const writeUs = (await fill(database, rows, log)) * 1000;
  if (cache) writeFileSync(marker, JSON.stringify({ writeUs, file: database }));
  return { dataDir, writeUs, keep: cache !== undefined };
}

type FilledStore = Awaited<ReturnType<typeof filledStore>>;

async function measure(port: number, filled: FilledStore, upstream: string): Promise<Figures> {
  const { dataDir, writeUs: writeUsPerRow, keep } = filled;
  try {
    const daemon = await startRole('host', [upstream, dataDir, String(port)]);
    try {
      const base = daemon.url;
      const stats: Record<string, number> = {};
      for (const range of ['1h', '24h', 'today', '7d', '30d', 'all']) {
        stats[`summary ${range}`] = await p95Of(`${base}/api/stats/summary?range=${range}`);
        stats[`projects ${range}`] = await p95Of(`${base}/api/project/stats?range=${range}`);
      }
      for (const range of ['1h', '24h', '7d', '30d']) stats[`machine ${range}`] = await p95Of(`${base}/api/machine/stats?range=${range}`);
      // The dashboard's other reads: models, sessions and agents of the picked range.
      for (const range of ['24h', '30d', 'all']) {
        stats[`models ${range}`] = await p95Of(`${base}/api/model/stats?range=${range}`);
        stats[`sessions ${range}`] = await p95Of(`${base}/api/sessions?range=${range}`);
        stats[`agents ${range}`] = await p95Of(`${base}/api/agents?range=${range}`);
      }
      // Custom windows (local dates): one inside the hour roll-ups' keep, one with edges past it.
      const day = (ago: number) => {
        const d = new Date(Date.now() - ago * 86_400_000);
        return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      };
      for (const [name, from, to] of [['custom 14d', 20, 7], ['custom 60d', 75, 16]] as const) {
        const q = `from=${day(from)}&to=${day(to)}`;
        for (const [what, path] of [['summary', 'stats/summary'], ['projects', 'project/stats'], ['machine', 'machine/stats'],
          ['models', 'model/stats'], ['sessions', 'sessions']] as const) {
          stats[`${what} ${name}`] = await p95Of(`${base}/api/${path}?${q}`);
        }
      }
      // The drill-down: a filter narrows the cards, the charts and the projects table (the dashboard
      // asks all three on a click). Project and model read roll-ups; status and session raw rows.
      for (const f of ['project=/work/project-3', 'model=claude-haiku-4-5', 'status=529', 'session=session-7']) {
        for (const range of ['24h', '30d']) {
          for (const [what, path] of [['summary', 'stats/summary'], ['projects', 'project/stats'], ['machine', 'machine/stats']] as const) {
            stats[`${what} ${range} ${f}`] = await p95Of(`${base}/api/${path}?range=${range}&${f}`, 10);
          }
        }
      }
      const filters: Record<string, number> = {};
      for (const q of ['', 'project=/work/project-3', 'project=nobody', 'model=claude-haiku-4-5', 'model=nothing', 'status=529',
        'status=418', 'status=error', 'status=ok', 'cache=coalesced', 'session=session-7', 'session=nobody']) {
        filters[q || '(none)'] = await p95Of(`${base}/api/requests?limit=50&${q}`, 10);
      }
      const env = { ...process.env, CCO_HOME: dataDir };
      const cli: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [CCO, 'stats', '--range', '30d', '--port', String(port)], { env, stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`cco stats exited ${r.status}`);
        cli.push(performance.now() - t0);
      }
      const proxy = new Pool(base, { connections: 1 });
      const idle = await loopDelayDuring([daemon.child], () => sequential(proxy, 200, small('idle'), headers));
      const rss = async () => ((await (await fetch(`${base}/api/machine/stats?range=1h`)).json()) as { process: { rssBytes: number } }).process.rssBytes;
      const rssBefore = await rss();
      let rssMax = rssBefore;
      let exporting = true;
      const t0 = performance.now();
      const exported = (async () => {
        const res = await fetch(`${base}/api/export?format=csv&range=all`);
        let bytes = 0;
        for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
        exporting = false;
        return bytes;
      })();
      // The dashboard open meanwhile, refreshing back to back (the page itself waits 3 s between).
      let refreshes = 0;
      const dashboard = (async () => {
        while (exporting) {
          for (const path of ['/api/stats/summary?range=today', '/api/project/stats?range=today', '/api/machine/stats?range=1h',
            '/api/requests?limit=50']) {
            await (await fetch(base + path)).arrayBuffer();
          }
          refreshes++;
        }
      })();
      const during: number[] = [];
      let errors = 0;
      let i = 0;
      const loaded = await loopDelayDuring([daemon.child], async () => {
        while (exporting) {
          const s = performance.now();
          try {
            const res = await proxy.request({ path: '/v1/messages', method: 'POST', headers, body: small('during')(i++) });
            for await (const _ of res.body) { /* to the end */ }
          } catch {
            errors++;
          }
          during.push(performance.now() - s);
          if (i % 50 === 0) rssMax = Math.max(rssMax, await rss());
        }
      });
      const bytes = await exported;
      await dashboard;
      const exportSeconds = (performance.now() - t0) / 1000;
      await proxy.close();
      during.sort((a, b) => a - b);
      return {
        writeUsPerRow, stats, filters, ccoStatsMs: [...cli].sort((a, b) => a - b)[2]!, exportSeconds, exportMb: bytes / 1e6,
        rssGrowthMb: (rssMax - rssBefore) / 1e6, proxyIdleP99: idle.result.p99, proxyDuringP99: percentile(during, 99), proxyErrors: errors,
        loopIdleP99: idle.delays[0]!.p99, loopDuringP99: loaded.delays[0]!.p99, loopDuringMax: loaded.delays[0]!.max, refreshes,
      };
    } finally {
      await stopRole(daemon.child);
    }
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The analytics figures at each size, one column per size. */
export async function analyticsBench(sizes: number[], upstream: string, log: (line: string) => void): Promise<string[]> {
  const results: Figures[] = [];
  for (const rows of sizes) {
    const port = await freePort();
    const store = await filledStore(rows, port, log);
    // Filling only: the stores are kept for a later run (BENCH_ANALYTICS_CACHE), nothing measured.
    if (!process.env.BENCH_ANALYTICS_FILL_ONLY) results.push(await measure(port, store, upstream));
  }
  if (results.length === 0) return [];
  const head = ['', ...sizes.map((n) => (n >= 1e6 ? `${n / 1e6}M rows` : `${n / 1e3}k rows`))];
  const lines: string[][] = [head];
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const first = results[0]!;
  for (const key of Object.keys(first.stats)) lines.push([`p95 ${key}`, ...results.map((r) => ms(r.stats[key]!))]);
  for (const key of Object.keys(first.filters)) lines.push([`p95 /api/requests ${key}`, ...results.map((r) => ms(r.filters[key]!))]);
  lines.push(['cco stats --range 30d (whole run)', ...results.map((r) => ms(r.ccoStatsMs))]);
  lines.push(['write path, wall per row', ...results.map((r) => `${r.writeUsPerRow.toFixed(0)} us`)]);
  lines.push(['export of all rows', ...results.map((r) => `${r.exportSeconds.toFixed(1)} s, ${r.exportMb.toFixed(0)} MB`)]);
  lines.push(['daemon RSS growth during export', ...results.map((r) => `${r.rssGrowthMb.toFixed(0)} MB`)]);
  lines.push(['proxied p99 idle', ...results.map((r) => ms(r.proxyIdleP99))]);
  lines.push(['proxied p99 during export + dashboard', ...results.map((r) => `${ms(r.proxyDuringP99)} (${r.proxyErrors} errors)`)]);
  lines.push(['  dashboard refreshes meanwhile', ...results.map((r) => String(r.refreshes))]);
  lines.push(['daemon event-loop delay p99 idle', ...results.map((r) => ms(r.loopIdleP99))]);
  lines.push(['  during export + dashboard (max)', ...results.map((r) => `${ms(r.loopDuringP99)} (${ms(r.loopDuringMax)})`)]);
  const widths = head.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  return lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

// Alone: node dist/bench/analytics.js [sizes, e.g. 100000,1000000]
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = (process.argv[2] ?? process.env.BENCH_ANALYTICS_ROWS ?? '100000,1000000').split(',').map(Number);
  const upstream = await startRole('upstream');
  try {
    for (const line of await analyticsBench(sizes, upstream.url, (l) => console.error(l))) console.log(line);
  } finally {
    await stopRole(upstream.child);
  }
}
