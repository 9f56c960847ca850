/**
 * The BullMQ implementation of JobDriver (chosen when REDIS_URL is set). One object serves the
 * three process shapes: `run` (schedules + workers + HTTP in one process), a front process that
 * only enqueues and watches, or, through startWorkers/startScheduler, the dedicated processes.
 * Events come from Redis (QueueEvents), so they reflect jobs run by workers on any host.
 */
import { QueueEvents } from 'bullmq';
import type { QueueCount } from '../../metrics/isms-metrics.ts';
import type { FailedJob, JobDriver, JobEvents } from '../driver.ts';
import type { JobDeps } from '../run-collection.ts';
import type { JobOps } from './ops.ts';
import {
  collectJobId, connectionOptions, COLLECT_QUEUE, EVALUATE_QUEUE, QUEUES, resolveOptions,
  type CollectJobData, type ResolvedOptions,
} from './options.ts';
import { requestEvaluation, type CollectResult, type EvaluateResult } from './processor.ts';
import { startScheduler, type SchedulerHandle } from './scheduler.ts';
import { QueueCountsCache, readFailures } from './visibility.ts';
import { producers, startWorkers, type WorkerHandle, type WorkerStartOptions } from './worker.ts';

/** Which queues this process's workers take (collect, shards, evaluate) is for `workers: true`. */
export interface BullmqDriverOptions extends WorkerStartOptions {
  /** Own the schedules in this process (the `run` command). Default false. */
  schedules?: boolean;
  /** Run workers in this process (the `run` command). Default false. */
  workers?: boolean;
}

export class BullmqDriver implements JobDriver {
  readonly name = 'bullmq' as const;
  private readonly o: ResolvedOptions;
  private readonly p: ReturnType<typeof producers>;
  private readonly counts: QueueCountsCache;
  private readonly listeners: QueueEvents[] = [];
  private workers: WorkerHandle | undefined;
  private scheduler: SchedulerHandle | undefined;
  private started = false;

  constructor(
    private readonly deps: JobDeps,
    private readonly events: JobEvents = {},
    private readonly options: BullmqDriverOptions,
    private readonly ops?: JobOps,
  ) {
    this.o = resolveOptions(options);
    this.p = producers(this.o);
    this.counts = new QueueCountsCache(this.p.all, this.o.countsIntervalMs, deps.log, events.queueCounts);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.listen();
    this.counts.start();
    if (this.options.workers) {
      this.workers = startWorkers(this.deps, this.options, this.ops);
      await this.workers.ready();
    }
    if (this.options.schedules) this.scheduler = await startScheduler(this.deps, this.options);
  }

  private async listen(): Promise<void> {
    if (!this.events.collected && !this.events.evaluated && !this.events.failed) return;
    const connection = connectionOptions(this.o);
    const events = new Map(QUEUES.map((name) => [name, new QueueEvents(name, { connection, prefix: this.o.prefix })]));
    this.listeners.push(...events.values());
    for (const l of this.listeners) l.on('error', () => {});
    const collect = events.get(COLLECT_QUEUE)!;
    const evaluate = events.get(EVALUATE_QUEUE)!;
    collect.on('completed', ({ returnvalue }) => {
      const r = returnvalue as unknown as CollectResult | undefined;
      // A planning job's result names its flow; the evidence is written by the flow's parent.
      if (!r?.source || r.flow || !this.events.collected) return;
      void this.deps.store.runs({ source: r.source, limit: 1 }).then(([run]) => run && this.events.collected?.(run), () => {});
    });
    evaluate.on('completed', ({ returnvalue }) => {
      const r = returnvalue as unknown as EvaluateResult | undefined;
      if (r?.results) this.events.evaluated?.(r.results);
    });
    const failed = (queue: string) => async ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
      if (!this.events.failed) return;
      const q = this.p.all.find((x) => x.name === queue)!;
      const job = await q.getJob(jobId).catch(() => undefined);
      // The event also fires for attempts that will be retried; report only final failures.
      if (job && (await job.getState().catch(() => 'unknown')) !== 'failed') return;
      this.events.failed({
        queue, jobId, source: (job?.data as CollectJobData | undefined)?.source,
        failedAt: new Date(job?.finishedOn ?? Date.now()).toISOString(), attempts: job?.attemptsMade ?? 0,
        error: (failedReason ?? '').split('\n')[0] ?? '',
      });
    };
    for (const [name, l] of events) l.on('failed', (e) => void failed(name)(e));
    await Promise.all(this.listeners.map((l) => l.waitUntilReady()));
  }

  async enqueueCollect(sourceId: string, opts: { observedAt?: Date } = {}): Promise<void> {
    const observedAt = opts.observedAt ?? (this.deps.now ?? (() => new Date()))();
    const data: CollectJobData = { source: sourceId, observedAt: observedAt.toISOString() };
    // Same source and instant → same id → one job, however many times it is asked for.
    await this.p.collect.add('collect', data, { jobId: collectJobId(sourceId, observedAt) });
  }

  async enqueueEvaluate(): Promise<void> {
    await requestEvaluation(this.p.evaluate);
  }

  /** The cached counts (refreshed every countsIntervalMs); never a Redis round trip. */
  async queueCounts(): Promise<QueueCount[]> {
    return this.counts.current();
  }

  async recentFailures(limit = 20): Promise<FailedJob[]> {
    return readFailures(this.p.all, limit);
  }

  /**
   * Resolves when no collect, shard or evaluate job is waiting, running, or delayed for a retry
   * (polls Redis). The next tick of a job scheduler, also a delayed job, does not count.
   */
  async drain(pollMs = 100): Promise<void> {
    const queues = this.p.all;
    const busy = async (): Promise<boolean> => {
      for (const q of queues) {
        // One atomic read of every unfinished state: a job moving between them (a retry leaving
        // `delayed`) is seen in one of them, never in neither.
        const ids = await q.getRanges(['waiting', 'prioritized', 'waiting-children', 'active', 'delayed'], 0, -1);
        for (const id of ids) {
          if (!id.startsWith('repeat:')) return true;
          if ((await q.getJobState(id)) !== 'delayed') return true;
        }
      }
      return false;
    };
    while (await busy()) await new Promise((r) => setTimeout(r, pollMs));
  }

  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.scheduler?.stop();
    await this.workers?.stop({ timeoutMs: opts.timeoutMs ?? this.o.drainTimeoutMs });
    this.counts.stop();
    await Promise.allSettled(this.listeners.map((l) => l.close()));
    await this.p.close();
  }
}
