import type { ModelStats } from '../../../shared/api.js';
import { addToHistogram, binOf, histogramPercentile, type Histogram } from './histogram.js';
import { sumsBy } from './match-sums.js';
import { isAnswered, MEASURE_INDEX, rollupRowFromDb } from './rollup.js';
import { planRange, ROLLUP_SOURCE_COLUMNS, type Span, type Sums } from './rollup-read.js';
import { DAY_MS, MINUTE_MS } from './rollup-schema.js';
import type { Db } from './schema.js';
import { totalsFromSums, usageTotals } from './totals.js';

export type { ModelStats };

/** Sums by model, of one project or all (match-sums.ts picks the roll-up table that has both). */
function sumsByModel(db: Db, span: Span, now: number, project: string | undefined): Map<string, Sums> {
  return sumsBy(db, span, now, 'model', project === undefined ? {} : { project });
}

/**
 * p95 latency by model of the upstream calls that answered: from `rollup_model_hist` (raw rows at
 * the range's edge), or, for one project (the histograms are not kept per project), from the raw
 * rows of that project, which its index finds.
 */
function p95ByModel(db: Db, span: Span, now: number, project: string | undefined): Map<string, number | null> {
  const byModel = new Map<string, Histogram>();
  const add = (model: string, bin: number, count: number) => {
    let h = byModel.get(model);
    if (!h) {
      h = new Map();
      byModel.set(model, h);
    }
    addToHistogram(h, bin, count);
  };
  const raw = (a: number, b: number) => {
    const sql = `SELECT ${ROLLUP_SOURCE_COLUMNS} FROM requests WHERE started_at >= ? AND started_at < ?
      ${project === undefined ? '' : 'AND project = ?'}`;
    for (const row of db.prepare(sql).all(project === undefined ? [a, b] : [a, b, project]) as Array<Record<string, unknown>>) {
      const r = rollupRowFromDb(row);
      if (isAnswered(r)) add(r.model, binOf(r.latencyMs), 1);
    }
  };
  if (project !== undefined) raw(span.from, span.to);
  else {
    // rollup_model_hist has hour and day buckets only (rollup.ts).
    for (const p of planRange(span, now, DAY_MS)) {
      if (p.res === null || p.res === MINUTE_MS) {
        raw(p.from, p.to);
        continue;
      }
      const rows = db.prepare(`SELECT model, bin, SUM(count) AS n FROM rollup_model_hist
        WHERE res = ? AND bucket >= ? AND bucket < ? GROUP BY model, bin`).all([p.res, p.from, p.to]) as
        Array<{ model: string; bin: number; n: number }>;
      for (const r of rows) add(String(r.model), Number(r.bin), Number(r.n));
    }
  }
  return new Map([...byModel].map(([model, h]) => [model, histogramPercentile(h, 0.95)]));
}

/** Every model used in the span, the most expensive first; `project` narrows to one project. */
export function queryModels(db: Db, span: Span, now: number, project?: string): ModelStats[] {
  const p95 = p95ByModel(db, span, now, project);
  return [...sumsByModel(db, span, now, project)]
    .map(([model, s]): ModelStats => {
      const totals = usageTotals(totalsFromSums(s));
      const answered = s.sums[MEASURE_INDEX.answered]!;
      return {
        model,
        ...totals,
        errorRate: totals.requests === 0 ? 0 : totals.errors / totals.requests,
        latencyMs: {
          avg: answered === 0 ? null : s.sums[MEASURE_INDEX.answered_latency_ms]! / answered,
          p95: p95.get(model) ?? null,
        },
      };
    })
    .filter((m) => m.requests > 0)
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.model.localeCompare(b.model));
}
