import type { Db } from './schema.js';

type Statement = ReturnType<Db['prepare']>;

const byConnection = new WeakMap<Db, Map<string, Statement>>();

/**
 * The connection's statement for `sql`, prepared once. The writer runs the same few dozen
 * statements every batch; preparing them each time was about a seventh of a batch's CPU. Only for
 * fixed SQL (no lists of values spliced in), so the cache stays small.
 */
export function prepared(db: Db, sql: string): Statement {
  let statements = byConnection.get(db);
  if (!statements) {
    statements = new Map();
    byConnection.set(db, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
