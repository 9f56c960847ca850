/**
 * What the queues look like from outside: job counts per queue and state for
 * `isms_queue_jobs{queue,state}`, refreshed on a timer so a Prometheus scrape never waits on
 * Redis, and the recent failures for `isms-kpi jobs` (job id, source id, error; no record data).
 */
import type { Queue } from 'bullmq';
import type { Logger } from '../../collectors/types.ts';
import { TransientError } from '../../errors.ts';
import type { QueueCount } from '../../metrics/isms-metrics.ts';
import type { FailedJob } from '../driver.ts';
import type { JobDeps } from '../run-collection.ts';
import { QUEUE_STATES, resolveOptions, type BullmqOptions } from './options.ts';
import { producers } from './worker.ts';

export async function readQueueCounts(queues: readonly Queue[]): Promise<QueueCount[]> {
  const out: QueueCount[] = [];
  for (const q of queues) {
    // `prioritized` and `waiting-children` are waiting too, from the operator's point of view.
    const c = await q.getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'failed', 'completed');
    const get = (k: string) => c[k] ?? 0;
    const counts: Record<(typeof QUEUE_STATES)[number], number> = {
      waiting: get('waiting') + get('prioritized') + get('waiting-children'),
      active: get('active'),
      delayed: get('delayed'),
      failed: get('failed'),
      completed: get('completed'),
    };
    for (const state of QUEUE_STATES) out.push({ queue: q.name, state, count: counts[state] });
  }
  return out;
}

/** Counts cached and refreshed every `intervalMs`; `current()` never touches Redis. */
export class QueueCountsCache {
  private counts: QueueCount[] = [];
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly queues: readonly Queue[],
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly onChange?: (counts: readonly QueueCount[]) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  /** Refresh now (also what the timer does). Errors keep the last counts. */
  refresh(): Promise<void> {
    this.refreshing ??= readQueueCounts(this.queues)
      .then((c) => {
        this.counts = c;
        this.onChange?.(c);
      })
      .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'cannot read queue counts'))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  current(): QueueCount[] {
    return this.counts;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The error text of a failure, first line only, without the stack. */
function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0] ?? '';
}

export async function readFailures(queues: readonly Queue[], limit = 20): Promise<FailedJob[]> {
  const all: FailedJob[] = [];
  for (const q of queues) {
    for (const job of await q.getFailed(0, limit - 1)) {
      if (!job?.id) continue;
      all.push({
        queue: q.name,
        jobId: job.id,
        source: (job.data as { source?: string } | undefined)?.source,
        failedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp).toISOString(),
        attempts: job.attemptsMade,
        error: firstLine(job.failedReason),
      });
    }
  }
  return all.sort((a, b) => b.failedAt.localeCompare(a.failedAt)).slice(0, limit);
}

/**
 * `isms-kpi jobs`: recent failed jobs of the deployment's queues. A one-shot command, so an
 * unreachable Redis is an error after `timeoutMs` rather than a wait for it to come back.
 */
export async function listFailures(deps: Pick<JobDeps, 'log'>, options: BullmqOptions & { limit?: number; timeoutMs?: number }): Promise<FailedJob[]> {
  const p = producers(resolveOptions(options));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransientError(`Redis did not answer within ${options.timeoutMs ?? 10_000} ms (REDIS_URL)`)), options.timeoutMs ?? 10_000);
  });
  try {
    return await Promise.race([readFailures(p.all, options.limit ?? 20), timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.race([p.close(), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}
