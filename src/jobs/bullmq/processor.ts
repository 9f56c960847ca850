/**
 * What a worker does with each job. Collection of a plain source runs in the `collect` job; a
 * sharded source's `collect` job only plans: it adds a FlowProducer flow (children `shard` in the
 * shard queue, parent `merge`) whose ids derive from the source and the instant, so a retried
 * plan adds nothing twice.
 * Every successful write asks for an evaluation, deduplicated so a burst of collections causes
 * one evaluation (plus at most one more queued behind a running one).
 *
 * Never twice the same evidence, and each schedule tick collected once:
 * - one collection of a source at a time (source-lock.ts): overlapping ticks wait;
 * - a tick's job delivered again after its collection finished (a job taken for stalled on a
 *   loaded host; a scheduler's next job made again for a tick whose job had already completed and
 *   been removed) finds that tick's run in the store, under the source's lock, and collects
 *   nothing: the run is recorded once;
 * - a plain collection reads from the checkpoint its previous write committed, so a retry after a
 *   committed write reads nothing new, and a snapshot rewritten at the same instant changes nothing;
 * - a flow's merge replays partials stored in Redis, not the input, so its write also commits a
 *   marker checkpoint (the flow's id) in the same transaction; a retried merge that finds the
 *   marker knows the write happened and does not add the partials again.
 */
import { DelayedError, FlowProducer, Queue, type Job } from 'bullmq';
import type { EvidenceStore, FactsWrite, RunRecord } from '../../evidence/store.ts';
import type { RecordKind } from '../../evidence/records.ts';
import type { KpiResult } from '../../kpi/types.ts';
import type { JobDeps, ShardResult } from '../run-collection.ts';
import type { JobOps } from './ops.ts';
import {
  COLLECT_QUEUE, failedRunJobId, mergeJobId, SHARD_QUEUE, shardJobId,
  type CollectJobData, type EvaluateJobData, type FailedRunJobData, type MergeJobData, type ResolvedOptions, type ShardJobData,
} from './options.ts';
import { forQueue } from './retry.ts';
import type { SourceLocks } from './source-lock.ts';

/** Checkpoint name of the last flow whose merge was written, per source. */
export const FLOW_CHECKPOINT = 'bullmq-flow';

/** What a `collect` / `merge` job returns (kept in Redis: counts only, no personal data). */
export interface CollectResult {
  source: string;
  observedAt: string;
  /** Set when the source was sharded: the flow parent that will write the evidence. */
  flow?: { parent: string; shards: number };
  accepted?: number;
  rejected?: number;
  /** A retried merge found its write already committed. */
  alreadyWritten?: boolean;
  /** A schedule tick delivered again: its collection had already run. */
  alreadyCollected?: boolean;
}

/**
 * What an `evaluate` job returns: the results without their failing-subject lists, which name
 * people and accounts and so stay out of Redis (read them from the store: `isms-kpi evidence`).
 */
export interface EvaluateResult {
  at: string;
  results: KpiResult[];
}

/** The instant a collect job is of: explicit, or the schedule tick that produced it. */
export function observedAtOf(job: Pick<Job, 'data' | 'opts' | 'timestamp'>): Date {
  const data = job.data as CollectJobData;
  if (data.observedAt) return new Date(data.observedAt);
  // Jobs made by a job scheduler carry their tick in opts.prevMillis (the id is repeat:<id>:<tick>).
  const tick = (job.opts as { prevMillis?: number }).prevMillis;
  return new Date(tick ?? job.timestamp);
}

export interface ProcessorContext {
  deps: JobDeps;
  /** Resolved lazily: the real operations load every collector. */
  ops: Promise<JobOps>;
  opts: ResolvedOptions;
  locks: SourceLocks;
  /** Producers shared by the worker process. */
  flows: FlowProducer;
  collectQueue: Queue;
  evaluateQueue: Queue;
}

/** Ask for an evaluation. keepLastIfActive: a collection finishing during an evaluation gets one more. */
export async function requestEvaluation(evaluateQueue: Queue, at?: Date): Promise<void> {
  const data: EvaluateJobData = at ? { at: at.toISOString() } : {};
  await evaluateQueue.add('evaluate', data, { deduplication: { id: 'evaluate', keepLastIfActive: true } });
}

/** A job a job scheduler made for one of its ticks (not an explicit `--observed-at` collection). */
function isTick(job: Pick<Job, 'data' | 'opts'>): boolean {
  return !(job.data as CollectJobData).observedAt && typeof (job.opts as { prevMillis?: number }).prevMillis === 'number';
}

/** The run that wrote evidence for this tick, if one did (success or partial). */
async function tickRun(store: EvidenceStore, source: string, observedAt: Date): Promise<RunRecord | undefined> {
  const at = observedAt.toISOString();
  // A tick delivered again comes soon after its run: the newest runs of the source suffice.
  return (await store.runs({ source, limit: 20 })).find((r) => r.observedAt === at && (r.result === 'success' || r.result === 'partial'));
}

function summary(run: RunRecord): CollectResult {
  return { source: run.source, observedAt: run.observedAt, accepted: run.accepted, rejected: run.rejected };
}

function isLastAttempt(job: Job, err: Error): boolean {
  return err.name === 'UnrecoverableError' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** The store, with every facts write of `source` also committing the flow marker. */
function markingStore(store: EvidenceStore, source: string, marker: string): EvidenceStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'writeFacts') {
        return <K extends RecordKind>(w: FactsWrite<K>) =>
          target.writeFacts(w.source === source ? { ...w, checkpoints: { ...w.checkpoints, [FLOW_CHECKPOINT]: marker } } : w);
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The `collect` queue: collections, flow merges and failed-run records (they use the store). */
export function collectProcessor(c: ProcessorContext) {
  return async (job: Job, token?: string, signal?: AbortSignal): Promise<unknown> =>
    guarded(c, COLLECT_QUEUE, job, async () => {
      switch (job.name) {
        case 'collect':
          return collect(c, job, token, signal);
        case 'merge':
          return merge(c, job, token);
        case 'failed-run':
          return recordFailedRun(c, job);
        case 'shard':
          // A flow planned before shards had a queue of their own (a rolling upgrade).
          return shard(c, job);
        default:
          throw new Error(`unknown job name ${job.name}`);
      }
    });
}

/** The `shard` queue: one shard of a flow, read into a partial. Never touches the store. */
export function shardProcessor(c: ProcessorContext) {
  return async (job: Job): Promise<unknown> => guarded(c, SHARD_QUEUE, job, () => shard(c, job));
}

/** Retryable errors out, and on a flow job's last attempt: record the failure, free the source. */
async function guarded<R>(c: ProcessorContext, queue: string, job: Job, fn: () => Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DelayedError) throw err;
    const out = forQueue(err);
    const d = job.data as { source?: string; observedAt?: string };
    if (isLastAttempt(job, out) && d.source && d.observedAt && (job.name === 'shard' || job.name === 'merge')) {
      // The flow is over: record it as a failed collection and free the source.
      if (job.name === 'shard') await askToRecordShardFailure(c, job, out);
      await c.locks.release(d.source, mergeJobId(d.source, new Date(d.observedAt))).catch(() => {});
    }
    c.deps.log.warn({ queue, job: job.id, source: d.source, attempt: job.attemptsMade + 1, err: out.message }, 'job attempt failed');
    throw out;
  }
}

/** Lock owner of one attempt of a job: its id and this worker's lock token. */
function attemptOwner(jobId: string, token: string | undefined): string {
  return `${jobId}#${token ?? ''}`;
}

/** Wait (in `delayed`, no attempt used) while another collection of the source runs. */
async function waitForSource(c: ProcessorContext, job: Job, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now() + c.opts.lockWaitMs, token);
  throw new DelayedError();
}

async function collect(c: ProcessorContext, job: Job, token?: string, signal?: AbortSignal): Promise<CollectResult> {
  const { source } = job.data as CollectJobData;
  const observedAt = observedAtOf(job);
  const owner = attemptOwner(job.id!, token);
  const parentId = mergeJobId(source, observedAt);
  // A retried plan whose flow exists already: the flow owns the source.
  if (await c.collectQueue.getJob(parentId)) return { source, observedAt: observedAt.toISOString(), flow: { parent: parentId, shards: 0 } };
  if (!(await c.locks.acquire(source, owner, c.opts.sourceLockTtlMs))) return waitForSource(c, job, token);
  let handedOver = false;
  try {
    return await c.locks.holding(source, owner, c.opts.sourceLockTtlMs, async () => {
      const done = isTick(job) ? await tickRun(c.deps.store, source, observedAt) : undefined;
      if (done) {
        c.deps.log.info({ source, observedAt: done.observedAt, job: job.id }, 'schedule tick already collected; not collected again');
        return { ...summary(done), alreadyCollected: true };
      }
      const ops = await c.ops;
      const shards = await ops.plan(c.deps, source, observedAt);
      if (!shards) {
        const run = await ops.collect(c.deps, source, observedAt, signal);
        await requestEvaluation(c.evaluateQueue);
        return summary(run);
      }
      const merge: MergeJobData = { source, observedAt: observedAt.toISOString(), shards: shards.length };
      // Hand the source to the flow before it exists, so no other collection slips in between.
      handedOver = await c.locks.acquire(source, parentId, c.opts.flowLockTtlMs, owner);
      if (!handedOver) throw new Error(`lost the lock of source ${source} while planning`);
      await c.flows.add({
        name: 'merge',
        queueName: COLLECT_QUEUE,
        data: merge,
        // Partials name accounts: once merged they go (a shard's value lives on in its parent
        // until the parent completes). The plan job's result keeps the flow's trace.
        opts: { jobId: parentId, removeOnComplete: true },
        children: shards.map((s, index) => {
          const data: ShardJobData = { source, observedAt: observedAt.toISOString(), index, shard: s };
          // A shard that finally fails fails the whole collection: a partial merge would undercount.
          return { name: 'shard', queueName: SHARD_QUEUE, data, opts: { jobId: shardJobId(source, observedAt, index), failParentOnFailure: true, removeOnComplete: true } };
        }),
      });
      return { source, observedAt: observedAt.toISOString(), flow: { parent: parentId, shards: shards.length } };
    });
  } finally {
    if (!handedOver) await c.locks.release(source, owner).catch(() => {});
  }
}

async function shard(c: ProcessorContext, job: Job): Promise<{ index: number; result: ShardResult }> {
  const d = job.data as ShardJobData;
  const observedAt = new Date(d.observedAt);
  const parentId = mergeJobId(d.source, observedAt);
  await c.locks.renew(d.source, parentId, c.opts.flowLockTtlMs);
  const result = await c.locks.holding(d.source, parentId, c.opts.flowLockTtlMs, async () => (await c.ops).shard(c.deps, d.source, d.shard, observedAt));
  return { index: d.index, result };
}

async function merge(c: ProcessorContext, job: Job, token?: string): Promise<CollectResult> {
  const d = job.data as MergeJobData;
  const observedAt = new Date(d.observedAt);
  const parentId = job.id!;
  // Take the source from the flow for this attempt: a second attempt of this merge (a false stall)
  // waits instead of writing alongside.
  const owner = attemptOwner(parentId, token);
  if (!(await c.locks.acquire(d.source, owner, c.opts.sourceLockTtlMs, parentId))) return waitForSource(c, job, token);
  return c.locks.holding(d.source, owner, c.opts.sourceLockTtlMs, async () => {
    if ((await c.deps.store.getCheckpoint(d.source, FLOW_CHECKPOINT)) === parentId) {
      await c.locks.release(d.source, owner);
      await requestEvaluation(c.evaluateQueue);
      return { source: d.source, observedAt: d.observedAt, alreadyWritten: true };
    }
    const values = Object.values(await job.getChildrenValues<{ index: number; result: ShardResult }>());
    if (values.length !== d.shards) throw new Error(`flow ${parentId}: ${values.length} of ${d.shards} shard results`);
    // Children finish in any order; merge in plan order so the answer never depends on timing.
    values.sort((a, b) => a.index - b.index);
    const deps: JobDeps = { ...c.deps, store: markingStore(c.deps.store, d.source, parentId) };
    let run: RunRecord;
    try {
      run = await (await c.ops).finish(deps, d.source, values.map((v) => v.result), observedAt);
    } catch (err) {
      // Give the source back to the flow, so the retry need not wait for this attempt's lock to expire.
      await c.locks.acquire(d.source, parentId, c.opts.flowLockTtlMs, owner).catch(() => {});
      throw err;
    }
    await c.locks.release(d.source, owner);
    await requestEvaluation(c.evaluateQueue);
    return summary(run);
  });
}

/**
 * A sharded collection that failed is recorded as a failed run, as a plain one would be: by a
 * worker of the collect queue, since the shard's worker may have no evidence store. One record
 * per flow (the job id derives from the source and instant).
 */
async function askToRecordShardFailure(c: ProcessorContext, job: Job, err: Error): Promise<void> {
  const d = job.data as ShardJobData;
  const observedAt = new Date(d.observedAt);
  const data: FailedRunJobData = { source: d.source, observedAt: d.observedAt, error: `shard ${d.index + 1}: ${err.message}` };
  await c.collectQueue.add('failed-run', data, { jobId: failedRunJobId(d.source, observedAt) })
    .catch((e: unknown) => c.deps.log.error({ source: d.source, err: (e as Error).message }, 'cannot ask for the failed run to be recorded'));
}

async function recordFailedRun(c: ProcessorContext, job: Job): Promise<CollectResult> {
  const d = job.data as FailedRunJobData;
  await (await c.ops).recordFailure(c.deps, d.source, new Date(d.observedAt), d.error);
  return { source: d.source, observedAt: d.observedAt };
}

export function evaluateProcessor(c: ProcessorContext) {
  return async (job: Job): Promise<EvaluateResult> => {
    const d = job.data as EvaluateJobData;
    const at = d.at ? new Date(d.at) : (c.deps.now ?? (() => new Date()))();
    try {
      const results = await (await c.ops).evaluate(c.deps, at);
      return { at: at.toISOString(), results: results.map((r) => ({ ...r, failing: [], notes: undefined })) };
    } catch (err) {
      throw forQueue(err);
    }
  };
}
