import type { QuotaCredentialView, QuotaPace, QuotaResponse, QuotaWindowView } from '../../../shared/api.js';
import type { QuotaEntry } from './file.js';
import { windowLabel, windowSeconds } from './headers.js';

// The wire shapes are declared once, in shared/api.ts; these names stay for the daemon's callers.
export type { QuotaCredentialView, QuotaPace, QuotaWindowView };
/** The body of `GET /api/quota`. */
export type QuotaView = QuotaResponse;

function iso(epochSeconds: number | null): string | null {
  return epochSeconds === null ? null : new Date(epochSeconds * 1000).toISOString();
}

function paceOf(name: string, utilization: number, resetsAt: number | null, nowS: number): QuotaPace | null {
  const length = windowSeconds(name);
  if (length === null || resetsAt === null) return null;
  const elapsed = Math.min(1, Math.max(0, (length - (resetsAt - nowS)) / length));
  return { usedShare: utilization, elapsedShare: elapsed, ratio: elapsed === 0 ? null : utilization / elapsed };
}

function credentialView(e: QuotaEntry, nowMs: number): QuotaCredentialView {
  const nowS = nowMs / 1000;
  return {
    fingerprint: e.fingerprint,
    kind: e.kind,
    observedAt: new Date(e.observedAt).toISOString(),
    ageSeconds: Math.max(0, Math.round((nowMs - e.observedAt) / 1000)),
    status: e.reading.status,
    representativeClaim: e.reading.representativeClaim,
    resetsAt: iso(e.reading.resetsAt),
    windows: e.reading.windows.map((w) => ({
      name: w.name,
      label: windowLabel(w.name),
      utilization: w.utilization,
      resetsAt: iso(w.resetsAt),
      resetsInSeconds: w.resetsAt === null ? null : Math.max(0, Math.round(w.resetsAt - nowS)),
      status: w.status,
      pace: paceOf(w.name, w.utilization, w.resetsAt, nowS),
      stale: w.resetsAt !== null && w.resetsAt <= nowS,
    } satisfies QuotaWindowView)),
    limits: e.reading.limits,
  } satisfies QuotaCredentialView;
}

export function quotaView(entries: readonly QuotaEntry[], nowMs: number): QuotaResponse {
  return {
    now: new Date(nowMs).toISOString(),
    credentials: entries.map((e) => credentialView(e, nowMs)),
  } satisfies QuotaResponse;
}
