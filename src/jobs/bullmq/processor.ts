/**
 * What a worker does with each job. Collection of a plain source runs in the `collect` job; a
 * sharded source's `collect` job only plans: it adds a FlowProducer flow (children `shard`, parent
 * `merge`) whose ids derive from the source and the instant, so a retried plan adds nothing twice.
 * Every successful write asks for an evaluation, deduplicated so a burst of collections causes
 * one evaluation (plus at most one more queued behind a running one).
 */
import { FlowProducer, Queue, type Job } from 'bullmq';
import type { RunRecord } from '../../evidence/store.ts';
import type { KpiResult } from '../../kpi/types.ts';
import type { JobDeps, ShardResult } from '../run-collection.ts';
import type { JobOps } from './ops.ts';
import {
  COLLECT_QUEUE, EVALUATE_QUEUE, mergeJobId, shardJobId,
  type CollectJobData, type EvaluateJobData, type MergeJobData, type ResolvedOptions, type ShardJobData,
} from './options.ts';
import { forQueue } from './retry.ts';

/** What a `collect` / `merge` job returns (kept in Redis: counts only, no personal data). */
export interface CollectResult {
  source: string;
  observedAt: string;
  /** Set when the source was sharded: the flow parent that will write the evidence. */
  flow?: { parent: string; shards: number };
  accepted?: number;
  rejected?: number;
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

function summary(run: RunRecord): CollectResult {
  return { source: run.source, observedAt: run.observedAt, accepted: run.accepted, rejected: run.rejected };
}

function isLastAttempt(job: Job, err: Error): boolean {
  return err.name === 'UnrecoverableError' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export function collectProcessor(c: ProcessorContext) {
  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    try {
      switch (job.name) {
        case 'collect':
          return await collect(c, job, signal);
        case 'shard':
          return await shard(c, job);
        case 'merge':
          return await merge(c, job);
        default:
          throw new Error(`unknown job name ${job.name}`);
      }
    } catch (err) {
      const out = forQueue(err);
      if (job.name === 'shard' && isLastAttempt(job, out)) await recordShardFailure(c, job, out);
      c.deps.log.warn({ queue: COLLECT_QUEUE, job: job.id, source: (job.data as { source?: string }).source, attempt: job.attemptsMade + 1, err: out.message }, 'job attempt failed');
      throw out;
    }
  };
}

async function collect(c: ProcessorContext, job: Job, signal?: AbortSignal): Promise<CollectResult> {
  const { source } = job.data as CollectJobData;
  const observedAt = observedAtOf(job);
  const shards = await (await c.ops).plan(c.deps, source, observedAt);
  if (!shards) {
    const run = await (await c.ops).collect(c.deps, source, observedAt, signal);
    await requestEvaluation(c.evaluateQueue);
    return summary(run);
  }
  const parentId = mergeJobId(source, observedAt);
  // A retry of this job after the flow was added must not add a second flow.
  if (!(await c.collectQueue.getJob(parentId))) {
    const merge: MergeJobData = { source, observedAt: observedAt.toISOString(), shards: shards.length };
    await c.flows.add({
      name: 'merge',
      queueName: COLLECT_QUEUE,
      data: merge,
      opts: { jobId: parentId },
      children: shards.map((s, index) => {
        const data: ShardJobData = { source, observedAt: observedAt.toISOString(), index, shard: s };
        // A shard that finally fails fails the whole collection: a partial merge would undercount.
        return { name: 'shard', queueName: COLLECT_QUEUE, data, opts: { jobId: shardJobId(source, observedAt, index), failParentOnFailure: true } };
      }),
    });
  }
  return { source, observedAt: observedAt.toISOString(), flow: { parent: parentId, shards: shards.length } };
}

async function shard(c: ProcessorContext, job: Job): Promise<{ index: number; result: ShardResult }> {
  const d = job.data as ShardJobData;
  const result = await (await c.ops).shard(c.deps, d.source, d.shard, new Date(d.observedAt));
  return { index: d.index, result };
}

async function merge(c: ProcessorContext, job: Job): Promise<CollectResult> {
  const d = job.data as MergeJobData;
  const values = Object.values(await job.getChildrenValues<{ index: number; result: ShardResult }>());
  if (values.length !== d.shards) throw new Error(`flow ${job.id}: ${values.length} of ${d.shards} shard results`);
  // Children finish in any order; merge in plan order so the answer never depends on timing.
  values.sort((a, b) => a.index - b.index);
  const run = await (await c.ops).finish(c.deps, d.source, values.map((v) => v.result), new Date(d.observedAt));
  await requestEvaluation(c.evaluateQueue);
  return summary(run);
}

/** A sharded collection that failed is recorded as a failed run, as a plain one would be. */
async function recordShardFailure(c: ProcessorContext, job: Job, err: Error): Promise<void> {
  const d = job.data as ShardJobData;
  await (await c.ops).recordFailure(c.deps, d.source, new Date(d.observedAt), `shard ${d.index + 1}: ${err.message}`)
    .catch((e: unknown) => c.deps.log.error({ source: d.source, err: (e as Error).message }, 'cannot record failed run'));
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
