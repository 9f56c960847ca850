/**
 * The evidence store on PostgreSQL, for processes on several hosts: the same semantics as the
 * SQLite store (the same contract suite runs on both), on tables of the same shape.
 *
 * - Snapshots: the whole export is read and compared with each key's latest version, and the
 *   changes, the observation and its digest are written in one transaction. Writers of one
 *   source take a transaction-scoped advisory lock on it, so two hosts writing the same source
 *   at once are serialised (the queue already runs one collection of a source at a time).
 * - Facts: insert-or-ignore in batches (ON CONFLICT DO NOTHING), the checkpoints with the last
 *   batch; merged facts in one transaction with their checkpoints, under the source's lock so
 *   no concurrent merge reads a count before the other adds to it. The flow marker of a retried
 *   merge is such a checkpoint.
 * - Bulk rows go as arrays through `unnest`, a few thousand per statement, except the versions of
 *   a new newest observation, which cannot conflict with stored rows and go through `COPY`
 *   (pg-copy-streams): about half the time of a 100,000-record export, and a fraction of the
 *   garbage of escaping array literals. Large reads stream through cursors, so memory grows with
 *   a batch, not with the store.
 *
 * Connections open on first use, and the schema is migrated then (under an advisory lock), so
 * building the store costs nothing and a database that is down at start is retried by the next
 * call. The URL carries the password: messages show it redacted (postgres-url.ts).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import { StoreCorruptError, StoreError, StoreVersionError } from '../errors.ts';
import type { ArchiveRow, ArchiveRowType, MaintainedStore, PruneReport, StoreCheckReport } from './maintenance.ts';
import type { MigrationResult } from './migrations.ts';
import { postgresCheck, postgresExport, postgresImport, postgresIsEmpty, postgresPrune } from './postgres-maintenance.ts';
import { LOCK_SPACE, migratePostgres } from './postgres-schema.ts';
import { redactDatabaseUrl, scrub } from './postgres-url.ts';
import type { Keyed, RecordKind, RecordKinds, Versioned } from './records.ts';
import type { FactRow, FactsWrite, RunRecord, SnapshotWrite, SnapshotWritten } from './store.ts';
import { editForObservation, evidenceStampOf, readExport, type StoredVersion } from './versioning.ts';

const SNAPSHOT_BATCH = 5000;
const FACTS_BATCH = 5000;
/** Rows per INSERT … unnest statement. */
const WRITE_BATCH = 10_000;
/** Rows per cursor read. */
export const READ_BATCH = 5000;

const INT8 = 20;
/** bigint columns (instants, counts) as numbers: instants in ms stay far below 2^53. */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** SQLSTATEs of damaged data or indexes (class XX). */
const CORRUPT_STATES = new Set(['XX001', 'XX002']);

export interface PostgresStoreOptions {
  /** Apply missing schema steps on first use (default true). `store check` only looks. */
  migrate?: boolean;
  /** Connections of this process (default 8: a few cursors read at once during an evaluation). */
  poolSize?: number;
}

type Tx = pg.PoolClient;

export class PostgresStore implements MaintainedStore {
  readonly storeKind = 'postgres' as const;
  readonly location: string;
  private readonly pool: pg.Pool;
  private opening: Promise<MigrationResult> | undefined;
  private closed = false;

  constructor(private readonly url: string, private readonly opts: PostgresStoreOptions = {}) {
    this.location = redactDatabaseUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 8, types: PG_TYPES, application_name: 'isms-kpi' });
    // An idle connection dropped by the server must not take the process down; the next query
    // gets a new one.
    this.pool.on('error', () => {});
  }

  /** Connect and migrate (once; a failure is retried by the next call). */
  open(): Promise<MigrationResult> {
    if (this.closed) return Promise.reject(new StoreError(`evidence store ${this.location} is closed`));
    this.opening ??= (async () => {
      const c = await this.connect();
      try {
        if (this.opts.migrate === false) return { from: 0, to: 0, applied: [] };
        return await migratePostgres(c, this.location, () => new Date());
      } finally {
        c.release();
      }
    })().catch((err: unknown) => {
      this.opening = undefined;
      throw this.wrap(err, 'open');
    });
    return this.opening;
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw this.wrap(err, 'connect');
    }
  }

  /**
   * Errors of the driver and the server become a StoreError (retried by the queue) with the URL
   * redacted; anything else thrown inside a store call (a collector's bad input, the shrink
   * guard's refusal) passes unchanged. At open and connect every error is the store's.
   */
  wrap(err: unknown, what: string): Error {
    if (err instanceof StoreError || err instanceof StoreVersionError || err instanceof StoreCorruptError) return err;
    const always = what === 'open' || what === 'connect';
    if (!always && !isDriverError(err)) return err instanceof Error ? err : new Error(String(err));
    const e = err as { message?: string; code?: unknown };
    const message = scrub(`evidence store ${this.location}: ${what}: ${e?.message ?? String(err)}`, this.url);
    if (typeof e?.code === 'string' && CORRUPT_STATES.has(e.code)) {
      return new StoreCorruptError(`${message}. Restore the database from its backup (README, "Backups and restore").`);
    }
    return new StoreError(message);
  }

  /** One statement on the pool. */
  private async query<R extends pg.QueryResultRow>(what: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    await this.open();
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw this.wrap(err, what);
    }
  }

  /** Statements in one transaction on one connection; rolled back on any error. */
  async tx<T>(what: string, fn: (c: Tx) => Promise<T>): Promise<T> {
    await this.open();
    const c = await this.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw this.wrap(err, what);
    } finally {
      c.release(copied.has(c));
    }
  }

  /** Rows of a query through a cursor, `READ_BATCH` at a time, on a connection of its own. */
  async *cursor<R>(what: string, sql: string, params: unknown[], client?: Tx): AsyncGenerator<R[]> {
    await this.open();
    const c = client ?? (await this.connect());
    const cur = c.query(new Cursor<R>(sql, params, { rowMode: 'array', types: PG_TYPES }));
    try {
      for (;;) {
        let rows: R[];
        try {
          rows = await cur.read(READ_BATCH);
        } catch (err) {
          throw this.wrap(err, what);
        }
        if (rows.length === 0) break;
        yield rows;
      }
    } finally {
      await cur.close().catch(() => {});
      if (!client) c.release();
    }
  }

  private async lockSource(c: Tx, source: string): Promise<void> {
    await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE.source, source]);
  }

  async repeatObservation(r: { source: string; kind: RecordKind; observedAt: Date; digest: string }): Promise<number | undefined> {
    const t = r.observedAt.getTime();
    return this.tx(`repeat observation of ${r.source}`, async (c) => {
      await this.lockSource(c, r.source);
      const later = await c.query('SELECT 1 FROM observations WHERE source = $1 AND at > $2 LIMIT 1', [r.source, t]);
      if (later.rows.length > 0) return undefined;
      const newest = (await c.query<{ hash: string; records: number | null }>('SELECT hash, records FROM observations WHERE source = $1 AND at <= $2 ORDER BY at DESC LIMIT 1', [r.source, t])).rows[0];
      if (!newest || newest.hash !== r.digest || newest.records === null) return undefined;
      await c.query(
        `INSERT INTO observations (source, kind, at, hash, records) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (source, at) DO UPDATE SET kind = EXCLUDED.kind, hash = EXCLUDED.hash, records = EXCLUDED.records`,
        [r.source, r.kind, t, r.digest, newest.records],
      );
      return Number(newest.records);
    });
  }

  async setCheckpoint(source: string, name: string, value: string): Promise<void> {
    await this.query('write checkpoint', `INSERT INTO checkpoints (source, name, value) VALUES ($1, $2, $3) ON CONFLICT (source, name) DO UPDATE SET value = EXCLUDED.value`, [source, name, value]);
  }

  async writeSnapshot<K extends RecordKind>(w: SnapshotWrite<K>): Promise<SnapshotWritten> {
    const t = w.observedAt.getTime();
    const { incoming, sortedKeys, digest } = await readExport(w.records);
    return this.tx(`write snapshot of ${w.source}`, async (c) => {
      await this.lockSource(c, w.source);
      const obs = (await c.query<{ at: number; hash: string; records: number | null }>('SELECT at, hash, records FROM observations WHERE source = $1 ORDER BY at', [w.source])).rows;
      const next = obs.find((o) => o.at > t)?.at;
      const prevObs = [...obs].reverse().find((o) => o.at < t);
      const same = obs.find((o) => o.at === t);
      const counts = { added: 0, changed: 0, removed: 0, unchanged: 0, digest };
      if (w.check) {
        const previous = prevObs ? (prevObs.records ?? (await presentAt(c, w.source, prevObs.at))) : 0;
        w.check({ previous, incoming: incoming.size });
      }
      const observe = () =>
        c.query(
          `INSERT INTO observations (source, kind, at, hash, records) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (source, at) DO UPDATE SET kind = EXCLUDED.kind, hash = EXCLUDED.hash, records = EXCLUDED.records`,
          [w.source, w.kind, t, digest, incoming.size],
        );

      // Fast path: the newest observation, identical to the previous one: nothing changed.
      if (next === undefined && (same?.hash === digest || (!same && prevObs?.hash === digest))) {
        counts.unchanged = incoming.size;
        await observe();
        return counts;
      }
      const count = (data: string | null, before: string | null) => {
        if (data !== null && before === null) counts.added++;
        else if (data === null && before !== null) counts.removed++;
        else if (data !== before) counts.changed++;
        else if (data !== null) counts.unchanged++;
      };
      const inserts = new VersionRows();
      if (next === undefined && same === undefined) {
        // The usual case, a new newest observation: compare each key with its latest state only.
        const latest = new Map<string, string | null>();
        if (obs.length > 0) {
          for await (const rows of this.cursor<[string, string | null]>(
            `read ${w.source}`,
            'SELECT DISTINCT ON (key) key, data FROM versions WHERE source = $1 ORDER BY key, at DESC',
            [w.source],
            c,
          )) for (const [key, data] of rows) latest.set(key, data);
        }
        for (const key of sortedKeys) {
          const data = incoming.get(key)!;
          const before = latest.get(key) ?? null;
          count(data, before);
          if (data !== before) inserts.add(key, t, data);
        }
        for (const [key, before] of latest) {
          if (before !== null && !incoming.has(key)) {
            counts.removed++;
            inserts.add(key, t, null);
          }
        }
        // No version of this source is at t yet (no observation is): nothing to conflict with,
        // so the rows go through COPY, the server's fastest path.
        await inserts.copy(c, w.source, w.kind);
      } else {
        // A backfill or a re-collection of a known instant: place it in each key's history.
        const byKey = new Map<string, StoredVersion[]>();
        for await (const rows of this.cursor<[string, number, string | null]>(
          `read ${w.source}`,
          'SELECT key, at, data FROM versions WHERE source = $1 ORDER BY key, at',
          [w.source],
          c,
        )) {
          for (const [key, at, data] of rows) {
            let list = byKey.get(key);
            if (!list) byKey.set(key, (list = []));
            list.push({ at, data });
          }
        }
        const removals = new VersionRows();
        const keys = new Set<string>([...byKey.keys(), ...incoming.keys()]);
        for (const key of keys) {
          const versions = byKey.get(key) ?? [];
          const data = incoming.get(key) ?? null;
          count(data, stateAt(versions, t - 1));
          const edit = editForObservation(key, versions, t, data, next);
          if (!edit) continue;
          for (const at of edit.remove) removals.add(key, at, null);
          for (const v of edit.insert) inserts.add(key, v.at, v.data);
        }
        await removals.remove(c, w.source);
        await inserts.write(c, w.source, w.kind);
      }
      await observe();
      return counts;
    });
  }

  async writeFacts<K extends RecordKind>(w: FactsWrite<K>): Promise<{ inserted: number; merged: number; ignored: number }> {
    const t = w.observedAt.getTime();
    const out = { inserted: 0, merged: 0, ignored: 0 };
    const checkpoints = async (c: Tx) => {
      const entries = Object.entries(w.checkpoints ?? {});
      if (entries.length === 0) return;
      await c.query(
        `INSERT INTO checkpoints (source, name, value) SELECT $1, n, v FROM unnest($2::text[], $3::text[]) AS x(n, v)
         ON CONFLICT (source, name) DO UPDATE SET value = EXCLUDED.value`,
        [w.source, entries.map((e) => e[0]), entries.map((e) => e[1])],
      );
    };

    if (w.merge) {
      const merge = w.merge;
      const all: Keyed<K>[] = [];
      for await (const f of w.facts) all.push(f);
      return this.tx(`write facts of ${w.source}`, async (c) => {
        await this.lockSource(c, w.source);
        const existing = new Map<string, string>();
        const keys = [...new Set(all.map((f) => f.key))];
        for (let i = 0; i < keys.length; i += WRITE_BATCH) {
          const r = await c.query<{ key: string; data: string }>('SELECT key, data FROM facts WHERE source = $1 AND key = ANY($2::text[])', [w.source, keys.slice(i, i + WRITE_BATCH)]);
          for (const row of r.rows) existing.set(row.key, row.data);
        }
        // In the order given, as the SQLite store does: a key repeated in one write merges into
        // what the write already holds for it.
        const result = new Map<string, RecordKinds[K]>();
        for (const f of all) {
          const held = result.get(f.key);
          if (held !== undefined) {
            result.set(f.key, merge(held, f.data));
            out.merged++;
          } else if (existing.has(f.key)) {
            result.set(f.key, merge(JSON.parse(existing.get(f.key)!) as RecordKinds[K], f.data));
            out.merged++;
          } else {
            result.set(f.key, f.data);
            out.inserted++;
          }
        }
        const entries = [...result];
        for (let i = 0; i < entries.length; i += WRITE_BATCH) {
          const part = entries.slice(i, i + WRITE_BATCH);
          await c.query(
            `INSERT INTO facts (source, kind, key, at, data) SELECT $1, $2, k, $3, d FROM unnest($4::text[], $5::text[]) AS x(k, d)
             ON CONFLICT (source, key) DO UPDATE SET data = EXCLUDED.data`,
            [w.source, w.kind, t, part.map((e) => e[0]), part.map((e) => JSON.stringify(e[1]))],
          );
        }
        if (out.merged > 0) {
          await c.query('INSERT INTO merge_revisions (source, rev) VALUES ($1, 1) ON CONFLICT (source) DO UPDATE SET rev = merge_revisions.rev + 1', [w.source]);
        }
        await checkpoints(c);
        return out;
      });
    }

    let batch: Keyed<K>[] = [];
    const flush = async (last: boolean) => {
      const rows = batch;
      batch = [];
      await this.tx(`write facts of ${w.source}`, async (c) => {
        if (rows.length > 0) {
          const r = await c.query(
            `INSERT INTO facts (source, kind, key, at, data) SELECT $1, $2, k, $3, d FROM unnest($4::text[], $5::text[]) AS x(k, d)
             ON CONFLICT (source, key) DO NOTHING`,
            [w.source, w.kind, t, rows.map((f) => f.key), rows.map((f) => JSON.stringify(f.data))],
          );
          out.inserted += r.rowCount ?? 0;
          out.ignored += rows.length - (r.rowCount ?? 0);
        }
        if (last) await checkpoints(c);
      });
    };
    for await (const f of w.facts) {
      batch.push(f);
      if (batch.length >= FACTS_BATCH) await flush(false);
    }
    await flush(true);
    return out;
  }

  async *readSnapshot<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<Versioned<RecordKinds[K]>> {
    for await (const batch of this.readSnapshotBatches(kind, at, sources)) yield* batch;
  }

  async *readSnapshotBatches<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<Versioned<RecordKinds[K]>[]> {
    const t = at.getTime();
    const ofKind = (await this.snapshotSources(kind)).filter((s) => !sources || sources.includes(s));
    const iso = new Map<number, string>();
    const isoOf = (ms: number) => {
      let v = iso.get(ms);
      if (v === undefined) iso.set(ms, (v = new Date(ms).toISOString()));
      return v;
    };
    let batch: Versioned<RecordKinds[K]>[] = [];
    for (const source of ofKind) {
      let cur: Versioned<RecordKinds[K]> | undefined;
      for await (const rows of this.cursor<[string, number, string | null]>(
        `read ${source}`,
        'SELECT key, at, data FROM versions WHERE source = $1 AND at <= $2 ORDER BY key, at',
        [source, t],
      )) {
        for (const [key, ms, json] of rows) {
          if (!cur || cur.key !== key) {
            if (cur && cur.versions.length > 0) batch.push(cur);
            cur = { source, key, current: null, versions: [] };
          }
          const data = json === null ? null : (JSON.parse(json) as RecordKinds[K]);
          if (cur.versions.length === 0 && data === null) continue;
          cur.versions.push({ at: isoOf(ms), data });
          cur.current = data;
        }
        if (batch.length >= SNAPSHOT_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (cur && cur.versions.length > 0) batch.push(cur);
    }
    if (batch.length > 0) yield batch;
  }

  async snapshotSources(kind: RecordKind): Promise<string[]> {
    const r = await this.query<{ source: string }>('sources', 'SELECT DISTINCT source FROM observations WHERE kind = $1 ORDER BY source', [kind]);
    return r.rows.map((x) => x.source);
  }

  async *readFacts<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<FactRow<K>> {
    const sql = sources
      ? 'SELECT source, key, at, data FROM facts WHERE kind = $1 AND at <= $2 AND source = ANY($3::text[]) ORDER BY at, source, key'
      : 'SELECT source, key, at, data FROM facts WHERE kind = $1 AND at <= $2 ORDER BY at, source, key';
    const params: unknown[] = sources ? [kind, at.getTime(), [...sources]] : [kind, at.getTime()];
    for await (const rows of this.cursor<[string, string, number, string]>(`read ${kind} facts`, sql, params)) {
      for (const [source, key, ms, data] of rows) {
        yield { source, key, observedAt: new Date(ms).toISOString(), data: JSON.parse(data) as RecordKinds[K] };
      }
    }
  }

  async getCheckpoint(source: string, name: string): Promise<string | undefined> {
    const r = await this.query<{ value: string }>('read checkpoint', 'SELECT value FROM checkpoints WHERE source = $1 AND name = $2', [source, name]);
    return r.rows[0]?.value;
  }

  async observations(source: string): Promise<string[]> {
    const r = await this.query<{ at: number }>('read observations', 'SELECT at FROM observations WHERE source = $1 ORDER BY at', [source]);
    return r.rows.map((x) => new Date(x.at).toISOString());
  }

  async recordRun(run: RunRecord): Promise<void> {
    await this.query('record run', 'INSERT INTO runs (source, result, finished_at, body) VALUES ($1, $2, $3, $4)', [run.source, run.result, run.finishedAt, JSON.stringify(run)]);
  }

  async runs(opts: { source?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const limit = opts.limit ?? 50;
    const r = opts.source
      ? await this.query<{ body: string }>('read runs', 'SELECT body FROM runs WHERE source = $1 ORDER BY id DESC LIMIT $2', [opts.source, limit])
      : await this.query<{ body: string }>('read runs', 'SELECT body FROM runs ORDER BY id DESC LIMIT $1', [limit]);
    return r.rows.map((x) => JSON.parse(x.body) as RunRecord);
  }

  async lastSuccess(): Promise<Record<string, string>> {
    const r = await this.query<{ source: string; at: string }>('read runs', "SELECT source, MAX(finished_at) AS at FROM runs WHERE result IN ('success', 'partial') GROUP BY source");
    return Object.fromEntries(r.rows.map((x) => [x.source, x.at]));
  }

  async evidenceStamp(source: string, at: Date): Promise<string> {
    const t = at.getTime();
    const obs = await this.query<{ at: number; hash: string }>('read observations', 'SELECT at, hash FROM observations WHERE source = $1 AND at <= $2 ORDER BY at', [source, t]);
    const f = await this.query<{ n: number; last: number | null }>('read facts', 'SELECT COUNT(*) AS n, MAX(at) AS last FROM facts WHERE source = $1 AND at <= $2', [source, t]);
    const rev = await this.query<{ rev: number }>('read merge revision', 'SELECT rev FROM merge_revisions WHERE source = $1', [source]);
    return evidenceStampOf(obs.rows.map((o) => [o.at, o.hash] as const), f.rows[0]!.n, f.rows[0]!.last, rev.rows[0]?.rev ?? 0, (await this.newestRunObservedAt(source, at)) ?? null);
  }

  async newestRunObservedAt(source: string, at: Date): Promise<string | undefined> {
    const run = await this.query<{ at: string | null }>('read runs', "SELECT MAX(body::json ->> 'observedAt') AS at FROM runs WHERE source = $1 AND result <> 'failure' AND (body::json ->> 'observedAt') <= $2", [source, at.toISOString()]);
    return run.rows[0]?.at ?? undefined;
  }

  async cacheGet(namespace: string, key: string): Promise<string | undefined> {
    const r = await this.query<{ value: string }>('read cache', 'SELECT value FROM cache WHERE namespace = $1 AND key = $2', [namespace, key]);
    return r.rows[0]?.value;
  }

  async cachePut(namespace: string, key: string, value: string): Promise<void> {
    await this.query('write cache', 'INSERT INTO cache (namespace, key, value) VALUES ($1, $2, $3) ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value', [namespace, key, value]);
  }

  async migrate(): Promise<MigrationResult> {
    const opened = await this.open();
    if (this.opts.migrate !== false) return opened;
    const c = await this.connect();
    try {
      return await migratePostgres(c, this.location, () => new Date());
    } catch (err) {
      throw this.wrap(err, 'migrate');
    } finally {
      c.release();
    }
  }

  async check(knownKinds?: readonly string[]): Promise<StoreCheckReport> {
    await this.open();
    const c = await this.connect();
    try {
      return await postgresCheck(c, this.location, knownKinds);
    } catch (err) {
      throw this.wrap(err, 'check');
    } finally {
      c.release();
    }
  }

  async prune(cutoff: Date): Promise<PruneReport> {
    return this.tx('prune', (c) => postgresPrune(this, c, cutoff.getTime()));
  }

  async *exportRows(): AsyncIterable<ArchiveRow> {
    await this.open();
    const c = await this.connect();
    try {
      // One snapshot of the whole database for the archive, however long the export takes.
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      yield* postgresExport(this, c);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw this.wrap(err, 'export');
    } finally {
      c.release();
    }
  }

  async importRows(rows: AsyncIterable<ArchiveRow>): Promise<Record<ArchiveRowType, number>> {
    return this.tx('import', (c) => postgresImport(c, rows, this.location));
  }

  async isEmpty(): Promise<boolean> {
    await this.open();
    const c = await this.connect();
    try {
      return await postgresIsEmpty(c);
    } catch (err) {
      throw this.wrap(err, 'read');
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.opening?.catch(() => {});
    await this.pool.end();
  }
}

/** Raised by pg or the socket under it (not by code running inside a store call). */
function isDriverError(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return true;
  const e = err as { syscall?: unknown; message?: unknown } | null;
  if (typeof e?.syscall === 'string') return true;
  return typeof e?.message === 'string' && /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection timed out|SASL: |The server does not support SSL)/.test(e.message);
}

/** Version rows gathered for one statement per WRITE_BATCH. */
class VersionRows {
  keys: string[] = [];
  ats: number[] = [];
  datas: (string | null)[] = [];
  add(key: string, at: number, data: string | null): void {
    this.keys.push(key);
    this.ats.push(at);
    this.datas.push(data);
  }
  async write(c: Tx, source: string, kind: string): Promise<void> {
    for (let i = 0; i < this.keys.length; i += WRITE_BATCH) {
      await c.query(
        `INSERT INTO versions (source, kind, key, at, data)
         SELECT $1, $2, k, a, d FROM unnest($3::text[], $4::bigint[], $5::text[]) AS x(k, a, d)
         ON CONFLICT (source, key, at) DO UPDATE SET kind = EXCLUDED.kind, data = EXCLUDED.data`,
        [source, kind, this.keys.slice(i, i + WRITE_BATCH), this.ats.slice(i, i + WRITE_BATCH), this.datas.slice(i, i + WRITE_BATCH)],
      );
    }
  }
  /**
   * The rows through `COPY … FROM STDIN` (text format, about 1 MB a chunk): for rows that cannot
   * conflict with stored ones. Unlike arrays for unnest, nothing needs quoting but the rare
   * backslash or control character, which keeps a 100,000-record export from producing hundreds
   * of megabytes of escaped copies.
   */
  async copy(c: Tx, source: string, kind: string): Promise<void> {
    if (this.keys.length === 0) return;
    const { keys, ats, datas } = this;
    const head = `${copyText(source)}\t${copyText(kind)}\t`;
    function* chunks(): Generator<string> {
      let chunk = '';
      for (let i = 0; i < keys.length; i++) {
        const d = datas[i];
        chunk += `${head}${copyText(keys[i]!)}\t${ats[i]}\t${d === null || d === undefined ? '\\N' : copyText(d)}\n`;
        if (chunk.length >= 1 << 20) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk !== '') yield chunk;
    }
    await pipeline(Readable.from(chunks()), c.query(copyFrom('COPY versions (source, kind, key, at, data) FROM STDIN')));
    copied.add(c);
  }

  async remove(c: Tx, source: string): Promise<void> {
    for (let i = 0; i < this.keys.length; i += WRITE_BATCH) {
      await c.query(
        'DELETE FROM versions v USING unnest($2::text[], $3::bigint[]) AS x(k, a) WHERE v.source = $1 AND v.key = x.k AND v.at = x.a',
        [source, this.keys.slice(i, i + WRITE_BATCH), this.ats.slice(i, i + WRITE_BATCH)],
      );
    }
  }
}

/**
 * Connections that ran a COPY are closed when their transaction ends, not returned to the pool:
 * measured on the core benchmark, cursor reads on a connection that had streamed a large COPY
 * held about 550 MB more at their peak than the same reads on a fresh one (1.28 GB against
 * 0.71 GB of RSS). A new connection costs a few milliseconds; a COPY writes a whole export.
 */
const copied = new WeakSet<Tx>();

const COPY_SPECIAL = /[\\\u0000-\u001f]/;

/** A value in COPY's text format: backslash, tab, line breaks and other controls escaped. */
function copyText(v: string): string {
  if (!COPY_SPECIAL.test(v)) return v;
  return v.replace(/[\\\u0000-\u001f]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Keys present (non-null) in a source's history as of t. */
async function presentAt(c: Tx, source: string, t: number): Promise<number> {
  const r = await c.query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM (
       SELECT DISTINCT ON (key) data FROM versions WHERE source = $1 AND at <= $2 ORDER BY key, at DESC
     ) latest WHERE data IS NOT NULL`,
    [source, t],
  );
  return r.rows[0]!.n;
}

function stateAt(versions: readonly StoredVersion[], t: number): string | null {
  let s: string | null = null;
  for (const v of versions) {
    if (v.at <= t) s = v.data;
    else break;
  }
  return s;
}
