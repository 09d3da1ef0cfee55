import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import Database from 'libsql';
import { tempDir } from './usage-fixtures.js';

const tmp = tempDir('cco-usage-crash-');
after(() => tmp.remove());

const BATCH = 100;
const moduleUrl = (path: string) => new URL(path, import.meta.url).href;

// The child records numbered rows as fast as it can, committing a batch at a time, and reports
// each commit; row n carries n in its tokens and session so any damage is visible.
function childSource(file: string): string {
  return `
    import { openUsageStore } from ${JSON.stringify(moduleUrl('../../main/daemon/usage/store.js'))};
    import { systemClock } from ${JSON.stringify(moduleUrl('../../main/daemon/usage/clock.js'))};
    import { createPricer } from ${JSON.stringify(moduleUrl('../../main/daemon/pricing/pricer.js'))};
    import { builtinPriceTable } from ${JSON.stringify(moduleUrl('../../main/daemon/pricing/load.js'))};
    const logger = { debug() {}, info() {}, warn() {}, error: (m) => process.stderr.write(m + '\\n') };
    const store = openUsageStore({
      file: ${JSON.stringify(file)}, clock: systemClock, logger,
      pricer: createPricer(builtinPriceTable(), logger), flushIntervalMs: 3_600_000,
    });
    let n = 0;
    function batch() {
      for (let k = 0; k < ${BATCH}; k++, n++) {
        store.record({
          startedAt: Date.now(), project: 'p' + (n % 7), session: 's' + n, method: 'POST', path: '/v1/messages',
          requestedModel: 'claude-sonnet-4-5', servedModel: 'claude-sonnet-4-5', provider: 'anthropic',
          status: 200, errorType: null, cache: n % 3 ? 'miss' : 'hit', streaming: true,
          inputTokens: n, outputTokens: 2 * n, cacheCreationTokens: 0, cacheReadTokens: 0,
          latencyMs: 10, ttfbMs: 5, requestBytes: 100, responseBytes: 200,
        });
      }
      store.flush();
      process.stdout.write('committed ' + n + '\\n');
      setImmediate(batch);
    }
    batch();
  `;
}

test('SIGKILL mid-load leaves a sound file with every reported commit intact, roll-ups agreeing', async () => {
  const file = join(tmp.dir, 'crash.db');
  const child = spawn(process.execPath, ['--input-type=module', '-e', childSource(file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let committed = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    committed = Number(/^committed (\d+)$/.exec(line)?.[1] ?? committed);
    if (committed >= 50 * BATCH) {
      child.kill('SIGKILL');
      break;
    }
  }
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');

  const db = new Database(file);
  try {
    const integrity = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    assert.deepEqual(integrity.map((r) => r.integrity_check), ['ok']);
    const count = Number((db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n);
    assert.ok(count >= committed, `${count} rows on disk, ${committed} reported committed`);
    assert.equal(count % BATCH, 0, 'a batch is committed whole or not at all');
    const damaged = db
      .prepare(
        `SELECT COUNT(*) AS n FROM requests
         WHERE input_tokens != id - 1 OR output_tokens != 2 * (id - 1) OR session != 's' || (id - 1)`,
      )
      .get() as { n: number };
    assert.equal(Number(damaged.n), 0);
    // Roll-ups commit with their rows: after the kill they still agree, at every resolution.
    const plain = (row: unknown) => {
      const { r, i, o } = row as Record<string, number>;
      return [Number(r), Number(i), Number(o)];
    };
    const raw = plain(db.prepare('SELECT COUNT(*) AS r, TOTAL(input_tokens) AS i, TOTAL(output_tokens) AS o FROM requests').get());
    for (const res of [60_000, 3_600_000, 86_400_000]) {
      const rolled = plain(db
        .prepare('SELECT TOTAL(requests) AS r, TOTAL(input_tokens) AS i, TOTAL(output_tokens) AS o FROM rollup WHERE res = ?')
        .get([res]));
      assert.deepEqual(rolled, raw, `roll-up ${res} ms agrees with the rows`);
    }
  } finally {
    db.close();
  }
});
