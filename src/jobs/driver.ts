/**
 * One job interface, two drivers: `inline` (the embedded default, no Redis) and `bullmq`
 * (chosen when REDIS_URL is set). The CLI only talks to this interface.
 *
 * (Drafted by the lead so `run` works inline; the BullMQ driver implements the same shape —
 * extend it where BullMQ needs more, keep the inline driver compiling.)
 */
import type { RunRecord } from '../evidence/store.ts';
import type { KpiResult } from '../kpi/types.ts';
import type { QueueCount } from '../metrics/isms-metrics.ts';

export interface FailedJob {
  queue: string;
  jobId: string;
  source?: string;
  failedAt: string;
  attempts: number;
  error: string;
}

export interface JobEvents {
  /** A collection finished (success or failure). */
  collected?(run: RunRecord): void;
  /** An evaluation finished. */
  evaluated?(results: KpiResult[]): void;
  /** A job failed (after its retries). */
  failed?(job: FailedJob): void;
}

export interface JobDriver {
  readonly name: 'inline' | 'bullmq';
  /** Start consuming (and, with schedules, producing) jobs. */
  start(): Promise<void>;
  /** Ask for one collection of a source now (deduplicated while one is pending). */
  enqueueCollect(sourceId: string, opts?: { observedAt?: Date }): Promise<void>;
  /** Ask for an evaluation now. */
  enqueueEvaluate(): Promise<void>;
  queueCounts(): Promise<QueueCount[]>;
  recentFailures(limit?: number): Promise<FailedJob[]>;
  /** Stop taking jobs, let the active one finish (or give it back) within the timeout, close. */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}
