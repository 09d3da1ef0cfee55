import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';

export interface Sample { p50: number; p99: number }

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends requests one after another and returns latency percentiles (ms) of reading each reply to its end. */
export async function sequential(pool: Pool, count: number, body: (i: number) => string, headers: Record<string, string>): Promise<Sample> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const res = await pool.request({ path: '/v1/messages', method: 'POST', headers, body: body(i) });
    for await (const _chunk of res.body) { /* read to the end */ }
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Keeps `connections` requests in flight for `durationMs` and returns completed requests per second. */
export async function throughput(
  pool: Pool, connections: number, durationMs: number, body: string, headers: Record<string, string>,
  /** When given, each request gets its own body (a miss every time). */
  bodies?: (i: number) => string,
): Promise<{ rps: number; errors: number; count: number }> {
  const end = performance.now() + durationMs;
  let done = 0;
  let errors = 0;
  let sent = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const res = await pool.request({ path: '/v1/messages', method: 'POST', headers, body: bodies ? bodies(sent++) : body });
      for await (const _chunk of res.body) { /* read to the end */ }
      if (res.statusCode === 200) done++;
      else errors++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return { rps: done / ((performance.now() - start) / 1000), errors, count: done + errors };
}
