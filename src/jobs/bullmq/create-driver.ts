/**
 * The one place that knows both drivers: bullmq when REDIS_URL is set, inline otherwise.
 * (It lives apart from driver.ts so the interface module imports no implementation.)
 */
import type { JobDriver, JobEvents } from '../driver.ts';
import type { JobDeps } from '../run-collection.ts';

export interface DriverOptions {
  /** Own the sources' schedules in this process. */
  schedules?: boolean;
  /** bullmq: run workers in this process too (the `run` command); inline always runs its jobs. */
  workers?: boolean;
  /** bullmq: jobs run at once by this process's workers. */
  concurrency?: number;
  /** bullmq: Redis key prefix (default `isms`). */
  prefix?: string;
}

/** The driver the config asks for: bullmq when REDIS_URL is set, inline otherwise. */
export async function createDriver(deps: JobDeps, events: JobEvents = {}, opts: DriverOptions = {}): Promise<JobDriver> {
  const redisUrl = deps.config.env.redisUrl;
  if (!redisUrl) {
    const { InlineDriver } = await import('../inline.ts');
    return new InlineDriver(deps, events, { schedules: opts.schedules });
  }
  // Loaded only when asked for, so the embedded default never loads BullMQ.
  const { BullmqDriver } = await import('./driver.ts');
  return new BullmqDriver(deps, events, { redisUrl, schedules: opts.schedules, workers: opts.workers, concurrency: opts.concurrency, prefix: opts.prefix });
}
