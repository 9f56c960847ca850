import type { Config } from '../config/types.ts';
import type { SourceKind, SourceOf } from '../config/source-kinds.ts';
import type { Keyed, RecordKind, RecordKinds } from '../evidence/records.ts';
import type { EvidenceStore, FailedFile, Rejection } from '../evidence/store.ts';

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/** Figures a run keeps beside its records (API sources: requests made, seconds waited for rate limits). */
export type RunCounter = 'apiRequests' | 'rateLimitWaitSeconds';

export interface CollectContext {
  config: Config;
  /** The instant the evidence is of: now, or `collect --observed-at`. */
  observedAt: Date;
  /** For reading checkpoints (offsets) of accumulating sources. */
  store: EvidenceStore;
  /** Report one bad record; the run goes on. */
  reject(r: Rejection): void;
  /** Progress for a terminal (records or bytes done, and the total when known). */
  progress(done: number, total?: number): void;
  log: Logger;
  signal?: AbortSignal;
  /** Add to one of the run's counters (kept on the run record and exported as metrics). */
  count?(name: RunCounter, n: number): void;
}

/** A full export: every record, the store keeps only changes. */
export interface SnapshotOutput<K extends RecordKind> {
  type: 'snapshot';
  records: AsyncIterable<Keyed<K>>;
}

/** New facts of an accumulating source, with the checkpoints that make the next run incremental. */
export interface FactsOutput<K extends RecordKind> {
  type: 'facts';
  /** May stream when there is no `merge` (see FactsWrite.facts): memory then stays flat. */
  facts: Iterable<Keyed<K>> | AsyncIterable<Keyed<K>>;
  merge?: (existing: RecordKinds[K], incoming: RecordKinds[K]) => RecordKinds[K];
  checkpoints?: Record<string, string>;
  /**
   * Input files that could not be read while the others were (a corrupt rotated `.gz`): the run
   * is recorded as `partial` with them; nothing of theirs is in `facts`, and the checkpoints
   * leave them to be read again.
   */
  failedFiles?: FailedFile[];
}

export type CollectOutput<K extends RecordKind> = SnapshotOutput<K> | FactsOutput<K>;

/** A unit of a sharded source (a file, a byte range, a time slice, a mail folder). JSON-serialisable. */
export interface ShardSpec {
  id: string;
  [k: string]: unknown;
}

/** What `collect SOURCE --check` reports: who the credentials are, what they may do, how much they see. */
export interface CheckResult {
  /** The identity the API knows the credentials as (an admin's login, a client id, a service account). */
  principal: string;
  /** Granted scopes, roles or functions (as the API reports them). */
  scopes: string[];
  /** How many items the credentials see (`more`: at least this many, one page was read). */
  visible: number;
  more?: boolean;
  /** What `visible` counts: users, campaigns, or enrolments (of the course `within`). */
  what: 'users' | 'campaigns' | 'enrolments';
  within?: string;
}

/**
 * A collector: a small versioned contract. Parsing one raw item is a pure function beside it,
 * testable on bytes; `collect` is the I/O shell around it.
 */
export interface Collector<S extends SourceKind = SourceKind, K extends RecordKind = RecordKind> {
  readonly sourceKind: S;
  readonly recordKind: K;
  collect(source: SourceOf<S>, ctx: CollectContext): Promise<CollectOutput<K>>;
  /** API sources: one small authenticated request, nothing stored (`collect --check`). */
  check?(source: SourceOf<S>, ctx: CollectContext): Promise<CheckResult>;
  /** Sharded sources: split into shards (fan-out) … */
  shards?(source: SourceOf<S>, ctx: CollectContext): Promise<ShardSpec[]>;
  /** … collect one shard into a partial (JSON-serialisable) … */
  collectShard?(source: SourceOf<S>, shard: ShardSpec, ctx: CollectContext): Promise<unknown>;
  /** … and merge partials (associative) into the output (fan-in). */
  mergeShards?(source: SourceOf<S>, partials: unknown[], ctx: CollectContext): Promise<CollectOutput<K>>;
}
