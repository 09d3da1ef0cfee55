import type { SessionEntry } from '../../../shared/api.js';
import type { Pricer } from '../pricing/pricer.js';
import { addBusters, addTokens, emptyPromptCache, finish } from './prompt-cache-report.js';
import type { SessionRow } from './sessions.js';

/** A session as `GET /api/sessions` serves it: its models priced into prompt-cache figures. */
export function sessionEntry(row: SessionRow, pricer: Pricer): SessionEntry {
  const promptCache = emptyPromptCache();
  for (const m of row.models) addTokens(promptCache, { ...m, model: m.model === 'unknown' ? '' : m.model }, pricer);
  for (const b of row.busters) addBusters(promptCache, b);
  const { models, busters: _busters, ...rest } = row;
  return {
    ...rest,
    durationMs: row.lastSeen - row.firstSeen,
    models: models.map((m) => ({ model: m.model, requests: m.requests, costUsd: m.costUsd })),
    promptCache: finish(promptCache),
  };
}
