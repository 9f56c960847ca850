/**
 * Schema versions and forward migrations of both stores: a test per step (the store at the
 * step before, with rows in it, then the step), a pre-versioning store migrated whole, a newer
 * store refused, and two processes starting at once migrating once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreVersionError } from '../../src/errors.ts';
import { VERSION_TABLE } from '../../src/evidence/migrations.ts';
import { migratePostgres, POSTGRES_SCHEMA_VERSION } from '../../src/evidence/postgres-schema.ts';
import { PostgresStore } from '../../src/evidence/postgres-store.ts';
import { migrateSqlite, SQLITE_SCHEMA_VERSION, SQLITE_STEPS, sqliteVersion } from '../../src/evidence/sqlite-schema.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import { pgDatabase } from '../helpers/pg-database.ts';

const exec = promisify(execFile);
const dirs: string[] = [];
const tempFile = () => {
  const d = mkdtempSync(join(tmpdir(), 'isms-migrate-'));
  dirs.push(d);
  return join(d, 'evidence.sqlite');
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const now = () => new Date('2026-12-01T00:00:00Z');
const columns = (db: Database.Database, table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
const tables = (db: Database.Database) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]);

describe('SQLite schema steps', () => {
  it('the list is 1, 2, 3 in order, and a new store is at the last', () => {
    expect(SQLITE_STEPS.map((s) => s.version)).toEqual([1, 2, 3]);
    const s = new SqliteStore(':memory:');
    expect(s.migration).toMatchObject({ from: 0, to: 3 });
    expect(s.migration.applied.map((a) => a.version)).toEqual([1, 2, 3]);
  });

  it('step 1 creates the tables of release 0.1.0', () => {
    const db = new Database(':memory:');
    expect(migrateSqlite(db, 'mem', now, 1)).toMatchObject({ from: 0, to: 1 });
    expect(tables(db)).toEqual(['checkpoints', 'facts', VERSION_TABLE, 'observations', 'runs', 'versions']);
    expect(columns(db, 'observations')).toEqual(['source', 'kind', 'at', 'hash']);
    expect(db.prepare(`SELECT version, name, applied_at FROM ${VERSION_TABLE}`).all()).toEqual([
      { version: 1, name: SQLITE_STEPS[0]!.name, applied_at: '2026-12-01T00:00:00.000Z' },
    ]);
  });

  it('step 2 adds observations.records, leaving older observations NULL (counted from the history when asked)', async () => {
    const file = tempFile();
    const db = new Database(file);
    migrateSqlite(db, file, now, 1);
    // An observation of 3 accounts at t=1000 (a, b, c), as release 0.1.0 wrote it.
    db.prepare("INSERT INTO observations (source, kind, at, hash) VALUES ('idp', 'account', 1000, 'h')").run();
    for (const k of ['a', 'b', 'c']) db.prepare("INSERT INTO versions (source, kind, key, at, data) VALUES ('idp', 'account', ?, 1000, ?)").run(k, JSON.stringify({ accountId: k }));
    expect(migrateSqlite(db, file, now, 2)).toMatchObject({ from: 1, to: 2 });
    expect(columns(db, 'observations')).toEqual(['source', 'kind', 'at', 'hash', 'records']);
    expect(db.prepare('SELECT records FROM observations').pluck().get()).toBeNull();
    db.close();
    const s = new SqliteStore(file);
    const seen: number[] = [];
    await s.writeSnapshot({ source: 'idp', kind: 'account', observedAt: new Date(2000), records: [{ key: 'a', data: { accountId: 'a' } as never }], check: (c) => void seen.push(c.previous) });
    expect(seen).toEqual([3]); // a, b and c present at t=1000
    await s.close();
  });

  it('step 3 adds the merge revisions and the cache, and the rows before it stay', async () => {
    const file = tempFile();
    const db = new Database(file);
    migrateSqlite(db, file, now, 2);
    db.prepare("INSERT INTO facts (source, kind, key, at, data) VALUES ('web', 'access-day', 'k', 5, '{\"successes\":1}')").run();
    expect(migrateSqlite(db, file, now, 3)).toMatchObject({ from: 2, to: 3 });
    expect(tables(db)).toContain('merge_revisions');
    expect(tables(db)).toContain('cache');
    db.close();
    const s = new SqliteStore(file);
    expect(s.migration.applied).toEqual([]);
    await s.cachePut('n', 'k', 'v');
    expect(await s.cacheGet('n', 'k')).toBe('v');
    const rows = [];
    for await (const f of s.readFacts('access-day', new Date(10))) rows.push(f.data);
    expect(rows).toEqual([{ successes: 1 }]);
    await s.close();
  });

  it('refuses a store written by a newer release, saying so', async () => {
    const file = tempFile();
    await new SqliteStore(file).close();
    const db = new Database(file);
    db.prepare(`INSERT INTO ${VERSION_TABLE} (version, name, applied_at) VALUES (99, 'from the future', 'x')`).run();
    db.close();
    expect(() => new SqliteStore(file)).toThrow(StoreVersionError);
    expect(() => new SqliteStore(file)).toThrow(`evidence store ${file} has schema version 99, but this isms-kpi knows versions up to ${SQLITE_SCHEMA_VERSION}: it was written by a newer isms-kpi`);
  });

  it('two processes opening a new store at once migrate it once', async () => {
    const file = tempFile();
    const startAt = String(Date.now() + 2500);
    const child = join(import.meta.dirname, 'helpers', 'open-store-child.ts');
    const outs = await Promise.all([0, 1].map(() => exec(process.execPath, ['--import', 'tsx', child, 'sqlite', file, startAt])));
    const applied = outs.map((o) => (JSON.parse(o.stdout) as { applied: unknown[] }).applied.length).sort();
    expect(applied).toEqual([0, 3]);
    const db = new Database(file, { readonly: true });
    expect(sqliteVersion(db)).toBe(3);
    expect(db.prepare(`SELECT COUNT(*) FROM ${VERSION_TABLE}`).pluck().get()).toBe(3);
    db.close();
  }, 30_000);
});

describe('PostgreSQL schema steps', () => {
  it('step 1 creates every table, keys in the C collation', async () => {
    const url = await pgDatabase('mig');
    const s = new PostgresStore(url);
    expect(await s.open()).toMatchObject({ from: 0, to: 1 });
    await s.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const t = await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
      expect(t.rows.map((r) => r.tablename)).toEqual(['cache', 'checkpoints', 'facts', VERSION_TABLE, 'merge_revisions', 'observations', 'runs', 'versions']);
      const coll = await c.query("SELECT table_name, column_name, collation_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name IN ('key', 'source') AND table_name IN ('versions', 'facts') ORDER BY 1, 2");
      expect(coll.rows.map((r) => `${r.table_name}.${r.column_name}:${r.collation_name}`)).toEqual(['facts.key:C', 'facts.source:C', 'versions.key:C', 'versions.source:C']);
      expect((await c.query(`SELECT version FROM ${VERSION_TABLE}`)).rows).toEqual([{ version: 1 }]);
      expect(POSTGRES_SCHEMA_VERSION).toBe(1);
    } finally {
      await c.end();
    }
  });

  it('refuses a newer store, and a database whose tables are not isms-kpi\'s', async () => {
    const url = await pgDatabase('mig');
    await new PostgresStore(url).open().then(async () => undefined);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`INSERT INTO ${VERSION_TABLE} VALUES (7, 'future', 'x')`);
    await c.end();
    const s = new PostgresStore(url);
    await expect(s.getCheckpoint('a', 'b')).rejects.toThrow(/has schema version 7, but this isms-kpi knows versions up to 1: it was written by a newer isms-kpi/);
    await s.close();

    const other = await pgDatabase('foreign');
    const d = new pg.Client({ connectionString: other });
    await d.connect();
    await d.query('CREATE TABLE runs (id int)');
    const conn = await new pg.Pool({ connectionString: other }).connect();
    await expect(migratePostgres(conn, 'that database', now)).rejects.toThrow('cannot use that database as the evidence store: it has tables named runs but no isms_schema_version');
    conn.release();
    await d.end();
  });

  it('two processes starting at once migrate once', async () => {
    const url = await pgDatabase('mig');
    const startAt = String(Date.now() + 2500);
    const child = join(import.meta.dirname, 'helpers', 'open-store-child.ts');
    const outs = await Promise.all([0, 1].map(() => exec(process.execPath, ['--import', 'tsx', child, 'postgres', url, startAt])));
    expect(outs.map((o) => (JSON.parse(o.stdout) as { applied: unknown[] }).applied.length).sort()).toEqual([0, 1]);
  }, 30_000);
});
