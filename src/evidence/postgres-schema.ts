/**
 * The PostgreSQL store's schema as forward steps (see migrations.ts). The tables mirror the
 * SQLite store's, so the same rows move between them through the archive:
 * - instants are epoch milliseconds (bigint), as in SQLite;
 * - keys and source ids use the "C" collation, so rows come back in the same (byte) order as
 *   SQLite's BINARY collation gives, whatever the database's locale;
 * - record data stays text: canonical JSON compared as strings, exactly as written.
 */
import type { PoolClient } from 'pg';
import { StoreError } from '../errors.ts';
import { latestVersion, pendingSteps, VERSION_TABLE, type MigrationResult, type MigrationStep } from './migrations.ts';

export const POSTGRES_STEPS: readonly MigrationStep<PoolClient>[] = [
  {
    version: 1,
    name: 'evidence history, facts, checkpoints, runs, merge revisions and the derived-result cache',
    async up(c) {
      await c.query(`
CREATE TABLE observations (
  source text COLLATE "C" NOT NULL, kind text NOT NULL, at bigint NOT NULL, hash text NOT NULL, records integer,
  PRIMARY KEY (source, at)
);
CREATE INDEX observations_kind ON observations (kind, source);
CREATE TABLE versions (
  source text COLLATE "C" NOT NULL, kind text NOT NULL, key text COLLATE "C" NOT NULL, at bigint NOT NULL, data text,
  PRIMARY KEY (source, key, at)
);
CREATE TABLE facts (
  source text COLLATE "C" NOT NULL, kind text NOT NULL, key text COLLATE "C" NOT NULL, at bigint NOT NULL, data text NOT NULL,
  PRIMARY KEY (source, key)
);
CREATE INDEX facts_kind ON facts (kind, at, source, key);
CREATE TABLE checkpoints (
  source text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, value text NOT NULL, PRIMARY KEY (source, name)
);
CREATE TABLE runs (
  id bigserial PRIMARY KEY, source text COLLATE "C" NOT NULL, result text NOT NULL,
  finished_at text NOT NULL, body text NOT NULL
);
CREATE INDEX runs_source ON runs (source, id);
CREATE TABLE merge_revisions (source text COLLATE "C" PRIMARY KEY, rev bigint NOT NULL);
CREATE TABLE cache (
  namespace text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, value text NOT NULL, PRIMARY KEY (namespace, key)
);`);
    },
  },
];

export const POSTGRES_SCHEMA_VERSION = latestVersion(POSTGRES_STEPS);

/** Advisory lock keys (two int4): the migration lock, and one per source for writers. */
export const LOCK_SPACE = { migration: 0x49534d00, source: 0x49534d01 } as const;

const OWN_TABLES = ['observations', 'versions', 'facts', 'checkpoints', 'runs', 'merge_revisions', 'cache'];

/** The version of the database (0 without a version table). */
export async function postgresVersion(c: PoolClient): Promise<number> {
  // pg_tables through a fresh snapshot, not to_regclass: after waiting on the advisory lock,
  // the catalog cache may not yet know of a table another process has just created.
  const has = await c.query('SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1', [VERSION_TABLE]);
  if (has.rows.length === 0) return 0;
  const r = await c.query<{ v: number | null }>(`SELECT MAX(version) AS v FROM ${VERSION_TABLE}`);
  return Number(r.rows[0]?.v ?? 0);
}

/**
 * Apply the missing steps in one transaction under an advisory lock: a second process starting
 * at the same moment waits for the lock, then finds the steps applied. DDL is transactional in
 * PostgreSQL, so a step that fails leaves the database as it was.
 */
export async function migratePostgres(c: PoolClient, where: string, now: () => Date, target = POSTGRES_SCHEMA_VERSION, steps = POSTGRES_STEPS): Promise<MigrationResult> {
  const before = await postgresVersion(c);
  pendingSteps(steps, before, where);
  if (before >= target) return { from: before, to: before, applied: [] };
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_SPACE.migration]);
    const from = await postgresVersion(c);
    if (from === 0) {
      // A database of someone else's: tables with our names but no version table of ours.
      const found = await c.query<{ t: string }>('SELECT unnest($1::text[]) AS t INTERSECT SELECT tablename FROM pg_tables WHERE schemaname = current_schema()', [OWN_TABLES]);
      if (found.rows.length > 0) {
        throw new StoreError(
          `cannot use ${where} as the evidence store: it has tables named ${found.rows.map((r) => r.t).sort().join(', ')} but no ${VERSION_TABLE}, so they are not isms-kpi's. Give isms-kpi a database (or schema) of its own.`,
        );
      }
      await c.query(`CREATE TABLE ${VERSION_TABLE} (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`);
    }
    const todo = pendingSteps(steps, from, where).filter((s) => s.version <= target);
    for (const step of todo) {
      await step.up(c);
      await c.query(`INSERT INTO ${VERSION_TABLE} (version, name, applied_at) VALUES ($1, $2, $3)`, [step.version, step.name, now().toISOString()]);
    }
    await c.query('COMMIT');
    return { from, to: todo.length > 0 ? todo[todo.length - 1]!.version : from, applied: todo.map((s) => ({ version: s.version, name: s.name })) };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
