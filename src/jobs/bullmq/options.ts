/**
 * Names, job payloads and tunables of the BullMQ job layer, in one place so the scheduler,
 * workers, driver and `isms-kpi jobs` agree on them.
 *
 * Queues (all under one Redis key prefix, default `isms`):
 * - `collect`: one queue for every source. Job names: `collect` (collect one source at one
 *   instant), `merge` (the parent of a sharded source's flow: merges the shards and writes) and
 *   `failed-run` (records a sharded collection whose shard failed). These need the evidence
 *   store. One queue rather than `collect:<source>` per source
 *   because a worker then needs one BullMQ Worker (one blocking connection) whatever the number
 *   of sources, and a new source needs no worker restart; the source id is in the job data and
 *   in the job id, so nothing is lost for visibility.
 * - `shard`: one shard of a sharded source (a flow child): reads its files and returns a
 *   partial aggregate, and never touches the evidence store. A worker started for shards only
 *   (`isms-kpi worker --shards-only`) therefore needs the source files and Redis but not the data
 *   directory, and can run on any host that sees the files.
 * - `evaluate`: KPI evaluation after collection, deduplicated (at most one waiting).
 */
import type { DefaultJobOptions } from 'bullmq';

export const COLLECT_QUEUE = 'collect';
export const SHARD_QUEUE = 'shard';
export const EVALUATE_QUEUE = 'evaluate';
export const QUEUES = [COLLECT_QUEUE, SHARD_QUEUE, EVALUATE_QUEUE] as const;
export type QueueName = (typeof QUEUES)[number];

/** Job states reported as `isms_queue_jobs{queue,state}`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** `collect` job: one source at one instant. `observedAt` absent = the schedule tick's instant. */
export interface CollectJobData {
  source: string;
  observedAt?: string;
}

/** `shard` job: one shard of a sharded source (a flow child). */
export interface ShardJobData {
  source: string;
  observedAt: string;
  /** Position of the shard in the plan: partials are merged in this order, whatever finished first. */
  index: number;
  shard: { id: string; [k: string]: unknown };
}

/** `failed-run` job: a sharded collection failed in a shard; record it in the store. */
export interface FailedRunJobData {
  source: string;
  observedAt: string;
  error: string;
}

/** `merge` job: the flow parent. */
export interface MergeJobData {
  source: string;
  observedAt: string;
  shards: number;
}

export interface EvaluateJobData {
  /** Evaluate as of this instant; absent = when the job runs. */
  at?: string;
}

/** Tunables; every field has a production default. Tests shorten the timings. */
export interface BullmqOptions {
  /** Redis URL (REDIS_URL). */
  redisUrl: string;
  /** Redis key prefix; one per deployment (and one per test). Default `isms`. */
  prefix?: string;
  /** Jobs one worker process runs at once. Default 1 (collectors are CPU- and I/O-heavy). */
  concurrency?: number;
  /** Attempts of a job whose failure is transient (bad input is tried once). Default 5. */
  attempts?: number;
  /** First retry delay; doubles each attempt. Default 5000 ms. */
  backoffMs?: number;
  /** A job's lock lives this long without renewal before the job counts as stalled. Default 30000. */
  lockDuration?: number;
  /** How often workers look for stalled jobs. Default 30000. */
  stalledInterval?: number;
  /** Stalls (worker died) tolerated before a job fails. Default 2. */
  maxStalledCount?: number;
  /** SIGTERM / stop(): how long an active job may take to finish before it is given back. Default 30000. */
  drainTimeoutMs?: number;
  /** A plain collection's source lock lives this long without renewal. Default 60000. */
  sourceLockTtlMs?: number;
  /** A sharded collection's source lock, held from plan to merge. Default 1 hour. */
  flowLockTtlMs?: number;
  /** A collection whose source is busy is looked at again after this long. Default 5000. */
  lockWaitMs?: number;
  /** Queue counts for /metrics are refreshed this often (never during a scrape). Default 15000. */
  countsIntervalMs?: number;
  /** Finished jobs kept for `isms-kpi jobs` and to keep job ids unique. */
  keepCompleted?: { age: number; count: number };
  keepFailed?: { age: number; count: number };
}

export type ResolvedOptions = Required<BullmqOptions>;

export function resolveOptions(o: BullmqOptions): ResolvedOptions {
  return {
    redisUrl: o.redisUrl,
    prefix: o.prefix ?? 'isms',
    concurrency: o.concurrency ?? 1,
    attempts: o.attempts ?? 5,
    backoffMs: o.backoffMs ?? 5000,
    lockDuration: o.lockDuration ?? 30_000,
    stalledInterval: o.stalledInterval ?? 30_000,
    maxStalledCount: o.maxStalledCount ?? 2,
    drainTimeoutMs: o.drainTimeoutMs ?? 30_000,
    countsIntervalMs: o.countsIntervalMs ?? 15_000,
    sourceLockTtlMs: o.sourceLockTtlMs ?? 60_000,
    flowLockTtlMs: o.flowLockTtlMs ?? 3_600_000,
    lockWaitMs: o.lockWaitMs ?? 5000,
    // A day of completed jobs: a job id that still exists cannot be added again, so this is also
    // the window in which a late duplicate enqueue of the same tick is ignored.
    keepCompleted: o.keepCompleted ?? { age: 24 * 3600, count: 10_000 },
    keepFailed: o.keepFailed ?? { age: 14 * 24 * 3600, count: 1000 },
  };
}

/** Default options of every job we add. */
export function jobDefaults(o: ResolvedOptions): DefaultJobOptions {
  return {
    attempts: o.attempts,
    backoff: { type: 'exponential', delay: o.backoffMs },
    removeOnComplete: o.keepCompleted,
    removeOnFail: o.keepFailed,
  };
}

/**
 * ioredis options for every BullMQ connection. `maxRetriesPerRequest: null` is what BullMQ
 * requires for workers (a blocking command must wait through a Redis restart instead of failing),
 * and we use it for producers too so a scheduler rides out a restart the same way.
 */
export function connectionOptions(o: ResolvedOptions): { url: string; maxRetriesPerRequest: null; enableReadyCheck: boolean; retryStrategy: (times: number) => number } {
  return {
    url: o.redisUrl,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // Reconnect forever, backing off to 2 s: a worker outlives a Redis restart.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  };
}

/** Id of the BullMQ job scheduler of a source (its jobs are `repeat:collect-<source>:<tick ms>`). */
export function schedulerId(sourceId: string): string {
  return `collect-${sourceId}`;
}

/**
 * Job id of a collection asked for by hand (`collect`, `run` start-up): deterministic, so asking
 * twice for the same instant queues one job. BullMQ allows `:` in a custom id only as exactly
 * three parts, hence epoch milliseconds rather than an ISO instant.
 */
export function collectJobId(sourceId: string, observedAt: Date): string {
  return `collect:${sourceId}:${observedAt.getTime()}`;
}

/** Flow parent id of a sharded collection, derived from the instant so a retried plan adds no second flow. */
export function mergeJobId(sourceId: string, observedAt: Date): string {
  return `merge:${sourceId}:${observedAt.getTime()}`;
}

export function shardJobId(sourceId: string, observedAt: Date, index: number): string {
  return `shard:${sourceId}:${observedAt.getTime()}-${index}`;
}

/** The failed-run record of a flow: one per flow, however many of its shards fail. */
export function failedRunJobId(sourceId: string, observedAt: Date): string {
  return `failed:${sourceId}:${observedAt.getTime()}`;
}
