/**
 * The same collector and evaluation code under both drivers: the example organisation collected
 * inline and through BullMQ (real collectors, a real redis-server started here) gives identical
 * KPI results.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import { DEMO, generateOrganisation } from '../../src/example/generator.ts';
import { BullmqDriver } from '../../src/jobs/bullmq/driver.ts';
import type { FailedJob } from '../../src/jobs/driver.ts';
import { InlineDriver } from '../../src/jobs/inline.ts';
import type { JobDeps } from '../../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';
import type { KpiResult } from '../../src/kpi/types.ts';
import { silentLogger } from '../../src/log.ts';
import { cleanup, makeDir } from './helpers/deps.ts';
import { TestRedis, uniquePrefix } from './helpers/redis.ts';

const exampleYaml = new URL('../../config/example.yaml', import.meta.url).pathname;
let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await TestRedis.start();
  dir = makeDir();
  mkdirSync(join(dir, 'example-data'));
  generateOrganisation({ people: DEMO.people, seed: DEMO.seed, asOf: DEMO.asOf, outDir: join(dir, 'example-data') });
  copyFileSync(exampleYaml, join(dir, 'isms.yaml'));
});
afterAll(async () => {
  await redis.stop();
  cleanup(dir);
});

const observedAt = new Date(DEMO.asOf);
const at = new Date('2026-11-20T12:00:00+09:00');

describe('inline and bullmq drivers', () => {
  it('give identical KPI results on the example organisation', async () => {
    const config = loadConfig(join(dir, 'isms.yaml'), {});
    const deps = (db: string): JobDeps => ({ config, store: new SqliteStore(join(dir, db)), log: silentLogger });

    const inlineDeps = deps('inline.sqlite');
    const inline = new InlineDriver(inlineDeps);
    await inline.start();
    for (const s of config.sources) await inline.enqueueCollect(s.id, { observedAt });
    await inline.drain();
    await inline.stop();

    const bullDeps = deps('bullmq.sqlite');
    const failures: FailedJob[] = [];
    const pushed: KpiResult[][] = [];
    const bull = new BullmqDriver(bullDeps, { failed: (f) => failures.push(f), evaluated: (r) => pushed.push(r) }, { redisUrl: redis.url, prefix: uniquePrefix('agree'), workers: true, concurrency: 2 });
    await bull.start();
    for (const s of config.sources) await bull.enqueueCollect(s.id, { observedAt });
    await bull.drain();
    await new Promise((r) => setTimeout(r, 300));
    await bull.stop();
    expect(failures).toEqual([]);

    const a = await evaluateObjectives(inlineDeps.store, config, at);
    const b = await evaluateObjectives(bullDeps.store, config, at);
    expect(a.length).toBe(config.objectives.length);
    expect(a.filter((r) => r.status !== 'no_data').length).toBeGreaterThan(config.objectives.length / 2);
    expect(b).toEqual(a);
    // The same evidence runs, too (timestamps aside).
    const runs = async (s: SqliteStore | JobDeps['store']) => (await s.runs({ limit: 100 })).map((r) => [r.source, r.result, r.accepted, r.rejected]).sort();
    expect(await runs(bullDeps.store)).toEqual(await runs(inlineDeps.store));
    // What the bullmq driver reported through Redis: the values, without failing-subject lists.
    expect(pushed.length).toBeGreaterThan(0);
    expect(pushed.at(-1)!.every((r) => r.failing.length === 0)).toBe(true);
    await inlineDeps.store.close();
    await bullDeps.store.close();
  });
});
