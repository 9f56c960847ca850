/**
 * One collection of a source at a time, across every worker. An accumulating source reads from
 * its checkpoint and commits facts and the new checkpoint together; two collections of the same
 * source running at once would both read from the same checkpoint and both add the same facts.
 * Schedule ticks can overlap (a slow run, a backfill, a manual `collect`), so a collection takes
 * the source's lock first and, when another holds it, waits in `delayed` without using an attempt.
 *
 * The lock is a Redis key with an owner and a TTL: a plain collection renews it while it runs;
 * a sharded collection's flow holds it from planning to merge (the owner is the flow's parent id;
 * shards and merge renew it) and the merge, or the flow's final failure, releases it. A crashed
 * owner's lock expires after the TTL.
 */
import { Redis } from 'ioredis';
import type { ResolvedOptions } from './options.ts';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const TRANSFER = `if redis.call('get', KEYS[1]) == ARGV[1] or redis.call('get', KEYS[1]) == ARGV[2] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return nil end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export class SourceLocks {
  private readonly redis: Redis;

  constructor(private readonly o: ResolvedOptions) {
    this.redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 100, 2000) });
    this.redis.on('error', () => {});
  }

  private key(source: string): string {
    return `${this.o.prefix}:isms:source-lock:${source}`;
  }

  /** Take the lock (or confirm we hold it already: a retried job of the same owner). */
  async acquire(source: string, owner: string, ttlMs: number): Promise<boolean> {
    const ok = await this.redis.set(this.key(source), owner, 'PX', ttlMs, 'NX');
    if (ok === 'OK') return true;
    return (await this.renew(source, owner, ttlMs)) === true;
  }

  /** Extend our lock; false when it is not ours (expired and taken). */
  async renew(source: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key(source), owner, String(ttlMs))) === 1;
  }

  /** Hand our lock to another owner (a plan job to its flow), with a new TTL. */
  async transfer(source: string, from: string, to: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(TRANSFER, 1, this.key(source), from, to, String(ttlMs))) === 'OK';
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
