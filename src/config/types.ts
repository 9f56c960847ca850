import type { PerformanceSource } from '../evidence/performances.ts';
import type { RecordKind } from '../evidence/records.ts';
import type { IdentityConfig, ObjectiveConfig, OrganisationConfig, ReportConfig, alertingSchema, httpSchema, storageSchema } from './fields.ts';
import type { SourceConfig } from './source-kinds.ts';
import type { z } from 'zod';

export type { IdentityConfig, MeasurementConfig, ObjectiveConfig, OrganisationConfig, ReportConfig, ReportFormat } from './fields.ts';
export type { SourceConfig, SourceKind, SourceOf } from './source-kinds.ts';

/**
 * The parsed config file (defaults filled in, objectives' targets and directions taken from
 * their KPI where the file gives none). Written out here rather than inferred from schema.ts,
 * so that collectors and KPIs can name it without importing every source kind and KPI.
 */
export interface ParsedConfig {
  organisation: OrganisationConfig;
  identity: IdentityConfig;
  sources: SourceConfig[];
  objectives: ObjectiveConfig[];
  storage: z.output<typeof storageSchema>;
  http: z.output<typeof httpSchema>;
  alerting: z.output<typeof alertingSchema>;
  reports: ReportConfig[];
  /** The record kind each source writes, by source id (from its kind's descriptor). */
  sourceRecordKinds: Readonly<Record<string, RecordKind>>;
  /**
   * For each source whose kind's records are dated performances of a recurring activity (its
   * descriptor's `performances`), how to read and date them; other sources are absent.
   */
  sourcePerformances: Readonly<Record<string, PerformanceSource>>;
}

/** Values read from the environment once, at load time; nothing else reads process.env. */
export interface RuntimeEnv {
  /** Switches the job layer to BullMQ. */
  redisUrl?: string;
  /** The default cluster URL of Elasticsearch sources (`urlEnv`). */
  elasticsearchUrl?: string;
  /**
   * The PostgreSQL evidence store's URL (from `storage.postgres.urlEnv`, default DATABASE_URL):
   * set, the evidence lives there instead of the data directory's SQLite file. A secret: never
   * printed (see evidence/postgres-url.ts).
   */
  databaseUrl?: string;
  /** The variable databaseUrl was read from, for messages. */
  databaseUrlEnv?: string;
  /** Bearer token required on /metrics when set (ISMS_METRICS_TOKEN). */
  metricsToken?: string;
  /** Key of the keyed hash used to pseudonymise identifiers (ISMS_PSEUDONYM_KEY). */
  pseudonymKey?: string;
  /** Every other variable a source or webhook names (`urlEnv`, `apiKeyEnv`, …), by name. */
  secrets: Readonly<Record<string, string>>;
}

/** A validated, frozen config with where it came from. */
export interface Config extends ParsedConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  /** Directory relative paths in the file are resolved against. */
  readonly baseDir: string;
  /** Absolute data directory of the local store. */
  readonly dataDir: string;
  readonly env: RuntimeEnv;
}
