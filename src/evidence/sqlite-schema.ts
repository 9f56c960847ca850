/**
 * The SQLite store's schema as forward steps. Step 1 is the schema of the first release
 * (0.1.0, commit 967151f); later steps are what main added since. A store written before
 * versions existed has no version table: its version is 0 and every step runs, each written so
 * that it finds its change already made in such a store (IF NOT EXISTS, a column added only
 * when missing).
 */
import type Database from 'better-sqlite3';
import { latestVersion, pendingSteps, VERSION_TABLE, type MigrationResult, type MigrationStep } from './migrations.ts';

export const SQLITE_STEPS: readonly MigrationStep<Database.Database>[] = [
  {
    version: 1,
    name: 'evidence history, facts, checkpoints and runs (release 0.1.0)',
    up(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS observations (
  source TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL, hash TEXT NOT NULL,
  PRIMARY KEY (source, at)
);
CREATE TABLE IF NOT EXISTS versions (
  source TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, data TEXT,
  PRIMARY KEY (source, key, at)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS facts (
  source TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facts_kind ON facts (kind, at);
CREATE TABLE IF NOT EXISTS checkpoints (
  source TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (source, name)
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, result TEXT NOT NULL,
  finished_at TEXT NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_source ON runs (source, id);`);
    },
  },
  {
    version: 2,
    name: 'observations.records: how many records each observation held (shrink guard)',
    up(db) {
      const cols = db.prepare('PRAGMA table_info(observations)').all() as { name: string }[];
      // NULL for observations written before: the store counts them from the history when asked.
      if (!cols.some((c) => c.name === 'records')) db.exec('ALTER TABLE observations ADD COLUMN records INTEGER');
    },
  },
  {
    version: 3,
    name: 'merge revisions (evidence stamps) and the derived-result cache',
    up(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS merge_revisions (
  source TEXT NOT NULL PRIMARY KEY, rev INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cache (
  namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (namespace, key)
) WITHOUT ROWID;`);
    },
  },
];

export const SQLITE_SCHEMA_VERSION = latestVersion(SQLITE_STEPS);

/** The version a database is at (0 without a version table). */
export function sqliteVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(VERSION_TABLE);
  if (!table) return 0;
  return (db.prepare(`SELECT MAX(version) FROM ${VERSION_TABLE}`).pluck().get() as number | null) ?? 0;
}

/**
 * Apply the missing steps, up to `target` (default: all). The check and the steps run in one
 * BEGIN IMMEDIATE transaction: a second process opening the store at the same moment waits for
 * the write lock, then finds the steps applied and applies none.
 */
export function migrateSqlite(db: Database.Database, where: string, now: () => Date, target = SQLITE_SCHEMA_VERSION, steps = SQLITE_STEPS): MigrationResult {
  const before = sqliteVersion(db);
  pendingSteps(steps, before, where); // refuses a newer store before taking any lock
  if (before >= target) return { from: before, to: before, applied: [] };
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const from = sqliteVersion(db);
    const todo = pendingSteps(steps, from, where).filter((s) => s.version <= target);
    const record = db.prepare(`INSERT INTO ${VERSION_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`);
    for (const step of todo) {
      void step.up(db);
      record.run(step.version, step.name, now().toISOString());
    }
    db.exec('COMMIT');
    return { from, to: todo.length > 0 ? todo[todo.length - 1]!.version : from, applied: todo.map((s) => ({ version: s.version, name: s.name })) };
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
