// A usage database exactly as schema v2 wrote it (generated, never committed): raw rows from a
// seeded generator plus rolled-up `daily` rows, for the upgrade tests.
import Database from 'libsql';

const V2_SCHEMA = `
  CREATE TABLE requests (
    id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, project TEXT NOT NULL, session TEXT NOT NULL,
    method TEXT NOT NULL, path TEXT NOT NULL, requested_model TEXT, served_model TEXT, provider TEXT NOT NULL,
    status INTEGER NOT NULL, error_type TEXT, cache TEXT NOT NULL, streaming INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cache_creation_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL, latency_ms INTEGER NOT NULL, ttfb_ms INTEGER, request_bytes INTEGER NOT NULL,
    response_bytes INTEGER NOT NULL, cost_usd REAL, saved_usd REAL, cost_estimated INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX requests_started_at ON requests (started_at);
  CREATE TABLE daily (
    day TEXT NOT NULL, day_start INTEGER NOT NULL, project TEXT NOT NULL, model TEXT NOT NULL, provider TEXT NOT NULL,
    requests INTEGER NOT NULL, hits INTEGER NOT NULL, misses INTEGER NOT NULL, errors INTEGER NOT NULL,
    unpriced INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
    cache_creation_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
    saved_usd REAL NOT NULL, last_seen INTEGER NOT NULL, PRIMARY KEY (day, project, model, provider)
  );
  CREATE INDEX daily_day_start ON daily (day_start);
  PRAGMA user_version = 2;`;

/** Deterministic PRNG (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CACHES = ['miss', 'miss', 'hit', 'bypass', 'coalesced'];
const MODELS = ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', null];

/** Writes a v2 file with `rows` raw rows over the 60 days before `now` and `dailyRows` older day totals. */
export function writeV2Database(file: string, rows: number, now: number, dailyRows = 200, seed = 7): void {
  const db = new Database(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(V2_SCHEMA);
  const rnd = seeded(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const insert = db.prepare(`INSERT INTO requests (started_at, project, session, method, path, requested_model,
    served_model, provider, status, error_type, cache, streaming, input_tokens, output_tokens, cache_creation_tokens,
    cache_read_tokens, latency_ms, ttfb_ms, request_bytes, response_bytes, cost_usd, saved_usd, cost_estimated)
    VALUES (?, ?, ?, 'POST', '/v1/messages', ?, ?, 'anthropic', ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, 100, 200, ?, ?, ?)`);
  const daily = db.prepare(`INSERT OR IGNORE INTO daily VALUES (?, ?, ?, ?, 'anthropic', ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const model = MODELS[int(MODELS.length)] ?? null;
      const cache = CACHES[int(CACHES.length)]!;
      const failed = rnd() < 0.05;
      const cost = model === null ? null : rnd() * 0.2;
      const free = cache === 'hit' || cache === 'coalesced';
      insert.run([
        now - int(60 * 86_400_000), `/work/p${int(30)}`, `s${int(500)}`, model, model, failed ? 529 : 200,
        failed ? 'overloaded_error' : null, cache, int(5000), int(2000), int(1000), int(50_000), 1 + int(30_000),
        rnd() < 0.1 ? null : int(2000), free ? 0 : cost, free ? cost : 0, rnd() < 0.1 ? 1 : 0,
      ]);
    }
    for (let d = 0; d < dailyRows; d++) {
      const dayStart = Math.floor(now / 86_400_000) * 86_400_000 - (100 + int(200)) * 86_400_000;
      const day = new Date(dayStart).toISOString().slice(0, 10);
      const requests = 1 + int(300);
      daily.run([
        day, dayStart, `/work/p${int(30)}`, MODELS[int(3)]!, requests, int(requests), int(requests), int(10),
        int(1e6), int(1e5), int(1e5), int(1e6), rnd() * 50, rnd() * 5, dayStart + 1000,
      ]);
    }
  }).immediate();
  db.close();
}

/** Totals of a v2 (or v3) file computed from its raw rows and day totals, costs in nano-dollars. */
export function v2Totals(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  const raw = db.prepare(`SELECT COUNT(*) AS requests, TOTAL(input_tokens) AS input, TOTAL(output_tokens) AS output,
    TOTAL(cache_creation_tokens) AS cw, TOTAL(cache_read_tokens) AS cr,
    TOTAL(CAST(ROUND(cost_usd * 1e9) AS INTEGER)) AS cost, TOTAL(CAST(ROUND(saved_usd * 1e9) AS INTEGER)) AS saved
    FROM requests`).get() as Record<string, number>;
  const day = db.prepare(`SELECT TOTAL(requests) AS requests, TOTAL(input_tokens) AS input, TOTAL(output_tokens) AS output,
    TOTAL(cache_creation_tokens) AS cw, TOTAL(cache_read_tokens) AS cr,
    TOTAL(CAST(ROUND(cost_usd * 1e9) AS INTEGER)) AS cost, TOTAL(CAST(ROUND(saved_usd * 1e9) AS INTEGER)) AS saved
    FROM daily`).get() as Record<string, number>;
  db.close();
  const keys = Object.keys(raw).filter((k) => k !== '_metadata');
  return Object.fromEntries(keys.map((k) => [k, Number(raw[k]) + Number(day[k])]));
}
