import type { Keyed, RecordKind, RecordKinds, Versioned } from './records.ts';

/** A rejected input record: counted and reported, never fatal, never silently dropped. */
export interface Rejection {
  file: string;
  line: number;
  field?: string;
  /** Why, without the rejected value (reasons reach terminals and logs). */
  reason: string;
  /**
   * The rejected input value, kept apart from the reason because it may be personal data (an
   * email, a name): `collect --show-values` prints it; logs and metrics never do.
   */
  value?: string;
}

/** An input file a run could not read (a corrupt rotated `.gz`, an unreadable file), and why. */
export interface FailedFile {
  file: string;
  error: string;
}

/** Failed files kept on a run record (all are reported by `collect`; the record stays small). */
export const FAILED_FILE_SAMPLES = 20;

/** The outcome of one collection run of one source, kept for freshness and the audit trail. */
export interface RunRecord {
  source: string;
  kind: RecordKind;
  startedAt: string;
  finishedAt: string;
  /** The instant the evidence is of (collection time, or `--observed-at`). */
  observedAt: string;
  /**
   * `partial`: the run wrote its evidence, but some input files could not be read (`failedFiles`);
   * their content is not in the evidence and they are read again next run.
   */
  result: 'success' | 'partial' | 'failure';
  accepted: number;
  rejected: number;
  /** The first few rejections, for the error report. */
  rejections: Rejection[];
  error?: string;
  /** Files that could not be read (the first FAILED_FILE_SAMPLES), with `failedFileCount` in all. */
  failedFiles?: FailedFile[];
  failedFileCount?: number;
  /** Set when the shrink guard refused the export: the previous observation's and the export's record counts. */
  refusedShrink?: { previous: number; incoming: number };
  /** For snapshot kinds: records added / changed / removed compared with the previous observation. */
  changes?: { added: number; changed: number; removed: number; unchanged: number };
  /**
   * Set when the source's input file was byte-for-byte the one behind its newest observation,
   * with the same config and release: the observation is repeated without parsing the file,
   * and the counts are those of the run that parsed it.
   */
  unchangedInput?: true;
  /** API sources: requests made and seconds waited for rate limits (failed runs too). */
  api?: { requests: number; rateLimitWaitSeconds: number };
}

export interface SnapshotWrite<K extends RecordKind> {
  source: string;
  kind: K;
  observedAt: Date;
  records: Iterable<Keyed<K>> | AsyncIterable<Keyed<K>>;
  /**
   * Called once the whole export is read and before anything is written, with the number of
   * records present in the source's observation just before this one (0 when none) and in
   * this export. Throwing refuses the write: nothing is stored (the shrink guard uses it).
   */
  check?: (counts: { previous: number; incoming: number }) => void;
}

/** What a snapshot write changed, and the export's digest (equal exports, equal digests). */
export type SnapshotWritten = NonNullable<RunRecord['changes']> & { digest: string };

export interface FactsWrite<K extends RecordKind> {
  source: string;
  kind: K;
  observedAt: Date;
  /**
   * The facts. Without `merge` (insert-or-ignore) they may stream: the store writes them in
   * batches and commits the checkpoints with the last batch, so a run that dies half-way is
   * simply read again (what it stored is ignored the second time). With `merge` they are
   * written in one transaction with the checkpoints, since a merged count must never be added
   * twice.
   */
  facts: Iterable<Keyed<K>> | AsyncIterable<Keyed<K>>;
  /**
   * How a new fact combines with an existing one of the same key. Omitted: insert-or-ignore
   * (a mail already stored is not stored again). Must be associative for sharded sources.
   */
  merge?: (existing: RecordKinds[K], incoming: RecordKinds[K]) => RecordKinds[K];
  /** Checkpoint(s) to commit in the same transaction as the facts (e.g. file offsets). */
  checkpoints?: Record<string, string>;
}

export interface FactRow<K extends RecordKind> {
  source: string;
  key: string;
  observedAt: string;
  data: RecordKinds[K];
}

/**
 * Where evidence lives. The local (SQLite) store is the embedded default. Writes are
 * idempotent: the same input written twice changes nothing.
 */
export interface EvidenceStore {
  /**
   * Store one full export of a snapshot source as observed at `observedAt`. Only changes are
   * kept (a record's new version, or its absence), so re-collecting an unchanged export adds
   * nothing, and an export loaded out of order (backfill) lands in its place in the history.
   */
  writeSnapshot<K extends RecordKind>(w: SnapshotWrite<K>): Promise<SnapshotWritten>;

  /**
   * Record an observation of a snapshot source at `observedAt` identical to its newest one,
   * without its records: only when no observation is later than `observedAt` and the newest one
   * up to it has this digest. Returns that observation's record count, or undefined (nothing
   * written) when the condition does not hold. An export whose file is byte-for-byte the one
   * behind that observation is recorded this way without being parsed again.
   */
  repeatObservation(r: { source: string; kind: RecordKind; observedAt: Date; digest: string }): Promise<number | undefined>;

  /** Set one checkpoint of a source on its own (facts commit theirs with the facts). */
  setCheckpoint(source: string, name: string, value: string): Promise<void>;

  /** Add facts of an accumulating source (access-day aggregates, mail), with checkpoints, atomically. */
  writeFacts<K extends RecordKind>(w: FactsWrite<K>): Promise<{ inserted: number; merged: number; ignored: number }>;

  /** Snapshot records of a kind as of `at` (only observations ≤ at), with their history. */
  readSnapshot<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<Versioned<RecordKinds[K]>>;

  /**
   * The same, in batches of a few thousand: one await per batch instead of one per record,
   * which matters when an evaluation reads hundreds of thousands of records.
   */
  readSnapshotBatches<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<Versioned<RecordKinds[K]>[]>;

  /** The sources holding snapshot records of a kind (observed at any time), sorted. */
  snapshotSources(kind: RecordKind): Promise<string[]>;

  /** Facts of a kind observed ≤ at, optionally only those whose `filter` passes. Streams. */
  readFacts<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<FactRow<K>>;

  getCheckpoint(source: string, name: string): Promise<string | undefined>;
  /** Observation instants of a source, oldest first. */
  observations(source: string): Promise<string[]>;

  recordRun(run: RunRecord): Promise<void>;
  /** Newest runs first. */
  runs(opts?: { source?: string; limit?: number }): Promise<RunRecord[]>;
  /**
   * The newest `observedAt` ≤ at of a run of `source` that wrote evidence (success or partial),
   * or undefined: what a log source read with nothing in it still tells an evaluation.
   */
  newestRunObservedAt(source: string, at: Date): Promise<string | undefined>;
  /** Newest successful (or partial: evidence was written) run's finish time per source. */
  lastSuccess(): Promise<Record<string, string>>;

  /**
   * A stamp of what a read of `source` as of `at` returns: it changes whenever a write could
   * change that read (a new or backfilled observation ≤ at, facts observed ≤ at, a merge into
   * them), and stays the same otherwise. Derived results (trend points) are cached under it.
   */
  evidenceStamp(source: string, at: Date): Promise<string>;

  /** A small cache of derived results (trend points) kept with the evidence, by namespace and key. */
  cacheGet(namespace: string, key: string): Promise<string | undefined>;
  cachePut(namespace: string, key: string, value: string): Promise<void>;

  close(): Promise<void>;
}
