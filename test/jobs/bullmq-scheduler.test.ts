/**
 * Who owns time under BullMQ: Redis job schedulers. Two schedulers against one Redis, one of
 * them restarted midway, with a schedule firing every second: each tick is collected exactly once.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqDriver } from '../../src/jobs/bullmq/driver.ts';
import { resolveOptions } from '../../src/jobs/bullmq/options.ts';
import { startScheduler, syncSchedules } from '../../src/jobs/bullmq/scheduler.ts';
import { startWorkers } from '../../src/jobs/bullmq/worker.ts';
import { silentLogger } from '../../src/log.ts';
import { cleanup, depsFor, makeDir, syntheticLines } from './helpers/deps.ts';
import { factsOf, fakeOps } from './helpers/fake-ops.ts';
import { TestRedis, uniquePrefix } from './helpers/redis.ts';

let redis: TestRedis;
const dirs: string[] = [];
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
  for (const d of dirs) cleanup(d);
});

const fast = { lockDuration: 2000, stalledInterval: 1000, backoffMs: 100, sourceLockTtlMs: 1500, lockWaitMs: 100 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('schedules', () => {
  it('collects each tick exactly once with two schedulers, across a scheduler restart', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [
      { id: 'web', lines: syntheticLines(5), schedule: '* * * * * *' },
      { id: 'vpn', lines: syntheticLines(5), schedule: '* * * * * *' },
    ]);
    const prefix = uniquePrefix('ha');
    const ticks: { source: string; observedAt: string }[] = [];
    const ops = fakeOps({ dir, onEvent: (e) => e.type === 'attempt' && ticks.push({ source: e.source, observedAt: e.observedAt }) });
    const workers = startWorkers(deps, { redisUrl: redis.url, prefix, concurrency: 2, ...fast }, ops);
    await workers.ready();

    const t0 = Date.now();
    const a = await startScheduler(deps, { redisUrl: redis.url, prefix, ...fast });
    const b = await startScheduler(deps, { redisUrl: redis.url, prefix, ...fast });
    await sleep(2200);
    await b.stop();
    const b2 = await startScheduler(deps, { redisUrl: redis.url, prefix, ...fast });
    await sleep(2200);
    await workers.stop();
    const t1 = Date.now();
    await Promise.all([a.stop(), b2.stop()]);

    for (const source of ['web', 'vpn']) {
      const seen = ticks.filter((t) => t.source === source).map((t) => Date.parse(t.observedAt));
      // Whole-second cron instants, each collected once. (A tick may be skipped on a loaded
      // machine when a worker takes the previous one more than a second late; never doubled.)
      expect(seen.every((ms) => ms % 1000 === 0)).toBe(true);
      expect(new Set(seen).size).toBe(seen.length);
      // About one per second of the 4.4 s run (the first tick is the next whole second).
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.length).toBeLessThanOrEqual(Math.ceil((t1 - t0) / 1000) + 1);
    }
    await deps.store.close();
  });

  it('runs schedules and workers in one process for `run`', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105), schedule: '* * * * * *' }]);
    const ticks: string[] = [];
    const evaluated: unknown[] = [];
    const driver = new BullmqDriver(deps, { evaluated: (r) => evaluated.push(r) }, { redisUrl: redis.url, prefix: uniquePrefix('run'), schedules: true, workers: true, ...fast }, fakeOps({ dir, onEvent: (e) => e.type === 'attempt' && ticks.push(e.observedAt) }));
    await driver.start();
    await sleep(2500);
    await driver.stop();
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ticks).size).toBe(ticks.length);
    // The first tick read the whole log; later ticks found nothing new.
    expect((await factsOf(deps.store))['web/u0|2026-01-01']).toBe('4/1');
    expect(evaluated.length).toBeGreaterThanOrEqual(1);
    await deps.store.close();
  });

  it('applies the config idempotently and removes the schedules of sources no longer configured', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const prefix = uniquePrefix('sync');
    const o = resolveOptions({ redisUrl: redis.url, prefix });
    const q = new Queue('collect', { connection: { url: redis.url }, prefix });
    const before = depsFor(dir, [
      { id: 'web', lines: ['x'], schedule: '0 3 * * *' },
      { id: 'hr', lines: ['x'], schedule: '0 4 * * 1-5' },
      { id: 'adhoc', lines: ['x'] },
    ]);
    expect(await syncSchedules(q, before.config, o, silentLogger)).toEqual({ upserted: ['web', 'hr'], removed: [] });
    expect(await syncSchedules(q, before.config, o, silentLogger)).toEqual({ upserted: ['web', 'hr'], removed: [] });
    const schedulers = await q.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      ['collect-hr', '0 4 * * 1-5', 'UTC'],
      ['collect-web', '0 3 * * *', 'UTC'],
    ]);
    // One pending job per scheduler, however often the config was applied.
    expect(await q.getDelayedCount()).toBe(2);
    const after = depsFor(dir, [{ id: 'web', lines: ['x'], schedule: '0 3 * * *' }]);
    expect(await syncSchedules(q, after.config, o, silentLogger)).toEqual({ upserted: ['web'], removed: ['hr'] });
    expect((await q.getJobSchedulers()).map((s) => s.key)).toEqual(['collect-web']);
    await q.close();
    await before.store.close();
    await after.store.close();
  });
});
