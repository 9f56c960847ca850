/**
 * Collect one source: run its collector, write the evidence (idempotently), record the run.
 * The same function runs under the inline driver and inside BullMQ workers.
 */
import type { Config } from '../config/types.ts';
import type { SourceConfig } from '../config/source-kinds.ts';
import { loadCollector } from '../collectors/registry.ts';
import type { CollectContext, CollectOutput, Collector, Logger, ShardSpec } from '../collectors/types.ts';
import { UsageError } from '../errors.ts';
import type { Keyed, RecordKind } from '../evidence/records.ts';
import { FAILED_FILE_SAMPLES, type EvidenceStore, type FailedFile, type Rejection, type RunRecord } from '../evidence/store.ts';

/** What the metrics layer learns from each run. */
export interface CollectorMetrics {
  observeRun(run: RunRecord, durationSeconds: number): void;
}

export interface JobDeps {
  config: Config;
  store: EvidenceStore;
  log: Logger;
  metrics?: CollectorMetrics;
  /** Progress of a long collection, for a terminal. */
  progress?: (sourceId: string, done: number, total?: number) => void;
  /** Injected clock (tests); default Date.now. */
  now?: () => Date;
}

/** How many rejected records are kept as samples for the report (all are counted). */
export const REJECTION_SAMPLES = 20;

export function findSource(config: Config, sourceId: string): SourceConfig {
  const source = config.sources.find((s) => s.id === sourceId);
  if (!source) throw new UsageError(`no source "${sourceId}" in ${config.file} (sources: ${config.sources.map((s) => s.id).join(', ') || 'none'})`);
  return source;
}

interface Tally {
  rejected: number;
  rejections: Rejection[];
}

function context(deps: JobDeps, source: SourceConfig, observedAt: Date, tally: Tally, signal?: AbortSignal): CollectContext {
  return {
    config: deps.config,
    observedAt,
    store: deps.store,
    log: deps.log,
    signal,
    reject(r) {
      tally.rejected++;
      if (tally.rejections.length < REJECTION_SAMPLES) tally.rejections.push(r);
    },
    progress(done, total) {
      deps.progress?.(source.id, done, total);
    },
  };
}

async function* counting<K extends RecordKind>(records: Iterable<Keyed<K>> | AsyncIterable<Keyed<K>>, counter: { n: number }): AsyncIterable<Keyed<K>> {
  for await (const r of records) {
    counter.n++;
    yield r;
  }
}

interface Written {
  accepted: number;
  changes?: RunRecord['changes'];
  failedFiles?: FailedFile[];
}

async function write(deps: JobDeps, source: SourceConfig, kind: RecordKind, observedAt: Date, out: CollectOutput<RecordKind>): Promise<Written> {
  if (out.type === 'snapshot') {
    const counter = { n: 0 };
    const changes = await deps.store.writeSnapshot({ source: source.id, kind, observedAt, records: counting(out.records, counter) });
    return { accepted: counter.n, changes };
  }
  const counter = { n: 0 };
  await deps.store.writeFacts({ source: source.id, kind, observedAt, facts: counting(out.facts, counter), merge: out.merge, checkpoints: out.checkpoints });
  return { accepted: counter.n, ...(out.failedFiles?.length ? { failedFiles: out.failedFiles } : {}) };
}

async function recorded(
  deps: JobDeps,
  source: SourceConfig,
  collector: Collector,
  observedAt: Date,
  tally: Tally,
  work: () => Promise<Written>,
): Promise<RunRecord> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const base = { source: source.id, kind: collector.recordKind, startedAt: started.toISOString(), observedAt: observedAt.toISOString() };
  try {
    const { accepted, changes, failedFiles } = await work();
    // Some files unread: the evidence of the others is written and the KPI stays measured, but
    // the run says so (result `partial`), for the health page and isms_collector_runs_total.
    const failed = failedFiles?.length ? { failedFiles: failedFiles.slice(0, FAILED_FILE_SAMPLES), failedFileCount: failedFiles.length } : {};
    const run: RunRecord = { ...base, finishedAt: now().toISOString(), result: failedFiles?.length ? 'partial' : 'success', accepted, rejected: tally.rejected, rejections: tally.rejections, changes, ...failed };
    await deps.store.recordRun(run);
    deps.metrics?.observeRun(run, (now().getTime() - started.getTime()) / 1000);
    return run;
  } catch (err) {
    const run: RunRecord = {
      ...base, finishedAt: now().toISOString(), result: 'failure', accepted: 0, rejected: tally.rejected, rejections: tally.rejections,
      error: (err as Error).message,
    };
    await deps.store.recordRun(run).catch((e: unknown) => deps.log.error({ err: (e as Error).message, source: source.id }, 'cannot record failed run'));
    deps.metrics?.observeRun(run, (now().getTime() - started.getTime()) / 1000);
    throw err;
  }
}

/** Collect one source as of `observedAt` (default now). Throws on a bad file; bad records are counted. */
export async function runCollection(deps: JobDeps, sourceId: string, opts: { observedAt?: Date; signal?: AbortSignal } = {}): Promise<RunRecord> {
  const source = findSource(deps.config, sourceId);
  const collector = await loadCollector(source.kind);
  const observedAt = opts.observedAt ?? (deps.now ?? (() => new Date()))();
  const tally: Tally = { rejected: 0, rejections: [] };
  const ctx = context(deps, source, observedAt, tally, opts.signal);
  return recorded(deps, source, collector, observedAt, tally, async () =>
    write(deps, source, collector.recordKind, observedAt, await collector.collect(source as never, ctx)),
  );
}

/** A shard's partial, with the rejections seen while collecting it. */
export interface ShardResult {
  partial: unknown;
  rejected: number;
  rejections: Rejection[];
}

/** The shards of a source, or a single shard `{ id: 'all' }` for a source that does not split. */
export async function planShards(deps: JobDeps, sourceId: string, observedAt: Date): Promise<ShardSpec[] | undefined> {
  const source = findSource(deps.config, sourceId);
  const collector = await loadCollector(source.kind);
  if (!collector.shards || !collector.collectShard || !collector.mergeShards) return undefined;
  const tally: Tally = { rejected: 0, rejections: [] };
  return collector.shards(source as never, context(deps, source, observedAt, tally));
}

/** Fan-out: collect one shard into a partial aggregate (nothing is written yet). */
export async function runShard(deps: JobDeps, sourceId: string, shard: ShardSpec, observedAt: Date): Promise<ShardResult> {
  const source = findSource(deps.config, sourceId);
  const collector = await loadCollector(source.kind);
  if (!collector.collectShard) throw new UsageError(`source "${sourceId}" (${source.kind}) cannot be sharded`);
  const tally: Tally = { rejected: 0, rejections: [] };
  const partial = await collector.collectShard(source as never, shard, context(deps, source, observedAt, tally));
  return { partial, rejected: tally.rejected, rejections: tally.rejections };
}

/** Fan-in: merge the shards' partials, write the evidence once, record the run. */
export async function finishSharded(deps: JobDeps, sourceId: string, results: ShardResult[], observedAt: Date): Promise<RunRecord> {
  const source = findSource(deps.config, sourceId);
  const collector = await loadCollector(source.kind);
  if (!collector.mergeShards) throw new UsageError(`source "${sourceId}" (${source.kind}) cannot be sharded`);
  const tally: Tally = {
    rejected: results.reduce((n, r) => n + r.rejected, 0),
    rejections: results.flatMap((r) => r.rejections).slice(0, REJECTION_SAMPLES),
  };
  const ctx = context(deps, source, observedAt, tally);
  return recorded(deps, source, collector, observedAt, tally, async () =>
    write(deps, source, collector.recordKind, observedAt, await collector.mergeShards!(source as never, results.map((r) => r.partial), ctx)),
  );
}
