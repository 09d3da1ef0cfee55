// CCO against the floor (a minimal pass-through proxy, bench/floor.ts), side by side in one run
// against one loopback fake upstream: added latency and proxy CPU per request, as ratios.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentile } from './measure.js';
import { cpuMicros, startRole, stopRole } from './processes.js';

type Headers = Record<string, string>;
interface Proxy { name: 'floor' | 'cco'; pool: Pool; child: ChildProcess }
interface Round { p50: number; cpuUs: number }

const CONNECTIONS = 4;
const ROUNDS = 5;
const MIB = 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Bodies built by splicing a tag into a template, so the client's own cost stays small and alike for all. */
function template(body: Record<string, unknown>): (tag: string) => string {
  const [before, after] = JSON.stringify(body).split('"@TAG@"') as [string, string];
  return (tag) => `${before}${JSON.stringify(tag)}${after}`;
}

function smallBodies(): (tag: string) => string {
  return template({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: '@TAG@' }] });
}

function fixtureBody(): { messages: Array<{ content: unknown }> } & Record<string, unknown> {
  const url = new URL('../../test/fixtures/claude-code-requests/claude-code-2.1.197-say-hi.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { body: { messages: Array<{ content: unknown }> } & Record<string, unknown> }).body;
}

/** Claude Code's 80 KB first turn, streamed. */
function streamedBodies(): (tag: string) => string {
  const body = fixtureBody();
  body.messages[0]!.content = '@TAG@';
  return template({ ...body, stream: true });
}

/** A long conversation of about `mib` MiB, as Claude Code sends with a 1M-token context. */
function largeBodies(mib: number): (tag: string) => string {
  const body = fixtureBody();
  const turn = 'Earlier turn of a long session, with code and tool output. '.repeat(64);
  const messages: unknown[] = [{ role: 'user', content: '@TAG@' }];
  let size = JSON.stringify(body).length;
  while (size < mib * MIB) {
    messages.push({ role: 'assistant', content: [{ type: 'text', text: turn }] }, { role: 'user', content: [{ type: 'text', text: turn }] });
    size += 2 * (turn.length + 60);
  }
  messages.push({ role: 'user', content: 'and now?' });
  return template({ ...body, messages, stream: true });
}

/** `count` requests, `connections` at a time; the p50 latency (ms) of reading each reply to its end. */
async function load(pool: Pool, connections: number, count: number, body: (i: number) => string, headers: Headers): Promise<number> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const payload = body(next++);
      const start = performance.now();
      const res = await pool.request({ path: '/v1/messages', method: 'POST', headers, body: payload });
      for await (const _chunk of res.body) { /* read to the end */ }
      if (res.statusCode !== 200) throw new Error(`bench request got ${res.statusCode}`);
      times.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

async function measured(proxy: Proxy, run: () => Promise<number>, count: number): Promise<Round> {
  const before = await cpuMicros(proxy.child);
  const p50 = await run();
  return { p50, cpuUs: ((await cpuMicros(proxy.child)) - before) / count };
}

interface Versus { latency: number; cpu: number; added: { cco: number; floor: number }; cpuUs: { cco: number; floor: number } }

/**
 * Rounds that rotate which of direct, floor and CCO goes first, so that other load on the machine
 * falls on all alike; the medians of each round's figures.
 */
async function versus(
  direct: Pool, proxies: Proxy[], connections: number, count: number, bodyOf: (tag: string) => string, headers: Headers,
): Promise<Versus> {
  const rows = { direct: [] as number[], floor: [] as Round[], cco: [] as Round[] };
  let serial = 0;
  const fresh = (who: string) => (i: number) => bodyOf(`${who} ${serial} ${i} ${Math.random()}`);
  for (let round = 0; round < ROUNDS; round++) {
    const order = [0, 1, 2].map((k) => (k + round) % 3);
    for (const k of order) {
      serial++;
      if (k === 0) rows.direct.push(await load(direct, connections, count, fresh('d'), headers));
      else {
        const proxy = proxies[k - 1]!;
        rows[proxy.name].push(await measured(proxy, () => load(proxy.pool, connections, count, fresh(proxy.name), headers), count));
      }
    }
  }
  const d = median(rows.direct);
  const added = { cco: median(rows.cco.map((r) => r.p50)) - d, floor: median(rows.floor.map((r) => r.p50)) - d };
  const cpuUs = { cco: median(rows.cco.map((r) => r.cpuUs)), floor: median(rows.floor.map((r) => r.cpuUs)) };
  return { latency: added.cco / added.floor, cpu: cpuUs.cco / cpuUs.floor, added, cpuUs };
}

function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

const label = (s: string) => s.padEnd(34);
const x = (v: number) => `×${v.toFixed(2)}`;

function versusLine(name: string, v: Versus): string {
  return `${label(name)} added latency ${x(v.latency)} the floor's, CPU per request ${x(v.cpu)} the floor's` +
    `   (target ≤ ×1.5)`;
}

export async function floorBench(upstreamUrl: string, cco: { url: string; child: ChildProcess }, headers: Headers): Promise<string[]> {
  const floorRole = await startRole('floor', [upstreamUrl]);
  const direct = new Pool(upstreamUrl, { connections: 16 });
  const proxies: Proxy[] = [
    { name: 'floor', pool: new Pool(floorRole.url, { connections: 16 }), child: floorRole.child },
    { name: 'cco', pool: new Pool(cco.url, { connections: 16 }), child: cco.child },
  ];
  const small = Number(process.env.BENCH_FLOOR_SMALL ?? 600);
  try {
    // Warm until the JIT has settled: CCO runs far more code per request than the floor, and a
    // short warm-up leaves part of its optimisation inside the measured rounds.
    const warmSmall = smallBodies();
    const warmStream = streamedBodies();
    for (const pool of [direct, ...proxies.map((p) => p.pool)]) {
      await load(pool, CONNECTIONS, 2000, (i) => warmSmall(`warm ${i}`), headers);
      await load(pool, CONNECTIONS, 500, (i) => warmStream(`warm ${i}`), headers);
    }
    const lines: string[] = [`CCO vs the floor (a bare pass-through proxy), ${CONNECTIONS} connections, medians of ${ROUNDS} rounds:`];
    const smallVs = await versus(direct, proxies, CONNECTIONS, small, smallBodies(), headers);
    lines.push(versusLine(`miss, small JSON (${ROUNDS * small} req)`, smallVs));
    const streamVs = await versus(direct, proxies, CONNECTIONS, small / 2, streamedBodies(), headers);
    lines.push(versusLine(`miss, 80 KB streamed (${(ROUNDS * small) / 2} req)`, streamVs));

    // Large bodies: one at a time, so the slope is the proxy's own per-MiB work, not queueing.
    const sizes = [1, 4, 8];
    const points = { cco: [] as Array<[number, number]>, floor: [] as Array<[number, number]> };
    const cpuPoints = { cco: [] as Array<[number, number]>, floor: [] as Array<[number, number]> };
    for (const mib of sizes) {
      const v = await versus(direct, proxies, 1, 6, largeBodies(mib), headers);
      points.cco.push([mib, v.added.cco]);
      points.floor.push([mib, v.added.floor]);
      cpuPoints.cco.push([mib, v.cpuUs.cco / 1000]);
      cpuPoints.floor.push([mib, v.cpuUs.floor / 1000]);
    }
    const s = { cco: slope(points.cco), floor: slope(points.floor) };
    const c = { cco: slope(cpuPoints.cco), floor: slope(cpuPoints.floor) };
    lines.push(`${label('miss, large body slope (1-8 MiB)')} added latency per MiB ${x(s.cco / s.floor)} the floor's, ` +
      `CPU per MiB ${x(c.cco / c.floor)} the floor's   (target ≤ ×1.5)`);

    // A hit on the largest body, against the floor passing the same body through.
    const big = largeBodies(8)('hit');
    const hits = { cco: [] as Round[], floor: [] as Round[] };
    await load(proxies[1]!.pool, 1, 1, () => big, headers);
    for (let round = 0; round < ROUNDS; round++) {
      for (const proxy of round % 2 === 0 ? proxies : [...proxies].reverse()) {
        hits[proxy.name].push(await measured(proxy, () => load(proxy.pool, 1, 4, () => big, headers), 4));
      }
    }
    const hitLatency = median(hits.cco.map((r) => r.p50)) / median(hits.floor.map((r) => r.p50));
    const hitCpu = median(hits.cco.map((r) => r.cpuUs)) / median(hits.floor.map((r) => r.cpuUs));
    lines.push(`${label('hit, 8 MiB body')} latency ${x(hitLatency)} and CPU ${x(hitCpu)} the floor passing it through`);
    if (process.env.BENCH_FLOOR_RAW) {
      lines.push(JSON.stringify({ smallVs, streamVs, points, s, cpuPoints, c, hits }));
    }
    return lines;
  } finally {
    await Promise.all([direct.close(), ...proxies.map((p) => p.pool.close())]);
    await stopRole(floorRole.child);
  }
}
