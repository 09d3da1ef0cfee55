// Plan usage: the Pro/Max plan's 5-hour and 7-day quota, as the upstream's response headers last
// stated it per credential. Bars per window, reset countdowns and the reading's age that tick,
// refreshed live by the `quota` events of /api/events.
import './plan-usage.css';
import type { QuotaCredentialView, QuotaResponse, QuotaWindowView } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';

export interface PlanUsageDeps {
  load(): Promise<QuotaResponse>;
  /** Where `quota` events come from; the panel listens on its own so the shared stream stays untouched. */
  eventsUrl?: string;
}

/** `GET /api/quota` (same origin, no token: it holds no secret). */
export async function fetchQuota(): Promise<QuotaResponse> {
  const res = await fetch('/api/quota', { cache: 'no-store' });
  if (!res.ok) throw new Error(`GET /api/quota answered ${res.status}`);
  return (await res.json()) as QuotaResponse;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const percent = (share: number): string => `${Math.round(share * 100)} %`;
const count = (n: number): string => n.toLocaleString('en-US');

/** `4h 59m 12s`, `12m 05s`, `3d 4h`: ticks every second while it matters. */
export function countdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const hr = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${hr}h`;
  if (hr > 0) return `${hr}h ${pad(m)}m ${pad(s % 60)}s`;
  return `${m}m ${pad(s % 60)}s`;
}

/** `14:05` today, `Mon 09:00` on another day (local time). */
function clock(at: Date, now: Date): string {
  const hm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  if (at.toDateString() === now.toDateString()) return hm;
  return `${at.toLocaleDateString('en-US', { weekday: 'short' })} ${hm}`;
}

function age(seconds: number): string {
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** ok under 80 %, warn from 80 %, full from 95 % or when the upstream already refuses. */
function level(w: QuotaWindowView): 'ok' | 'warn' | 'full' {
  if (w.status === 'rejected' || w.utilization >= 0.95) return 'full';
  return w.utilization >= 0.8 || w.status === 'allowed_warning' ? 'warn' : 'ok';
}

function paceText(w: QuotaWindowView): string {
  const pace = w.pace;
  if (pace === null) return '';
  const gone = `${percent(pace.elapsedShare)} of the time gone`;
  if (pace.ratio === null) return gone;
  const verdict = pace.ratio > 1.05 ? 'faster than the window allows' : 'within the window';
  return `${gone}, on pace for ${percent(pace.ratio)} by the reset (${verdict})`;
}

const STATUS_TEXT: Record<string, string> = {
  allowed: 'Within the plan',
  allowed_warning: 'Close to the limit',
  rejected: 'Limit reached: requests are refused until the reset',
};

/** `five_hour` → `5-hour`, `seven_day_opus` → `7-day opus`. */
function claimText(claim: string): string {
  return claim.replace(/^five_hour/, '5-hour').replace(/^seven_day/, '7-day').replace(/_/g, ' ');
}

function statusText(c: QuotaCredentialView): string {
  if (c.status === null) return 'Status not stated';
  const text = STATUS_TEXT[c.status] ?? c.status;
  return c.representativeClaim ? `${text} · the ${claimText(c.representativeClaim)} window decides` : text;
}

function who(c: QuotaCredentialView): string {
  const kind = c.kind === 'subscription' ? 'Plan login' : c.kind === 'api-key' ? 'API key' : 'Credential';
  return `${kind} ${c.fingerprint.slice(0, 8)}`;
}

export function planUsagePanel(deps: PlanUsageDeps) {
  /** Client clock minus the daemon's, so countdowns need no agreement between the two clocks. */
  let skewMs = 0;
  let data: QuotaResponse | null = null;
  /** Elements whose text depends on the time: refreshed every second without rebuilding the rest. */
  let ticking: Array<() => void> = [];
  let loading: Promise<void> | null = null;
  let again = false;

  const daemonNow = (): number => Date.now() - skewMs;

  function windowRow(w: QuotaWindowView): HTMLElement {
    const fillBar = h('div', { class: 'plan-fill' });
    fillBar.style.width = `${Math.min(100, w.utilization * 100)}%`;
    const gone = w.pace?.elapsedShare ?? null;
    const elapsed = gone === null ? null : h('div', { class: 'plan-elapsed', title: `${percent(gone)} of the time gone` });
    if (elapsed && gone !== null) elapsed.style.left = `${gone * 100}%`;
    const reset = h('span', { class: 'plan-reset' });
    const resetsAt = w.resetsAt === null ? null : Date.parse(w.resetsAt);
    const tick = (): void => {
      if (resetsAt === null) {
        reset.textContent = 'reset time not stated';
        return;
      }
      const left = (resetsAt - daemonNow()) / 1000;
      const at = clock(new Date(resetsAt), new Date(daemonNow()));
      reset.textContent = left <= 0 ? `reset at ${at}: a new window has started` : `resets in ${countdown(left)} (${at})`;
      row.dataset.stale = String(left <= 0);
    };
    const windowStatus = w.status && w.status !== 'allowed'
      ? h('span', { class: 'plan-window-status' }, STATUS_TEXT[w.status] ?? w.status)
      : null;
    const meter = {
      class: 'plan-bar', role: 'meter', 'aria-label': `${w.label} plan usage`,
      'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(w.utilization * 100),
    };
    const row = h(
      'div',
      { class: 'plan-window', 'data-window': w.name, 'data-level': level(w), 'data-utilization': w.utilization },
      h('div', { class: 'plan-head' },
        h('span', { class: 'plan-label' }, w.label), h('span', { class: 'plan-pct' }, percent(w.utilization))),
      h('div', meter, fillBar, elapsed),
      h('div', { class: 'plan-note' }, reset, h('span', { class: 'plan-pace' }, paceText(w)), windowStatus),
    );
    ticking.push(tick);
    return row;
  }

  function limitsLine(c: QuotaCredentialView): HTMLElement | null {
    const parts = Object.entries(c.limits).flatMap(([kind, l]) =>
      l && l.limit !== null && l.remaining !== null ? [`${kind} ${count(l.remaining)} of ${count(l.limit)} left`] : []);
    return parts.length ? h('p', { class: 'plan-limits' }, `Rate limits: ${parts.join(' · ')}`) : null;
  }

  function credentialBlock(c: QuotaCredentialView, many: boolean): HTMLElement {
    const observed = Date.parse(c.observedAt);
    const ageEl = h('span', { class: 'plan-age' });
    ticking.push(() => {
      ageEl.textContent = `updated ${age((daemonNow() - observed) / 1000)}`;
    });
    return h(
      'div',
      { class: 'plan-credential', 'data-fingerprint': c.fingerprint, 'data-status': c.status ?? '' },
      h('div', { class: 'plan-meta' },
        many ? h('h3', {}, who(c)) : null, h('span', { class: 'plan-status' }, statusText(c)), ageEl),
      c.windows.length
        ? h('div', { class: 'plan-windows' }, ...c.windows.map(windowRow))
        : h('p', { class: 'plan-empty' }, 'No plan windows in this reading (an API key states rate limits only).'),
      limitsLine(c),
    );
  }

  function render(): void {
    ticking = [];
    const root = byId('plan');
    if (!data) {
      fill(root, h('p', { class: 'plan-empty' }, 'Loading…'));
      return;
    }
    if (data.credentials.length === 0) {
      const why = 'No plan reading yet. It comes with the next response through the proxy on a Pro/Max login.';
      fill(root, h('p', { class: 'plan-empty' }, why));
      return;
    }
    const many = data.credentials.length > 1;
    fill(root, ...data.credentials.map((c) => credentialBlock(c, many)));
    tick();
  }

  function tick(): void {
    for (const t of ticking) t();
  }

  /** One load at a time; a burst of events while one runs makes a single further load. */
  function load(): Promise<void> {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      try {
        do {
          again = false;
          const next = await deps.load();
          skewMs = Date.now() - Date.parse(next.now);
          data = next;
          render();
        } while (again);
      } catch (error) {
        console.warn(`Plan usage: ${(error as Error).message}`);
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  render();
  setInterval(tick, 1000);
  const events = new EventSource(deps.eventsUrl ?? '/api/events');
  events.addEventListener('quota', () => void load());
  return { load };
}
