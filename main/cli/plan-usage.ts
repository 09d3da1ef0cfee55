// Plan usage (the Pro/Max 5-hour and 7-day quota) for `cco stats`: from the running daemon, or,
// when none runs, from the readings it saved.
import type { QuotaCredentialView, QuotaResponse, QuotaWindowView } from '../../shared/api.js';
import { daemonUrl, getJson } from '../common/daemon-client.js';
import { quotaFile, readQuotaFile } from '../daemon/quota/read.js';

export interface PlanUsage extends QuotaResponse {
  /** `daemon`: live from `GET /api/quota`; `file`: the last readings saved, the daemon being down. */
  source: 'daemon' | 'file';
}

function isQuotaResponse(value: unknown): value is QuotaResponse {
  const v = value as Partial<QuotaResponse> | null;
  return typeof v === 'object' && v !== null && typeof v.now === 'string' && Array.isArray(v.credentials);
}

export async function loadPlanUsage(host: string, port: number, dataDir: string, nowMs: number): Promise<PlanUsage> {
  const live = await getJson(`${daemonUrl(host, port)}/api/quota`, 1500);
  if (isQuotaResponse(live)) return { source: 'daemon', ...live };
  return { source: 'file', ...readQuotaFile(quotaFile(dataDir, port), nowMs) };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `14:05` today, `Mon 09:00` on another day, in the local time zone. */
export function resetClock(at: Date, now: Date): string {
  const hm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  if (at.toDateString() === now.toDateString()) return hm;
  return `${at.toLocaleDateString('en-US', { weekday: 'short' })} ${hm}`;
}

/** `just now`, `4 min ago`, `3 h ago`, `2 d ago`. */
export function ageText(seconds: number): string {
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

const percent = (share: number): string => `${Math.round(share * 100)} %`;

function windowLine(w: QuotaWindowView, now: Date): string {
  const reset = w.resetsAt === null ? null : resetClock(new Date(w.resetsAt), now);
  if (w.stale) return `  ${w.label}: reset at ${reset ?? '?'}, a new window has started (no reading since)`;
  const ratio = w.pace?.ratio ?? null;
  const pace = ratio !== null ? `, on pace for ${percent(ratio)} by the reset` : '';
  const status = w.status && w.status !== 'allowed' ? ` [${w.status}]` : '';
  return `  ${w.label}: ${percent(w.utilization)}${reset ? ` (resets ${reset})` : ''}${pace}${status}`;
}

function credentialLines(c: QuotaCredentialView, many: boolean, now: Date): string[] {
  const who = c.kind === 'subscription' ? 'plan login' : c.kind === 'api-key' ? 'API key' : 'credential';
  const lines = [`Plan usage${many ? `, ${who} ${c.fingerprint.slice(0, 8)}` : ''} (read ${ageText(c.ageSeconds)})`];
  lines.push(...c.windows.map((w) => windowLine(w, now)));
  if (c.windows.length === 0) lines.push('  No plan windows in this reading (an API key reports rate limits only).');
  const claim = c.representativeClaim ? ` (decided by ${c.representativeClaim})` : '';
  if (c.status !== null) lines.push(`  Status: ${c.status}${claim}`);
  return lines;
}

/** The human form of plan usage, one block per credential seen. */
export function renderPlanUsage(plan: PlanUsage, now: Date = new Date(plan.now)): string[] {
  if (plan.credentials.length === 0) {
    return ['Plan usage: no reading yet. It comes with the next response through the proxy (Pro/Max logins).'];
  }
  const many = plan.credentials.length > 1;
  const lines = plan.credentials.flatMap((c, i) => [...(i > 0 ? [''] : []), ...credentialLines(c, many, now)]);
  if (plan.source === 'file') lines.push('  (the daemon is not running: this is the last reading it saved)');
  return lines;
}
