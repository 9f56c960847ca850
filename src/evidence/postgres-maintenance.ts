/** `store check`, `prune`, `export` and `import` on the PostgreSQL store (see maintenance.ts). */
import type pg from 'pg';
import { StoreError } from '../errors.ts';
import { zeroCounts, type ArchiveRow, type ArchiveRowType, type PruneReport, type StoreCheckReport } from './maintenance.ts';
import { POSTGRES_SCHEMA_VERSION, postgresVersion } from './postgres-schema.ts';
import { prunableVersions } from './retention.ts';
import { COUNT_QUERIES, KINDS_QUERY, LOGICAL_CHECKS, sourceCounts, STORE_TABLES, unknownKinds } from './store-report.ts';

type Tx = pg.PoolClient;

/** What these functions need of the store: its cursors. */
interface CursorSource {
  cursor<R>(what: string, sql: string, params: unknown[], client?: Tx): AsyncGenerator<R[]>;
}

async function existingTables(c: Tx): Promise<Set<string>> {
  const r = await c.query<{ t: string }>('SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()');
  return new Set(r.rows.map((x) => x.t));
}

export async function postgresCheck(c: Tx, location: string, knownKinds?: readonly string[]): Promise<StoreCheckReport> {
  const integrity: string[] = [];
  const version = await postgresVersion(c);
  const present = await existingTables(c);
  const tables: Record<string, number> = {};
  for (const t of STORE_TABLES) if (present.has(t)) tables[t] = Number((await c.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`)).rows[0]!.n);
  const core = ['observations', 'versions', 'facts', 'runs'];
  const complete = core.every((t) => present.has(t));
  if (complete) {
    for (const rule of LOGICAL_CHECKS) {
      const n = Number((await c.query<{ n: number }>(rule.sql)).rows[0]!.n);
      if (n > 0) integrity.push(`${rule.rule}: ${n}`);
    }
    const odd = unknownKinds((await c.query<{ kind: string }>(KINDS_QUERY)).rows.map((r) => r.kind), knownKinds);
    if (odd.length > 0) integrity.push(`unknown record kinds: ${odd.join(', ')}`);
  } else {
    integrity.push(`tables missing: ${core.filter((t) => !present.has(t)).join(', ')}`);
  }
  const rows = async (sql: string) => (await c.query(sql)).rows as never;
  const sources = complete
    ? sourceCounts({
        observations: await rows(COUNT_QUERIES.observations),
        versions: await rows(COUNT_QUERIES.versions),
        facts: await rows(COUNT_QUERIES.facts),
        runs: await rows(COUNT_QUERIES.runs),
      })
    : [];
  return {
    store: 'postgres',
    location,
    ok: integrity.length === 0 && version === POSTGRES_SCHEMA_VERSION,
    integrity: integrity.length === 0 ? ['ok'] : integrity,
    schemaVersion: version,
    latestSchemaVersion: POSTGRES_SCHEMA_VERSION,
    tables,
    sources,
  };
}

/** The same pruning as the SQLite store's, in the caller's transaction. */
export async function postgresPrune(store: CursorSource, c: Tx, cutoff: number): Promise<PruneReport> {
  const report: PruneReport = { cutoff: new Date(cutoff).toISOString(), versions: 0, observations: 0, facts: 0, runs: 0, cache: 0 };
  const sources = (await c.query<{ source: string }>('SELECT DISTINCT source FROM observations ORDER BY source')).rows.map((r) => r.source);
  for (const source of sources) {
    const doomedKeys: string[] = [];
    const doomedAts: number[] = [];
    const kept = new Set<number>();
    let key: string | undefined;
    let versions: { at: number; data: string | null }[] = [];
    const flush = () => {
      const gone = new Set(prunableVersions(versions, cutoff));
      for (const v of versions) {
        if (gone.has(v.at)) {
          doomedKeys.push(key!);
          doomedAts.push(v.at);
        } else kept.add(v.at);
      }
      versions = [];
    };
    for await (const rows of store.cursor<[string, number, boolean]>('prune', 'SELECT key, at, data IS NULL FROM versions WHERE source = $1 ORDER BY key, at', [source], c)) {
      for (const [k, at, isNull] of rows) {
        if (k !== key) {
          if (key !== undefined) flush();
          key = k;
        }
        versions.push({ at, data: isNull ? null : '' });
      }
    }
    if (key !== undefined) flush();
    for (let i = 0; i < doomedKeys.length; i += 10_000) {
      const r = await c.query(
        'DELETE FROM versions v USING unnest($2::text[], $3::bigint[]) AS x(k, a) WHERE v.source = $1 AND v.key = x.k AND v.at = x.a',
        [source, doomedKeys.slice(i, i + 10_000), doomedAts.slice(i, i + 10_000)],
      );
      report.versions += r.rowCount ?? 0;
    }
    const instants = (await c.query<{ at: number }>('SELECT at FROM observations WHERE source = $1 ORDER BY at', [source])).rows.map((r) => r.at);
    const newest = instants.filter((a) => a <= cutoff).pop();
    const gone = newest === undefined ? [] : instants.filter((a) => a < newest && !kept.has(a));
    if (gone.length > 0) {
      const r = await c.query('DELETE FROM observations WHERE source = $1 AND at = ANY($2::bigint[])', [source, gone]);
      report.observations += r.rowCount ?? 0;
    }
  }
  report.facts = (await c.query('DELETE FROM facts WHERE at < $1', [cutoff])).rowCount ?? 0;
  report.runs =
    (
      await c.query(
        `DELETE FROM runs WHERE finished_at < $1
           AND id NOT IN (SELECT MAX(id) FROM runs GROUP BY source)
           AND id NOT IN (SELECT MAX(id) FROM runs WHERE result IN ('success', 'partial') GROUP BY source)`,
        [new Date(cutoff).toISOString()],
      )
    ).rowCount ?? 0;
  report.cache = (await c.query('DELETE FROM cache')).rowCount ?? 0;
  return report;
}

const EXPORTS: { t: ArchiveRowType; sql: string; cols: string[] }[] = [
  { t: 'observation', sql: 'SELECT source, kind, at, hash, records FROM observations ORDER BY source, at', cols: ['source', 'kind', 'at', 'hash', 'records'] },
  { t: 'version', sql: 'SELECT source, kind, key, at, data FROM versions ORDER BY source, key, at', cols: ['source', 'kind', 'key', 'at', 'data'] },
  { t: 'fact', sql: 'SELECT source, kind, key, at, data FROM facts ORDER BY source, key', cols: ['source', 'kind', 'key', 'at', 'data'] },
  { t: 'checkpoint', sql: 'SELECT source, name, value FROM checkpoints ORDER BY source, name', cols: ['source', 'name', 'value'] },
  { t: 'run', sql: 'SELECT source, result, finished_at, body FROM runs ORDER BY id', cols: ['source', 'result', 'finishedAt', 'body'] },
  { t: 'merge-revision', sql: 'SELECT source, rev FROM merge_revisions ORDER BY source', cols: ['source', 'rev'] },
  { t: 'cache', sql: 'SELECT namespace, key, value FROM cache ORDER BY namespace, key', cols: ['namespace', 'key', 'value'] },
];

export async function* postgresExport(store: CursorSource, c: Tx): AsyncGenerator<ArchiveRow> {
  for (const e of EXPORTS) {
    for await (const rows of store.cursor<unknown[]>('export', e.sql, [], c)) {
      for (const row of rows) {
        const out: Record<string, unknown> = { t: e.t };
        e.cols.forEach((col, i) => (out[col] = row[i]));
        yield out as ArchiveRow;
      }
    }
  }
}

export async function postgresIsEmpty(c: Tx): Promise<boolean> {
  for (const t of ['observations', 'versions', 'facts', 'checkpoints', 'runs']) {
    if ((await c.query(`SELECT 1 FROM ${t} LIMIT 1`)).rows.length > 0) return false;
  }
  return true;
}

const IMPORTS: Record<ArchiveRowType, { sql: string; cols: string[]; types: string[] }> = {
  observation: { sql: 'observations (source, kind, at, hash, records)', cols: ['source', 'kind', 'at', 'hash', 'records'], types: ['text', 'text', 'bigint', 'text', 'integer'] },
  version: { sql: 'versions (source, kind, key, at, data)', cols: ['source', 'kind', 'key', 'at', 'data'], types: ['text', 'text', 'text', 'bigint', 'text'] },
  fact: { sql: 'facts (source, kind, key, at, data)', cols: ['source', 'kind', 'key', 'at', 'data'], types: ['text', 'text', 'text', 'bigint', 'text'] },
  checkpoint: { sql: 'checkpoints (source, name, value)', cols: ['source', 'name', 'value'], types: ['text', 'text', 'text'] },
  run: { sql: 'runs (source, result, finished_at, body)', cols: ['source', 'result', 'finishedAt', 'body'], types: ['text', 'text', 'text', 'text'] },
  'merge-revision': { sql: 'merge_revisions (source, rev)', cols: ['source', 'rev'], types: ['text', 'bigint'] },
  cache: { sql: 'cache (namespace, key, value)', cols: ['namespace', 'key', 'value'], types: ['text', 'text', 'text'] },
};

/** Import into an empty store, in the caller's transaction, a few thousand rows per statement. */
export async function postgresImport(c: Tx, rows: AsyncIterable<ArchiveRow>, location: string): Promise<Record<ArchiveRowType, number>> {
  if (!(await postgresIsEmpty(c))) throw new StoreError(`cannot import into ${location}: it already holds evidence (import only into a new, empty store)`);
  const counts = zeroCounts();
  let type: ArchiveRowType | undefined;
  let columns: unknown[][] = [];
  const flush = async () => {
    if (!type || columns.length === 0 || columns[0]!.length === 0) return;
    const spec = IMPORTS[type];
    const args = spec.types.map((ty, i) => `$${i + 1}::${ty}[]`).join(', ');
    // Runs keep their order: unnest WITH ORDINALITY, inserted in that order, numbers them anew.
    await c.query(`INSERT INTO ${spec.sql} SELECT ${spec.cols.map((_, i) => `c${i}`).join(', ')} FROM unnest(${args}) WITH ORDINALITY AS x(${spec.cols.map((_, i) => `c${i}`).join(', ')}, n) ORDER BY n`, columns);
    counts[type] += columns[0]!.length;
    columns = [];
  };
  for await (const row of rows) {
    if (row.t !== type || (columns[0]?.length ?? 0) >= 5000) {
      await flush();
      type = row.t;
      columns = IMPORTS[type].cols.map(() => []);
    }
    const values = row as unknown as Record<string, unknown>;
    IMPORTS[type].cols.forEach((col, i) => columns[i]!.push(values[col]));
  }
  await flush();
  // Runs were numbered anew: the sequence continues after them.
  await c.query("SELECT setval(pg_get_serial_sequence('runs', 'id'), COALESCE((SELECT MAX(id) FROM runs), 0) + 1, false)");
  return counts;
}
