import { getJson } from '../common/daemon-client.js';
import type { QuotaResponse } from '../../shared/api.js';
import type { TodayStats, TrayPlanUsage } from './daemon-state.js';

/** Today's requests, hit rate and cost, with plan usage, or null when the daemon does not answer. */
export async function fetchTodayStats(baseUrl: string, timeoutMs = 1500): Promise<TodayStats | null> {
  const [summary, budgets, alerts, plan] = await Promise.all([
    getJson(`${baseUrl}/api/stats/summary?range=today`, timeoutMs),
    getJson(`${baseUrl}/api/budgets`, timeoutMs),
    getJson(`${baseUrl}/api/alerts?limit=1`, timeoutMs),
    fetchPlanUsage(baseUrl, timeoutMs),
  ]);
  const body = summary as Partial<TodayStats> | null;
  if (!body || typeof body.requests !== 'number' || typeof body.hitRate !== 'number' || typeof body.costUsd !== 'number') {
    return null;
  }
  const budget = tightestBudget(budgets);
  const latestAlert = newestAlert(alerts);
  return {
    requests: body.requests, hitRate: body.hitRate, costUsd: body.costUsd,
    ...(budget ? { budget } : {}), ...(latestAlert ? { latestAlert } : {}),
    // Left out while there is nothing to show: before the first reading, or on an API key.
    ...(plan && plan.windows.length > 0 ? { plan } : {}),
  };
}

/** Read loosely: an older daemon without budgets simply has none. */
function tightestBudget(body: unknown): TodayStats['budget'] {
  const list = (body as { budgets?: Array<{ label?: unknown; percent?: unknown; budget?: { kind?: unknown } }> } | null)?.budgets;
  if (!Array.isArray(list)) return null;
  let worst: { label: string; percent: number } | null = null;
  for (const b of list) {
    if (b.budget?.kind !== 'spend' || typeof b.percent !== 'number' || typeof b.label !== 'string') continue;
    if (!worst || b.percent > worst.percent) worst = { label: b.label, percent: b.percent };
  }
  return worst;
}

function newestAlert(body: unknown): TodayStats['latestAlert'] {
  const first = (body as { alerts?: Array<{ id?: unknown; message?: unknown }> } | null)?.alerts?.[0];
  return first && typeof first.id === 'string' && typeof first.message === 'string' ? { id: first.id, message: first.message } : null;
}

/**
 * Plan usage per window for the tray: the highest share over every credential the daemon has a
 * reading for (the one that stops the user first). Windows already reset are left out: their new
 * share is unknown until the next response. Null when the daemon does not answer.
 */
export async function fetchPlanUsage(baseUrl: string, timeoutMs = 1500): Promise<TrayPlanUsage | null> {
  const body = (await getJson(`${baseUrl}/api/quota`, timeoutMs)) as Partial<QuotaResponse> | null;
  if (!body || typeof body.now !== 'string' || !Array.isArray(body.credentials)) return null;
  const byName = new Map<string, TrayPlanUsage['windows'][number]>();
  for (const credential of body.credentials) {
    for (const w of credential.windows) {
      if (w.stale) continue;
      const seen = byName.get(w.name);
      if (seen && seen.utilization >= w.utilization) continue;
      const resetsAt = w.resetsAt === null ? null : Date.parse(w.resetsAt);
      byName.set(w.name, { label: w.label, utilization: w.utilization, resetsAt });
    }
  }
  return { at: Date.parse(body.now), windows: [...byName.values()] };
}

/**
 * Null when the upstream answers at all (any HTTP status means it is reachable), otherwise why
 * not. Only the origin is contacted, with no credentials.
 */
export async function checkUpstream(upstream: string, timeoutMs = 5000): Promise<string | null> {
  try {
    const response = await fetch(new URL(upstream).origin, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return null;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? 'no answer' : cause?.code ?? cause?.message ?? (error as Error).message;
    return `Upstream ${upstream} is unreachable (${why})`;
  }
}

/** POST /api/cache/clear; the number of entries removed. */
export async function clearCache(baseUrl: string, token: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/cache/clear`, {
    method: 'POST',
    headers: { 'x-cco-token': token },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`the daemon answered ${response.status}`);
  const body = (await response.json()) as { cleared?: unknown };
  return typeof body.cleared === 'number' ? body.cleared : 0;
}
