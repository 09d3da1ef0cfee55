// Shared by the usage, pricing and stats-route tests: real stores on real files, nothing mocked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import type { Logger } from '../../main/common/logger.js';
import { builtinPriceTable } from '../../main/daemon/pricing/load.js';
import { createPricer } from '../../main/daemon/pricing/pricer.js';
import { ManualClock } from '../../main/daemon/usage/clock.js';
import type { RequestRecord } from '../../main/daemon/usage/record.js';
import { openUsageStore, type UsageStore, type UsageStoreOptions } from '../../main/daemon/usage/store.js';

export const DAY = 86_400_000;
/** Noon UTC, so "today" holds the same rows whatever the machine's time zone. */
export const NOON = Date.UTC(2026, 10, 25, 12, 0, 0);

export function recordingLogger() {
  const lines = { info: [] as string[], warn: [] as string[], error: [] as string[] };
  const logger: Logger = {
    debug() {},
    info: (m) => lines.info.push(m),
    warn: (m) => lines.warn.push(m),
    error: (m) => lines.error.push(m),
  };
  return { lines, logger };
}

export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    startedAt: NOON - 1000,
    project: 'alpha',
    session: 'session-1',
    method: 'POST',
    path: '/v1/messages',
    requestedModel: 'claude-sonnet-4-5',
    servedModel: 'claude-sonnet-4-5-20250929',
    provider: 'anthropic',
    status: 200,
    errorType: null,
    cache: 'miss',
    streaming: true,
    inputTokens: 1000,
    outputTokens: 1000,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    latencyMs: 1500,
    ttfbMs: 400,
    requestBytes: 2048,
    responseBytes: 4096,
    ...overrides,
  };
}

/** Sonnet 4.5, 1000 in + 1000 out: $0.003 + $0.015. */
export const SONNET_COST = 0.018;

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestStore {
  store: UsageStore;
  clock: ManualClock;
  lines: ReturnType<typeof recordingLogger>['lines'];
  file: string;
}

export function openTestStore(file: string, options: Partial<UsageStoreOptions> = {}, clock = new ManualClock(NOON)): TestStore {
  const { lines, logger } = recordingLogger();
  const store = openUsageStore({ file, clock, logger, pricer: createPricer(builtinPriceTable(), logger), ...options });
  return { store, clock, lines, file };
}

/** Reads the file on a connection of its own, as another process would see it. */
export function countRows(file: string, sql = 'SELECT COUNT(*) AS n FROM requests'): number {
  const db = new Database(file);
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

export function near(actual: number | null | undefined, expected: number, message?: string): void {
  if (actual === null || actual === undefined || Math.abs(actual - expected) > 1e-9) {
    throw new Error(`${message ?? 'value'}: expected ≈ ${expected}, got ${actual}`);
  }
}

/** Resolves once `condition` holds; polls instead of sleeping a fixed time. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
