import type { ModelStats } from '../../../shared/api.js';
import { addToHistogram, binOf, histogramPercentile, type Histogram } from './histogram.js';
import { measuresOf, rollupRowFromDb } from './rollup.js';
import { emptySums, planRange, ROLLUP_SOURCE_COLUMNS, type Sums } from './rollup-read.js';
import { ROLLUP_MEASURES } from './rollup-schema.js';
import type { Db } from './schema.js';
import { FAILED_SQL, totalsFromSums, usageTotals } from './totals.js';

export type { ModelStats };

function addInto(out: Map<string, Sums>, key: string, sums: readonly number[], lastSeen: number | null): void {
  let s = out.get(key);
  if (!s) {
    s = emptySums();
    out.set(key, s);
  }
  for (let i = 0; i < sums.length; i++) s.sums[i] = s.sums[i]! + sums[i]!;
  if (lastSeen !== null && (s.lastSeen === null || lastSeen > s.lastSeen)) s.lastSeen = lastSeen;
}

/** Roll-up sums by model since `from`, of one project or all (the `rollup` table has both dimensions). */
function sumsByModel(db: Db, from: number, now: number, project: string | undefined): Map<string, Sums> {
  const out = new Map<string, Sums>();
  const select = ROLLUP_MEASURES.map((m) => `SUM(${m}) AS ${m}`).join(', ');
  const ofProject = project === undefined ? '' : ' AND project = ?';
  for (const p of planRange(from, now)) {
    if (p.res === null) {
      const rows = db
        .prepare(`SELECT ${ROLLUP_SOURCE_COLUMNS} FROM requests WHERE started_at >= ? AND started_at < ?${ofProject}`)
        .all(project === undefined ? [p.from, p.to] : [p.from, p.to, project]) as Array<Record<string, unknown>>;
      for (const row of rows) {
        const r = rollupRowFromDb(row);
        addInto(out, r.model, measuresOf(r), r.startedAt);
      }
      continue;
    }
    const sql = `SELECT model, ${select}, MAX(last_seen) AS last_seen FROM rollup
      WHERE res = ? AND bucket >= ? AND bucket < ?${ofProject} GROUP BY model`;
    const args = project === undefined ? [p.res, p.from, p.to] : [p.res, p.from, p.to, project];
    for (const row of db.prepare(sql).all(args) as Array<Record<string, unknown>>) {
      if (row.requests === null) continue;
      const lastSeen = row.last_seen === null ? null : Number(row.last_seen);
      addInto(out, String(row.model), ROLLUP_MEASURES.map((m) => Number(row[m] ?? 0)), lastSeen);
    }
  }
  return out;
}

interface Latency {
  sum: number;
  count: number;
  h: Histogram;
}

/**
 * Latency by model of the upstream calls that answered, from the raw rows (the latency histograms
 * are not kept per model). Runs on the reader's thread; rows older than the retention are gone,
 * so a range beyond it shows the latency of what is left.
 */
function latencyByModel(db: Db, from: number, project: string | undefined): Map<string, Latency> {
  const out = new Map<string, Latency>();
  const sql = `SELECT COALESCE(served_model, requested_model, '') AS model, latency_ms FROM requests
    WHERE started_at >= ? AND cache NOT IN ('hit', 'coalesced', 'budget') AND NOT ${FAILED_SQL}
    ${project === undefined ? '' : 'AND project = ?'}`;
  const rows = db.prepare(sql).all(project === undefined ? [from] : [from, project]) as Array<{
    model: string; latency_ms: number;
  }>;
  for (const row of rows) {
    let l = out.get(row.model);
    if (!l) {
      l = { sum: 0, count: 0, h: new Map() };
      out.set(row.model, l);
    }
    l.sum += Number(row.latency_ms);
    l.count++;
    addToHistogram(l.h, binOf(Number(row.latency_ms)), 1);
  }
  return out;
}

/** Every model used since `from`, the most expensive first; `project` narrows to one project. */
export function queryModels(db: Db, from: number, now: number, project?: string): ModelStats[] {
  const latency = latencyByModel(db, from, project);
  return [...sumsByModel(db, from, now, project)]
    .map(([model, s]): ModelStats => {
      const totals = usageTotals(totalsFromSums(s));
      const l = latency.get(model);
      return {
        model,
        ...totals,
        errorRate: totals.requests === 0 ? 0 : totals.errors / totals.requests,
        latencyMs: { avg: l ? l.sum / l.count : null, p95: l ? histogramPercentile(l.h, 0.95) : null },
      };
    })
    .filter((m) => m.requests > 0)
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.model.localeCompare(b.model));
}
