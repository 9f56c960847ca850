/**
 * The production topology's processes: `scheduler` and `worker` (BullMQ on REDIS_URL), and `jobs`
 * to list recent failures. BullMQ is loaded only here, so the embedded default never loads it.
 */
import { UsageError } from '../../errors.ts';
import type { FailedJob } from '../../jobs/driver.ts';
import { createApp, type App } from '../app.ts';
import { table } from '../format.ts';
import type { GlobalOptions } from './options.ts';

function redisUrlOf(app: App, command: string): string {
  const url = app.config.env.redisUrl;
  if (!url) throw new UsageError(`${command} needs REDIS_URL (the queue's Redis); without it, \`isms-kpi run\` runs everything in one process`);
  return url;
}

export async function workerCommand(opts: GlobalOptions & { concurrency?: string; shutdownTimeout?: string; shardsOnly?: boolean }): Promise<number> {
  const shardsOnly = opts.shardsOnly === true;
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'info', store: !shardsOnly });
  try {
    const redisUrl = redisUrlOf(app, 'worker');
    const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) throw new UsageError(`--concurrency: expected a whole number ≥ 1, got "${opts.concurrency}"`);
    const { runWorker } = await import('../../jobs/bullmq/worker.ts');
    const roles = shardsOnly ? { collect: false, evaluate: false, shards: true } : {};
    await runWorker(app.deps, { redisUrl, concurrency, drainTimeoutMs: Number(opts.shutdownTimeout ?? 30_000), ...roles });
    return 0;
  } finally {
    await app.close();
  }
}

export async function schedulerCommand(opts: GlobalOptions): Promise<number> {
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'info' });
  try {
    const redisUrl = redisUrlOf(app, 'scheduler');
    const { runScheduler } = await import('../../jobs/bullmq/scheduler.ts');
    await runScheduler(app.deps, { redisUrl });
    return 0;
  } finally {
    await app.close();
  }
}

export async function jobsCommand(opts: GlobalOptions & { limit?: string; format?: string }): Promise<number> {
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'warn' });
  try {
    const limit = Number(opts.limit ?? 20);
    let failures: FailedJob[];
    if (app.config.env.redisUrl) {
      const { listFailures } = await import('../../jobs/bullmq/visibility.ts');
      failures = await listFailures(app.deps, { redisUrl: app.config.env.redisUrl, limit });
    } else {
      // Inline: no queue outlives the process; the store's run records are the history.
      failures = (await app.store.runs({ limit: 500 }))
        .filter((r) => r.result === 'failure')
        .slice(0, limit)
        .map((r) => ({ queue: 'collect', jobId: '-', source: r.source, failedAt: r.finishedAt, attempts: 1, error: r.error ?? 'failed' }));
    }
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(failures, null, 2)}\n`);
    else if (failures.length === 0) process.stdout.write('no failed jobs\n');
    else process.stdout.write(table(['failed at', 'queue', 'job', 'source', 'attempts', 'error'], failures.map((f) => [f.failedAt, f.queue, f.jobId, f.source ?? '', String(f.attempts), f.error.split('\n')[0] ?? ''])));
    return 0;
  } finally {
    await app.close();
  }
}
