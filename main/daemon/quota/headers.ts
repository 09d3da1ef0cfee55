/** One plan-quota window (`5h`, `7d`, or any other the upstream names), as the headers state it. */
export interface QuotaWindow {
  name: string;
  /** Share of the window's allowance used, 0..1. */
  utilization: number;
  /** When the window resets, epoch seconds; null when the headers did not say. */
  resetsAt: number | null;
  /** `allowed`, `allowed_warning`, `rejected`, ... as sent. */
  status: string | null;
}

export const API_KEY_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;
export type ApiKeyLimitName = (typeof API_KEY_LIMITS)[number];

/** An API key's rate limit of one kind: `anthropic-ratelimit-<kind>-{limit,remaining,reset}`. */
export interface ApiKeyLimit {
  limit: number | null;
  remaining: number | null;
  /** RFC 3339 as sent. */
  resetsAt: string | null;
}

/** What one upstream response said about its credential's limits. */
export interface QuotaReading {
  /** The plan's overall state (`anthropic-ratelimit-unified-status`). */
  status: string | null;
  /** The window that currently decides the status (`five_hour`, `seven_day`, ...). */
  representativeClaim: string | null;
  /** Epoch seconds. */
  resetsAt: number | null;
  windows: QuotaWindow[];
  limits: Partial<Record<ApiKeyLimitName, ApiKeyLimit>>;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const UNIFIED = 'anthropic-ratelimit-unified-';
const WINDOW_FIELD = /^(.+)-(utilization|reset|status)$/;

function text(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function number(value: string | string[] | undefined): number | null {
  const t = text(value);
  if (t === null) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

interface PartialWindow {
  utilization?: number;
  resetsAt?: number;
  status?: string;
}

function collectWindows(headers: Headers): QuotaWindow[] {
  const byName = new Map<string, PartialWindow>();
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(UNIFIED)) continue;
    const match = WINDOW_FIELD.exec(name.slice(UNIFIED.length));
    if (!match) continue;
    const [, window, field] = match as unknown as [string, string, 'utilization' | 'reset' | 'status'];
    const w = byName.get(window) ?? {};
    byName.set(window, w);
    if (field === 'status') {
      const s = text(value);
      if (s !== null) w.status = s;
    } else {
      const n = number(value);
      if (n !== null && field === 'utilization') w.utilization = Math.max(0, n);
      if (n !== null && field === 'reset') w.resetsAt = n;
    }
  }
  const windows: QuotaWindow[] = [];
  // A name with a utilization is a window; `overage-status` and the like are not.
  for (const [name, w] of byName) {
    if (w.utilization === undefined) continue;
    windows.push({ name, utilization: w.utilization, resetsAt: w.resetsAt ?? null, status: w.status ?? null });
  }
  const length = (w: QuotaWindow) => windowSeconds(w.name) ?? Infinity;
  return windows.sort((a, b) => length(a) - length(b) || a.name.localeCompare(b.name));
}

function collectLimits(headers: Headers): QuotaReading['limits'] {
  const limits: QuotaReading['limits'] = {};
  for (const kind of API_KEY_LIMITS) {
    const prefix = `anthropic-ratelimit-${kind}-`;
    const limit = number(headers[`${prefix}limit`]);
    const remaining = number(headers[`${prefix}remaining`]);
    const resetsAt = text(headers[`${prefix}reset`]);
    if (limit === null && remaining === null && resetsAt === null) continue;
    limits[kind] = { limit, remaining, resetsAt };
  }
  return limits;
}

/** The quota an upstream response reports, or null when it reports none (another provider, an old proxy). */
export function parseQuotaHeaders(headers: Headers): QuotaReading | null {
  const windows = collectWindows(headers);
  const limits = collectLimits(headers);
  const status = text(headers[`${UNIFIED}status`]);
  if (windows.length === 0 && Object.keys(limits).length === 0 && status === null) return null;
  return {
    status,
    representativeClaim: text(headers[`${UNIFIED}representative-claim`]),
    resetsAt: number(headers[`${UNIFIED}reset`]),
    windows,
    limits,
  };
}

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/** A window's length from its name (`5h`, `7d`, `7d_opus`); null when the name does not say. */
export function windowSeconds(name: string): number | null {
  const match = /^(\d+)([mhdw])(?:_|$)/.exec(name);
  const [, count, unit] = match ?? [];
  if (count === undefined || unit === undefined) return null;
  return Number(count) * (UNIT_SECONDS[unit] ?? 0);
}

/** `5h` → `5-hour`, `7d` → `7-day`, `7d_opus` → `7-day opus`. */
export function windowLabel(name: string): string {
  const match = /^(\d+)([mhdw])(?:_(.+))?$/.exec(name);
  if (!match) return name;
  const unit = { m: 'minute', h: 'hour', d: 'day', w: 'week' }[match[2] as 'm' | 'h' | 'd' | 'w'];
  return `${match[1]}-${unit}${match[3] ? ` ${match[3].replace(/_/g, ' ')}` : ''}`;
}
