import { join } from 'node:path';
import type { PromptCacheStats } from '../../shared/api.js';
import { silentLogger } from '../common/logger.js';
import type { ProjectStats } from '../daemon/usage/projects.js';
import { isSummaryRange, SUMMARY_RANGES, type SummaryRange } from '../daemon/usage/ranges.js';
import { parseWindow, rangeWindow, WindowError, type Window } from '../daemon/usage/window.js';
import type { UsageSummary } from '../daemon/usage/summary.js';
import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { EXIT, UsageError } from './errors.js';
import { formatPercent } from './format.js';
import { HELP_OPTION, renderHelp } from './help.js';
import { configFlagsFrom, configSpecs, HELP_SPEC, parseOptions } from './parse.js';
import { loadPlanUsage, renderPlanUsage } from './plan-usage.js';
import { noUsageMessage, openUsageForReading } from './usage-db.js';

export function statsHelp(): string {
  return renderHelp(
    'cco stats [--team] [--range 1h|24h|today|7d|30d|all | --from DATE --to DATE] [--top N] [--json] [--port N]',
    'Prints what Claude Code cost through this daemon: requests, tokens, cost, what the response cache saved,\n' +
      'the prompt-cache ratio (input read from the provider\'s cache), latency, and the most expensive\n' +
      'projects, and plan usage (5-hour and 7-day quota of a Pro/Max login). Figures marked ≈ contain an\n' +
      'estimated price. Reads the usage database and the saved plan readings; the daemon need not run.',
    [
      { names: '--range R', help: `summary period: ${SUMMARY_RANGES.join(', ')} (default: today)` },
      { names: '--from D, --to D', help: 'a custom period instead: dates YYYY-MM-DD (local; --to includes its day) or epoch ms' },
      { names: '--top N', help: 'projects to list (default: 10)' },
      { names: '--json', help: 'print {summary, projects, plan} as JSON for scripts (prompt cache, cost split, sources included)' },
      { names: '--team', help: 'the whole team from the team ledger (--team-db, CCO_TEAM_DB): totals, machines, projects' },
      { names: '--team-db URL', help: 'the team ledger to read (default: CCO_TEAM_DB, or teamDb in settings.json)' },
      { names: '--port N', help: 'the daemon instance (default: 3000)' },
      HELP_OPTION,
    ],
  );
}

export async function statsCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const specs = {
    ...configSpecs(true),
    range: { type: 'string' as const },
    from: { type: 'string' as const },
    to: { type: 'string' as const },
    top: { type: 'string' as const },
    json: { type: 'boolean' as const },
    team: { type: 'boolean' as const },
    'team-db': { type: 'string' as const },
    ...HELP_SPEC,
  };
  const values = parseOptions(argv, specs, 'cco stats');
  if (values.help) {
    ctx.out(statsHelp());
    return EXIT.ok;
  }
  const range = rangeOption(values.range, 'cco stats');
  const custom = windowOption(values.from, values.to);
  const top = topOption(values.top);
  if (values.team) {
    if (custom !== null) throw new UsageError('--from/--to are not taken with --team; use --range', 'cco stats');
    const { teamStats } = await import('./team-stats.js');
    return teamStats(resolveCliConfig(ctx, configFlagsFrom(values)), range, top, values.json === true, ctx);
  }
  const { config, dataDir } = resolveCliConfig(ctx, configFlagsFrom(values));
  const plan = await loadPlanUsage(config.host, config.port, dataDir, Date.now());
  const opened = await openUsageForReading(dataDir, config.port);
  if (!opened) {
    if (values.json) ctx.out(JSON.stringify({ summary: null, projects: [], plan }, null, 2));
    else for (const line of [noUsageMessage(dataDir, config.port), '', ...renderPlanUsage(plan)]) ctx.out(line);
    return EXIT.ok;
  }
  const [{ querySummary }, { queryProjects }, { promptCacheParts }, report, { loadPriceTable }, { createPricer }, { readableSpan }] =
    await Promise.all([
      import('../daemon/usage/summary.js'), import('../daemon/usage/projects.js'),
      import('../daemon/usage/prompt-cache.js'),
      import('../daemon/usage/prompt-cache-report.js'), import('../daemon/pricing/load.js'),
      import('../daemon/pricing/pricer.js'), import('../daemon/usage/rollup-read.js'),
    ]);
  const now = Date.now();
  // Read as the daemon's API reads it (queries.ts): edges the roll-ups answer, so both agree.
  const window = readableSpan(custom ?? rangeWindow(range, now), now);
  let summary: UsageSummary;
  let projects: ProjectStats[];
  try {
    // The daemon's prices (pricing.json included) value what prompt caching saved.
    const table = loadPriceTable(join(dataDir, 'pricing.json'), silentLogger);
    const cache = report.promptCacheReport(promptCacheParts(opened.db, window, now),
      createPricer(table, silentLogger));
    summary = report.summaryWithPromptCache(querySummary(opened.db, window, now), cache);
    const listed = queryProjects(opened.db, window, now).slice(0, top);
    projects = report.projectsWithPromptCache(listed, cache);
  } finally {
    opened.db.close();
  }
  if (values.json) ctx.out(JSON.stringify({ summary, projects, plan }, null, 2));
  else for (const line of [...renderStats(summary, projects, config.port), '', ...renderPlanUsage(plan)]) ctx.out(line);
  return EXIT.ok;
}

/** `--from`/`--to`: the API's parser (window.ts), its messages as usage errors. */
function windowOption(from: string | boolean | undefined, to: string | boolean | undefined): Window | null {
  try {
    return parseWindow(typeof from === 'string' ? from : undefined, typeof to === 'string' ? to : undefined, Date.now());
  } catch (error) {
    if (error instanceof WindowError) throw new UsageError(error.message.replace(/\b(from|to)\b/g, '--$1'), 'cco stats');
    throw error;
  }
}

export function rangeOption(value: string | boolean | undefined, command: string, fallback: SummaryRange = 'today'): SummaryRange {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && isSummaryRange(value)) return value;
  throw new UsageError(`--range must be one of ${SUMMARY_RANGES.join(', ')}, got '${String(value)}'`, command);
}

function topOption(value: string | boolean | undefined): number {
  if (value === undefined) return 10;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1) throw new UsageError(`--top must be a whole number ≥ 1, got '${String(value)}'`, 'cco stats');
  return n;
}

/** "1 Nov – 15 Nov": a custom window's days, its end day inclusive. */
function windowTitle(s: UsageSummary): string {
  const day = (t: number) => new Date(t).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
  if (s.from === null) return 'all time';
  const [first, last] = [day(s.from), day(s.to - 1)];
  return first === last ? first : `${first} – ${last}`;
}

const rangeTitle = (s: UsageSummary) => (s.range === 'custom' ? windowTitle(s) : RANGE_TITLES[s.range]);

const RANGE_TITLES: Record<SummaryRange, string> = {
  '1h': 'the last hour', '24h': 'the last 24 hours', today: 'today', '7d': 'the last 7 days', '30d': 'the last 30 days', all: 'all time' };

export function money(usd: number | null): string {
  if (usd === null) return 'unknown';
  return usd !== 0 && Math.abs(usd) < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function count(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

function ms(value: number | null): string {
  if (value === null) return '-';
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** The human form: a summary block, then a table of projects. */
export function renderStats(s: UsageSummary, projects: readonly ProjectStats[], port: number): string[] {
  const t = s.tokens;
  const lines = [
    `Usage on port ${port}, ${rangeTitle(s)}`,
    `  Requests   ${s.requests}${s.errors > 0 ? ` (${s.errors} errors)` : ''}`,
    `  Cost       ${estimatedMark(s)}${money(s.costUsd)}${s.unpricedRequests > 0 ? ` + ${s.unpricedRequests} requests of unknown price` : ''}`,
    ...costSplitLines(s),
    `  Saved      ${money(s.savedUsd)} by CCO's response cache (hit rate ${formatPercent(s.hitRate)}: replayed / looked up)`,
    ...promptCacheLines(s.promptCache),
    ...sourceLines(s),
    `  Tokens     input ${count(t.input)} · output ${count(t.output)} · cache write ${count(t.cacheCreation)} · cache read ${count(t.cacheRead)}`,
    `  Latency    p50 ${ms(s.latencyMs.p50)} · p95 ${ms(s.latencyMs.p95)}`,
  ];
  if (projects.length === 0) return lines;
  const rows = projects.map((p) => [p.project, String(p.requests), estimatedMark(p) + money(p.costUsd), money(p.savedUsd),
    formatPercent(p.hitRate), ratio(p.promptCache?.hitRatio ?? null), p.lastSeen === null ? '-' : new Date(p.lastSeen).toLocaleString()]);
  const head = ['PROJECT', 'REQUESTS', 'COST', 'SAVED', 'HIT RATE', 'PROMPT CACHE', 'LAST SEEN'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `  ${r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()}`;
  const note = projects.some((p) => (p.costSplit?.estimatedUsd ?? 0) > 0) || (s.costSplit?.estimatedUsd ?? 0) > 0
    ? ['', `  ${ESTIMATED} the figure contains an estimated price (a model without a price of its own)`] : [];
  return [...lines, '', `Projects, ${rangeTitle(s)}, most expensive first`, fmt(head), ...rows.map(fmt), ...note];
}

/** Marks a figure that contains an estimated price. */
export const ESTIMATED = '≈';

function estimatedMark(t: { costSplit?: { estimatedUsd: number } }): string {
  return (t.costSplit?.estimatedUsd ?? 0) > 0 ? ESTIMATED : '';
}

const ratio = (r: number | null) => (r === null ? '-' : formatPercent(r));

function costSplitLines(s: UsageSummary): string[] {
  const split = s.costSplit;
  if (!split || split.apiEquivalentUsd === 0) return [];
  return [
    `             pay-as-you-go ${money(split.paygUsd)} · API-equivalent value ${money(split.apiEquivalentUsd)} (subscription)`,
  ];
}

function promptCacheLines(p: PromptCacheStats | undefined): string[] {
  if (!p) return [];
  const saved = `${p.savedEstimated ? ESTIMATED : ''}${money(p.savedUsd)}`;
  return [
    `  Prompt cache ${ratio(p.hitRatio)} of input read from the provider's cache (reads / all input) · saved ${saved}`,
    `             read ${count(p.readTokens)} · write 5m ${count(p.write5mTokens)} · write 1h ${count(p.write1hTokens)}` +
      ` · uncached ${count(p.uncachedInputTokens)} · never read back ${p.busterWrites} (${count(p.busterTokens)} tokens)`,
  ];
}

function sourceLines(s: UsageSummary): string[] {
  const src = s.sources;
  if (!src || src.transcript === 0) return [];
  return [`  Sources    ${src.proxy} through the proxy · ${src.transcript} from transcripts`];
}
