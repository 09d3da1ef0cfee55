import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readOrCreateToken } from '../common/token.js';
import { budgetsFilePath, readBudgetsFile, writeBudgetsFile } from '../daemon/budgets/file.js';
import { BudgetValidationError, parseBudget, type BudgetInput } from '../daemon/budgets/schema.js';
import { money, type BudgetStatus } from '../daemon/budgets/status.js';
import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { daemonUrl, fetchHealth } from '../common/daemon-client.js';
import { HELP_OPTION, renderHelp } from './help.js';

export function budgetHelp(): string {
  return renderHelp(
    'cco budget set [--team] (--global | --project PATH | --model GLOB) (--daily | --weekly | --monthly) USD\n' +
      '       [--enforce] [--thresholds 50,80,100]\n' +
      '       cco budget set --plan 5h|7d --thresholds 80\n' +
      '       cco budget list [--json]\n' +
      '       cco budget rm ID\n' +
      '       cco budget webhook URL | --off',
    'Spending limits in US dollars, per day, week or month in your local time. Every budget alerts at its\n' +
      'thresholds (log, dashboard, /api/events, optional webhook); an --enforce budget also refuses requests in\n' +
      'its scope once exhausted (cache hits are still served). Setting the same scope and period again replaces\n' +
      'it. A running daemon applies changes at once; otherwise budgets.json in the data directory is edited.',
    [
      { names: '--team', help: "count the whole team's spend from the team ledger (needs --team-db on the daemon)" },
      { names: '--global', help: 'every request' },
      { names: '--project PATH', help: 'one project folder (and the folders under it)' },
      { names: '--model GLOB', help: "a model family, e.g. 'claude-opus-*'" },
      { names: '--plan 5h|7d', help: 'a plan-quota rule: alert when that window passes the thresholds' },
      { names: '--daily, --weekly, --monthly', help: 'the period (weeks start Monday 00:00, months on the 1st)' },
      { names: '--enforce', help: 'refuse requests in scope once the limit is reached (default: alert only)' },
      { names: '--thresholds LIST', help: 'alert percentages (default: 50,80,100)' },
      { names: '--off', help: 'with webhook: stop posting alerts' },
      { names: '--json', help: 'print the result as JSON' },
      { names: '--port N', help: 'the daemon instance whose spend is counted (default: 3000)' },
      HELP_OPTION,
    ],
    ['Example: cco budget set --project ~/code/shop --daily 5 --enforce'],
  );
}

const SPECS = {
  global: { type: 'boolean' },
  team: { type: 'boolean' },
  project: { type: 'string' },
  model: { type: 'string' },
  plan: { type: 'string' },
  daily: { type: 'boolean' },
  weekly: { type: 'boolean' },
  monthly: { type: 'boolean' },
  enforce: { type: 'boolean' },
  thresholds: { type: 'string' },
  off: { type: 'boolean' },
  json: { type: 'boolean' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: SPECS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^Option /, 'option '), 'cco budget');
  }
}

/** Talks to the running daemon when there is one, so changes apply at once; else to the file. */
interface Backend {
  list(): Promise<BudgetStatus[]>;
  set(input: BudgetInput): Promise<BudgetStatus>;
  remove(id: string): Promise<boolean>;
  setWebhook(url: string | null): Promise<void>;
  where: string;
}

export async function budgetCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(argv);
  const [action, ...rest] = positionals;
  if (values.help || action === undefined || action === 'help') {
    ctx.out(budgetHelp());
    return values.help || action === 'help' ? EXIT.ok : EXIT.usage;
  }
  const { config, dataDir } = resolveCliConfig(ctx, values.port === undefined ? {} : { port: values.port });
  const backend = await backendFor(dataDir, daemonUrl(config.host, config.port), config.port);
  switch (action) {
    case 'set': {
      const status = await backend.set(budgetFromFlags(values, rest, ctx.cwd));
      if (values.json) ctx.out(JSON.stringify(status, null, 2));
      else ctx.out(`Budget ${status.budget.id} set (${backend.where}): ${describe(status)}`);
      return EXIT.ok;
    }
    case 'list':
    case 'ls': {
      noPositionals(rest, 'list');
      const statuses = await backend.list();
      if (values.json) ctx.out(JSON.stringify({ budgets: statuses }, null, 2));
      else for (const line of renderBudgets(statuses)) ctx.out(line);
      return EXIT.ok;
    }
    case 'rm':
    case 'remove': {
      const [id, ...extra] = rest;
      if (id === undefined) throw new UsageError('rm needs the budget ID (see cco budget list)', 'cco budget');
      noPositionals(extra, 'rm');
      if (!(await backend.remove(id))) throw new CliError(`No budget with ID "${id}"`, EXIT.failure, ['See the IDs with: cco budget list']);
      if (values.json) ctx.out(JSON.stringify({ removed: id }));
      else ctx.out(`Budget ${id} removed (${backend.where})`);
      return EXIT.ok;
    }
    case 'webhook': {
      const [url, ...extra] = rest;
      noPositionals(extra, 'webhook');
      if (values.off === (url !== undefined)) throw new UsageError('webhook needs a URL, or --off', 'cco budget');
      if (url !== undefined && !(/^https?:\/\//i.test(url) && URL.canParse(url))) throw new UsageError(`webhook URL must be http(s), got '${url}'`, 'cco budget');
      await backend.setWebhook(url ?? null);
      ctx.out(url ? `Alerts will also be posted to ${new URL(url).host}` : 'Alert webhook turned off');
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown budget command '${action}' (set, list, rm, webhook)`, 'cco budget');
  }
}

function noPositionals(rest: readonly string[], action: string): void {
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}' after ${action}`, 'cco budget');
}

/** The budget the flags describe; every mistake is a usage error naming the flag. */
export function budgetFromFlags(values: Values, rest: readonly string[], cwd: string): BudgetInput {
  const thresholds = values.thresholds === undefined ? undefined : values.thresholds.split(',').map((t) => {
    const n = Number(t.trim().replace(/%$/, ''));
    if (t.trim() === '' || !Number.isInteger(n)) throw new UsageError(`--thresholds must be whole percentages like 50,80,100, got '${values.thresholds}'`, 'cco budget');
    return n;
  });
  const scopes = [values.global && 'global', values.project !== undefined && 'project', values.model !== undefined && 'model', values.plan !== undefined && 'plan'].filter(Boolean);
  if (scopes.length !== 1) throw new UsageError('give exactly one of --global, --project PATH, --model GLOB, --plan 5h|7d', 'cco budget');
  let input: BudgetInput;
  if (values.plan !== undefined) {
    if (values.plan !== '5h' && values.plan !== '7d') throw new UsageError(`--plan must be 5h or 7d, got '${values.plan}'`, 'cco budget');
    if (rest.length > 0 || values.enforce || values.team) {
      throw new UsageError('a --plan rule takes only --thresholds (the plan itself enforces its quota)', 'cco budget');
    }
    input = { kind: 'quota', window: values.plan, ...(thresholds ? { thresholds } : {}) };
  } else {
    const periods = (['daily', 'weekly', 'monthly'] as const).filter((p) => values[p]);
    if (periods.length !== 1) throw new UsageError('give exactly one of --daily, --weekly, --monthly', 'cco budget');
    const [amount, ...extra] = rest;
    noPositionals(extra, 'the amount');
    const limitUsd = Number(amount?.replace(/^\$/, ''));
    if (amount === undefined || !Number.isFinite(limitUsd) || limitUsd <= 0) {
      throw new UsageError(`the limit must be an amount in USD above 0, like 5 or 12.50, got '${amount ?? ''}'`, 'cco budget');
    }
    const scope = values.global ? { type: 'global' as const }
      : values.project !== undefined ? { type: 'project' as const, path: resolve(cwd, expandHome(values.project)) }
      : { type: 'model' as const, glob: values.model! };
    const mode = values.enforce ? 'enforce' : 'alert';
    const team = values.team ? { team: true } : {};
    input = { scope, period: periods[0]!, limitUsd, mode, ...team, ...(thresholds ? { thresholds } : {}) };
  }
  try {
    parseBudget(input); // checked here too, so a mistake is reported before the daemon is asked
  } catch (error) {
    if (error instanceof BudgetValidationError) throw new UsageError(error.message, 'cco budget');
    throw error;
  }
  return input;
}

function expandHome(path: string): string {
  const home = process.env.HOME;
  return home && (path === '~' || path.startsWith('~/')) ? home + path.slice(1) : path;
}

async function backendFor(dataDir: string, baseUrl: string, port: number): Promise<Backend> {
  if (await fetchHealth(baseUrl, 500)) return daemonBackend(baseUrl, dataDir, port);
  return fileBackend(dataDir, port);
}

function daemonBackend(baseUrl: string, dataDir: string, port: number): Backend {
  const headers = { 'content-type': 'application/json', 'x-cco-token': readOrCreateToken(dataDir) };
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status >= 400 && res.status !== 404) {
      const message = (json.error as { message?: string } | undefined)?.message ?? `HTTP ${res.status}`;
      throw new CliError(message, res.status === 400 ? EXIT.usage : EXIT.failure);
    }
    return { status: res.status, json };
  };
  return {
    where: `applied by the daemon on port ${port}`,
    list: async () => (await call('GET', '/api/budgets')).json.budgets as BudgetStatus[],
    set: async (input) => (await call('POST', '/api/budgets', input)).json.budget as BudgetStatus,
    remove: async (id) => (await call('DELETE', `/api/budgets/${encodeURIComponent(id)}`)).status === 200,
    setWebhook: async (url) => void (await call('PUT', '/api/budgets/webhook', { url })),
  };
}

/** No daemon: the file is edited and the spend read from the usage database directly. */
function fileBackend(dataDir: string, port: number): Backend {
  const file = budgetsFilePath(dataDir);
  const read = () => {
    try {
      return readBudgetsFile(file);
    } catch (error) {
      throw new CliError((error as Error).message, EXIT.failure, [`Fix or remove ${file}.`]);
    }
  };
  const statuses = async () => {
    const [{ dbSpendSource }, { quotaStatus, spendStatus }, { noQuota }, { openUsageForReading }] = await Promise.all([
      import('../daemon/budgets/store-spend.js'), import('../daemon/budgets/status.js'), import('../daemon/budgets/spend.js'), import('./usage-db.js'),
    ]);
    const opened = await openUsageForReading(dataDir, port);
    const none = { spend: () => ({ payg: 0, apiEquivalent: 0 }) };
    try {
      const spend = opened ? dbSpendSource(opened.db) : none;
      // The team's totals are read by a running daemon from the team ledger; without one, none are known.
      return read().budgets.map((b) =>
        b.kind === 'quota' ? quotaStatus(b, noQuota) : spendStatus(b, b.team ? none : spend, Date.now()));
    } finally {
      opened?.db.close();
    }
  };
  return {
    where: `in ${file}; the daemon is not running`,
    list: statuses,
    async set(input) {
      const data = read();
      const budget = parseBudget(input);
      writeBudgetsFile(file, { ...data, budgets: [...data.budgets.filter((b) => b.id !== budget.id), budget] });
      return (await statuses()).find((s) => s.budget.id === budget.id)!;
    },
    async remove(id) {
      const data = read();
      const budgets = data.budgets.filter((b) => b.id !== id);
      if (budgets.length === data.budgets.length) return false;
      writeBudgetsFile(file, { ...data, budgets });
      return true;
    },
    async setWebhook(url) {
      const { alertWebhook: _old, ...data } = read();
      writeBudgetsFile(file, url ? { ...data, alertWebhook: url } : data);
    },
  };
}

function describe(s: BudgetStatus): string {
  const b = s.budget;
  if (b.kind === 'quota') return `${s.label}, alerts at ${b.thresholds.join(', ')} %`;
  return `${s.label} ${money(b.limitUsd)}, ${b.mode}, alerts at ${b.thresholds.join(', ')} %; spent ${money(s.spent?.total ?? 0)} so far`;
}

function pct(p: number | null): string {
  return p === null ? '-' : `${p < 10 && p > 0 ? p.toFixed(1) : Math.floor(p)} %`;
}

/** One row per budget: spent, remaining, percent and when it resets. */
export function renderBudgets(statuses: readonly BudgetStatus[]): string[] {
  if (statuses.length === 0) return ['No budgets. Add one with: cco budget set --global --daily 10'];
  const head = ['ID', 'BUDGET', 'MODE', 'SPENT', 'LIMIT', 'REMAINING', 'USED', 'RESETS'];
  const rows = statuses.map((s) => [
    s.budget.id,
    s.label,
    s.budget.mode + (s.exhausted && s.budget.mode === 'enforce' ? ' (refusing)' : ''),
    s.spent ? money(s.spent.total) + (s.spent.apiEquivalent > 0 ? ` (${money(s.spent.apiEquivalent)} plan)` : '') : '-',
    s.limitUsd === null ? '-' : money(s.limitUsd),
    s.remainingUsd === null ? '-' : money(s.remainingUsd),
    pct(s.percent),
    s.resetsAt === null ? '-' : new Date(s.resetsAt).toLocaleString(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}
