import type { CliContext } from './context.js';
import { getJson } from '../common/daemon-client.js';

// Claude Code runs this on every status update: keep the imports to node:net (through common/daemon-client.js),
// never throw, never exit non-zero, and never wait long for a daemon that may not be there.

const DAEMON_TIMEOUT_MS = 250;
const STDIN_TIMEOUT_MS = 1000;

export const DEFAULT_FORMAT = '{model} · {cost} · {today} · {budget} · {plan} · {cache} · {hits}';
export const SEGMENTS = ['model', 'cost', 'today', 'budget', 'plan', 'plan5h', 'plan7d', 'cache', 'hits'] as const;
type Segment = (typeof SEGMENTS)[number];

const HELP = `Usage: cco statusline [--format TEMPLATE]

Prints one line for Claude Code's status line from the JSON Claude Code writes on stdin, plus what
the running daemon knows (asked with a ${DAEMON_TIMEOUT_MS} ms timeout; without it, the stdin data alone).
Never prints an error and always exits 0. Colours unless NO_COLOR is set.

Options:
  --format TEMPLATE  segments in your order (default: '${DEFAULT_FORMAT}')
                     {model} model · {cost} this session · {today} the project today
                     {budget} the tightest budget · {plan} plan usage ({plan5h}, {plan7d})
                     {cache} prompt-cache ratio · {hits} CCO response-cache hits this session
  -h, --help         show this help

Add it to ~/.claude/settings.json:
  { "statusLine": { "type": "command", "command": "cco statusline" } }`;

/** The parts of Claude Code's status-line input this line uses; every field may be missing. */
export interface StatusInput {
  session_id?: unknown;
  cwd?: unknown;
  model?: { id?: unknown; display_name?: unknown };
  workspace?: { current_dir?: unknown; project_dir?: unknown };
  cost?: { total_cost_usd?: unknown };
  context_window?: { current_usage?: Record<string, unknown> | null };
  rate_limits?: Record<string, { used_percentage?: unknown; resets_at?: unknown } | undefined>;
}

export interface DaemonInfo {
  projectTodayUsd?: number | null;
  budget?: { label: string; percent: number; exhausted: boolean; enforce: boolean } | null;
  session?: { requests: number; hits: number } | null;
}

export interface PlanWindow {
  percent: number;
  resetsAt: number | null;
}

export interface LineData {
  input: StatusInput;
  daemon: DaemonInfo | null;
  plan: { '5h'?: PlanWindow; '7d'?: PlanWindow };
  now: number;
  color: boolean;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Epoch seconds, epoch ms or an ISO string. */
function epochMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

function money(usd: number): string {
  return usd !== 0 && Math.abs(usd) < 0.1 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(2)}`;
}

function untilText(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${String(minutes % 60).padStart(2, '0')}`;
  return `${Math.round(hours / 24)}d`;
}

function paint(color: boolean, code: string, text: string): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function byLevel(color: boolean, percent: number, text: string): string {
  return paint(color, percent >= 100 ? '1;31' : percent >= 80 ? '31' : percent >= 50 ? '33' : '32', text);
}

/** Plan windows from the input's `rate_limits`. */
export function planFromInput(input: StatusInput): LineData['plan'] {
  const plan: LineData['plan'] = {};
  const limits = input.rate_limits;
  if (!limits || typeof limits !== 'object') return plan;
  for (const [key, window] of [['five_hour', '5h'], ['seven_day', '7d']] as const) {
    const percent = num(limits[key]?.used_percentage);
    if (percent !== null) plan[window] = { percent, resetsAt: epochMs(limits[key]?.resets_at) };
  }
  return plan;
}

/**
 * Plan windows from `GET /api/quota`, read loosely: any object naming a 5h/7d window with a
 * utilization (0..1) counts, so small changes to that answer do not blank the segment.
 */
export function planFromQuota(body: unknown): LineData['plan'] {
  const plan: LineData['plan'] = {};
  const visit = (value: unknown, key: string, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, key, depth + 1);
      return;
    }
    const o = value as Record<string, unknown>;
    const name = str(o.window) ?? str(o.name) ?? key;
    const window = /^(5h|five_hour)$/.test(name) ? '5h' : /^(7d|seven_day)$/.test(name) ? '7d' : null;
    const utilization = num(o.utilization);
    if (window && utilization !== null) {
      const percent = utilization * 100;
      if (!plan[window] || percent > plan[window].percent) plan[window] = { percent, resetsAt: epochMs(o.resetsAt ?? o.reset ?? o.resets_at) };
      return;
    }
    for (const [k, v] of Object.entries(o)) visit(v, k, depth + 1);
  };
  visit(body, '', 0);
  return plan;
}

function segment(name: Segment, d: LineData): string {
  const { input, daemon, color } = d;
  switch (name) {
    case 'model': {
      const model = str(input.model?.display_name) ?? str(input.model?.id);
      return model ? paint(color, '36', model) : '';
    }
    case 'cost': {
      const cost = num(input.cost?.total_cost_usd);
      return cost === null ? '' : `${money(cost)} session`;
    }
    case 'today': {
      const today = daemon?.projectTodayUsd;
      return typeof today === 'number' ? `${money(today)} today` : '';
    }
    case 'budget': {
      const b = daemon?.budget;
      if (!b) return '';
      const refusing = b.exhausted && b.enforce ? ' refusing' : '';
      return byLevel(color, b.percent, `budget ${Math.floor(b.percent)} %${refusing}`);
    }
    case 'plan':
      return [segment('plan5h', d), segment('plan7d', d)].filter(Boolean).join(' ');
    case 'plan5h':
    case 'plan7d': {
      const key = name === 'plan5h' ? '5h' : '7d';
      const w = d.plan[key];
      if (!w) return '';
      const reset = w.resetsAt !== null && w.resetsAt > d.now ? ` (${untilText(w.resetsAt - d.now)})` : '';
      return byLevel(color, w.percent, `${key} ${Math.round(w.percent)} %${reset}`);
    }
    case 'cache': {
      const u = input.context_window?.current_usage;
      if (!u || typeof u !== 'object') return '';
      const read = num(u.cache_read_input_tokens) ?? 0;
      const total = read + (num(u.cache_creation_input_tokens) ?? 0) + (num(u.input_tokens) ?? 0);
      return total > 0 ? `cache ${Math.round((read / total) * 100)} %` : '';
    }
    case 'hits': {
      const s = daemon?.session;
      return s && s.requests > 0 ? `${s.hits} hit${s.hits === 1 ? '' : 's'}` : '';
    }
  }
}

/**
 * Fills the template; an empty segment takes the text before it with it (its separator), or the
 * text after it when it comes first, so `a · {x} · b` never shows `a ·  · b`.
 */
export function renderLine(template: string, d: LineData): string {
  const parts = template.split(/(\{[a-z0-9]+\})/);
  const out: string[] = [];
  let pendingLead = '';
  let first = true;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const name = /^\{([a-z0-9]+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      pendingLead += part;
      continue;
    }
    const text = (SEGMENTS as readonly string[]).includes(name) ? segment(name as Segment, d) : '';
    if (text === '') {
      if (!first) pendingLead = '';
      continue;
    }
    out.push(first ? '' : pendingLead, text);
    pendingLead = '';
    first = false;
  }
  if (!first) out.push(pendingLead);
  return out.join('').trim();
}

function readStdin(stdin: NodeJS.ReadStream): Promise<string> {
  if (stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      stdin.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, STDIN_TIMEOUT_MS);
    stdin.on('data', (c: Buffer) => chunks.push(c));
    stdin.once('end', done);
    stdin.once('error', done);
  });
}

function parseInput(text: string): StatusInput {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as StatusInput) : {};
  } catch {
    return {};
  }
}

function daemonBase(env: CliContext['env']): string {
  const url = env.ORCHESTRATOR_API_URL;
  if (url && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(url)) return url;
  const port = Number(env.CCO_PORT);
  return `http://127.0.0.1:${Number.isInteger(port) && port > 0 && port < 65536 ? port : 3000}`;
}

function formatOf(argv: readonly string[]): string | 'help' {
  let format = DEFAULT_FORMAT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--format' && argv[i + 1] !== undefined) format = argv[++i]!;
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
  }
  return format;
}

export async function statuslineCommand(argv: readonly string[], ctx: CliContext, stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
  const format = formatOf(argv);
  if (format === 'help') {
    ctx.out(HELP);
    return 0;
  }
  let input: StatusInput = {};
  try {
    input = parseInput(await readStdin(stdin));
    const env = ctx.env;
    const base = daemonBase(env);
    const project = env.ORCHESTRATOR_PROJECT ?? str(input.workspace?.project_dir) ?? str(input.cwd) ?? ctx.cwd;
    const query = new URLSearchParams({ project });
    if (env.ORCHESTRATOR_SESSION_ID) query.set('session', env.ORCHESTRATOR_SESSION_ID);
    const model = str(input.model?.id);
    if (model) query.set('model', model);
    const fromInput = planFromInput(input);
    const needQuota = fromInput['5h'] === undefined && fromInput['7d'] === undefined;
    const [daemon, quota] = await Promise.all([
      getJson(`${base}/api/statusline?${query}`, DAEMON_TIMEOUT_MS),
      needQuota ? getJson(`${base}/api/quota`, DAEMON_TIMEOUT_MS) : Promise.resolve(null),
    ]);
    const info = daemon !== null && typeof daemon === 'object' ? (daemon as DaemonInfo) : null;
    const plan = needQuota ? { ...planFromQuota((info as { quota?: unknown } | null)?.quota), ...planFromQuota(quota) } : fromInput;
    ctx.out(renderLine(format, { input, daemon: info, plan, now: Date.now(), color: !env.NO_COLOR }));
  } catch {
    // Whatever went wrong, the status line shows what it can rather than an error.
    try {
      ctx.out(renderLine(format, { input, daemon: null, plan: {}, now: Date.now(), color: false }));
    } catch {
      ctx.out('');
    }
  }
  return 0;
}
