/**
 * A schedule tick's job delivered a second time after its collection finished — taken for
 * stalled on a loaded host, or made again by a job scheduler for a tick whose job had already
 * completed and been removed — collects nothing the second time: one run per tick, as the
 * multi-host test asks of two schedulers and two workers.
 */
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/jobs/bullmq/options.ts';
import { collectProcessor, type CollectResult, type ProcessorContext } from '../../src/jobs/bullmq/processor.ts';
import { SourceLocks } from '../../src/jobs/bullmq/source-lock.ts';
import { producers } from '../../src/jobs/bullmq/worker.ts';
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

/** A job as a job scheduler makes it: no explicit instant, the tick in opts.prevMillis. */
const tickJob = (id: string, source: string, tick: number, data: Record<string, unknown> = {}) =>
  ({ id, name: 'collect', data: { source, ...data }, opts: { prevMillis: tick, attempts: 3 }, timestamp: tick, attemptsMade: 0 }) as unknown as Job;

describe('a schedule tick delivered twice', () => {
  it('is collected once; the next tick and an explicit re-collection of the same instant are collected', async () => {
    const dir = makeDir();
    dirs.push(dir);
    const deps = depsFor(dir, [{ id: 'web', lines: syntheticLines(10), schedule: '* * * * * *' }]);
    const attempts: string[] = [];
    const o = resolveOptions({ redisUrl: redis.url, prefix: uniquePrefix('tick') });
    const p = producers(o);
    const locks = new SourceLocks(o);
    const ctx: ProcessorContext = {
      deps, opts: o, locks, flows: p.flows, collectQueue: p.collect, evaluateQueue: p.evaluate,
      ops: Promise.resolve(fakeOps({ dir, onEvent: (e) => e.type === 'attempt' && attempts.push(e.observedAt) })),
    };
    const run = collectProcessor(ctx);
    const t1 = Date.parse('2026-11-20T03:00:00.000Z');
    const t2 = t1 + 1000;
    try {
      const first = (await run(tickJob('repeat:collect-web:1', 'web', t1), 'tok-a')) as CollectResult;
      const again = (await run(tickJob('repeat:collect-web:1', 'web', t1), 'tok-b')) as CollectResult; // redelivered
      const remade = (await run(tickJob('repeat:collect-web:1b', 'web', t1), 'tok-c')) as CollectResult; // made again, another id
      const next = (await run(tickJob('repeat:collect-web:2', 'web', t2), 'tok-d')) as CollectResult;
      // An explicit collection of t1 (`--observed-at`) is the user's to repeat: it runs.
      const explicit = (await run(tickJob('collect-web-explicit', 'web', t1, { observedAt: new Date(t1).toISOString() }), 'tok-e')) as CollectResult;

      // Attempts: t1, t2 and the explicit t1 = 3; the two redeliveries of t1 collected nothing.
      expect(attempts).toEqual([new Date(t1).toISOString(), new Date(t2).toISOString(), new Date(t1).toISOString()]);
      expect([first.alreadyCollected, again.alreadyCollected, remade.alreadyCollected, next.alreadyCollected, explicit.alreadyCollected]).toEqual([undefined, true, true, undefined, undefined]);
      // The redelivery reports the first run's counts: 10 lines read.
      expect(again.accepted).toBe(first.accepted);
      // Runs recorded: t1, t2, explicit t1 = 3.
      expect((await deps.store.runs({ source: 'web' })).map((r) => r.observedAt).sort()).toEqual([t1, t1, t2].map((t) => new Date(t).toISOString()).sort());
      // The evidence is the 10 lines once (the explicit re-collection reads from the checkpoint:
      // nothing new). Line i is day 01-0(1 + i % 3), user u(i % 7), a failure when i % 5 = 0:
      // u0 on 01-01 is line 0 only (a failure) → 0/1; u1 on 01-02 is line 1 (ok) → 1/0;
      // u3 on 01-01 is line 3 (ok) → 1/0. Counted twice they would read 0/2, 2/0, 2/0.
      const facts = await factsOf(deps.store);
      expect([facts['web/u0|2026-01-01'], facts['web/u1|2026-01-02'], facts['web/u3|2026-01-01']]).toEqual(['0/1', '1/0', '1/0']);
    } finally {
      await locks.close();
      await p.close();
      await deps.store.close();
    }
  });
});
