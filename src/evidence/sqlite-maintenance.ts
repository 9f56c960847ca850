/** `store check`, `prune`, `export` and `import` on the SQLite store (see maintenance.ts). */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import { zeroCounts, type ArchiveRow, type ArchiveRowType, type PruneReport, type StoreCheckReport } from './maintenance.ts';
import { prunableVersions } from './retention.ts';
import { SQLITE_SCHEMA_VERSION, sqliteVersion } from './sqlite-schema.ts';
import { COUNT_QUERIES, KINDS_QUERY, LOGICAL_CHECKS, sourceCounts, STORE_TABLES, unknownKinds } from './store-report.ts';

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function sqliteCheck(db: Database.Database, location: string, knownKinds?: readonly string[]): StoreCheckReport {
  const integrity: string[] = [];
  const rows = db.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
  for (const r of rows) if (r.integrity_check !== 'ok') integrity.push(`sqlite: ${r.integrity_check}`);
  const version = sqliteVersion(db);
  const tables: Record<string, number> = {};
  for (const t of STORE_TABLES) if (tableExists(db, t)) tables[t] = db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number;
  const complete = ['observations', 'versions', 'facts', 'runs'].every((t) => t in tables);
  if (complete) {
    for (const c of LOGICAL_CHECKS) {
      const n = (db.prepare(c.sql).get() as { n: number }).n;
      if (n > 0) integrity.push(`${c.rule}: ${n}`);
    }
    const odd = unknownKinds(db.prepare(KINDS_QUERY).pluck().all() as string[], knownKinds);
    if (odd.length > 0) integrity.push(`unknown record kinds: ${odd.join(', ')}`);
  } else {
    integrity.push(`tables missing: ${['observations', 'versions', 'facts', 'runs'].filter((t) => !(t in tables)).join(', ')}`);
  }
  const sources = complete
    ? sourceCounts({
        observations: db.prepare(COUNT_QUERIES.observations).all() as never,
        versions: db.prepare(COUNT_QUERIES.versions).all() as never,
        facts: db.prepare(COUNT_QUERIES.facts).all() as never,
        runs: db.prepare(COUNT_QUERIES.runs).all() as never,
      })
    : [];
  return {
    store: 'sqlite',
    location,
    ok: integrity.length === 0 && version === SQLITE_SCHEMA_VERSION,
    integrity: integrity.length === 0 ? ['ok'] : integrity,
    schemaVersion: version,
    latestSchemaVersion: SQLITE_SCHEMA_VERSION,
    tables,
    sources,
  };
}

export function sqlitePrune(db: Database.Database, cutoff: number): PruneReport {
  const report: PruneReport = { cutoff: new Date(cutoff).toISOString(), versions: 0, observations: 0, facts: 0, runs: 0, cache: 0 };
  const sources = db.prepare('SELECT DISTINCT source FROM observations ORDER BY source').pluck().all() as string[];
  const rows = db.prepare('SELECT key, at, data IS NULL FROM versions WHERE source = ? ORDER BY key, at').raw(true);
  const del = db.prepare('DELETE FROM versions WHERE source = ? AND key = ? AND at = ?');
  const obs = db.prepare('SELECT at FROM observations WHERE source = ? ORDER BY at').pluck();
  const delObs = db.prepare('DELETE FROM observations WHERE source = ? AND at = ?');
  db.transaction(() => {
    for (const source of sources) {
      // Only what pruning needs (instant, and whether the version holds data), one key at a time.
      const doomed: [string, number][] = [];
      const kept = new Set<number>();
      let key: string | undefined;
      let versions: { at: number; data: string | null }[] = [];
      const flush = () => {
        const gone = new Set(prunableVersions(versions, cutoff));
        for (const v of versions) {
          if (gone.has(v.at)) doomed.push([key!, v.at]);
          else kept.add(v.at);
        }
        versions = [];
      };
      for (const [k, at, isNull] of rows.iterate(source) as Iterable<[string, number, number]>) {
        if (k !== key) {
          if (key !== undefined) flush();
          key = k;
        }
        versions.push({ at, data: isNull ? null : '' });
      }
      if (key !== undefined) flush();
      for (const [k, at] of doomed) del.run(source, k, at);
      report.versions += doomed.length;
      // Observations before the newest at or before the cutoff go, unless a kept version is of them.
      const instants = obs.all(source) as number[];
      const newest = instants.filter((a) => a <= cutoff).pop();
      for (const a of instants) {
        if (newest === undefined || a >= newest) break;
        if (!kept.has(a)) {
          delObs.run(source, a);
          report.observations++;
        }
      }
    }
    report.facts = db.prepare('DELETE FROM facts WHERE at < ?').run(cutoff).changes;
    report.runs = db
      .prepare(
        `DELETE FROM runs WHERE finished_at < ?
           AND id NOT IN (SELECT MAX(id) FROM runs GROUP BY source)
           AND id NOT IN (SELECT MAX(id) FROM runs WHERE result IN ('success', 'partial') GROUP BY source)`,
      )
      .run(new Date(cutoff).toISOString()).changes;
    // Derived results: recomputed on demand from what is left.
    report.cache = db.prepare('DELETE FROM cache').run().changes;
  })();
  return report;
}

export function* sqliteExport(db: Database.Database): Generator<ArchiveRow> {
  for (const r of db.prepare('SELECT source, kind, at, hash, records FROM observations ORDER BY source, at').iterate() as Iterable<Omit<Extract<ArchiveRow, { t: 'observation' }>, 't'>>) {
    yield { t: 'observation', ...r };
  }
  for (const r of db.prepare('SELECT source, kind, key, at, data FROM versions ORDER BY source, key, at').iterate() as Iterable<Omit<Extract<ArchiveRow, { t: 'version' }>, 't'>>) {
    yield { t: 'version', ...r };
  }
  for (const r of db.prepare('SELECT source, kind, key, at, data FROM facts ORDER BY source, key').iterate() as Iterable<Omit<Extract<ArchiveRow, { t: 'fact' }>, 't'>>) {
    yield { t: 'fact', ...r };
  }
  for (const r of db.prepare('SELECT source, name, value FROM checkpoints ORDER BY source, name').iterate() as Iterable<Omit<Extract<ArchiveRow, { t: 'checkpoint' }>, 't'>>) {
    yield { t: 'checkpoint', ...r };
  }
  for (const r of db.prepare('SELECT source, result, finished_at AS finishedAt, body FROM runs ORDER BY id').iterate() as Iterable<Omit<Extract<ArchiveRow, { t: 'run' }>, 't'>>) {
    yield { t: 'run', ...r };
  }
  for (const r of db.prepare('SELECT source, rev FROM merge_revisions ORDER BY source').iterate() as Iterable<Omit<Extract<ArchiveRow, { t: 'merge-revision' }>, 't'>>) {
    yield { t: 'merge-revision', ...r };
  }
  for (const r of db.prepare('SELECT namespace, key, value FROM cache ORDER BY namespace, key').iterate() as Iterable<Omit<Extract<ArchiveRow, { t: 'cache' }>, 't'>>) {
    yield { t: 'cache', ...r };
  }
}

export function sqliteIsEmpty(db: Database.Database): boolean {
  for (const t of ['observations', 'versions', 'facts', 'checkpoints', 'runs']) {
    if (db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get() !== undefined) return false;
  }
  return true;
}

/** Import into an empty store, in one transaction: a failed or truncated import leaves it empty. */
export async function sqliteImport(db: Database.Database, rows: AsyncIterable<ArchiveRow>, location: string): Promise<Record<ArchiveRowType, number>> {
  if (!sqliteIsEmpty(db)) throw new StoreError(`cannot import into ${location}: it already holds evidence (import only into a new, empty store)`);
  const counts = zeroCounts();
  const stmts = {
    observation: db.prepare('INSERT INTO observations (source, kind, at, hash, records) VALUES (@source, @kind, @at, @hash, @records)'),
    version: db.prepare('INSERT INTO versions (source, kind, key, at, data) VALUES (@source, @kind, @key, @at, @data)'),
    fact: db.prepare('INSERT INTO facts (source, kind, key, at, data) VALUES (@source, @kind, @key, @at, @data)'),
    checkpoint: db.prepare('INSERT INTO checkpoints (source, name, value) VALUES (@source, @name, @value)'),
    run: db.prepare('INSERT INTO runs (source, result, finished_at, body) VALUES (@source, @result, @finishedAt, @body)'),
    'merge-revision': db.prepare('INSERT INTO merge_revisions (source, rev) VALUES (@source, @rev)'),
    cache: db.prepare('INSERT INTO cache (namespace, key, value) VALUES (@namespace, @key, @value)'),
  } satisfies Record<ArchiveRowType, Database.Statement>;
  db.exec('BEGIN IMMEDIATE');
  try {
    for await (const row of rows) {
      const { t, ...values } = row;
      stmts[t].run(values);
      counts[t]++;
    }
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
  return counts;
}
