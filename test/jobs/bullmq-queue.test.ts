/**
 * The BullMQ job layer against a real redis-server this file starts on a free port: retries,
 * bad input, sharded flows with 1 and 3 workers, evaluation after collection, queue counts.
 * Collections are the small fake of helpers/fake-ops.ts (real store, real checkpoints).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqDriver } from '../../src/jobs/bullmq/driver.ts';
import { noStore } from '../../src/evidence/no-store.ts';
import { listFailures } from '../../src/jobs/bullmq/visibility.ts';
import { startWorkers } from '../../src/jobs/bullmq/worker.ts';
import type { FailedJob } from '../../src/jobs/driver.ts';
import { cleanup, depsFor, makeDir, syntheticLines } from './helpers/deps.ts';
import { factsOf, fakeOps } from './helpers/fake-ops.ts';
import { freePort, TestRedis, uniquePrefix } from './helpers/redis.ts';
import { silentLogger } from '../../src/log.ts';

let redis: TestRedis;
const dirs: string[] = [];
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
  for (const d of dirs) cleanup(d);
});

const fast = { lockDuration: 2000, stalledInterval: 1000, backoffMs: 100, sourceLockTtlMs: 1500, lockWaitMs: 100, countsIntervalMs: 100, drainTimeoutMs: 2000 };
const at = new Date('2026-01-04T00:00:00Z');

/** Hand-computed: 105 synthetic lines give each of the 21 (day, user) keys 4 successes and 1 failure. */
function expected105(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const day of ['2026-01-01', '2026-01-02', '2026-01-03']) for (let u = 0; u < 7; u++) out[`${source}/u${u}|${day}`] = '4/1';
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

describe('bullmq driver', () => {
  it('retries a transient failure with exponential backoff, then collects once', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105) }]);
    const ops = fakeOps({ dir, transientFailures: 2 });
    const failures: FailedJob[] = [];
    const driver = new BullmqDriver(deps, { failed: (f) => failures.push(f) }, { redisUrl: redis.url, prefix: uniquePrefix('retry'), workers: true, ...fast }, ops);
    await driver.start();
    await driver.enqueueCollect('web', { observedAt: at });
    await driver.drain();
    const times = ops.attempts.get('web')!;
    expect(times).toHaveLength(3);
    // Backoff 100 ms then 200 ms (exponential); allow scheduling slack above, none below.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(100);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(200);
    expect(await factsOf(deps.store)).toEqual(expected105('web'));
    expect(failures).toEqual([]);
    expect(await driver.recentFailures()).toEqual([]);
    await driver.stop();
    await deps.store.close();
  });

  it('reports bad input at once, without retrying it', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(3) }]);
    const ops = fakeOps({ dir, badInput: true });
    const failures: FailedJob[] = [];
    const driver = new BullmqDriver(deps, { failed: (f) => failures.push(f) }, { redisUrl: redis.url, prefix: uniquePrefix('bad'), workers: true, ...fast }, ops);
    await driver.start();
    await driver.enqueueCollect('web', { observedAt: at });
    await driver.drain();
    expect(ops.attempts.get('web')).toHaveLength(1);
    const listed = await driver.recentFailures();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ queue: 'collect', source: 'web', attempts: 1, jobId: `collect:web:${at.getTime()}` });
    expect(listed[0]!.error).toBe('EVIDENCE_INPUT: web.log: missing column "user"');
    await new Promise((r) => setTimeout(r, 200));
    expect(failures.map((f) => f.jobId)).toEqual([`collect:web:${at.getTime()}`]);
    expect(await factsOf(deps.store)).toEqual({});
    await driver.stop();
    await deps.store.close();
  });

  it('asks for the same source and instant twice: one job', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105) }]);
    const ops = fakeOps({ dir });
    const driver = new BullmqDriver(deps, {}, { redisUrl: redis.url, prefix: uniquePrefix('dup'), ...fast }, ops);
    await driver.start();
    await driver.enqueueCollect('web', { observedAt: at });
    await driver.enqueueCollect('web', { observedAt: at });
    const w = startWorkers(deps, { redisUrl: redis.url, prefix: (driver as unknown as { o: { prefix: string } }).o.prefix, ...fast }, ops);
    await driver.drain();
    expect(ops.attempts.get('web')).toHaveLength(1);
    await w.stop();
    await driver.stop();
    await deps.store.close();
  });

  it('gives the same evidence for a sharded source with 1 worker and with 3 workers', async () => {
    const run = async (workers: number) => {
      const dir = makeDir();
      dirs.push(dir);
      const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105 * 10) }]);
      const prefix = uniquePrefix(`shards${workers}`);
      const byWorker: number[] = [];
      const handles = Array.from({ length: workers }, (_, i) =>
        startWorkers(deps, { redisUrl: redis.url, prefix, ...fast }, fakeOps({ dir, shards: 6, shardMs: 100, onEvent: (e) => e.type === 'shard' && byWorker.push(i) })),
      );
      await Promise.all(handles.map((h) => h.ready()));
      const driver = new BullmqDriver(deps, {}, { redisUrl: redis.url, prefix, ...fast }, fakeOps({ dir, shards: 6 }));
      await driver.start();
      await driver.enqueueCollect('web', { observedAt: at });
      await driver.drain();
      const facts = await factsOf(deps.store);
      const runs = await deps.store.runs({ source: 'web' });
      await Promise.all(handles.map((h) => h.stop()));
      await driver.stop();
      await deps.store.close();
      return { facts, runs, byWorker };
    };
    const one = await run(1);
    const three = await run(3);
    // 1050 lines = 10 × 105: each key 40 successes, 10 failures.
    const want = Object.fromEntries(Object.entries(expected105('web')).map(([k]) => [k, '40/10']));
    expect(one.facts).toEqual(want);
    expect(three.facts).toEqual(want);
    expect(one.byWorker).toHaveLength(6);
    expect(three.byWorker).toHaveLength(6);
    expect(new Set(three.byWorker).size).toBeGreaterThan(1);
    // One merged write per collection, whatever the number of workers.
    expect(one.runs.map((r) => [r.result, r.accepted])).toEqual([['success', 1050]]);
    expect(three.runs.map((r) => [r.result, r.accepted])).toEqual([['success', 1050]]);
  });

  it.each([
    ['in the process that owns the store', false],
    ['by a shard-only worker without a store (the failure is recorded by the store\'s worker)', true],
  ])('fails a sharded collection whose shard has bad input %s: not retried, recorded, nothing written', async (_how, split) => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105) }]);
    const ops = fakeOps({ dir, shards: 3, badShard: 1 });
    const shardCalls: number[] = [];
    const counted = { ...ops, shard: (...a: Parameters<typeof ops.shard>) => { shardCalls.push(Number(a[2].id)); return ops.shard(...a); } };
    const prefix = uniquePrefix('badshard');
    const driver = new BullmqDriver(deps, {}, { redisUrl: redis.url, prefix, workers: true, shards: !split, ...fast }, counted);
    const shardOnly = split ? startWorkers({ ...deps, store: noStore('test') }, { redisUrl: redis.url, prefix, collect: false, evaluate: false, ...fast }, counted) : undefined;
    await shardOnly?.ready();
    await driver.start();
    await driver.enqueueCollect('web', { observedAt: at });
    await driver.drain();
    // Each shard ran once: the bad one was not retried.
    expect(shardCalls.sort()).toEqual([0, 1, 2]);
    const failed = await driver.recentFailures();
    expect(failed.map((f) => f.jobId).sort()).toEqual([`merge:web:${at.getTime()}`, `shard:web:${at.getTime()}-1`]);
    expect(failed.find((f) => f.jobId.startsWith('shard'))!.error).toBe('EVIDENCE_INPUT: web.log: truncated at line 35');
    const listed = await listFailures(deps, { redisUrl: redis.url, prefix });
    expect(listed).toEqual(failed);
    const runs = await deps.store.runs({ source: 'web' });
    expect(runs.map((r) => [r.result, r.error])).toEqual([['failure', 'shard 2: EVIDENCE_INPUT: web.log: truncated at line 35']]);
    expect(await factsOf(deps.store)).toEqual({});
    await shardOnly?.stop();
    await driver.stop();
    await deps.store.close();
  });

  it('runs overlapping collections of one source one at a time, so they never read the same input twice', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105) }]);
    const events: string[] = [];
    const ops = fakeOps({ dir, beforeWriteMs: 300, onEvent: (e) => events.push(`${e.type} ${e.observedAt}`) });
    const driver = new BullmqDriver(deps, {}, { redisUrl: redis.url, prefix: uniquePrefix('overlap'), workers: true, concurrency: 2, ...fast }, ops);
    await driver.start();
    const later = new Date(at.getTime() + 60_000);
    await driver.enqueueCollect('web', { observedAt: at });
    await driver.enqueueCollect('web', { observedAt: later });
    await driver.drain();
    // Both ran, one after the other (either order), and the second read nothing new: 105 lines counted once.
    expect(events).toHaveLength(4);
    expect(events[0]!.split(' ')[0]).toBe('attempt');
    expect(events[1]).toBe(events[0]!.replace('attempt', 'written'));
    expect(events.slice(2).map((e) => e.split(' ')[0])).toEqual(['attempt', 'written']);
    expect(await factsOf(deps.store)).toEqual(expected105('web'));
    await driver.stop();
    await deps.store.close();
  });

  it('evaluates after collection, and a burst of collections gives few evaluations', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const sources = ['a', 'b', 'c', 'd'].map((id) => ({ id, lines: syntheticLines(5) }));
    const deps = depsFor(dir, sources);
    let evaluations = 0;
    const ops = { ...fakeOps({ dir }), evaluate: async () => { evaluations++; await new Promise((r) => setTimeout(r, 300)); return []; } };
    const evaluated: unknown[] = [];
    const driver = new BullmqDriver(deps, { evaluated: (r) => evaluated.push(r) }, { redisUrl: redis.url, prefix: uniquePrefix('eval'), workers: true, concurrency: 4, ...fast }, ops);
    await driver.start();
    for (const s of sources) await driver.enqueueCollect(s.id, { observedAt: at });
    await driver.drain();
    // Four collections; the evaluation queue holds at most one waiting job behind a running one.
    expect(evaluations).toBeGreaterThanOrEqual(1);
    expect(evaluations).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(evaluated).toHaveLength(evaluations);
    await driver.stop();
    await deps.store.close();
  });

  it('lists failures with a clear error when Redis does not answer', async () => {
    const port = await freePort();
    await expect(listFailures({ log: silentLogger }, { redisUrl: `redis://127.0.0.1:${port}`, timeoutMs: 300 })).rejects.toThrow('Redis did not answer within 300 ms (REDIS_URL)');
  });

  it('serves queue counts from a cache refreshed on a timer', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(5) }]);
    const pushed: number[] = [];
    const driver = new BullmqDriver(deps, { queueCounts: (c) => pushed.push(c.length) }, { redisUrl: redis.url, prefix: uniquePrefix('counts'), ...fast }, fakeOps({ dir }));
    await driver.start();
    await driver.enqueueCollect('web', { observedAt: at });
    await driver.enqueueCollect('web', { observedAt: new Date(at.getTime() + 1000) });
    await new Promise((r) => setTimeout(r, 350));
    const counts = await driver.queueCounts();
    const get = (queue: string, state: string) => counts.find((c) => c.queue === queue && c.state === state)?.count;
    expect(get('collect', 'waiting')).toBe(2);
    expect(get('collect', 'active')).toBe(0);
    expect(get('evaluate', 'waiting')).toBe(0);
    expect(get('shard', 'waiting')).toBe(0);
    // Every state of the three queues (collect, shard, evaluate), zeros included.
    expect(counts).toHaveLength(15);
    expect(pushed.length).toBeGreaterThanOrEqual(2);
    await driver.stop();
    await deps.store.close();
  });
});
