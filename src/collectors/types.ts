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

/**
 * A collector: a small versioned contract. Parsing one raw item is a pure function beside it,
 * testable on bytes; `collect` is the I/O shell around it.
 */
export interface Collector<S extends SourceKind = SourceKind, K extends RecordKind = RecordKind> {
  readonly sourceKind: S;
  readonly recordKind: K;
  collect(source: SourceOf<S>, ctx: CollectContext): Promise<CollectOutput<K>>;
  /** Sharded sources: split into shards (fan-out) … */
  shards?(source: SourceOf<S>, ctx: CollectContext): Promise<ShardSpec[]>;
  /** … collect one shard into a partial (JSON-serialisable) … */
  collectShard?(source: SourceOf<S>, shard: ShardSpec, ctx: CollectContext): Promise<unknown>;
  /** … and merge partials (associative) into the output (fan-in). */
  mergeShards?(source: SourceOf<S>, partials: unknown[], ctx: CollectContext): Promise<CollectOutput<K>>;
}
