import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Logger } from '../../main/common/logger.js';
import { silentLogger } from '../../main/common/logger.js';
import type { SpendRow, TimeRange } from '../../main/daemon/budgets/spend.js';
import { TeamSpendSource } from '../../main/daemon/budgets/team-spend.js';
import { LocalRows } from '../../main/daemon/ledger/local-rows.js';
import { teamProjectName } from '../../main/daemon/ledger/project-name.js';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import { openUsageDatabase } from '../../main/daemon/usage/schema.js';

const DAY: TimeRange = { from: 0, to: 86_400_000 };

function source(
  read: (range: TimeRange) => Promise<SpendRow[]>,
  mode: 'full' | 'basename',
  logger: Logger = silentLogger,
) {
  const clock = new ManualClock(1000);
  return new TeamSpendSource({
    read,
    clock,
    logger,
    projectName: (p) => teamProjectName(p, mode),
    fullPaths: mode === 'full',
    refreshMs: 5000,
  });
}

test('team spend is answered from the last read of the ledger; a new period is read at once, in the background', async () => {
  let reads = 0;
  const rows: SpendRow[] = [
    { project: 'shop', model: 'claude-opus-4-1', payg: 2, apiEquivalent: 1 },
    { project: 'blog', model: 'claude-haiku-4-5', payg: 0.5, apiEquivalent: 0 },
  ];
  const team = source(async () => {
    reads++;
    return rows;
  }, 'basename');
  assert.deepEqual(
    team.spend({ type: 'global' }, DAY),
    { payg: 0, apiEquivalent: 0 },
    'nothing known before the first read',
  );
  await team.refresh();
  assert.equal(reads, 1, 'asking again never queries: one read per refresh');
  assert.deepEqual(team.spend({ type: 'global' }, DAY), { payg: 2.5, apiEquivalent: 1 });
  // The ledger keeps basenames: a project budget on a full local path matches the project of that name.
  assert.deepEqual(team.spend({ type: 'project', path: '/home/ann/code/shop' }, DAY), { payg: 2, apiEquivalent: 1 });
  assert.deepEqual(team.spend({ type: 'model', glob: 'claude-haiku-*' }, DAY), { payg: 0.5, apiEquivalent: 0 });
  assert.equal(reads, 1);
});

test('when the ledger cannot be read, the last team totals stay in force and one line says so', async () => {
  let fail = false;
  const lines: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (m: string) => void lines.push(m),
    info: (m: string) => void lines.push(m),
  };
  const team = source(
    async () => {
      if (fail) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return [{ project: '/work/shop', model: null, payg: 3, apiEquivalent: 0 }];
    },
    'full',
    logger,
  );
  team.spend({ type: 'global' }, DAY);
  await team.refresh();
  fail = true;
  await team.refresh();
  await team.refresh();
  assert.deepEqual(
    team.spend({ type: 'project', path: '/work' }, DAY),
    { payg: 3, apiEquivalent: 0 },
    'full paths: folders cover sub-folders',
  );
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /cannot read the team totals \(connect ECONNREFUSED/);
  fail = false;
  await team.refresh();
  assert.match(lines[1] ?? '', /can be read again/);
});

test('the ledger reads the v3 store: source, session id and billing go out, the credential fingerprint does not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cco-local-rows-'));
  try {
    const file = join(dir, 'usage.db');
    const db = openUsageDatabase(file);
    db.prepare(
      `INSERT INTO requests (started_at, project, session, method, path, requested_model, served_model, provider, status,
         cache, streaming, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, latency_ms,
         request_bytes, response_bytes, cost_usd, source, session_id, billing, service_tier, credential_fingerprint)
       VALUES (1, '/w/shop', 'launch-1', 'POST', '/v1/messages', 'claude-opus-4-1', 'claude-opus-4-1', 'anthropic', 200,
         'miss', 1, 10, 20, 0, 0, 5, 100, 200, 0.25, 'transcript', 'cc-session-9', 'subscription', 'standard', 'fp-SECRET-1')`,
    ).run();
    db.close();
    const rows = new LocalRows(file);
    const [row] = rows.after(0, 10);
    rows.close();
    assert.equal(row?.source, 'transcript');
    assert.equal(row?.sessionId, 'cc-session-9');
    assert.equal(row?.billing, 'subscription');
    assert.equal(row?.serviceTier, 'standard');
    assert.equal(row?.session, 'launch-1');
    assert.doesNotMatch(JSON.stringify(row), /fp-SECRET|fingerprint/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
