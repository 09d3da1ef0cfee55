import type { QuotaEntry } from './file.js';
import { type ApiKeyLimit, type ApiKeyLimitName, windowLabel, windowSeconds } from './headers.js';

export interface QuotaPace {
  /** Share of the allowance used (the utilization). */
  usedShare: number;
  /** Share of the window's time gone by. */
  elapsedShare: number;
  /** used / elapsed: above 1 runs out before the reset at this rate. Null at the very start of a window. */
  ratio: number | null;
}

export interface QuotaWindowView {
  name: string;
  /** `5-hour`, `7-day`. */
  label: string;
  utilization: number;
  resetsAt: string | null;
  resetsInSeconds: number | null;
  status: string | null;
  /** Null when the window's length is unknown (a name without a duration) or its reset is. */
  pace: QuotaPace | null;
  /** The reset time has passed since this reading: the window has started over. */
  stale: boolean;
}

export interface QuotaCredentialView {
  fingerprint: string;
  kind: QuotaEntry['kind'];
  observedAt: string;
  ageSeconds: number;
  status: string | null;
  representativeClaim: string | null;
  resetsAt: string | null;
  windows: QuotaWindowView[];
  limits: Partial<Record<ApiKeyLimitName, ApiKeyLimit>>;
}

/** The body of `GET /api/quota`. */
export interface QuotaView {
  now: string;
  credentials: QuotaCredentialView[];
}

function iso(epochSeconds: number | null): string | null {
  return epochSeconds === null ? null : new Date(epochSeconds * 1000).toISOString();
}

function paceOf(name: string, utilization: number, resetsAt: number | null, nowS: number): QuotaPace | null {
  const length = windowSeconds(name);
  if (length === null || resetsAt === null) return null;
  const elapsed = Math.min(1, Math.max(0, (length - (resetsAt - nowS)) / length));
  return { usedShare: utilization, elapsedShare: elapsed, ratio: elapsed === 0 ? null : utilization / elapsed };
}

export function quotaView(entries: readonly QuotaEntry[], nowMs: number): QuotaView {
  const nowS = nowMs / 1000;
  return {
    now: new Date(nowMs).toISOString(),
    credentials: entries.map((e) => ({
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
      })),
      limits: e.reading.limits,
    })),
  };
}
