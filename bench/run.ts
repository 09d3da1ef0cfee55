// `npm run bench`: the proxy against the fake upstream on loopback, reported as ratios from one run.
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { sequential, type Sample, throughput } from './measure.js';
import { analyticsBench } from './analytics.js';
import { cliBench, statuslineBench } from './cli.js';
import { ledgerBench } from './ledger.js';
import { floorBench } from './floor-bench.js';
import { transcriptBench } from './transcripts.js';
import { cpuMicros, type LoopDelay, loopDelayDuring, setRecording, startRole, stopRole } from './processes.js';

const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' };
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;

function small(tag: string) {
  return (i: number) => JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: `${tag} ${i}` }] });
}

function streamed80k(tag: string) {
  const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/claude-code-requests/claude-code-2.1.197-say-hi.json', import.meta.url), 'utf8')) as { body: { messages: Array<{ content: unknown }> } };
  return (i: number) => {
    const body = structuredClone(fixture.body);
    body.messages[0]!.content = `${tag} ${i}`;
    return JSON.stringify({ ...body, stream: true });
  };
}

function line(label: string, proxied: Sample, direct: Sample): string {
  const r = (a: number, b: number) => (a / b).toFixed(2);
  const d = proxied.p50 - direct.p50;
  return `${label.padEnd(34)} p50 ×${r(proxied.p50, direct.p50)} (${d < 0 ? '−' : '+'}${Math.abs(d).toFixed(2)} ms)   p99 ×${r(proxied.p99, direct.p99)}`;
}

interface Measured { rps: number; errors: number; cpuUs: number }

/** Runs a load and returns it with the daemon's CPU microseconds per request during it. */
async function cpuPerRequest(child: Parameters<typeof cpuMicros>[0], load: () => Promise<{ rps: number; errors: number; count: number }>): Promise<Measured> {
  const before = await cpuMicros(child);
  const result = await load();
  const used = (await cpuMicros(child)) - before;
  return { ...result, cpuUs: used / Math.max(1, result.count) };
}

/** The target for the daemon's event-loop delay under load (p99). */
const LOOP_DELAY_TARGET_MS = 20;

/** The daemon's delay against the target, beside an idle process's over the same window (the machine's share). */
type DelayMeasured = { result: { rps: number; errors: number }; delays: LoopDelay[] };

function loopDelayLine(label: string, measured: DelayMeasured): string {
  const [daemon, idle] = measured.delays as [LoopDelay, LoopDelay];
  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  return `${label.padEnd(34)} p99 ${f(daemon.p99)} = ×${(daemon.p99 / LOOP_DELAY_TARGET_MS).toFixed(2)} of the `
    + `${LOOP_DELAY_TARGET_MS} ms target (max ${f(daemon.max)}); an idle process meanwhile: p99 ${f(idle.p99)}; `
    + `${measured.result.rps.toFixed(0)} req/s, errors ${measured.result.errors}`;
}

const ROUNDS_ALTERNATED = 11;
/** A modest time to first token for a real model (Anthropic's are usually several hundred ms). */
const SLOW_MS = 50;
const ROUND_MS = Math.max(300, DURATION_MS / 5);
const pct = (f: number) => `${(f * 100).toFixed(1)} %`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Median ratios, recording on / off, of throughput and CPU per request, over rounds that alternate
 * which goes first, in one daemon process whose recording is switched between the two.
 */
async function alternate(child: Parameters<typeof setRecording>[0], load: () => Promise<Measured>): Promise<{ rps: number; cpu: number }> {
  const run = async (on: boolean) => {
    await setRecording(child, on);
    return load();
  };
  const rps: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < ROUNDS_ALTERNATED; i++) {
    const first = i % 2 === 0;
    const a = await run(first);
    const b = await run(!first);
    const [on, off] = first ? [a, b] : [b, a];
    rps.push(on.rps / off.rps);
    cpu.push(on.cpuUs / off.cpuUs);
  }
  await setRecording(child, true);
  return { rps: median(rps), cpu: median(cpu) };
}

async function main(): Promise<void> {
  const upstream = await startRole('upstream');
  // A second upstream that thinks for SLOW_MS before answering, as a real model does.
  const slowUpstream = await startRole('upstream', [String(SLOW_MS)]);
  const daemon = await startRole('daemon', [upstream.url]);
  const idle = await startRole('idle');
  const loopDelay = <T>(load: () => Promise<T>) => loopDelayDuring([daemon.child, idle.child], load);
  const direct = new Pool(upstream.url, { connections: 64 });
  const proxy = new Pool(daemon.url, { connections: 64 });
  try {
    // Warm both paths (JIT, connection pools) before measuring.
    await sequential(direct, 100, small('warm-d'), headers);
    await sequential(proxy, 100, small('warm-p'), headers);
    const dSmall = await sequential(direct, ROUNDS, small('d'), headers);
    const pSmall = await sequential(proxy, ROUNDS, small('p'), headers);
    const dStream = await sequential(direct, ROUNDS / 4, streamed80k('d'), headers);
    const pStream = await sequential(proxy, ROUNDS / 4, streamed80k('p'), headers);
    const same = () => small('hit')(0);
    await sequential(proxy, 1, same, headers);
    const pHit = await sequential(proxy, ROUNDS, same, headers);
    const dSame = await sequential(direct, ROUNDS, same, headers);
    const slow = new Pool(slowUpstream.url, { connections: 4 });
    const dSlow = await sequential(slow, 20, same, headers);
    await slow.close();
    const hitLoad = await cpuPerRequest(daemon.child, () => throughput(proxy, 50, DURATION_MS, same(), headers));
    // The daemon's event loop under load: misses recorded into the database, small and 80 KB streamed.
    const tag = `delay-${Math.random()}`;
    const smallDelay = await loopDelay(() => throughput(proxy, 20, DURATION_MS, '', headers, small(tag)));
    const streamDelay = await loopDelay(() => throughput(proxy, 4, DURATION_MS, '', headers, streamed80k(tag)));
    const hitDelay = await loopDelay(() => throughput(proxy, 50, DURATION_MS, same(), headers));
    const directLoad = await throughput(direct, 50, DURATION_MS, same(), headers);
    // Recording on vs off, alternated in short rounds so that other load on the machine hits both alike.
    const hitCost = await alternate(
      daemon.child,
      () => cpuPerRequest(daemon.child, () => throughput(proxy, 50, ROUND_MS, same(), headers)),
    );
    const missCost = await alternate(
      daemon.child,
      () => cpuPerRequest(daemon.child, () => throughput(proxy, 20, ROUND_MS, '', headers, small(`load-${Math.random()}`))),
    );

    console.log(`CCO benchmark: ${ROUNDS} sequential requests per case, ${DURATION_MS / 1000}s load, fake upstream on loopback`);
    console.log(line('miss, small JSON vs direct', pSmall, dSmall));
    console.log(line('miss, 80 KB streamed vs direct', pStream, dStream));
    console.log(line('cache hit vs direct', pHit, dSame));
    console.log(line(`cache hit vs a ${SLOW_MS} ms upstream`, pHit, dSlow));
    console.log(`${'hit throughput, 50 connections'.padEnd(34)} ${hitLoad.rps.toFixed(0)} req/s = ×${(hitLoad.rps / directLoad.rps).toFixed(2)} of direct (${directLoad.rps.toFixed(0)} req/s), errors ${hitLoad.errors}`);
    const cost = (label: string, c: { rps: number; cpu: number }) =>
      console.log(`${label.padEnd(34)} throughput ×${c.rps.toFixed(3)} of unrecorded (${pct(1 - c.rps)} lost); daemon CPU per request ×${c.cpu.toFixed(3)} (median of ${ROUNDS_ALTERNATED} rounds)`);
    cost('usage recording cost, hits', hitCost);
    cost('usage recording cost, misses', missCost);
    console.log(loopDelayLine('event-loop delay, misses ×20', smallDelay));
    console.log(loopDelayLine('event-loop delay, 80 KB streams ×4', streamDelay));
    console.log(loopDelayLine('event-loop delay, hits ×50', hitDelay));
    for (const text of await ledgerBench(upstream.url, headers, ROUND_MS)) console.log(text);
    for (const text of await floorBench(upstream.url, daemon, headers)) console.log(text);
    for (const text of await cliBench()) console.log(text);
    for (const text of await statuslineBench()) console.log(text);
    for (const text of await transcriptBench()) console.log(text);
    console.log('Targets: miss adds ≤ 1 ms at p50; a hit beats the direct call; ≥ 5000 hit req/s on 2 cores; recording costs ≤ 5 %;');
    console.log('         the team ledger costs ≤ 2 % of miss throughput; cco statusline ≤ ×2.5 of node -e 0;');
    console.log('         a miss ≤ ×1.5 the floor proxy (latency, CPU, per-MiB slope); a hit never parses the whole body;');
    console.log('         cco\'s own launch work ≤ 15 ms over a bare Node start; a first launch reaches a healthy daemon in ≤ 1 s;');
    console.log('         100 MB of transcripts import in seconds;');
    console.log(`         the daemon's event-loop delay under load is ≤ ${LOOP_DELAY_TARGET_MS} ms at p99.`);
    // BENCH_ANALYTICS_ROWS=0 skips it; filling the store is most of its time (about 100 us a row).
    const sizes = (process.env.BENCH_ANALYTICS_ROWS ?? '100000,1000000').split(',').map(Number).filter((n) => n > 0);
    if (sizes.length > 0) {
      console.log('');
      console.log('Usage analytics, store filled through the write path (90 days, 30 projects, 5 models):');
      for (const text of await analyticsBench(sizes, upstream.url, (l) => console.error(l))) console.log(text);
      console.log('Targets: /api/stats, /api/project/stats, /api/machine/stats ≤ 100 ms p95; /api/requests ≤ 50 ms;');
      console.log('         cco stats --range 30d ≤ 300 ms; export memory flat; proxied p99 during export ≤ 1.2× idle.');
    }
  } finally {
    await Promise.all([direct.close(), proxy.close()]);
    await stopRole(daemon.child);
    await stopRole(upstream.child);
    await stopRole(slowUpstream.child);
    await stopRole(idle.child);
  }
}

void main();
