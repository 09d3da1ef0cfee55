// Live request events applied to what the page already shows, so the dashboard need not refetch
// its aggregates after every request (a refetch reconciles them every few seconds at most).
import type { ProjectStats, RequestEntry, SummaryResponse, UsageTotals } from '../../shared/api.js';

function isError(e: RequestEntry): boolean {
  return e.status >= 400 || e.errorType !== null;
}

/** The totals plus one request. The hit rate waits for the next refetch (it needs the lookups). */
function addEntry<T extends UsageTotals>(t: T, e: RequestEntry): T {
  return {
    ...t,
    requests: t.requests + 1,
    errors: t.errors + (isError(e) ? 1 : 0),
    unpricedRequests: t.unpricedRequests + (e.costUsd === null || e.savedUsd === null ? 1 : 0),
    costUsd: t.costUsd + (e.costUsd ?? 0),
    savedUsd: t.savedUsd + (e.savedUsd ?? 0),
    tokens: {
      ...t.tokens,
      input: t.tokens.input + e.inputTokens,
      output: t.tokens.output + e.outputTokens,
      cacheCreation: t.tokens.cacheCreation + e.cacheCreationTokens,
      cacheRead: t.tokens.cacheRead + e.cacheReadTokens,
    },
  };
}

export function summaryWith(s: SummaryResponse, e: RequestEntry): SummaryResponse {
  return addEntry(s, e);
}

export function projectsWith(list: readonly ProjectStats[], e: RequestEntry): ProjectStats[] {
  const found = list.some((p) => p.project === e.project);
  const base: ProjectStats = {
    project: e.project, requests: 0, tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 }, costUsd: 0,
    savedUsd: 0, hitRate: 0, errors: 0, unpricedRequests: 0, lastSeen: null,
  };
  const grow = (p: ProjectStats): ProjectStats => ({ ...addEntry(p, e), lastSeen: Math.max(p.lastSeen ?? 0, e.startedAt) });
  return found ? list.map((p) => (p.project === e.project ? grow(p) : p)) : [...list, grow(base)];
}
