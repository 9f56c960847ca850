/**
 * Who owns time: Redis. The scheduler process writes one BullMQ job scheduler per scheduled
 * source (`upsertJobScheduler`, id `collect-<source>`) and that is all; the scheduler's next job
 * is a delayed job in Redis with the id `repeat:collect-<source>:<tick ms>`, and each worker that
 * takes a tick's job adds the next one. Hence:
 * - two schedulers (high availability) upsert the same scheduler id: one job per tick, never two;
 * - a scheduler restart re-upserts the same definition: the pending tick keeps its id;
 * - with every scheduler down, ticks still fire as long as a worker runs;
 * - no process's clock decides alone: a tick is identified by its cron instant, not by who saw it.
 * A timer per process (as the inline driver has) would need a lock or dedup ids per tick for the
 * same guarantees and loses ticks while the process is down. It is used here only to validate the
 * expressions with the same parser as the inline driver.
 *
 * The scheduler also re-applies the schedules periodically, so a Redis that lost its data
 * (no persistence, failover) gets them back, and removes schedulers of sources no longer in the
 * config.
 */
import { cronProblem } from '../../config/cron.ts';
import type { Queue } from 'bullmq';
import type { Config } from '../../config/types.ts';
import type { Logger } from '../../collectors/types.ts';
import type { JobDeps } from '../run-collection.ts';
import { jobDefaults, resolveOptions, schedulerId, type BullmqOptions, type CollectJobData, type ResolvedOptions } from './options.ts';
import { producers } from './worker.ts';

const SCHEDULER_PREFIX = 'collect-';

export interface ScheduleSync {
  upserted: string[];
  removed: string[];
}

/** Make the queue's job schedulers match the config's scheduled sources. Idempotent. */
export async function syncSchedules(queue: Queue, config: Config, o: ResolvedOptions, log: Logger): Promise<ScheduleSync> {
  const wanted = new Map<string, { source: string; pattern: string; tz: string }>();
  for (const s of config.sources) {
    if (!s.enabled || !s.schedule) continue;
    if (cronProblem(s.schedule) !== undefined) {
      log.error({ source: s.id }, 'invalid cron schedule; source not scheduled');
      continue;
    }
    wanted.set(schedulerId(s.id), { source: s.id, pattern: s.schedule.trim(), tz: s.timeZone ?? config.organisation.timeZone });
  }
  const upserted: string[] = [];
  const { removeOnComplete, removeOnFail, attempts, backoff } = jobDefaults(o);
  for (const [id, w] of wanted) {
    const data: CollectJobData = { source: w.source };
    await queue.upsertJobScheduler(id, { pattern: w.pattern, tz: w.tz }, { name: 'collect', data, opts: { attempts, backoff, removeOnComplete, removeOnFail } });
    upserted.push(w.source);
  }
  const removed: string[] = [];
  for (const existing of await queue.getJobSchedulers()) {
    const id = existing.key;
    if (id.startsWith(SCHEDULER_PREFIX) && !wanted.has(id)) {
      await queue.removeJobScheduler(id);
      removed.push(id.slice(SCHEDULER_PREFIX.length));
    }
  }
  return { upserted, removed };
}

export interface SchedulerHandle {
  stop(): Promise<void>;
  readonly closed: Promise<void>;
  /** The last synchronisation (for logs and tests). */
  lastSync(): ScheduleSync | undefined;
}

export interface SchedulerStartOptions extends BullmqOptions {
  /** Re-apply the schedules this often. Default 5 minutes. */
  resyncMs?: number;
}

export async function startScheduler(deps: JobDeps, options: SchedulerStartOptions): Promise<SchedulerHandle> {
  const o = resolveOptions(options);
  const p = producers(o);
  let last: ScheduleSync | undefined;
  const sync = async () => {
    try {
      last = await syncSchedules(p.collect, deps.config, o, deps.log);
      deps.log.info({ scheduled: last.upserted.length, removed: last.removed.length }, 'schedules applied');
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'cannot apply schedules yet; will retry');
    }
  };
  await sync();
  const timer = setInterval(() => void sync(), options.resyncMs ?? 300_000);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let stopping: Promise<void> | undefined;
  return {
    closed,
    lastSync: () => last,
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        await p.close();
        resolveClosed();
      })();
      return stopping;
    },
  };
}

/** `isms-kpi scheduler`: apply the schedules, keep them applied until SIGTERM/SIGINT, then resolve. */
export async function runScheduler(deps: JobDeps, options: SchedulerStartOptions): Promise<void> {
  const handle = await startScheduler(deps, options);
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void handle.stop().then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
