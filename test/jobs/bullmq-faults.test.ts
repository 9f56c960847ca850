/**
 * Faults, each against a real redis-server started here: a worker SIGKILLed mid-job, SIGTERM
 * drains (finish, or give back at the timeout) and exits 0, Redis restarted mid-run. Workers
 * that must die are child processes running runWorker, as `isms-kpi worker` does.
 *
 * The faults that test the store (a kill before or after the write, a merge killed after its
 * write, a false stall) run on both stores: SQLite shared through one directory, and PostgreSQL
 * with every process in a directory of its own, as on separate hosts.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqDriver } from '../../src/jobs/bullmq/driver.ts';
import { collectJobId } from '../../src/jobs/bullmq/options.ts';
import { startWorkers } from '../../src/jobs/bullmq/worker.ts';
import type { FailedJob } from '../../src/jobs/driver.ts';
import { spawnWorker } from './helpers/child.ts';
import { cleanup, depsFor, hostDir, makeDir, syntheticLines } from './helpers/deps.ts';
import type { JobDeps } from '../../src/jobs/run-collection.ts';
import { pgDatabase } from '../helpers/pg-database.ts';
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

const fast = { lockDuration: 1500, stalledInterval: 500, backoffMs: 100, sourceLockTtlMs: 1500, lockWaitMs: 100, countsIntervalMs: 200 };
const at = new Date('2026-01-04T00:00:00Z');
const isType = (type: string) => (l: Record<string, unknown>) => l.type === type;
const isLog = (msg: string) => (l: Record<string, unknown>) => l.type === 'log' && l.msg === msg;

/** Hand-computed: 105 synthetic lines give each of the 21 (day, user) keys 4 successes and 1 failure. */
function expected105(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const day of ['2026-01-01', '2026-01-02', '2026-01-03']) for (let u = 0; u < 7; u++) out[`${source}/u${u}|${day}`] = '4/1';
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function jobState(url: string, prefix: string, id: string): Promise<string> {
  const q = new Queue('collect', { connection: { url }, prefix });
  try {
    return (await (await q.getJob(id))?.getState()) ?? 'missing';
  } finally {
    await q.close();
  }
}

/**
 * The test's deps, and where a child worker runs: the same directory (SQLite file shared) or,
 * on PostgreSQL, a directory of its own per worker.
 */
async function storeSetup(store: 'sqlite' | 'postgres'): Promise<{ dir: string; deps: JobDeps; child: () => { JOBS_DIR: string; TEST_DATABASE_URL?: string } }> {
  const dir = makeDir();
  dirs.push(dir);
  const url = store === 'postgres' ? await pgDatabase('faults') : undefined;
  const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105) }], undefined, url);
  const child = () => {
    if (!url) return { JOBS_DIR: dir };
    const own = hostDir(dir);
    dirs.push(own);
    return { JOBS_DIR: own, TEST_DATABASE_URL: url };
  };
  return { dir, deps, child };
}

for (const store of ['sqlite', 'postgres'] as const) describe(`worker faults touching the store (${store})`, () => {
  for (const when of ['before', 'after'] as const) {
    it(`recovers a job whose worker was SIGKILLed ${when} its write, without double-counting`, async () => {
      const { dir, deps, child } = await storeSetup(store);
      const prefix = uniquePrefix(`kill-${when}`);
      const failures: FailedJob[] = [];
      const driver = new BullmqDriver(deps, { failed: (f) => failures.push(f) }, { redisUrl: redis.url, prefix, ...fast }, fakeOps({ dir }));
      await driver.start();

      const doomed = spawnWorker({
        REDIS_URL: redis.url, PREFIX: prefix, ...child(), TIMINGS: fast,
        FAKE: when === 'before' ? { beforeWriteMs: 60_000 } : { afterWriteMs: 60_000 },
      });
      await doomed.waitFor(isLog('worker ready'));
      await driver.enqueueCollect('web', { observedAt: at });
      await doomed.waitFor(isType(when === 'before' ? 'attempt' : 'written'));
      doomed.proc.kill('SIGKILL');
      expect((await doomed.exited).signal).toBe('SIGKILL');
      expect(await jobState(redis.url, prefix, collectJobId('web', at))).toBe('active');

      // A healthy worker's stalled check takes the job back once its lock expires.
      const healthy = spawnWorker({ REDIS_URL: redis.url, PREFIX: prefix, ...child(), TIMINGS: fast });
      await healthy.waitFor(isLog('stalled job taken back'));
      await healthy.waitFor(isType('written'));
      await driver.drain();
      expect(await jobState(redis.url, prefix, collectJobId('web', at))).toBe('completed');
      expect(await factsOf(deps.store)).toEqual(expected105('web'));
      expect(failures).toEqual([]);
      healthy.proc.kill('SIGTERM');
      expect((await healthy.exited).code).toBe(0);
      await driver.stop();
      await deps.store.close();
    });
  }

  it('a flow whose merge was SIGKILLed after its write is finished by another worker without adding the shards twice', async () => {
    const { dir, deps, child } = await storeSetup(store);
    const prefix = uniquePrefix('kill-merge');
    const failures: FailedJob[] = [];
    const driver = new BullmqDriver(deps, { failed: (f) => failures.push(f) }, { redisUrl: redis.url, prefix, ...fast }, fakeOps({ dir, shards: 3 }));
    await driver.start();
    const doomed = spawnWorker({ REDIS_URL: redis.url, PREFIX: prefix, ...child(), TIMINGS: fast, FAKE: { shards: 3, afterWriteMs: 60_000 } });
    await doomed.waitFor(isLog('worker ready'));
    await driver.enqueueCollect('web', { observedAt: at });
    await doomed.waitFor(isType('written'));
    doomed.proc.kill('SIGKILL');
    await doomed.exited;

    const healthy = spawnWorker({ REDIS_URL: redis.url, PREFIX: prefix, ...child(), TIMINGS: fast, FAKE: { shards: 3 } });
    await healthy.waitFor(isLog('stalled job taken back'));
    await driver.drain();
    // Completed, hence removed (its partials name accounts).
    expect(await jobState(redis.url, prefix, `merge:web:${at.getTime()}`)).toBe('missing');
    // The healthy worker did not write again: the first write's marker told it the write was done.
    expect(healthy.lines.filter(isType('written'))).toEqual([]);
    expect(await factsOf(deps.store)).toEqual(expected105('web'));
    expect(failures).toEqual([]);
    healthy.proc.kill('SIGTERM');
    expect((await healthy.exited).code).toBe(0);
    await driver.stop();
    await deps.store.close();
  });

  it('a job wrongly taken for stalled (its worker blocked) is not run twice at once', async () => {
    const { dir, deps, child } = await storeSetup(store);
    const prefix = uniquePrefix('false-stall');
    // BullMQ's job lock (1 s) lapses while the worker blocks for 2.5 s; the source lock (10 s) does not.
    const timings = { lockDuration: 1000, stalledInterval: 300, backoffMs: 100, sourceLockTtlMs: 10_000, lockWaitMs: 100 };
    const driver = new BullmqDriver(deps, {}, { redisUrl: redis.url, prefix, ...timings }, fakeOps({ dir }));
    await driver.start();
    const blocked = spawnWorker({ REDIS_URL: redis.url, PREFIX: prefix, ...child(), TIMINGS: timings, FAKE: { blockMs: 2500 } });
    await blocked.waitFor(isLog('worker ready'));
    await driver.enqueueCollect('web', { observedAt: at });
    await blocked.waitFor(isType('attempt'));
    const other = spawnWorker({ REDIS_URL: redis.url, PREFIX: prefix, ...child(), TIMINGS: timings });
    await other.waitFor(isLog('stalled job taken back'));
    await driver.drain();
    await blocked.waitFor(isType('written'));
    // Whoever wrote second read the first one's checkpoint: the lines are counted once.
    expect(await factsOf(deps.store)).toEqual(expected105('web'));
    for (const w of [blocked, other]) w.proc.kill('SIGTERM');
    await Promise.all([blocked.exited, other.exited]);
    await driver.stop();
    await deps.store.close();
  });

});

describe('worker faults', () => {
  it('SIGTERM lets the active job finish, then exits 0', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105) }]);
    const prefix = uniquePrefix('term-finish');
    const driver = new BullmqDriver(deps, {}, { redisUrl: redis.url, prefix, ...fast }, fakeOps({ dir }));
    await driver.start();
    const w = spawnWorker({ REDIS_URL: redis.url, PREFIX: prefix, JOBS_DIR: dir, TIMINGS: { ...fast, drainTimeoutMs: 15_000 }, FAKE: { beforeWriteMs: 1500 } });
    await w.waitFor(isLog('worker ready'));
    await driver.enqueueCollect('web', { observedAt: at });
    await w.waitFor(isType('attempt'));
    w.proc.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit.code).toBe(0);
    expect(w.lines.find(isType('exit'))).toMatchObject({ drained: true, givenBack: 0 });
    expect(await jobState(redis.url, prefix, collectJobId('web', at))).toBe('completed');
    expect(await factsOf(deps.store)).toEqual(expected105('web'));
    await driver.stop();
    await deps.store.close();
  });

  it('SIGTERM gives a job that outlasts the drain timeout back to the queue, exits 0, and another worker completes it', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(105) }]);
    const prefix = uniquePrefix('term-giveback');
    const driver = new BullmqDriver(deps, {}, { redisUrl: redis.url, prefix, ...fast }, fakeOps({ dir }));
    await driver.start();
    const w = spawnWorker({ REDIS_URL: redis.url, PREFIX: prefix, JOBS_DIR: dir, TIMINGS: { ...fast, drainTimeoutMs: 300 }, FAKE: { beforeWriteMs: 60_000 } });
    await w.waitFor(isLog('worker ready'));
    await driver.enqueueCollect('web', { observedAt: at });
    await w.waitFor(isType('attempt'));
    const t0 = Date.now();
    w.proc.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(w.lines.find(isType('exit'))).toMatchObject({ drained: false, givenBack: 1 });
    expect(await jobState(redis.url, prefix, collectJobId('web', at))).toBe('waiting');
    expect(await factsOf(deps.store)).toEqual({});

    const next = startWorkers(deps, { redisUrl: redis.url, prefix, ...fast }, fakeOps({ dir }));
    await driver.drain();
    expect(await jobState(redis.url, prefix, collectJobId('web', at))).toBe('completed');
    expect(await factsOf(deps.store)).toEqual(expected105('web'));
    await next.stop();
    await driver.stop();
    await deps.store.close();
  });
});

describe('Redis restart', () => {
  it('workers reconnect after Redis restarts mid-run, and the run completes', async () => {
    // AOF on, as the production topology requires: the queue's state survives the restart.
    const r = await TestRedis.start({ aof: true });
    const dir = makeDir();
    dirs.push(dir);
    const sources = ['a', 'b', 'c'].map((id) => ({ id, lines: syntheticLines(105) }));
    const deps = depsFor(dir, sources);
    const prefix = uniquePrefix('restart');
    const started: string[] = [];
    const ops = fakeOps({ dir, beforeWriteMs: 700, onEvent: (e) => e.type === 'attempt' && started.push(e.source) });
    const failures: FailedJob[] = [];
    const driver = new BullmqDriver(deps, { failed: (f) => failures.push(f) }, { redisUrl: r.url, prefix, workers: true, ...fast }, ops);
    try {
      await driver.start();
      for (const s of sources) await driver.enqueueCollect(s.id, { observedAt: at });
      while (started.length === 0) await new Promise((res) => setTimeout(res, 20));
      await r.down();
      await new Promise((res) => setTimeout(res, 1000));
      await r.up();
      await driver.drain();
      const facts = await factsOf(deps.store);
      expect(facts).toEqual({ ...expected105('a'), ...expected105('b'), ...expected105('c') });
      for (const s of sources) expect(await jobState(r.url, prefix, collectJobId(s.id, at))).toBe('completed');
      expect(failures).toEqual([]);
    } finally {
      await driver.stop({ timeoutMs: 2000 });
      await deps.store.close();
      await r.stop();
    }
  });
});
