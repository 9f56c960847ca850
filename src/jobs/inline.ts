/**
 * The embedded default driver: jobs run in this process, one at a time, in order. Schedules
 * fire on timers set to each cron expression's next instant (cron-parser, the library the
 * config is validated with and BullMQ schedules with); an evaluation follows each collection.
 * No Redis needed.
 */
import { nextRun } from '../config/cron.ts';
import { TransientError } from '../errors.ts';
import type { RunRecord } from '../evidence/store.ts';
import { evaluateObjectives } from '../kpi/evaluate.ts';
import type { KpiResult } from '../kpi/types.ts';
import type { QueueCount } from '../metrics/isms-metrics.ts';
import type { FailedJob, JobDriver, JobEvents } from './driver.ts';
import { runCollection, type JobDeps } from './run-collection.ts';

type Job = { type: 'collect'; sourceId: string; observedAt?: Date } | { type: 'evaluate' };

export interface InlineOptions {
  /** Fire the sources' cron schedules (the `run` command); off for one-shot use. */
  schedules?: boolean;
  /** Retries of a transient failure (bad input is never retried). */
  attempts?: number;
  backoffMs?: number;
}

export class InlineDriver implements JobDriver {
  readonly name = 'inline' as const;
  private readonly queue: Job[] = [];
  private active: Promise<void> | undefined;
  private activeType: Job['type'] | undefined;
  private stopping = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failures: FailedJob[] = [];
  private readonly completed = new Map<Job['type'], number>();
  private jobSeq = 0;

  constructor(private readonly deps: JobDeps, private readonly events: JobEvents = {}, private readonly opts: InlineOptions = {}) {}

  async start(): Promise<void> {
    if (!this.opts.schedules) return;
    for (const s of this.deps.config.sources) {
      if (!s.enabled || !s.schedule) continue;
      this.schedule(s.id, s.schedule, s.timeZone ?? this.deps.config.organisation.timeZone);
    }
  }

  /** Fire at each instant of `cron` in `zone`, re-armed from the instant just fired. */
  private schedule(sourceId: string, cron: string, zone: string, after?: Date): void {
    if (this.stopping) return;
    // Timers run on the wall clock, not on deps.now: a clock frozen for a demo (`run --at`) must
    // not replay every tick between that instant and today.
    const now = new Date();
    const from = after && after > now ? after : now;
    const at = nextRun(cron, zone, from);
    // setTimeout holds at most ~24.8 days; a later instant is reached in steps.
    const wait = Math.min(at.getTime() - Date.now(), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (Date.now() + 5 < at.getTime()) return this.schedule(sourceId, cron, zone, after);
      void this.enqueueCollect(sourceId);
      this.schedule(sourceId, cron, zone, at);
    }, Math.max(0, wait));
    timer.unref?.();
    this.timers.add(timer);
  }

  async enqueueCollect(sourceId: string, opts: { observedAt?: Date } = {}): Promise<void> {
    if (this.stopping) return;
    const pending = this.queue.some((j) => j.type === 'collect' && j.sourceId === sourceId && j.observedAt?.getTime() === opts.observedAt?.getTime());
    if (!pending) this.queue.push({ type: 'collect', sourceId, observedAt: opts.observedAt });
    this.pump();
  }

  async enqueueEvaluate(): Promise<void> {
    if (this.stopping) return;
    if (!this.queue.some((j) => j.type === 'evaluate')) this.queue.push({ type: 'evaluate' });
    this.pump();
  }

  /** Resolves when every queued job has run. */
  async drain(): Promise<void> {
    while (this.active) await this.active;
  }

  private pump(): void {
    if (this.active) return;
    const job = this.queue.shift();
    if (!job) return;
    this.activeType = job.type;
    this.active = this.execute(job).finally(() => {
      this.active = undefined;
      this.activeType = undefined;
      this.pump();
    });
  }

  private async execute(job: Job): Promise<void> {
    const id = `${++this.jobSeq}`;
    try {
      if (job.type === 'collect') {
        const run = await this.withRetries(() => runCollection(this.deps, job.sourceId, { observedAt: job.observedAt }));
        this.events.collected?.(run);
        if (!this.queue.some((j) => j.type === 'evaluate')) this.queue.push({ type: 'evaluate' });
      } else {
        const at = (this.deps.now ?? (() => new Date()))();
        const results: KpiResult[] = await (this.deps.evaluate ? this.deps.evaluate(at) : evaluateObjectives(this.deps.store, this.deps.config, at));
        this.events.evaluated?.(results);
      }
      this.completed.set(job.type, (this.completed.get(job.type) ?? 0) + 1);
    } catch (err) {
      // An evaluation stopped by shutdown is not a failure: nothing was left half done.
      if (this.stopping && job.type === 'evaluate') return;
      const failed: FailedJob = {
        queue: job.type, jobId: id, source: job.type === 'collect' ? job.sourceId : undefined,
        failedAt: new Date().toISOString(), attempts: 1, error: (err as Error).message,
      };
      this.failures.unshift(failed);
      this.failures.length = Math.min(this.failures.length, 100);
      this.deps.log.error({ queue: job.type, source: failed.source, err: failed.error }, 'job failed');
      this.events.failed?.(failed);
      if (job.type === 'collect') {
        const failedRun = (await this.deps.store.runs({ source: job.sourceId, limit: 1 }))[0];
        if (failedRun) this.events.collected?.(failedRun satisfies RunRecord);
      }
    }
  }

  private async withRetries<T>(fn: () => Promise<T>): Promise<T> {
    const attempts = this.opts.attempts ?? 3;
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof TransientError) || i >= attempts || this.stopping) throw err;
        await new Promise((r) => setTimeout(r, (this.opts.backoffMs ?? 1000) * 2 ** (i - 1)));
      }
    }
  }

  async queueCounts(): Promise<QueueCount[]> {
    return (['collect', 'evaluate'] as const).flatMap((queue) => [
      { queue, state: 'waiting', count: this.queue.filter((j) => j.type === queue).length },
      { queue, state: 'active', count: this.activeType === queue ? 1 : 0 },
      { queue, state: 'completed', count: this.completed.get(queue) ?? 0 },
      { queue, state: 'failed', count: this.failures.filter((f) => f.queue === queue).length },
    ]);
  }

  async recentFailures(limit = 20): Promise<FailedJob[]> {
    return this.failures.slice(0, limit);
  }

  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    if (this.active) {
      await Promise.race([this.active, new Promise((r) => setTimeout(r, opts.timeoutMs ?? 30_000).unref())]);
    }
  }
}
