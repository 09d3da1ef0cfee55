import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { QuotaResponse } from '../../../shared/api.js';
import { loadQuotaState } from './file.js';
import { quotaView } from './view.js';

/** Where an instance keeps its plan-usage readings (private: keyed by credential fingerprints). */
export function quotaFile(dataDir: string, port: number): string {
  return join(dataDir, `quota-${port}.json`);
}

/**
 * The saved readings as `GET /api/quota` would serve them, for readers without a running daemon
 * (`cco stats`). Read only: a missing or damaged file is no reading, and is never rewritten here.
 */
export function readQuotaFile(file: string, nowMs: number, onError: (message: string) => void = () => {}): QuotaResponse {
  if (!existsSync(file)) return quotaView([], nowMs);
  const state = loadQuotaState(file, onError);
  return quotaView([...state.entries].sort((a, b) => b.observedAt - a.observedAt), nowMs);
}
