import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { money } from '../daemon/budgets/status.js';
import { projectMatches } from '../daemon/budgets/scope.js';
import type { Db } from '../daemon/usage/schema.js';
import { summaryStart } from '../daemon/usage/ranges.js';
import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { EXIT, UsageError } from './errors.js';
import { HELP_OPTION, renderHelp } from './help.js';
import { openUsageForReading } from './usage-db.js';

const GATE_RANGES = ['today', '7d', '30d'] as const;
type GateRange = (typeof GATE_RANGES)[number];

export function costHelp(): string {
  return renderHelp(
    'cco cost gate --max-usd N [--range today|7d|30d] [--project PATH] [--session ID] [--json] [--port N]',
    'A CI cost gate: exits 1 and prints a breakdown when the spend recorded in the range is over N US\n' +
      'dollars, 0 otherwise. Reads the usage database directly, so the daemon need not run.',
    [
      { names: '--max-usd N', help: 'the most the range may cost' },
      { names: '--range R', help: `${GATE_RANGES.join(', ')} (default: today)` },
      { names: '--project PATH', help: 'only this project folder (and the folders under it)' },
      { names: '--session ID', help: 'only this cco launch (ORCHESTRATOR_SESSION_ID)' },
      { names: '--json', help: 'print {passed, spentUsd, maxUsd, byModel, byProject} as JSON' },
      { names: '--port N', help: 'the daemon instance (default: 3000)' },
      HELP_OPTION,
    ],
    ['Exit codes: 0 within the limit, 1 over it, 2 bad usage.'],
  );
}

export interface GateRow {
  project: string;
  session: string;
  model: string;
  requests: number;
  costUsd: number;
  unpriced: number;
}

export interface GateResult {
  passed: boolean;
  spentUsd: number;
  maxUsd: number;
  range: GateRange;
  project: string | null;
  session: string | null;
  requests: number;
  /** Requests whose price is unknown: their cost is not in spentUsd. */
  unpricedRequests: number;
  byModel: Array<{ model: string; requests: number; costUsd: number }>;
  byProject: Array<{ project: string; requests: number; costUsd: number }>;
}

function queryGateRows(db: Db, from: number, session: string | null): GateRow[] {
  const rows = db
    .prepare(
      `SELECT project, session, COALESCE(served_model, requested_model, '?') AS model, COUNT(*) AS requests,
         COALESCE(SUM(cost_usd), 0) AS cost, SUM(cost_usd IS NULL) AS unpriced
       FROM requests WHERE started_at >= ? ${session === null ? '' : 'AND session = ?'} GROUP BY 1, 2, 3`,
    )
    .all(...(session === null ? [from] : [from, session])) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    project: String(r.project), session: String(r.session), model: String(r.model),
    requests: Number(r.requests), costUsd: Number(r.cost), unpriced: Number(r.unpriced),
  }));
}

function sumBy<K extends 'model' | 'project'>(rows: readonly GateRow[], key: K) {
  const map = new Map<string, { requests: number; costUsd: number }>();
  for (const r of rows) {
    const entry = map.get(r[key]) ?? { requests: 0, costUsd: 0 };
    entry.requests += r.requests;
    entry.costUsd += r.costUsd;
    map.set(r[key], entry);
  }
  return [...map].map(([name, v]) => ({ [key]: name, ...v }) as { [P in K]: string } & { requests: number; costUsd: number })
    .sort((a, b) => b.costUsd - a.costUsd);
}

export function evaluateGate(rows: readonly GateRow[], options: { maxUsd: number; range: GateRange; project: string | null; session: string | null }): GateResult {
  const kept = options.project === null ? rows : rows.filter((r) => projectMatches(options.project!, r.project));
  const spentUsd = kept.reduce((sum, r) => sum + r.costUsd, 0);
  return {
    passed: spentUsd <= options.maxUsd,
    spentUsd,
    ...options,
    requests: kept.reduce((sum, r) => sum + r.requests, 0),
    unpricedRequests: kept.reduce((sum, r) => sum + r.unpriced, 0),
    byModel: sumBy(kept, 'model'),
    byProject: sumBy(kept, 'project'),
  };
}

export async function costCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: not any: strict tsc types it from parseArgs' generic result
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv], allowPositionals: true, strict: true,
      options: { 'max-usd': { type: 'string' }, range: { type: 'string' }, project: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^Option /, 'option '), 'cco cost gate');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    ctx.out(costHelp());
    return EXIT.ok;
  }
  if (positionals[0] !== 'gate' || positionals.length > 1) throw new UsageError(`expected 'cco cost gate', got '${positionals.join(' ')}'`, 'cco cost gate');
  const maxUsd = Number(values['max-usd']);
  if (values['max-usd'] === undefined || !Number.isFinite(maxUsd) || maxUsd < 0) {
    throw new UsageError(`--max-usd must be an amount in USD (0 or more), got '${values['max-usd'] ?? ''}'`, 'cco cost gate');
  }
  const range = (values.range ?? 'today') as GateRange;
  if (!GATE_RANGES.includes(range)) throw new UsageError(`--range must be one of ${GATE_RANGES.join(', ')}, got '${values.range}'`, 'cco cost gate');
  const { config, dataDir } = resolveCliConfig(ctx, values.port === undefined ? {} : { port: values.port });
  const project = values.project === undefined ? null : resolve(ctx.cwd, values.project);
  const session = values.session ?? null;
  const opened = await openUsageForReading(dataDir, config.port);
  let rows: GateRow[] = [];
  try {
    if (opened) rows = queryGateRows(opened.db, summaryStart(range, Date.now()), session);
  } finally {
    opened?.db.close();
  }
  const result = evaluateGate(rows, { maxUsd, range, project, session });
  if (values.json) ctx.out(JSON.stringify(result, null, 2));
  else for (const line of renderGate(result)) ctx.out(line);
  return result.passed ? EXIT.ok : EXIT.failure;
}

const RANGE_WORDS: Record<GateRange, string> = { today: 'today', '7d': 'in the last 7 days', '30d': 'in the last 30 days' };

export function renderGate(r: GateResult): string[] {
  const scope = [r.project && `project ${r.project}`, r.session && `session ${r.session}`].filter(Boolean).join(', ');
  const verdict = r.passed ? 'within' : 'OVER';
  const lines = [
    `CCO cost gate: ${money(r.spentUsd)} spent ${RANGE_WORDS[r.range]}${scope ? ` (${scope})` : ''}, ${verdict} the limit of ${money(r.maxUsd)}`,
  ];
  if (r.unpricedRequests > 0) lines.push(`  ${r.unpricedRequests} requests of unknown price are not counted`);
  if (!r.passed || r.requests > 0) {
    lines.push('  By model:');
    for (const m of r.byModel.slice(0, 10)) lines.push(`    ${money(m.costUsd).padStart(10)}  ${m.model} (${plural(m.requests)})`);
    lines.push('  By project:');
    for (const p of r.byProject.slice(0, 10)) lines.push(`    ${money(p.costUsd).padStart(10)}  ${p.project} (${plural(p.requests)})`);
  }
  return lines;
}

function plural(n: number): string {
  return `${n} request${n === 1 ? '' : 's'}`;
}
