import type { LedgerPool } from './connect.js';

/** Each entry moves the team schema from version `index` to `index + 1`. Append only, never edit. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE cco_usage (
     install_id text NOT NULL,
     row_id bigint NOT NULL,
     machine text NOT NULL,
     os_user text NOT NULL,
     started_at timestamptz NOT NULL,
     project text NOT NULL,
     session text NOT NULL,
     method text NOT NULL,
     path text NOT NULL,
     requested_model text,
     served_model text,
     provider text NOT NULL,
     status integer NOT NULL,
     error_type text,
     cache text NOT NULL,
     streaming boolean NOT NULL,
     input_tokens bigint NOT NULL,
     output_tokens bigint NOT NULL,
     cache_creation_tokens bigint NOT NULL,
     cache_read_tokens bigint NOT NULL,
     latency_ms integer NOT NULL,
     ttfb_ms integer,
     request_bytes bigint NOT NULL,
     response_bytes bigint NOT NULL,
     cost_usd double precision,
     saved_usd double precision,
     cost_estimated boolean NOT NULL,
     shipped_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (install_id, row_id)
   );
   CREATE INDEX cco_usage_started_at ON cco_usage (started_at);
   CREATE INDEX cco_usage_machine ON cco_usage (machine, os_user, started_at);
   CREATE INDEX cco_usage_project ON cco_usage (project, started_at);`,
  // v2: the local store's v3 columns that say what a row is: where it came from, Claude Code's
  // session id, and who pays (team budgets split pay-as-you-go from plan traffic by it).
  `ALTER TABLE cco_usage ADD COLUMN source text NOT NULL DEFAULT 'proxy';
   ALTER TABLE cco_usage ADD COLUMN session_id text;
   ALTER TABLE cco_usage ADD COLUMN billing text NOT NULL DEFAULT 'payg';
   ALTER TABLE cco_usage ADD COLUMN service_tier text;`,
];

export const TEAM_SCHEMA_VERSION = MIGRATIONS.length;

// One number for every CCO: pg_advisory_lock keys are per database, so daemons of one team meet here.
const MIGRATION_LOCK = 0x43434f4c; // "CCOL"

export class TeamSchemaError extends Error {
  override name = 'TeamSchemaError';
}

/**
 * Brings the team database to this CCO's schema version. Daemons that start at once queue on an
 * advisory lock, so exactly one applies each migration and the others find it done.
 */
export async function migrateTeamSchema(pool: LedgerPool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS cco_schema_migrations
           (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const current = await client.query('SELECT coalesce(max(version), 0) AS v FROM cco_schema_migrations');
      const found = Number(current.rows[0].v);
      if (found > TEAM_SCHEMA_VERSION) {
        throw new TeamSchemaError(
          `the team database has schema version ${found}, newer than this CCO knows (${TEAM_SCHEMA_VERSION}): upgrade CCO`,
        );
      }
      for (let version = found; version < TEAM_SCHEMA_VERSION; version++) {
        await client.query('BEGIN');
        try {
          await client.query(MIGRATIONS[version]!);
          await client.query('INSERT INTO cco_schema_migrations (version) VALUES ($1)', [version + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
      return TEAM_SCHEMA_VERSION;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
