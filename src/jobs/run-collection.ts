/**
 * Collect one source: run its collector, write the evidence (idempotently), record the run.
 * The same function runs under the inline driver and inside BullMQ workers.
 */
import type { Config } from '../config/types.ts';
import type { SourceConfig } from '../config/source-kinds.ts';
import { loadCollector } from '../collectors/registry.ts';
import type { CollectContext, CollectOutput, Collector, Logger, ShardSpec } from '../collectors/types.ts';
import { SnapshotShrinkError, UsageError } from '../errors.ts';
import type { Keyed, RecordKind } from '../evidence/records.ts';
import { FAILED_FILE_SAMPLES, type EvidenceStore, type FailedFile, type Rejection, type RunRecord } from '../evidence/store.ts';
import type { KpiResult } from '../kpi/types.ts';
import { messages } from '../i18n/catalogue.ts';
import { redactSecrets } from '../redact.ts';
import { INPUT_CHECKPOINT, inputFingerprint, parseMemo, type InputMemo } from './unchanged-input.ts';

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
  /**
   * How to evaluate every objective as of an instant; default evaluateObjectives on `store` in
   * this thread. `run` evaluates on a worker thread instead (evaluate-thread.ts).
   */
  evaluate?: (at: Date) => Promise<KpiResult[]>;
}

/** How many rejected records are kept as samples for the report (all are counted). */
export const REJECTION_SAMPLES = 20;

/** The shrink guard's defaults: a share of the previous observation, applied from this many records. */
export const DEFAULT_MAX_SHRINK = 0.2;
export const SHRINK_MIN_RECORDS = 10;

/**
 * A rejection as it is kept and shown: credentials redacted, and the input values a reason
 * quotes (`"carol@…"`, the way collectors name what they rejected) moved out of the reason into
 * `value`, which only `collect --show-values` prints. Collectors that set `value` themselves
 * keep their reason as it is.
 */
export function withoutValues(r: Rejection): Rejection {
  const quoted: string[] = [];
  const reason = redactSecrets(r.reason).replace(/"([^"]*)"/g, (_m, v: string) => {
    quoted.push(v);
    return '"…"';
  });
  const value = r.value ?? (quoted.length > 0 ? quoted.join(' | ') : undefined);
  const out: Rejection = { file: r.file, line: r.line, reason };
  if (r.field !== undefined) out.field = r.field;
  if (value !== undefined) out.value = value;
  return out;
}

/**
 * The check a snapshot write runs before storing anything: refuse an export that lost more than
 * `maxShrink` of the previous observation's records (from SHRINK_MIN_RECORDS on).
 */
export function shrinkCheck(deps: Pick<JobDeps, 'config'>, source: SourceConfig, kind: RecordKind, accept: boolean) {
  const max = ('maxShrink' in source ? source.maxShrink : undefined) ?? DEFAULT_MAX_SHRINK;
  return (counts: { previous: number; incoming: number }): void => {
    const { previous, incoming } = counts;
    if (accept || previous < SHRINK_MIN_RECORDS || incoming >= previous) return;
    const drop = (previous - incoming) / previous;
    if (drop <= max) return;
    const text = messages(deps.config.organisation.language).collection.shrinkRefused({
      source: source.id, kind, previous, incoming, dropPercent: drop * 100, maxPercent: max * 100,
    });
    throw new SnapshotShrinkError(source.id, counts, text);
  };
}

export function findSource(config: Config, sourceId: string): SourceConfig {
  const source = config.sources.find((s) => s.id === sourceId);
  if (!source) throw new UsageError(`no source "${sourceId}" in ${config.file} (sources: ${config.sources.map((s) => s.id).join(', ') || 'none'})`);
  return source;
}

interface Tally {
  rejected: number;
  rejections: Rejection[];
  /** What an API collector counted (ctx.count); absent until it counts something. */
  api?: { requests: number; rateLimitWaitSeconds: number };
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
      if (tally.rejections.length < REJECTION_SAMPLES) tally.rejections.push(withoutValues(r));
    },
    progress(done, total) {
      deps.progress?.(source.id, done, total);
    },
    count(name, n) {
      tally.api ??= { requests: 0, rateLimitWaitSeconds: 0 };
      if (name === 'apiRequests') tally.api.requests += n;
      else tally.api.rateLimitWaitSeconds += n;
    },
  };
}

async function* counting<K extends RecordKind>(records: Iterable<Keyed<K>> | AsyncIterable<Keyed<K>>, counter: { n: number }): AsyncIterable<Keyed<K>> {
  for await (const r of records) {
    counter.n++;
    yield r;
  }
}

/**
 * Merged facts are written as increments of this observation: their key carries the instant, so
 * a later collection adds its own row instead of merging into one a read as of an earlier
 * instant would then see changed (the store keeps a merged row's first observation time).
 * Retries and shards of one collection share the instant and still merge into one row.
 */
async function* increments<K extends RecordKind>(facts: Iterable<Keyed<K>> | AsyncIterable<Keyed<K>>, observedAt: Date): AsyncIterable<Keyed<K>> {
  const at = `@${observedAt.toISOString()}`;
  for await (const f of facts) yield { key: `${f.key}${at}`, data: f.data };
}

interface Written {
  accepted: number;
  changes?: RunRecord['changes'];
  failedFiles?: FailedFile[];
  /** The snapshot's digest (to remember with the input's fingerprint). */
  digest?: string;
  /** The input was recognised as unchanged: counts are those of the run that parsed it. */
  unchanged?: InputMemo;
}

async function write(deps: JobDeps, source: SourceConfig, kind: RecordKind, observedAt: Date, out: CollectOutput<RecordKind>, opts: { acceptShrink?: boolean } = {}): Promise<Written> {
  if (out.type === 'snapshot') {
    const counter = { n: 0 };
    const check = shrinkCheck(deps, source, kind, opts.acceptShrink === true);
    const { digest, ...changes } = await deps.store.writeSnapshot({ source: source.id, kind, observedAt, records: counting(out.records, counter), check });
    return { accepted: counter.n, changes, digest };
  }
  const counter = { n: 0 };
  const facts = out.merge ? increments(out.facts, observedAt) : out.facts;
  await deps.store.writeFacts({ source: source.id, kind, observedAt, facts: counting(facts, counter), merge: out.merge, checkpoints: out.checkpoints });
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
    const { accepted, changes, failedFiles, unchanged } = await work();
    // Some files unread: the evidence of the others is written and the KPI stays measured, but
    // the run says so (result `partial`), for the health page and isms_collector_runs_total.
    const failed = failedFiles?.length ? { failedFiles: failedFiles.slice(0, FAILED_FILE_SAMPLES), failedFileCount: failedFiles.length } : {};
    const counts = unchanged ? { rejected: unchanged.rejected, rejections: unchanged.rejections, unchangedInput: true as const } : { rejected: tally.rejected, rejections: tally.rejections };
    const run: RunRecord = { ...base, finishedAt: now().toISOString(), result: failedFiles?.length ? 'partial' : 'success', accepted, ...counts, changes, ...failed, ...apiCounts(tally) };
    await deps.store.recordRun(run);
    deps.metrics?.observeRun(run, (now().getTime() - started.getTime()) / 1000);
    return run;
  } catch (err) {
    const run: RunRecord = {
      ...base, finishedAt: now().toISOString(), result: 'failure', accepted: 0, rejected: tally.rejected, rejections: tally.rejections,
      error: redactSecrets((err as Error).message), ...apiCounts(tally),
    };
    if (err instanceof SnapshotShrinkError) run.refusedShrink = { previous: err.previous, incoming: err.incoming };
    await deps.store.recordRun(run).catch((e: unknown) => deps.log.error({ err: (e as Error).message, source: source.id }, 'cannot record failed run'));
    deps.metrics?.observeRun(run, (now().getTime() - started.getTime()) / 1000);
    throw err;
  }
}

function apiCounts(tally: Tally): Pick<RunRecord, 'api'> {
  return tally.api ? { api: { requests: tally.api.requests, rateLimitWaitSeconds: Math.round(tally.api.rateLimitWaitSeconds * 1000) / 1000 } } : {};
}

/**
 * Collect one source as of `observedAt` (default now). Throws on a bad file, or on a snapshot
 * export that shrank past the source's `maxShrink` unless `acceptShrink`; bad records are counted.
 */
export async function runCollection(deps: JobDeps, sourceId: string, opts: { observedAt?: Date; signal?: AbortSignal; acceptShrink?: boolean } = {}): Promise<RunRecord> {
  const source = findSource(deps.config, sourceId);
  const collector = await loadCollector(source.kind);
  const observedAt = opts.observedAt ?? (deps.now ?? (() => new Date()))();
  const tally: Tally = { rejected: 0, rejections: [] };
  const ctx = context(deps, source, observedAt, tally, opts.signal);
  return recorded(deps, source, collector, observedAt, tally, async () => {
    const fingerprint = await inputFingerprint(deps.config, source);
    if (fingerprint) {
      const memo = parseMemo(await deps.store.getCheckpoint(source.id, INPUT_CHECKPOINT));
      if (memo?.fingerprint === fingerprint) {
        const records = await deps.store.repeatObservation({ source: source.id, kind: collector.recordKind, observedAt, digest: memo.digest });
        if (records !== undefined) return { accepted: memo.accepted, changes: { added: 0, changed: 0, removed: 0, unchanged: records }, unchanged: memo };
      }
    }
    const written = await write(deps, source, collector.recordKind, observedAt, await collector.collect(source as never, ctx), { acceptShrink: opts.acceptShrink });
    if (fingerprint && written.digest) {
      const memo: InputMemo = { fingerprint, digest: written.digest, accepted: written.accepted, rejected: tally.rejected, rejections: tally.rejections };
      await deps.store.setCheckpoint(source.id, INPUT_CHECKPOINT, JSON.stringify(memo));
    }
    return written;
  });
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
