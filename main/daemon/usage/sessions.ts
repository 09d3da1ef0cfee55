import type { AgentEntry, SessionEntry, UsageSource } from '../../../shared/api.js';
import { busterParts, type BusterPart } from './prompt-cache.js';
import type { Span } from './rollup-read.js';
import { DAY_MS } from './rollup-schema.js';
import type { Db } from './schema.js';

/**
 * One session from `session_rollup`, before the store prices it: the wire entry's fields (one
 * declaration, shared/api.ts) with each model's token sums instead of the figures priced from them.
 */
export interface SessionRow extends Omit<SessionEntry, 'durationMs' | 'models' | 'promptCache'> {
  models: Array<{ model: string; requests: number; costUsd: number; input: number; read: number; creation: number;
    write1h: number }>;
  busters: BusterPart[];
}

export interface SessionPage {
  from: number;
  to: number;
  total: number;
  sessions: SessionRow[];
}

const NANOS = 1e9;
const usd = (n: unknown) => Number(n ?? 0) / NANOS;
const list = (json: unknown) => (JSON.parse(String(json ?? '[]')) as string[]).filter((v) => v !== '').sort();

/** Sessions count by whole UTC days (the roll-up's grain): the range starts at its first day. */
export const sessionDayStart = (from: number) =>
  from <= Number.MIN_SAFE_INTEGER ? Number.MIN_SAFE_INTEGER : Math.floor(from / DAY_MS) * DAY_MS;

/** The end of a span's last UTC day (an open end stays open). */
export const sessionDayEnd = (to: number) => (to >= Number.MAX_SAFE_INTEGER ? to : Math.ceil(to / DAY_MS) * DAY_MS);

/** Sessions seen in the span, latest first, one page; their figures cover the span's whole UTC days. */
export function querySessions(db: Db, span: Span, now: number, limit: number, offset: number): SessionPage {
  const day = sessionDayStart(span.from);
  const end = sessionDayEnd(span.to);
  // Active in the span: seen since its start and before its end; their sums cover its whole days.
  const since = Math.max(span.from, day);
  // The page's sessions first, from three cheap columns; then the figures of those sessions alone.
  const active = `SELECT session, MAX(last_seen) AS seen FROM session_rollup WHERE day >= ? AND day < ? GROUP BY session
    HAVING seen >= ? AND MIN(first_seen) < ?`;
  const activeArgs = [day, end, since, span.to];
  const total = Number((db.prepare(`SELECT COUNT(*) AS n FROM (${active})`).get(activeArgs) as { n: number }).n);
  const page = db.prepare(`${active} ORDER BY seen DESC, session LIMIT ? OFFSET ?`).raw()
    .all([...activeArgs, limit, offset]) as Array<[string, number]>;
  const figures = page.length === 0 ? [] : db.prepare(`SELECT session, SUM(requests) AS requests, SUM(errors) AS errors,
      SUM(cost_nanos) AS cost, SUM(payg_nanos) AS payg, SUM(api_equiv_nanos) AS equiv, SUM(estimated_nanos) AS est,
      MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen,
      json_group_array(DISTINCT project) AS projects, json_group_array(DISTINCT git_branch) AS branches,
      json_group_array(DISTINCT source) AS sources, json_group_array(DISTINCT agent_type) AS agents
    FROM session_rollup WHERE session IN (${page.map(() => '?').join(', ')}) AND day >= ? AND day < ? GROUP BY session`)
    .all([...page.map((p) => p[0]), day, end]) as Array<Record<string, unknown>>;
  const bySession = new Map(figures.map((r) => [String(r.session), r]));
  const rows = page.map((p) => bySession.get(p[0])!);
  const names = rows.map((r) => String(r.session));
  const days: Span = { from: day, to: end };
  const models = sessionModels(db, days, names);
  const busters = names.length === 0 ? [] : busterParts(db, days, now, names);
  const sessions = rows.map((r): SessionRow => {
    const session = String(r.session);
    return {
      session,
      project: mainProject(db, days, session),
      projects: list(r.projects),
      branches: list(r.branches),
      sources: list(r.sources) as UsageSource[],
      agentTypes: list(r.agents),
      requests: Number(r.requests), errors: Number(r.errors), costUsd: usd(r.cost),
      costSplit: { paygUsd: usd(r.payg), apiEquivalentUsd: usd(r.equiv), estimatedUsd: usd(r.est) },
      firstSeen: Number(r.first_seen), lastSeen: Number(r.last_seen),
      models: models.get(session) ?? [],
      busters: busters.filter((b) => b.session === session),
    };
  });
  return { from: day, to: end, total, sessions };
}

function mainProject(db: Db, days: Span, session: string): string {
  const row = db.prepare(`SELECT project FROM session_rollup WHERE session = ? AND day >= ? AND day < ?
    GROUP BY project ORDER BY SUM(cost_nanos) DESC, SUM(requests) DESC LIMIT 1`).get([session, days.from, days.to]) as
    { project: string } | undefined;
  return row?.project ?? '';
}

/** Model mix from the kept raw rows (the session roll-up has no model); upstream calls' tokens only. */
function sessionModels(db: Db, days: Span, sessions: readonly string[]): Map<string, SessionRow['models']> {
  const out = new Map<string, SessionRow['models']>();
  if (sessions.length === 0) return out;
  const up = (c: string) => `SUM(CASE WHEN cache IN ('hit', 'coalesced') THEN 0 ELSE COALESCE(${c}, 0) END)`;
  const rows = db.prepare(`SELECT COALESCE(session_id, session) AS s, COALESCE(served_model, requested_model, '') AS m,
      COUNT(*) AS n, SUM(COALESCE(cost_usd, 0)) AS cost, ${up('input_tokens')} AS input,
      ${up('cache_read_tokens')} AS rd,
      ${up('cache_creation_tokens')} AS creation, ${up('cache_write_1h_tokens')} AS w1h
    FROM requests WHERE COALESCE(session_id, session) IN (${sessions.map(() => '?').join(', ')}) AND started_at >= ?
      AND started_at < ?
    GROUP BY 1, 2 ORDER BY cost DESC, n DESC`).all([...sessions, days.from, days.to]) as Array<Record<string, unknown>>;
  for (const r of rows) {
    const models = out.get(String(r.s)) ?? [];
    models.push({
      model: String(r.m) || 'unknown', requests: Number(r.n), costUsd: Number(r.cost), input: Number(r.input),
      read: Number(r.rd), creation: Number(r.creation), write1h: Number(r.w1h),
    });
    out.set(String(r.s), models);
  }
  return out;
}

/** Cost by subagent type in the span (whole UTC days); the main conversation is `agentType: null`. */
export function queryAgents(db: Db, span: Span): AgentEntry[] {
  const rows = db.prepare(`SELECT agent_type, COUNT(DISTINCT session) AS sessions, SUM(requests) AS requests,
      SUM(cost_nanos) AS cost, SUM(payg_nanos) AS payg, SUM(api_equiv_nanos) AS equiv, SUM(estimated_nanos) AS est,
      SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(cache_creation_tokens) AS creation,
      SUM(cache_read_tokens) AS rd, SUM(cache_write_5m_tokens) AS w5m, SUM(cache_write_1h_tokens) AS w1h
    FROM session_rollup WHERE day >= ? AND day < ? GROUP BY agent_type ORDER BY cost DESC, requests DESC`)
    .all([sessionDayStart(span.from), sessionDayEnd(span.to)]) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    agentType: r.agent_type === '' ? null : String(r.agent_type),
    sessions: Number(r.sessions), requests: Number(r.requests), costUsd: usd(r.cost),
    costSplit: { paygUsd: usd(r.payg), apiEquivalentUsd: usd(r.equiv), estimatedUsd: usd(r.est) },
    tokens: {
      input: Number(r.input), output: Number(r.output), cacheCreation: Number(r.creation), cacheRead: Number(r.rd),
      cacheWrite5m: Number(r.w5m), cacheWrite1h: Number(r.w1h),
    },
  }));
}
