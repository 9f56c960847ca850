/**
 * A worker process: one BullMQ Worker on `collect` (any number of processes, on any hosts) and
 * one on `evaluate`. Stalled jobs (a worker that died mid-job) are taken back by the other
 * workers' stalled checks after `lockDuration`; evidence writes are idempotent, so the retried
 * job does not double-count. SIGTERM drains: no new jobs, the active ones may finish within
 * `drainTimeoutMs`, what is still running then is given back to the queue, and the process exits 0.
 */
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import type { JobDeps } from '../run-collection.ts';
import type { JobOps } from './ops.ts';
import { connectionOptions, COLLECT_QUEUE, EVALUATE_QUEUE, jobDefaults, resolveOptions, SHARD_QUEUE, type BullmqOptions, type ResolvedOptions } from './options.ts';
import { collectProcessor, evaluateProcessor, shardProcessor, type ProcessorContext } from './processor.ts';
import { SourceLocks } from './source-lock.ts';

export interface WorkerHandle {
  readonly workers: readonly Worker[];
  /** Resolves once every worker is running and connected. */
  ready(): Promise<void>;
  /** Drain and close (see the module comment). Idempotent. */
  stop(opts?: { timeoutMs?: number }): Promise<{ drained: boolean; givenBack: number }>;
  /** Resolves after stop() has completed. */
  readonly closed: Promise<void>;
}

export interface WorkerStartOptions extends BullmqOptions {
  /** Take collections, merges and failed-run records (default true). They need the evidence store. */
  collect?: boolean;
  /** Take shards of sharded sources (default true). They read files and never the store. */
  shards?: boolean;
  /** Run the evaluate queue here too (default true; a pure collector host may say false). */
  evaluate?: boolean;
}

/**
 * The real operations, imported when the workers start, with every collector loaded: a worker
 * reports ready only once its first job pays no import (mailparser, the Elasticsearch client…).
 */
async function loadDefaultOps(): Promise<JobOps> {
  const [{ defaultOps }, { loadAllCollectors }] = await Promise.all([import('./default-ops.ts'), import('../../collectors/registry.ts')]);
  await loadAllCollectors();
  return defaultOps;
}

/** Queues and producers a process shares between its workers and its scheduler. */
export function producers(o: ResolvedOptions): { collect: Queue; shard: Queue; evaluate: Queue; all: Queue[]; flows: FlowProducer; close(): Promise<void> } {
  const connection = connectionOptions(o);
  const collect = new Queue(COLLECT_QUEUE, { connection, prefix: o.prefix, defaultJobOptions: jobDefaults(o) });
  const shard = new Queue(SHARD_QUEUE, { connection, prefix: o.prefix, defaultJobOptions: jobDefaults(o) });
  const evaluate = new Queue(EVALUATE_QUEUE, { connection, prefix: o.prefix, defaultJobOptions: jobDefaults(o) });
  const flows = new FlowProducer({ connection, prefix: o.prefix });
  const all = [collect, shard, evaluate];
  // Connection errors are retried by ioredis; the listener keeps them from crashing the process.
  for (const q of all) q.on('error', () => {});
  flows.on('error', () => {});
  return {
    collect, shard, evaluate, all, flows,
    async close() {
      await Promise.allSettled([...all.map((q) => q.close()), flows.close()]);
    },
  };
}

export function startWorkers(deps: JobDeps, options: WorkerStartOptions, ops?: JobOps): WorkerHandle {
  const o = resolveOptions(options);
  const p = producers(o);
  const locks = new SourceLocks(o);
  const ctx: ProcessorContext = { deps, ops: ops ? Promise.resolve(ops) : loadDefaultOps(), opts: o, locks, flows: p.flows, collectQueue: p.collect, evaluateQueue: p.evaluate };
  const common = {
    connection: connectionOptions(o),
    prefix: o.prefix,
    lockDuration: o.lockDuration,
    stalledInterval: o.stalledInterval,
    maxStalledCount: o.maxStalledCount,
    removeOnComplete: o.keepCompleted,
    removeOnFail: o.keepFailed,
  };
  // Jobs this process is running, with their lock tokens, so a timed-out drain can give them back.
  const active = new Map<string, { job: Job; token: string }>();
  const track = <R>(fn: (job: Job, token?: string, signal?: AbortSignal) => Promise<R>) =>
    async (job: Job, token?: string, signal?: AbortSignal): Promise<R> => {
      const key = `${job.queueName}/${job.id}`;
      if (token) active.set(key, { job, token });
      try {
        return await fn(job, token, signal);
      } finally {
        active.delete(key);
      }
    };

  const workers: Worker[] = [];
  if (options.collect !== false) workers.push(new Worker(COLLECT_QUEUE, track(collectProcessor(ctx)), { ...common, concurrency: o.concurrency }));
  if (options.shards !== false) workers.push(new Worker(SHARD_QUEUE, track(shardProcessor(ctx)), { ...common, concurrency: o.concurrency }));
  if (options.evaluate !== false) workers.push(new Worker(EVALUATE_QUEUE, track(evaluateProcessor(ctx)), { ...common, concurrency: 1 }));
  if (workers.length === 0) throw new Error('a worker must take at least one of collect, shard and evaluate jobs');
  for (const w of workers) {
    w.on('error', (err) => deps.log.warn({ queue: w.name, err: err.message }, 'worker error (BullMQ retries connections itself)'));
    w.on('stalled', (jobId) => deps.log.warn({ queue: w.name, job: jobId }, 'stalled job taken back'));
    w.on('failed', (job, err) => {
      if (!job) return;
      const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (final) deps.log.error({ queue: w.name, job: job.id, source: (job.data as { source?: string }).source, err: err.message }, 'job failed');
    });
  }

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let stopping: Promise<{ drained: boolean; givenBack: number }> | undefined;

  return {
    workers,
    async ready() {
      // Ready means able to process: the operations (every collector) are loaded too, so the
      // first job does not pay for the imports and a broken module fails the start, not a job.
      await Promise.all([...workers.map((w) => w.waitUntilReady()), ctx.ops]);
    },
    closed,
    stop(opts = {}) {
      stopping ??= (async () => {
        const timeoutMs = opts.timeoutMs ?? o.drainTimeoutMs;
        const graceful = Promise.all(workers.map((w) => w.close())).then(() => true);
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
        const drained = await Promise.race([graceful, timedOut]);
        clearTimeout(timer);
        let givenBack = 0;
        if (!drained) {
          // Give the unfinished jobs back now rather than letting them stall for lockDuration.
          for (const w of workers) w.cancelAllJobs('shutdown');
          for (const { job, token } of active.values()) {
            try {
              await job.moveToWait(token);
              givenBack++;
            } catch (err) {
              deps.log.warn({ job: job.id, err: (err as Error).message }, 'could not give job back; it will be recovered as stalled');
            }
          }
          // close() waits for the processors still running; they no longer own their jobs, and the
          // process is about to exit, so do not wait for them beyond a moment.
          await Promise.race([Promise.allSettled(workers.map((w) => w.close(true))), new Promise((r) => setTimeout(r, 500).unref())]);
        }
        await p.close();
        await locks.close();
        deps.log.info({ drained, givenBack }, 'workers stopped');
        resolveClosed();
        return { drained, givenBack };
      })();
      return stopping;
    },
  };
}

/**
 * `isms-kpi worker`: run workers until SIGTERM/SIGINT, then drain and resolve (the CLI exits 0).
 */
export async function runWorker(deps: JobDeps, options: WorkerStartOptions, ops?: JobOps): Promise<{ drained: boolean; givenBack: number }> {
  const handle = startWorkers(deps, options, ops);
  await handle.ready();
  deps.log.info({ concurrency: options.concurrency ?? 1 }, 'worker ready');
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      deps.log.info({ signal }, 'draining');
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void handle.stop().then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
