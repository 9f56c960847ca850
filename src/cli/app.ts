/**
 * The composition root: builds the objects a command needs from the config, once. Commands call
 * this and nothing else constructs stores, loggers or drivers.
 */
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../collectors/types.ts';
import type { MaintainedStore } from '../evidence/maintenance.ts';
import { noStore } from '../evidence/no-store.ts';
import { PostgresStore } from '../evidence/postgres-store.ts';
import { SqliteStore } from '../evidence/sqlite-store.ts';
import type { EvidenceStore } from '../evidence/store.ts';
import type { JobDeps } from '../jobs/run-collection.ts';
import { createLogger, type LogLevel } from '../log.ts';
import { IsmsMetrics } from '../metrics/isms-metrics.ts';

export interface App {
  config: Config;
  store: EvidenceStore;
  log: Logger;
  metrics: IsmsMetrics;
  deps: JobDeps;
  close(): Promise<void>;
}

export interface AppOptions {
  configFile: string;
  logLevel?: LogLevel;
  /** Progress callback for terminals. */
  progress?: JobDeps['progress'];
  /** Open the evidence store in the data directory (default). False: a process without one, whose every store call fails (`worker --shards-only`). */
  store?: boolean;
}

export interface OpenStoreOptions {
  /** Apply missing schema steps at open (default true; `store check` and `store migrate` say false). */
  migrate?: boolean;
  /** SQLite: check the file at open (default true; `store check` runs the full check itself). */
  verify?: boolean;
  /** SQLite: refuse a missing file instead of creating it. */
  mustExist?: boolean;
}

/**
 * The evidence store the config asks for: PostgreSQL when its URL is set (`storage.postgres.urlEnv`,
 * default DATABASE_URL), else SQLite in the data directory. Any process on any host can then
 * share the same PostgreSQL; the SQLite file is for one host.
 */
export function openEvidenceStore(config: Config, opts: OpenStoreOptions = {}): MaintainedStore {
  if (config.env.databaseUrl) return new PostgresStore(config.env.databaseUrl, { migrate: opts.migrate });
  return SqliteStore.inDataDir(config.dataDir, opts);
}

export function createApp(opts: AppOptions): App {
  const config = loadConfig(opts.configFile);
  const log = createLogger(opts.logLevel ?? 'info');
  const store = opts.store === false ? noStore('a worker for shards only') : openEvidenceStore(config);
  const metrics = new IsmsMetrics({
    objectives: config.objectives,
    sourceIds: config.sources.map((s) => s.id),
    timeZone: config.organisation.timeZone,
  });
  const deps: JobDeps = { config, store, log, metrics, progress: opts.progress };
  return { config, store, log, metrics, deps, close: () => store.close() };
}
