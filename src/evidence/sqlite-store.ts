/**
 * The embedded default evidence store: one SQLite database (WAL mode, so readers never block
 * the writer and several processes can read at once) in the data directory.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StoreCorruptError, StoreError, StoreVersionError } from '../errors.ts';
import type { ArchiveRow, ArchiveRowType, MaintainedStore, PruneReport, StoreCheckReport } from './maintenance.ts';
import type { MigrationResult } from './migrations.ts';
import type { Keyed, RecordKind, RecordKinds, Versioned } from './records.ts';
import { sqliteCheck, sqliteExport, sqliteImport, sqliteIsEmpty, sqlitePrune } from './sqlite-maintenance.ts';
import { migrateSqlite, SQLITE_SCHEMA_VERSION, sqliteVersion } from './sqlite-schema.ts';
import type { FactRow, FactsWrite, RunRecord, SnapshotWrite, SnapshotWritten } from './store.ts';
import { editForObservation, evidenceStampOf, readExport, type StoredVersion } from './versioning.ts';

const SNAPSHOT_BATCH = 5000;
const FACTS_BATCH = 2000;

export interface SqliteStoreOptions {
  /**
   * Run `PRAGMA quick_check` at open, so a damaged file stops every source before any writes
   * (default: true for a file). `store check` opens without it and runs the full check itself.
   */
  verify?: boolean;
  /** Apply missing schema steps at open (default true). `store check` only looks. */
  migrate?: boolean;
  /** Fail when the file does not exist instead of creating it (`store check`, `store export`). */
  mustExist?: boolean;
}

export class SqliteStore implements MaintainedStore {
  readonly storeKind = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;
  /** What the open-time migration did. */
  readonly migration: MigrationResult;
  private damaged: StoreCorruptError | undefined;

  /** @param file database file, or `:memory:` for a throw-away store (tests). */
  constructor(readonly file: string, opts: SqliteStoreOptions = {}) {
    this.location = file;
    try {
      this.db = new Database(file, { fileMustExist: opts.mustExist === true });
      this.db.pragma('busy_timeout = 10000');
      setWal(this.db);
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('cache_size = -65536'); // 64 MB page cache: a 100,000-account history fits
      if (opts.verify ?? file !== ':memory:') {
        const problems = this.db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
        if (problems.length !== 1 || problems[0]!.quick_check !== 'ok') {
          throw corruptError(file, problems.slice(0, 3).map((p) => p.quick_check).join('; '));
        }
      }
      this.migration = opts.migrate === false
        ? { from: sqliteVersion(this.db), to: sqliteVersion(this.db), applied: [] }
        : migrateSqlite(this.db, file, () => new Date());
    } catch (cause) {
      if (cause instanceof StoreCorruptError || cause instanceof StoreVersionError) throw cause;
      if (isCorruption(cause)) throw corruptError(file, (cause as Error).message, cause);
      throw new StoreError(`cannot open evidence store ${file}: ${(cause as Error).message}`, { cause });
    }
  }

  /** The store in a data directory (created when missing). */
  static inDataDir(dataDir: string, opts: SqliteStoreOptions = {}): SqliteStore {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteStore(sqliteFileIn(dataDir), opts);
  }

  /**
   * Run a store operation: once the file is found damaged every later call fails the same way
   * (every source stops), and SQLite's corruption errors become one that names the file.
   */
  private guard<T>(fn: () => T): T {
    if (this.damaged) throw this.damaged;
    try {
      return fn();
    } catch (err) {
      throw this.translate(err);
    }
  }

  private translate(err: unknown): unknown {
    const inner = err instanceof StoreError && err.cause ? err.cause : err;
    if (isCorruption(inner)) this.damaged ??= corruptError(this.location, (inner as Error).message, inner);
    return this.damaged ?? err;
  }

  /** A generator's rows, with the same translation of errors. */
  private *guarded<T>(rows: Iterable<T>): Generator<T> {
    if (this.damaged) throw this.damaged;
    try {
      yield* rows;
    } catch (err) {
      throw this.translate(err);
    }
  }

  async writeSnapshot<K extends RecordKind>(w: SnapshotWrite<K>): Promise<SnapshotWritten> {
    if (this.damaged) throw this.damaged;
    try {
      return await this.writeSnapshotOnce(w);
    } catch (err) {
      throw this.translate(err);
    }
  }

  async repeatObservation(r: { source: string; kind: RecordKind; observedAt: Date; digest: string }): Promise<number | undefined> {
    return this.guard(() => {
      const t = r.observedAt.getTime();
      return this.db.transaction((): number | undefined => {
        if (this.db.prepare('SELECT 1 FROM observations WHERE source = ? AND at > ?').get(r.source, t)) return undefined;
        const newest = this.db.prepare('SELECT hash, records FROM observations WHERE source = ? AND at <= ? ORDER BY at DESC LIMIT 1').get(r.source, t) as { hash: string; records: number | null } | undefined;
        if (!newest || newest.hash !== r.digest || newest.records === null) return undefined;
        this.db.prepare('INSERT OR REPLACE INTO observations (source, kind, at, hash, records) VALUES (?, ?, ?, ?, ?)').run(r.source, r.kind, t, r.digest, newest.records);
        return newest.records;
      }).immediate();
    });
  }

  async setCheckpoint(source: string, name: string, value: string): Promise<void> {
    this.guard(() => this.db.prepare('INSERT OR REPLACE INTO checkpoints (source, name, value) VALUES (?, ?, ?)').run(source, name, value));
  }

  private async writeSnapshotOnce<K extends RecordKind>(w: SnapshotWrite<K>): Promise<SnapshotWritten> {
    const t = w.observedAt.getTime();
    const { incoming, sortedKeys, digest } = await readExport(w.records);

    const obs = this.db
      .prepare('SELECT at, hash, records FROM observations WHERE source = ? ORDER BY at')
      .all(w.source) as { at: number; hash: string; records: number | null }[];
    const next = obs.find((o) => o.at > t)?.at;
    const prevObs = [...obs].reverse().find((o) => o.at < t);
    const same = obs.find((o) => o.at === t);
    const counts = { added: 0, changed: 0, removed: 0, unchanged: 0, digest };
    if (w.check) {
      w.check({ previous: prevObs ? (prevObs.records ?? this.presentAt(w.source, prevObs.at)) : 0, incoming: incoming.size });
    }

    // Fast path: the newest observation, identical to the previous one: nothing changed.
    if (next === undefined && (same?.hash === digest || (!same && prevObs?.hash === digest))) {
      counts.unchanged = incoming.size;
      this.db.prepare('INSERT OR REPLACE INTO observations (source, kind, at, hash, records) VALUES (?, ?, ?, ?, ?)').run(w.source, w.kind, t, digest, incoming.size);
      return counts;
    }

    const ins = this.db.prepare('INSERT OR REPLACE INTO versions (source, kind, key, at, data) VALUES (?, ?, ?, ?, ?)');
    const del = this.db.prepare('DELETE FROM versions WHERE source = ? AND key = ? AND at = ?');
    const observe = this.db.prepare('INSERT OR REPLACE INTO observations (source, kind, at, hash, records) VALUES (?, ?, ?, ?, ?)');
    const count = (data: string | null, before: string | null) => {
      if (data !== null && before === null) counts.added++;
      else if (data === null && before !== null) counts.removed++;
      else if (data !== before) counts.changed++;
      else if (data !== null) counts.unchanged++;
    };

    let apply: () => void;
    if (next === undefined && same === undefined) {
      // The usual case, a new newest observation: compare each key with its latest state only.
      const latest = new Map<string, string | null>();
      const rows = this.db.prepare('SELECT key, data FROM versions WHERE source = ? ORDER BY key, at').raw(true);
      if (obs.length > 0) for (const [key, data] of rows.iterate(w.source) as Iterable<[string, string | null]>) latest.set(key, data);
      const versions = new InsertRows(this.db, w.source, w.kind, t);
      apply = this.db.transaction(() => {
        // In key order: the primary key's B-tree then grows at its right edge instead of taking
        // random inserts all over (several times faster on 100,000 records).
        for (const key of sortedKeys) {
          const data = incoming.get(key)!;
          const before = latest.get(key) ?? null;
          count(data, before);
          if (data !== before) versions.add(key, data);
        }
        for (const [key, before] of latest) {
          if (before !== null && !incoming.has(key)) {
            counts.removed++;
            versions.add(key, null);
          }
        }
        versions.flush();
        observe.run(w.source, w.kind, t, digest, incoming.size);
      });
    } else {
      // A backfill or a re-collection of a known instant: place it in each key's history.
      const byKey = new Map<string, StoredVersion[]>();
      for (const row of this.db
        .prepare('SELECT key, at, data FROM versions WHERE source = ? ORDER BY key, at')
        .iterate(w.source) as Iterable<{ key: string; at: number; data: string | null }>) {
        let list = byKey.get(row.key);
        if (!list) byKey.set(row.key, (list = []));
        list.push({ at: row.at, data: row.data });
      }
      apply = this.db.transaction(() => {
        const keys = new Set<string>([...byKey.keys(), ...incoming.keys()]);
        for (const key of keys) {
          const versions = byKey.get(key) ?? [];
          const data = incoming.get(key) ?? null;
          count(data, stateAt(versions, t - 1));
          const edit = editForObservation(key, versions, t, data, next);
          if (!edit) continue;
          for (const at of edit.remove) del.run(w.source, key, at);
          for (const v of edit.insert) ins.run(w.source, w.kind, key, v.at, v.data);
        }
        observe.run(w.source, w.kind, t, digest, incoming.size);
      });
    }
    try {
      apply();
    } catch (cause) {
      throw new StoreError(`cannot write snapshot of ${w.source}: ${(cause as Error).message}`, { cause });
    }
    return counts;
  }

  async writeFacts<K extends RecordKind>(w: FactsWrite<K>): Promise<{ inserted: number; merged: number; ignored: number }> {
    if (this.damaged) throw this.damaged;
    try {
      return await this.writeFactsOnce(w);
    } catch (err) {
      throw this.translate(err);
    }
  }

  private async writeFactsOnce<K extends RecordKind>(w: FactsWrite<K>): Promise<{ inserted: number; merged: number; ignored: number }> {
    const t = w.observedAt.getTime();
    const get = this.db.prepare('SELECT data FROM facts WHERE source = ? AND key = ?');
    const ins = this.db.prepare('INSERT INTO facts (source, kind, key, at, data) VALUES (?, ?, ?, ?, ?)');
    const insOrIgnore = this.db.prepare('INSERT OR IGNORE INTO facts (source, kind, key, at, data) VALUES (?, ?, ?, ?, ?)');
    const upd = this.db.prepare('UPDATE facts SET data = ? WHERE source = ? AND key = ?');
    const cp = this.db.prepare('INSERT OR REPLACE INTO checkpoints (source, name, value) VALUES (?, ?, ?)');
    const bumpMerge = this.db.prepare('INSERT INTO merge_revisions (source, rev) VALUES (?, 1) ON CONFLICT (source) DO UPDATE SET rev = rev + 1');
    const out = { inserted: 0, merged: 0, ignored: 0 };
    const checkpoints = () => {
      for (const [name, value] of Object.entries(w.checkpoints ?? {})) cp.run(w.source, name, value);
    };
    const run = (tx: () => void, what: string) => {
      try {
        this.db.transaction(tx)();
      } catch (cause) {
        throw new StoreError(`cannot write ${what} of ${w.source}: ${(cause as Error).message}`, { cause });
      }
    };

    if (w.merge) {
      const merge = w.merge;
      const all: Keyed<K>[] = [];
      for await (const f of w.facts) all.push(f);
      run(() => {
        for (const f of all) {
          const old = get.get(w.source, f.key) as { data: string } | undefined;
          if (!old) {
            ins.run(w.source, w.kind, f.key, t, JSON.stringify(f.data));
            out.inserted++;
          } else {
            upd.run(JSON.stringify(merge(JSON.parse(old.data) as RecordKinds[K], f.data)), w.source, f.key);
            out.merged++;
          }
        }
        if (out.merged > 0) bumpMerge.run(w.source);
        checkpoints();
      }, 'facts');
      return out;
    }

    let batch: Keyed<K>[] = [];
    const flush = (last: boolean) => {
      const rows = batch;
      batch = [];
      run(() => {
        for (const f of rows) {
          if (insOrIgnore.run(w.source, w.kind, f.key, t, JSON.stringify(f.data)).changes > 0) out.inserted++;
          else out.ignored++;
        }
        if (last) checkpoints();
      }, 'facts');
    };
    for await (const f of w.facts) {
      batch.push(f);
      if (batch.length >= FACTS_BATCH) flush(false);
    }
    flush(true);
    return out;
  }

  async *readSnapshot<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<Versioned<RecordKinds[K]>> {
    for await (const batch of this.readSnapshotBatches(kind, at, sources)) yield* batch;
  }

  async *readSnapshotBatches<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<Versioned<RecordKinds[K]>[]> {
    let batch: Versioned<RecordKinds[K]>[] = [];
    for (const v of this.guarded(this.snapshotRows<K>(kind, at.getTime(), sources))) {
      batch.push(v);
      if (batch.length >= SNAPSHOT_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async snapshotSources(kind: RecordKind): Promise<string[]> {
    return this.guard(() => {
      return this.sourcesOfKind(kind);
    });
  }

  private sourcesOfKind(kind: RecordKind): string[] {
    return this.db.prepare('SELECT DISTINCT source FROM observations WHERE kind = ? ORDER BY source').pluck().all(kind) as string[];
  }

  /** Rows of the kind's sources as of t, grouped per key into their history (synchronous). */
  private *snapshotRows<K extends RecordKind>(kind: K, t: number, sources?: readonly string[]): Generator<Versioned<RecordKinds[K]>> {
    // The sources holding this kind, narrowed to the wanted ones: each is one ordered range scan
    // of the primary key (source, key, at).
    const ofKind = this.sourcesOfKind(kind).filter((s) => !sources || sources.includes(s));
    const stmt = this.db.prepare('SELECT key, at, data FROM versions WHERE source = ? AND at <= ? ORDER BY key, at').raw(true);
    const iso = new Map<number, string>(); // observation instants are few: format each once
    const isoOf = (ms: number) => {
      let v = iso.get(ms);
      if (v === undefined) iso.set(ms, (v = new Date(ms).toISOString()));
      return v;
    };
    for (const source of ofKind) {
      let cur: Versioned<RecordKinds[K]> | undefined;
      for (const row of stmt.iterate(source, t) as Iterable<[string, number, string | null]>) {
        const [key, ms, json] = row;
        if (!cur || cur.key !== key) {
          if (cur && cur.versions.length > 0) yield cur;
          cur = { source, key, current: null, versions: [] };
        }
        const data = json === null ? null : (JSON.parse(json) as RecordKinds[K]);
        if (cur.versions.length === 0 && data === null) continue;
        cur.versions.push({ at: isoOf(ms), data });
        cur.current = data;
      }
      if (cur && cur.versions.length > 0) yield cur;
    }
  }

  async *readFacts<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<FactRow<K>> {
    const wanted = sources ? new Set(sources) : undefined;
    // In the index's order (kind, at, then the key): both stores read facts in the same order.
    const rows = this.guard(() => this.db
      .prepare('SELECT source, key, at, data FROM facts WHERE kind = ? AND at <= ? ORDER BY at, source, key')
      .iterate(kind, at.getTime()) as Iterable<{ source: string; key: string; at: number; data: string }>);
    for (const r of this.guarded(rows)) {
      if (wanted && !wanted.has(r.source)) continue;
      yield { source: r.source, key: r.key, observedAt: new Date(r.at).toISOString(), data: JSON.parse(r.data) as RecordKinds[K] };
    }
  }

  async getCheckpoint(source: string, name: string): Promise<string | undefined> {
    return this.guard(() => {
      const row = this.db.prepare('SELECT value FROM checkpoints WHERE source = ? AND name = ?').get(source, name) as { value: string } | undefined;
      return row?.value;
    });
  }

  async observations(source: string): Promise<string[]> {
    return this.guard(() => {
      const rows = this.db.prepare('SELECT at FROM observations WHERE source = ? ORDER BY at').all(source) as { at: number }[];
      return rows.map((r) => new Date(r.at).toISOString());
    });
  }

  async recordRun(run: RunRecord): Promise<void> {
    return this.guard(() => {
      this.db
        .prepare('INSERT INTO runs (source, result, finished_at, body) VALUES (?, ?, ?, ?)')
        .run(run.source, run.result, run.finishedAt, JSON.stringify(run));
    });
  }

  async runs(opts: { source?: string; limit?: number } = {}): Promise<RunRecord[]> {
    return this.guard(() => {
      const limit = opts.limit ?? 50;
      const rows = (
        opts.source
          ? this.db.prepare('SELECT body FROM runs WHERE source = ? ORDER BY id DESC LIMIT ?').all(opts.source, limit)
          : this.db.prepare('SELECT body FROM runs ORDER BY id DESC LIMIT ?').all(limit)
      ) as { body: string }[];
      return rows.map((r) => JSON.parse(r.body) as RunRecord);
    });
  }

  async lastSuccess(): Promise<Record<string, string>> {
    return this.guard(() => {
      const rows = this.db
        .prepare("SELECT source, MAX(finished_at) AS at FROM runs WHERE result IN ('success', 'partial') GROUP BY source")
        .all() as { source: string; at: string }[];
      return Object.fromEntries(rows.map((r) => [r.source, r.at]));
    });
  }

  /** Keys present (non-null) in a source's history as of t. */
  private presentAt(source: string, t: number): number {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM versions v WHERE source = ? AND at = (
           SELECT MAX(at) FROM versions w WHERE w.source = v.source AND w.key = v.key AND w.at <= ?
         ) AND data IS NOT NULL`,
      )
      .get(source, t) as { n: number };
    return row.n;
  }

  async evidenceStamp(source: string, at: Date): Promise<string> {
    return this.guard(() => {
      const t = at.getTime();
      const obs = this.db.prepare('SELECT at, hash FROM observations WHERE source = ? AND at <= ? ORDER BY at').raw(true).all(source, t) as [number, string][];
      const f = this.db.prepare('SELECT COUNT(*) AS n, MAX(at) AS last FROM facts WHERE source = ? AND at <= ?').get(source, t) as { n: number; last: number | null };
      const rev = this.db.prepare('SELECT rev FROM merge_revisions WHERE source = ?').pluck().get(source) as number | undefined;
      return evidenceStampOf(obs, f.n, f.last, rev ?? 0, this.newestRun(source, at) ?? null);
    });
  }

  async newestRunObservedAt(source: string, at: Date): Promise<string | undefined> {
    return this.guard(() => this.newestRun(source, at));
  }

  private newestRun(source: string, at: Date): string | undefined {
    const sql = "SELECT MAX(json_extract(body, '$.observedAt')) FROM runs WHERE source = ? AND result <> 'failure' AND json_extract(body, '$.observedAt') <= ?";
    return (this.db.prepare(sql).pluck().get(source, at.toISOString()) as string | null) ?? undefined;
  }

  async cacheGet(namespace: string, key: string): Promise<string | undefined> {
    return this.guard(() => {
      return this.db.prepare('SELECT value FROM cache WHERE namespace = ? AND key = ?').pluck().get(namespace, key) as string | undefined;
    });
  }

  async cachePut(namespace: string, key: string, value: string): Promise<void> {
    return this.guard(() => {
      this.db.prepare('INSERT OR REPLACE INTO cache (namespace, key, value) VALUES (?, ?, ?)').run(namespace, key, value);
    });
  }

  async migrate(): Promise<MigrationResult> {
    return this.guard(() => migrateSqlite(this.db, this.location, () => new Date()));
  }

  async check(knownKinds?: readonly string[]): Promise<StoreCheckReport> {
    try {
      return sqliteCheck(this.db, this.location, knownKinds);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      // Damaged beyond what integrity_check can walk: report it, with nothing else to count.
      return {
        store: 'sqlite', location: this.location, ok: false, integrity: [`sqlite: ${(err as Error).message}`],
        schemaVersion: 0, latestSchemaVersion: SQLITE_SCHEMA_VERSION, tables: {}, sources: [],
      };
    }
  }

  async prune(cutoff: Date): Promise<PruneReport> {
    return this.guard(() => sqlitePrune(this.db, cutoff.getTime()));
  }

  async *exportRows(): AsyncIterable<ArchiveRow> {
    // Read in a transaction, so the archive is one consistent instant of the store.
    this.guard(() => this.db.exec('BEGIN'));
    try {
      yield* this.guarded(sqliteExport(this.db));
    } finally {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    }
  }

  async importRows(rows: AsyncIterable<ArchiveRow>): Promise<Record<ArchiveRowType, number>> {
    if (this.damaged) throw this.damaged;
    try {
      return await sqliteImport(this.db, rows, this.location);
    } catch (err) {
      throw this.translate(err);
    }
  }

  async isEmpty(): Promise<boolean> {
    return this.guard(() => sqliteIsEmpty(this.db));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * WAL mode, once per file. Switching needs the file to itself, and SQLite does not wait on its
 * busy handler for that: two processes creating a store at the same moment would see "database
 * is locked". The mode is persistent, so a later open only reads it.
 */
function setWal(db: Database.Database): void {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') return;
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Versions of one observation, inserted many rows to a statement: one call into SQLite per
 * INSERT_ROWS records instead of one per record, which is most of an insert's cost.
 */
const INSERT_ROWS = 200;

class InsertRows {
  private params: (string | number | null)[] = [];
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;

  constructor(private readonly db: Database.Database, private readonly source: string, private readonly kind: string, private readonly at: number) {
    const row = '(?, ?, ?, ?, ?)';
    this.many = db.prepare(`INSERT OR REPLACE INTO versions (source, kind, key, at, data) VALUES ${Array(INSERT_ROWS).fill(row).join(', ')}`);
    this.one = db.prepare(`INSERT OR REPLACE INTO versions (source, kind, key, at, data) VALUES ${row}`);
  }

  add(key: string, data: string | null): void {
    this.params.push(this.source, this.kind, key, this.at, data);
    if (this.params.length === INSERT_ROWS * 5) {
      this.many.run(this.params);
      this.params = [];
    }
  }

  flush(): void {
    for (let i = 0; i < this.params.length; i += 5) this.one.run(this.params.slice(i, i + 5));
    this.params = [];
  }
}

/** The evidence file of a data directory. */
export function sqliteFileIn(dataDir: string): string {
  return join(dataDir, 'evidence.sqlite');
}

const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPTION_CODES.has(code);
}

function corruptError(file: string, detail: string, cause?: unknown): StoreCorruptError {
  return new StoreCorruptError(
    `evidence store ${file} is damaged (${detail}). Every source stops until it is restored: ` +
      'restore the newest backup (README, "Backups and restore"), or move the file aside to start an empty store; ' +
      '`isms-kpi store check` reports the damage.',
    { cause },
  );
}

function stateAt(versions: readonly StoredVersion[], t: number): string | null {
  let s: string | null = null;
  for (const v of versions) {
    if (v.at <= t) s = v.data;
    else break;
  }
  return s;
}
