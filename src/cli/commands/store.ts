/**
 * `isms-kpi store migrate | check | prune | export | import`: the evidence store's upkeep, on
 * whichever store the config selects (PostgreSQL with its URL set, else SQLite in the data
 * directory). The database URL is never printed: the store names itself redacted.
 */
import { SOURCE_KINDS } from '../../collectors/all.ts';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/types.ts';
import { IsmsError, UsageError } from '../../errors.ts';
import { archiveLines, linesOf, readArchive } from '../../evidence/archive.ts';
import type { MaintainedStore, StoreCheckReport } from '../../evidence/maintenance.ts';
import { parseRetention, windowStart } from '../../evidence/retention.ts';
import { sqliteFileIn } from '../../evidence/sqlite-store.ts';
import { pruneCutoff } from '../../kpi/lookback.ts';
import { openEvidenceStore, type OpenStoreOptions } from '../app.ts';
import { table } from '../format.ts';
import { parseInstant } from '../time.ts';
import type { GlobalOptions } from './options.ts';

async function withStore<T>(opts: GlobalOptions, storeOpts: OpenStoreOptions, fn: (store: MaintainedStore, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(opts.config);
  const store = openEvidenceStore(config, storeOpts);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export async function storeMigrateCommand(opts: GlobalOptions): Promise<number> {
  return withStore(opts, { migrate: false }, async (store) => {
    const r = await store.migrate();
    if (r.applied.length === 0) process.stdout.write(`${store.location}: schema version ${r.to}, up to date\n`);
    else {
      process.stdout.write(`${store.location}: schema version ${r.from} → ${r.to}\n`);
      for (const s of r.applied) process.stdout.write(`  applied ${s.version}: ${s.name}\n`);
    }
    return 0;
  });
}

export async function storeCheckCommand(opts: GlobalOptions & { format?: string }): Promise<number> {
  const config = loadConfig(opts.config);
  let report: StoreCheckReport;
  if (!config.env.databaseUrl && !existsSync(sqliteFileIn(config.dataDir))) {
    throw new UsageError(`no evidence store at ${sqliteFileIn(config.dataDir)} (nothing collected yet, or storage.dataDir points elsewhere)`);
  }
  let store: MaintainedStore | undefined;
  try {
    store = openEvidenceStore(config, { migrate: false, verify: false, mustExist: true });
    report = await store.check(knownRecordKinds());
  } catch (err) {
    // A file too damaged to open is the check's finding, not a crash.
    if (!(err instanceof IsmsError && err.code === 'STORE_CORRUPT')) throw err;
    report = {
      store: 'sqlite', location: sqliteFileIn(config.dataDir), ok: false, integrity: [err.message],
      schemaVersion: 0, latestSchemaVersion: 0, tables: {}, sources: [],
    };
  } finally {
    await store?.close();
  }
  if (opts.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatCheck(report));
  return report.ok ? 0 : 1;
}

export function formatCheck(r: StoreCheckReport): string {
  const out: string[] = [];
  out.push(`evidence store: ${r.store} ${r.location}`);
  out.push(`integrity:      ${r.integrity.length === 1 && r.integrity[0] === 'ok' ? 'ok' : 'PROBLEMS'}`);
  if (!(r.integrity.length === 1 && r.integrity[0] === 'ok')) for (const p of r.integrity) out.push(`  - ${p}`);
  const v = r.schemaVersion === r.latestSchemaVersion
    ? `${r.schemaVersion} (current)`
    : r.schemaVersion < r.latestSchemaVersion
      ? `${r.schemaVersion} of ${r.latestSchemaVersion}: run \`isms-kpi store migrate\` (any command also migrates at start)`
      : `${r.schemaVersion}, newer than this isms-kpi (${r.latestSchemaVersion}): upgrade isms-kpi`;
  out.push(`schema version: ${v}`);
  if (Object.keys(r.tables).length > 0) {
    out.push('', table(['table', 'rows'], Object.entries(r.tables).map(([t, n]) => [t, String(n)])).trimEnd());
  }
  if (r.sources.length > 0) {
    out.push('', table(
      ['source', 'kind', 'observations', 'versions', 'facts', 'runs', 'last observed'],
      r.sources.map((s) => [s.source, s.kind, String(s.observations), String(s.versions), String(s.facts), String(s.runs), s.lastObservedAt ?? '']),
    ).trimEnd());
  }
  return `${out.join('\n')}\n`;
}

export async function storePruneCommand(opts: GlobalOptions & { now?: string }): Promise<number> {
  return withStore(opts, {}, async (store, config) => {
    const text = config.storage.retention;
    if (!text) throw new UsageError(`store prune: set storage.retention (e.g. 7y) in ${config.file}; without it nothing is pruned`);
    const retention = parseRetention(text);
    if (!retention) throw new UsageError(`storage.retention: expected a duration such as 7y, 18m or 400d, got "${text}"`);
    const now = parseInstant('--now', opts.now, () => new Date());
    const start = windowStart(retention, now);
    const cutoff = pruneCutoff(start, config.objectives);
    const r = await store.prune(cutoff);
    process.stdout.write(
      `${store.location}: retention ${text} (window from ${start.toISOString()}); history before ${r.cutoff} pruned: ` +
        `${r.versions} versions, ${r.observations} observations, ${r.facts} facts, ${r.runs} runs, ${r.cache} cached results\n`,
    );
    return 0;
  });
}

export async function storeExportCommand(opts: GlobalOptions & { output?: string }): Promise<number> {
  return withStore(opts, {}, async (store) => {
    const check = await store.check(knownRecordKinds());
    const lines = archiveLines({ store: store.storeKind, schemaVersion: check.schemaVersion, exportedAt: new Date().toISOString() }, store.exportRows());
    const text = Readable.from((async function* () {
      for await (const l of lines) yield `${l}\n`;
    })());
    const file = opts.output ?? '-';
    if (file === '-') {
      for await (const chunk of text) if (!process.stdout.write(chunk as string)) await once(process.stdout, 'drain');
    } else if (file.endsWith('.gz')) {
      await pipeline(text, createGzip(), createWriteStream(file));
    } else {
      await pipeline(text, createWriteStream(file));
    }
    if (file !== '-') process.stderr.write(`${store.location}: exported to ${file}\n`);
    return 0;
  });
}

export async function storeImportCommand(file: string, opts: GlobalOptions): Promise<number> {
  if (!existsSync(file)) throw new UsageError(`store import: no file ${file}`);
  return withStore(opts, {}, async (store) => {
    const input = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
    const counts = await store.importRows(readArchive(linesOf(input), file));
    process.stdout.write(`${store.location}: imported ${Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(', ')}\n`);
    return 0;
  });
}

/** The record kinds this build's source kinds write: anything else in a store is reported. */
function knownRecordKinds(): string[] {
  return [...new Set(SOURCE_KINDS.map((d) => d.records))];
}
