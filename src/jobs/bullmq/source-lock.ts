/**
 * One collection of a source at a time, across every worker. An accumulating source reads from
 * its checkpoint and commits facts and the new checkpoint together; two collections of the same
 * source running at once would both read from the same checkpoint and both add the same facts.
 * Schedule ticks can overlap (a slow run, a backfill, a manual `collect`), so a collection takes
 * the source's lock first and, when another holds it, waits in `delayed` without using an attempt.
 *
 * The lock is a Redis key with an owner and a TTL: a plain collection (owner: job id and lock
 * token) renews it while it runs; a sharded collection's flow holds it from planning to merge (the
 * owner is the flow's parent id, renewed by the shards), the merge takes it over for its attempt
 * and releases it, as does the flow's final failure. A crashed owner's lock expires after its TTL,
 * and only then does the recovered job go on — never two attempts of one collection at once.
 */
import { Redis } from 'ioredis';
import type { ResolvedOptions } from './options.ts';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
// Take the lock when it is free, already ours, or held by `from` (a hand-over).
const ACQUIRE = `local h = redis.call('get', KEYS[1])
if (not h) or h == ARGV[1] or (ARGV[3] ~= '' and h == ARGV[3]) then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

export class SourceLocks {
  private readonly redis: Redis;

  constructor(private readonly o: ResolvedOptions) {
    this.redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 100, 2000) });
    this.redis.on('error', () => {});
  }

  private key(source: string): string {
    return `${this.o.prefix}:isms:source-lock:${source}`;
  }

  /**
   * Take the lock when it is free or already ours, or from `from` (a plan job handing the source
   * to its flow, a merge taking it from the flow). Owners are per attempt (job id and lock token),
   * so a job BullMQ wrongly took for stalled, still running elsewhere, cannot run twice at once.
   */
  async acquire(source: string, owner: string, ttlMs: number, from = ''): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key(source), owner, String(ttlMs), from)) === 1;
  }

  /** Extend our lock; false when it is not ours (expired and taken). */
  async renew(source: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key(source), owner, String(ttlMs))) === 1;
  }

  async release(source: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(source), owner);
  }

  async holder(source: string): Promise<string | null> {
    return this.redis.get(this.key(source));
  }

  /** Renew every `ttlMs / 3` while `work` runs. */
  async holding<T>(source: string, owner: string, ttlMs: number, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void this.renew(source, owner, ttlMs).catch(() => {}), Math.max(100, Math.floor(ttlMs / 3)));
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
