import type { Pool, PoolClient } from 'pg';

/** The part of a pg Pool the ledger uses; tests and the CLI get the same. */
export type LedgerPool = Pool;
export type LedgerClient = PoolClient;

/** `postgres://ann:***@db.example:5432/cco?sslmode=require`: what logs and answers may show. */
export function redactDbUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** An error's message with the URL's password taken out, whatever the driver put in it. */
export function safeMessage(error: unknown, url: string): string {
  const message = error instanceof Error
    ? error.message || (error as NodeJS.ErrnoException).code || error.name
    : String(error);
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // No password to hide.
  }
  return password ? message.split(password).join('***') : message;
}

/**
 * A small pool on the team database. `pg` is imported here, on first use, so a daemon without a
 * team ledger never loads it. Idle clients that lose their server emit 'error' on the pool; that
 * is reported on the next query instead of crashing the daemon.
 */
export async function openPool(
  url: string,
  options: { max?: number; connectTimeoutMs?: number } = {},
): Promise<LedgerPool> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 2,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    // A ledger that hangs must not hold a batch forever; the next try starts from the same cursor.
    query_timeout: 30_000,
    application_name: 'cco',
  });
  pool.on('error', () => {});
  return pool;
}
