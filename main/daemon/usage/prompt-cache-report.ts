import type {
  DayPromptCache, ModelPromptCache, PromptCacheStats, SourceCounts,
} from '../../../shared/api.js';
import type { Pricer } from '../pricing/pricer.js';
import type { BusterPart, PromptCacheParts } from './prompt-cache.js';

/** Token sums of one group, before pricing. */
export interface CacheTokens {
  input: number;
  read: number;
  creation: number;
  write1h: number;
  model: string;
}

const MILLION = 1e6;

export function emptyPromptCache(): PromptCacheStats {
  return {
    readTokens: 0, write5mTokens: 0, write1hTokens: 0, uncachedInputTokens: 0, hitRatio: null,
    savedUsd: 0, savedEstimated: false, busterWrites: 0, busterTokens: 0,
  };
}

/**
 * Adds one model's tokens, priced. Writes reported without the lifetime split count as 5-minute
 * writes (Anthropic's default). Savings use the base rates: the long-context tier applies per
 * request, and these are sums.
 */
export function addTokens(into: PromptCacheStats, t: CacheTokens, pricer: Pricer): void {
  const write1h = Math.min(t.write1h, t.creation);
  const write5m = t.creation - write1h;
  into.readTokens += t.read;
  into.write5mTokens += write5m;
  into.write1hTokens += write1h;
  into.uncachedInputTokens += t.input;
  if (t.read + t.creation === 0) return;
  // The rows keep no provider; a model's own price is what its cache tokens were charged at.
  const price = pricer.priceFor(t.model || null, 'anthropic');
  if (!price) return;
  const write1hRate = price.cacheWrite1h ?? price.input * 2;
  into.savedUsd += (t.read * (price.input - price.cacheRead) + write5m * (price.input - price.cacheWrite)
    + write1h * (price.input - write1hRate)) / MILLION;
  if (price.estimated) into.savedEstimated = true;
}

export function addBusters(into: PromptCacheStats, b: Pick<BusterPart, 'writes' | 'tokens'>): void {
  into.busterWrites += b.writes;
  into.busterTokens += b.tokens;
}

/** Sets the ratio once every token is in. */
export function finish(s: PromptCacheStats): PromptCacheStats {
  const all = s.readTokens + s.write5mTokens + s.write1hTokens + s.uncachedInputTokens;
  s.hitRatio = all === 0 ? null : s.readTokens / all;
  return s;
}

export interface PromptCacheReport {
  total: PromptCacheStats;
  byProject: Map<string, PromptCacheStats>;
  byModel: ModelPromptCache[];
  byDay: DayPromptCache[];
  sources: SourceCounts;
  sourcesByProject: Map<string, SourceCounts>;
}

const dayOf = (day: number) => new Date(day).toISOString().slice(0, 10);

function bucket<K>(map: Map<K, PromptCacheStats>, key: K): PromptCacheStats {
  let s = map.get(key);
  if (!s) {
    s = emptyPromptCache();
    map.set(key, s);
  }
  return s;
}

/**
 * Prices the reader's token sums. Runs where the pricer is (the daemon's main thread): the work is
 * one multiplication per project, model, source and day, never per request.
 */
export function promptCacheReport(p: PromptCacheParts, pricer: Pricer): PromptCacheReport {
  const total = emptyPromptCache();
  const byProject = new Map<string, PromptCacheStats>();
  const byModel = new Map<string, PromptCacheStats>();
  const byDay = new Map<number, PromptCacheStats>();
  const sources: SourceCounts = { proxy: 0, transcript: 0 };
  const sourcesByProject = new Map<string, SourceCounts>();
  for (const part of p.parts) {
    for (const s of [total, bucket(byProject, part.project), bucket(byModel, part.model)]) addTokens(s, part, pricer);
    const source = part.source === 'transcript' ? 'transcript' : 'proxy';
    sources[source] += part.requests;
    let own = sourcesByProject.get(part.project);
    if (!own) {
      own = { proxy: 0, transcript: 0 };
      sourcesByProject.set(part.project, own);
    }
    own[source] += part.requests;
  }
  for (const part of p.days) addTokens(bucket(byDay, part.day), part, pricer);
  for (const b of p.busters) {
    for (const s of [total, bucket(byProject, b.project), bucket(byModel, b.model)]) addBusters(s, b);
  }
  for (const b of p.dayBusters) addBusters(bucket(byDay, b.day), b);
  for (const s of [total, ...byProject.values(), ...byModel.values(), ...byDay.values()]) finish(s);
  return {
    total,
    byProject,
    byModel: [...byModel].map(([model, s]) => ({ model: model || 'unknown', ...s }))
      .sort((a, b) => b.readTokens - a.readTokens || a.model.localeCompare(b.model)),
    byDay: [...byDay].sort((a, b) => a[0] - b[0]).map(([day, s]) => ({ day: dayOf(day), ...s })),
    sources,
    sourcesByProject,
  };
}

/** The summary with its prompt-cache figures and source counts. */
export function summaryWithPromptCache<T extends object>(summary: T, r: PromptCacheReport) {
  return {
    ...summary, promptCache: r.total, sources: r.sources, promptCacheByModel: r.byModel, promptCacheByDay: r.byDay,
  };
}

/** Each project with its own prompt-cache figures and source counts. */
export function projectsWithPromptCache<T extends { project: string }>(projects: readonly T[], r: PromptCacheReport) {
  return projects.map((p) => ({
    ...p,
    promptCache: r.byProject.get(p.project) ?? finish(emptyPromptCache()),
    sources: r.sourcesByProject.get(p.project) ?? { proxy: 0, transcript: 0 },
  }));
}
