/**
 * One job interface, two drivers: `inline` (the embedded default, no Redis) and `bullmq`
 * (chosen when REDIS_URL is set). The CLI only talks to this interface; createDriver
 * (bullmq/create-driver.ts) picks the implementation.
 *
 * Who owns time: inline, timers at cron-parser's next instants in the one process; bullmq, Redis (BullMQ job schedulers,
 * see bullmq/scheduler.ts), so each tick runs once however many schedulers run.
 */
import type { RunRecord } from '../evidence/store.ts';
import type { KpiResult } from '../kpi/types.ts';
import type { QueueCount } from '../metrics/isms-metrics.ts';

/** A job that failed after its retries, as `isms-kpi jobs` lists it (ids and error only). */
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
  /**
   * An evaluation finished. Under bullmq the results come through Redis without their
   * `failing` / `notes` lists (personal data stays in the store).
   */
  evaluated?(results: KpiResult[]): void;
  /** A job failed (after its retries). */
  failed?(job: FailedJob): void;
  /** Queue counts were refreshed (bullmq: every countsIntervalMs) — feed `isms_queue_jobs`. */
  queueCounts?(counts: readonly QueueCount[]): void;
}

export interface JobDriver {
  readonly name: 'inline' | 'bullmq';
  /** Start consuming (and, with schedules, producing) jobs. */
  start(): Promise<void>;
  /** Ask for one collection of a source now (deduplicated while one is pending). */
  enqueueCollect(sourceId: string, opts?: { observedAt?: Date }): Promise<void>;
  /** Ask for an evaluation now. */
  enqueueEvaluate(): Promise<void>;
  /** Counts per queue and state; cheap (cached under bullmq), safe to call during a scrape. */
  queueCounts(): Promise<QueueCount[]>;
  recentFailures(limit?: number): Promise<FailedJob[]>;
  /** Resolves when every queued job has run (schedule ticks still to come do not count). */
  drain(): Promise<void>;
  /** Stop taking jobs, let the active one finish (or give it back) within the timeout, close. */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}
