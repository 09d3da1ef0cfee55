// Transcript import speed: a generated Claude Code projects directory (~100 MB, realistic line
// mix: a user line, an assistant response written as two block lines, a big tool result) read
// through the importer into a sink that only counts.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCursorStore } from '../main/daemon/transcripts/cursor-store.js';
import { importTranscripts } from '../main/daemon/transcripts/import.js';

const TARGET_BYTES = Number(process.env.BENCH_TRANSCRIPT_MB ?? 100) * 1024 * 1024;
const SESSIONS = 20;

function turn(session: string, i: number, output: string): string {
  const timestamp = new Date(1_790_000_000_000 + i * 1000).toISOString();
  const common = { sessionId: session, cwd: '/home/dev/code/shop-api', gitBranch: 'main', timestamp };
  const message = (content: unknown) => ({
    id: `msg_${session}_${i}`, type: 'message', role: 'assistant', model: 'claude-opus-4-8', content,
    usage: { input_tokens: 1200, output_tokens: 300, cache_creation_input_tokens: 5000, cache_read_input_tokens: 40_000,
      cache_creation: { ephemeral_5m_input_tokens: 5000, ephemeral_1h_input_tokens: 0 }, service_tier: 'standard' },
  });
  return [
    { type: 'user', message: { role: 'user', content: `step ${i}` }, ...common },
    { type: 'assistant', requestId: `req_${session}_${i}`, message: message([{ type: 'text', text: 'Running it.' }]), ...common },
    {
      type: 'assistant', requestId: `req_${session}_${i}`,
      message: message([{ type: 'tool_use', id: `t${i}`, name: 'Bash', input: {} }]), ...common,
    },
    { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: output }] }, ...common },
  ].map((l) => `${JSON.stringify(l)}\n`).join('');
}

async function generate(dir: string): Promise<{ bytes: number; lines: number }> {
  const project = join(dir, 'projects', '-home-dev-code-shop-api');
  mkdirSync(project, { recursive: true });
  const output = 'src/app.ts:12: const total = items.reduce((a, b) => a + b.price, 0);\n'.repeat(300);
  let bytes = 0;
  let lines = 0;
  for (let s = 0; s < SESSIONS; s++) {
    const session = `bench-session-${s}`;
    const out = createWriteStream(join(project, `${session}.jsonl`));
    for (let i = 0; bytes < ((s + 1) * TARGET_BYTES) / SESSIONS; i++) {
      const text = turn(session, i, output);
      bytes += Buffer.byteLength(text);
      lines += 4;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  return { bytes, lines };
}

export async function transcriptBench(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cco-bench-transcripts-'));
  try {
    const { bytes, lines } = await generate(dir);
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let records = 0;
    const started = performance.now();
    const result = await importTranscripts({
      claudeDir: dir, cursors: new MemoryCursorStore(), now: Date.now,
      sink: { write: (batch) => {
        records += batch.length;
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      } },
    });
    const seconds = (performance.now() - started) / 1000;
    const mb = bytes / 1048576;
    if (result.counts.lines !== lines) throw new Error(`read ${result.counts.lines} of ${lines} lines`);
    return [
      `${'transcript import'.padEnd(34)} ${mb.toFixed(0)} MB, ${lines} lines in ${seconds.toFixed(2)} s = ` +
        `${Math.round(lines / seconds)} lines/s, ${(mb / seconds).toFixed(0)} MB/s; ${records} responses; ` +
        `heap held ≤ ${(peak / 1048576).toFixed(1)} MB`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
