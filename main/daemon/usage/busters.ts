import { addBusterToDelta, rollupRowFromDb, type RollupDelta, type RollupRow } from './rollup.js';
import { ROLLUP_SOURCE_COLUMNS, type Span } from './rollup-read.js';
import type { Db } from './schema.js';
import { prepared } from './statements.js';

/**
 * Prompt-cache busters, judged as rows are written (schema v5), so no report sorts raw rows.
 *
 * A chain is the upstream calls of one session and model, in (started_at, id) order. A call that
 * wrote to the prompt cache is a buster when the next call of its chain came after the write's
 * lifetime (5 minutes, or 1 hour) or read nothing from the cache; with no next call, once the
 * lifetime has passed. The judgement is kept on the row (`cache_buster`) and in the roll-ups'
 * buster measures, always together. `cache_chain` holds each chain's last call; a call that
 * arrives out of order (requests are recorded when they end) is linked between its neighbours.
 */
export const FIVE_MINUTES = 300_000;
export const ONE_HOUR = 3_600_000;

/** A chain's session and model, and the calls that belong to a chain, as SQL over `requests`. */
export const CHAIN_SESSION_SQL = 'COALESCE(session_id, session)';
export const CHAIN_MODEL_SQL = "COALESCE(served_model, requested_model, '')";
export const IN_CHAIN_SQL = "cache NOT IN ('hit', 'coalesced', 'budget') AND status < 400";

/** `cache_chain.state`: the last call wrote nothing; wrote and waits; its lifetime passed (a buster for now). */
const NO_WRITE = 0;
export const WAITING = 1;
const EXPIRED = 2;

export const CHAIN_TABLE = `
  CREATE TABLE cache_chain (
    session TEXT NOT NULL, model TEXT NOT NULL, project TEXT NOT NULL,
    tail_id INTEGER NOT NULL, tail_at INTEGER NOT NULL, life INTEGER NOT NULL, creation INTEGER NOT NULL,
    state INTEGER NOT NULL,
    PRIMARY KEY (session, model)
  ) WITHOUT ROWID;
  CREATE INDEX cache_chain_waiting ON cache_chain (tail_at) WHERE state = ${WAITING};`;

/** An upstream call as a chain sees it. */
export interface Call {
  id: number;
  at: number;
  /** Tokens written to the prompt cache (0: nothing to judge). */
  creation: number;
  /** The write's lifetime. */
  life: number;
  read: number;
}

export const lifeOf = (write1h: number | null): number => ((write1h ?? 0) > 0 ? ONE_HOUR : FIVE_MINUTES);

/** Whether write `p` was never read back, given the next call of its chain. */
export function busted(p: Pick<Call, 'at' | 'life'>, next: Pick<Call, 'at' | 'read'>): boolean {
  return next.at - p.at > p.life || next.read === 0;
}

export function inChain(r: Pick<RollupRow, 'outcome' | 'status'>): boolean {
  return r.outcome !== 'hit' && r.outcome !== 'coalesced' && r.outcome !== 'budget' && r.status < 400;
}

/** A chain's last call, as `cache_chain` keeps it. */
interface Chain {
  session: string;
  model: string;
  project: string;
  tailId: number;
  tailAt: number;
  life: number;
  creation: number;
  state: number;
  /** The last call's roll-up terms, when this batch wrote it (saves reading it back to flag it). */
  row?: RollupRow;
}

const CALL_COLUMNS = 'id, started_at, cache_creation_tokens, cache_write_1h_tokens, cache_read_tokens, cache_buster';

function callOf(row: Record<string, unknown>): Call & { flagged: boolean } {
  return {
    id: Number(row.id), at: Number(row.started_at), creation: Number(row.cache_creation_tokens),
    life: lifeOf(row.cache_write_1h_tokens === null ? null : Number(row.cache_write_1h_tokens)),
    read: Number(row.cache_read_tokens), flagged: Number(row.cache_buster) === 1,
  };
}

/**
 * Judges rows as they are written, inside the writer's transaction; the roll-up changes go into
 * `delta`. Chains are read once and written once per batch (`finish`).
 */
export class BusterJudge {
  private readonly chains = new Map<string, Chain | null>();
  private readonly changed = new Set<Chain>();
  private readonly getChain;
  private readonly putChain;
  private readonly before;
  private readonly after;
  private readonly rowById;
  private readonly flag;

  constructor(private readonly db: Db, private readonly delta: RollupDelta, private readonly now: number) {
    this.getChain = prepared(db, `SELECT project, tail_id, tail_at, life, creation, state FROM cache_chain
      WHERE session = ? AND model = ?`);
    this.putChain = prepared(db, `INSERT OR REPLACE INTO cache_chain (session, model, project, tail_id, tail_at, life,
      creation, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const sameChain = `${CHAIN_SESSION_SQL} = :session AND ${CHAIN_MODEL_SQL} = :model AND ${IN_CHAIN_SQL} AND id < :id`;
    // Only calls already linked (smaller ids) are neighbours: later rows of the batch come after.
    this.before = prepared(db, `SELECT ${CALL_COLUMNS} FROM requests WHERE ${sameChain} AND started_at <= :at
      ORDER BY started_at DESC, id DESC LIMIT 1`);
    this.after = prepared(db, `SELECT ${CALL_COLUMNS} FROM requests WHERE ${sameChain} AND started_at > :at
      ORDER BY started_at, id LIMIT 1`);
    this.rowById = prepared(db, `SELECT ${ROLLUP_SOURCE_COLUMNS} FROM requests WHERE id = ?`);
    this.flag = prepared(db, 'UPDATE requests SET cache_buster = ? WHERE id = ?');
  }

  private chainOf(session: string, model: string): Chain | null {
    const key = `${session}\0${model}`;
    const known = this.chains.get(key);
    if (known !== undefined) return known;
    const row = this.getChain.get([session, model]) as Record<string, unknown> | undefined;
    const chain = row === undefined ? null : {
      session, model, project: String(row.project), tailId: Number(row.tail_id), tailAt: Number(row.tail_at),
      life: Number(row.life), creation: Number(row.creation), state: Number(row.state),
    };
    this.chains.set(key, chain);
    return chain;
  }

  /** Links one stored row (with its id) into its chain. */
  add(id: number, r: RollupRow): void {
    if (!inChain(r)) return;
    const call: Call = {
      id, at: r.startedAt, creation: r.cacheCreationTokens, life: lifeOf(r.cacheWrite1hTokens), read: r.cacheReadTokens,
    };
    const chain = this.chainOf(r.session, r.model);
    if (chain !== null && call.at < chain.tailAt) {
      this.linkBetween(call, r);
      return;
    }
    if (chain !== null && chain.state !== NO_WRITE) {
      this.setFlag(chain.tailId, chain.state === EXPIRED, busted({ at: chain.tailAt, life: chain.life }, call), chain.row);
    }
    const tail: Chain = {
      session: r.session, model: r.model, project: r.project, tailId: id, tailAt: call.at, life: call.life,
      creation: call.creation, state: call.creation > 0 ? WAITING : NO_WRITE, row: r,
    };
    if (chain !== null) this.changed.delete(chain);
    this.chains.set(`${r.session}\0${r.model}`, tail);
    this.changed.add(tail);
  }

  /** A call older than its chain's last: judged against the call after it, and its predecessor re-judged. */
  private linkBetween(call: Call, r: RollupRow): void {
    const where = { session: r.session, model: r.model, id: call.id, at: call.at };
    const prev = this.before.get(where) as Record<string, unknown> | undefined;
    const next = this.after.get(where) as Record<string, unknown> | undefined;
    if (prev !== undefined) {
      const p = callOf(prev);
      if (p.creation > 0) this.setFlag(p.id, p.flagged, busted(p, call));
    }
    if (next !== undefined && call.creation > 0) this.setFlag(call.id, false, busted(call, callOf(next)));
  }

  /** Writes the batch's chains, then expires what outlived its lifetime: call once, after the last `add`. */
  finish(): void {
    for (const c of this.changed) {
      this.putChain.run([c.session, c.model, c.project, c.tailId, c.tailAt, c.life, c.creation, c.state]);
    }
    this.changed.clear();
    this.chains.clear();
    this.expire();
  }

  /** Chains whose last write outlived its lifetime with no call after it: busters until a call comes. */
  private expire(): void {
    const due = prepared(this.db, `SELECT session, model, tail_id FROM cache_chain
      WHERE state = ${WAITING} AND tail_at < ? AND tail_at + life < ?`).all([this.now - FIVE_MINUTES, this.now]) as
      Array<{ session: string; model: string; tail_id: number }>;
    const mark = prepared(this.db, `UPDATE cache_chain SET state = ${EXPIRED} WHERE session = ? AND model = ?`);
    for (const c of due) {
      this.setFlag(Number(c.tail_id), false, true);
      mark.run([c.session, c.model]);
    }
  }

  private setFlag(id: number, was: boolean, is: boolean, known?: RollupRow): void {
    if (was === is) return;
    const row = known ?? this.stored(id);
    // Pruned since: its day roll-up keeps what it was judged, and nothing is left to change.
    if (row === undefined) return;
    this.flag.run([is ? 1 : 0, id]);
    addBusterToDelta(this.delta, row, is ? 1 : -1, this.now);
  }

  private stored(id: number): RollupRow | undefined {
    const row = this.rowById.get([id]) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : rollupRowFromDb(row);
  }
}

/** Last writes whose lifetime has passed since the writer last looked: busters as of `now`. */
export function expiredTails(db: Db, span: Span, now: number): Array<{ project: string; model: string; at: number; creation: number }> {
  const rows = db.prepare(`SELECT project, model, tail_at, creation FROM cache_chain
    WHERE state = ${WAITING} AND tail_at >= ? AND tail_at < ? AND tail_at + life < ?`)
    .all([span.from, Math.min(span.to, now - FIVE_MINUTES), now]) as Array<Record<string, unknown>>;
  return rows.map((r) => ({ project: String(r.project), model: String(r.model), at: Number(r.tail_at), creation: Number(r.creation) }));
}
