import type { TeamSummary } from '../daemon/ledger/team-queries.js';
import type { SummaryRange } from '../daemon/usage/ranges.js';
import { summaryStart } from '../daemon/usage/ranges.js';
import type { ResolvedCli } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './errors.js';
import { count, money } from './stats.js';

/**
 * `cco stats --team`: the team's totals, read from the team ledger (PostgreSQL) directly, so it
 * works whether or not a daemon runs here. `pg` is loaded only on this path.
 */
export async function teamStats(
  resolved: ResolvedCli,
  range: SummaryRange,
  top: number,
  json: boolean,
  ctx: CliContext,
): Promise<number> {
  const url = resolved.config.teamDb;
  if (url === '') {
    throw new CliError('No team ledger is configured', EXIT.usage, [
      'Give it with --team-db postgres://USER:PASSWORD@HOST/DB, CCO_TEAM_DB, or "teamDb" in settings.json.',
    ]);
  }
  const [{ openPool, redactDbUrl, safeMessage }, { teamSummary }] = await Promise.all([
    import('../daemon/ledger/connect.js'),
    import('../daemon/ledger/team-queries.js'),
  ]);
  const pool = await openPool(url, { max: 4 });
  let summary: TeamSummary;
  try {
    summary = await teamSummary(pool, range === 'all' ? null : summaryStart(range, Date.now()), top);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42P01') summary = { from: null, totals: emptyTotals(), machines: [], projects: [], models: [] };
    else throw new CliError(`Cannot read the team ledger ${redactDbUrl(url)}: ${safeMessage(error, url)}`);
  } finally {
    await pool.end().catch(() => {});
  }
  if (json) ctx.out(JSON.stringify({ range, ledger: redactDbUrl(url), ...summary }, null, 2));
  else for (const line of renderTeam(summary, range, redactDbUrl(url))) ctx.out(line);
  return EXIT.ok;
}

function emptyTotals(): TeamSummary['totals'] {
  return {
    requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0,
    costUsd: 0, savedUsd: 0, hits: 0, errors: 0,
  };
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const cell = (c: string, i: number) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!));
  const fmt = (r: string[]) => `  ${r.map(cell).join('  ')}`.trimEnd();
  return [fmt(head), ...rows.map(fmt)];
}

export function renderTeam(s: TeamSummary, range: SummaryRange, target: string): string[] {
  const t = s.totals;
  const machines = `${s.machines.length} machine${s.machines.length === 1 ? '' : 's'}`;
  const lines = [
    `Team usage (${target}), ${range === 'all' ? 'all time' : range === 'today' ? 'today' : `the last ${range}`}`,
    `  Requests   ${t.requests}${t.errors > 0 ? ` (${t.errors} errors)` : ''} from ${machines}`,
    `  Cost       ${money(t.costUsd)}`,
    `  Saved      ${money(t.savedUsd)} by the cache`,
    `  Tokens     input ${count(t.inputTokens)} · output ${count(t.outputTokens)} · ` +
      `cache write ${count(t.cacheCreationTokens)} · cache read ${count(t.cacheReadTokens)}`,
  ];
  if (s.machines.length > 0) {
    lines.push('', 'Machines', ...table(['MACHINE', 'USER', 'REQUESTS', 'COST', 'LAST SEEN'],
      s.machines.map((m) => [
        m.machine, m.user, String(m.requests), money(m.costUsd), new Date(m.lastSeen).toLocaleString(),
      ])));
  }
  if (s.projects.length > 0) {
    lines.push('', 'Projects', ...table(['PROJECT', '', 'REQUESTS', 'COST', 'SAVED'],
      s.projects.map((p) => [p.project, '', String(p.requests), money(p.costUsd), money(p.savedUsd)])));
  }
  return lines;
}
