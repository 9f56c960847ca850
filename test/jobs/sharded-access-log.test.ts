/**
 * Fan-out / fan-in with the real access-log collector: the same log collected in one inline job,
 * and as a BullMQ flow of shards with 1 and with 3 workers, gives the same evidence — and the
 * counts worked out by hand.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { noStore } from '../../src/evidence/no-store.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import { BullmqDriver } from '../../src/jobs/bullmq/driver.ts';
import { mergeJobId } from '../../src/jobs/bullmq/options.ts';
import { startWorkers } from '../../src/jobs/bullmq/worker.ts';
import type { FailedJob } from '../../src/jobs/driver.ts';
import { InlineDriver } from '../../src/jobs/inline.ts';
import { planShards, type JobDeps } from '../../src/jobs/run-collection.ts';
import { silentLogger } from '../../src/log.ts';
import { cleanup, makeDir } from './helpers/deps.ts';
import { TestRedis, uniquePrefix } from './helpers/redis.ts';

let redis: TestRedis;
let dir: string;
const LINES = 4200;

beforeAll(async () => {
  redis = await TestRedis.start();
  dir = makeDir();
  // Line i: day 2026-10-0(1 + i % 3), user u(i % 7), 401 when i % 5 == 0, else 200.
  const lines: string[] = [];
  for (let i = 0; i < LINES; i++) {
    const day = `0${1 + (i % 3)}`;
    const status = i % 5 === 0 ? 401 : 200;
    lines.push(`192.0.2.${i % 250} - u${i % 7} [${day}/Oct/2026:10:${String(i % 60).padStart(2, '0')}:00 +0900] "GET /intranet/page/${i} HTTP/1.1" ${status} ${1000 + i} "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"`);
  }
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'access.log'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'isms.yaml'), [
    'organisation: { name: Test, timeZone: Asia/Tokyo, internalDomains: [example.co.jp] }',
    'sources:',
    '  - { id: web, kind: access-log, format: combined, paths: [logs/access.log], shards: 4 }',
  ].join('\n'));
});
afterAll(async () => {
  await redis.stop();
  cleanup(dir);
});

const observedAt = new Date('2026-10-04T00:00:00Z');
const fast = { lockDuration: 5000, stalledInterval: 2000, backoffMs: 100, sourceLockTtlMs: 1500, lockWaitMs: 100 };

function deps(db: string): JobDeps {
  const file = join(dir, 'isms.yaml');
  return { config: parseConfig(readFileSync(file, 'utf8'), file, {}), store: new SqliteStore(join(dir, db)), log: silentLogger };
}

async function facts(d: JobDeps): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for await (const f of d.store.readFacts('access-day', new Date('2100-01-01'))) out[f.key] = f.data;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function viaBullmq(workers: number): Promise<Record<string, unknown>> {
  const d = deps(`bullmq-${workers}.sqlite`);
  const prefix = uniquePrefix(`access${workers}`);
  const handles = Array.from({ length: workers }, () => startWorkers(d, { redisUrl: redis.url, prefix, ...fast }));
  await Promise.all(handles.map((h) => h.ready()));
  const failures: FailedJob[] = [];
  const driver = new BullmqDriver(d, { failed: (f) => failures.push(f) }, { redisUrl: redis.url, prefix, ...fast });
  await driver.start();
  await driver.enqueueCollect('web', { observedAt });
  await driver.drain();
  // It went through a flow (the plan job says so), and the flow's jobs, whose partials name
  // accounts, are gone once merged.
  const q = new Queue('collect', { connection: { url: redis.url }, prefix });
  const plan = await q.getJob(`collect:web:${observedAt.getTime()}`);
  expect(plan?.returnvalue).toMatchObject({ flow: { parent: mergeJobId('web', observedAt) } });
  expect((plan!.returnvalue as { flow: { shards: number } }).flow.shards).toBeGreaterThanOrEqual(3);
  expect(await q.getJob(mergeJobId('web', observedAt))).toBeUndefined();
  expect(await q.getJobCounts('completed')).toEqual({ completed: 1 });
  await q.close();
  await Promise.all(handles.map((h) => h.stop()));
  await driver.stop();
  expect(failures).toEqual([]);
  const f = await facts(d);
  await d.store.close();
  return f;
}

describe('sharded access log', () => {
  it('is planned as several shards', async () => {
    const d = deps('plan.sqlite');
    expect((await planShards(d, 'web', observedAt))!.length).toBeGreaterThanOrEqual(3);
    await d.store.close();
  });

  it('gives identical evidence inline, with 1 worker and with 3 workers, matching the hand count', async () => {
    const d = deps('inline.sqlite');
    const inline = new InlineDriver(d);
    await inline.enqueueCollect('web', { observedAt });
    await inline.drain();
    const single = await facts(d);
    await d.store.close();

    // 4200 lines = 200 per (day, user) pair (i mod 21 fixes both); i mod 5 == 0 for 40 of them.
    const keys = Object.keys(single);
    expect(keys).toHaveLength(21);
    for (const k of keys) expect(single[k]).toMatchObject({ successes: 160, failures: 40 });
    // Stored as increments of this observation (its instant in the key).
    expect(keys[0]).toBe(`2026-10-01 u0@${observedAt.toISOString()}`);

    expect(await viaBullmq(1)).toEqual(single);
    expect(await viaBullmq(3)).toEqual(single);
    expect(await viaShardOnlyWorkers()).toEqual(single);
  });
});

/**
 * The store's worker takes no shards; two workers without an evidence store (as on another host)
 * read every shard. Any store call on them would fail their job, and the test with it.
 */
async function viaShardOnlyWorkers(): Promise<Record<string, unknown>> {
  const d = deps('split-roles.sqlite');
  const prefix = uniquePrefix('roles');
  const storeWorker = startWorkers(d, { redisUrl: redis.url, prefix, ...fast, shards: false });
  const elsewhere: JobDeps = { ...d, store: noStore('test: a shard-only worker') };
  const shardWorkers = [1, 2].map(() => startWorkers(elsewhere, { redisUrl: redis.url, prefix, ...fast, collect: false, evaluate: false }));
  await Promise.all([storeWorker, ...shardWorkers].map((h) => h.ready()));
  const ran: string[] = [];
  for (const [who, h] of [['store', storeWorker], ['shard-only', shardWorkers[0]!], ['shard-only', shardWorkers[1]!]] as const) {
    for (const w of h.workers) w.on('completed', (job) => ran.push(`${who} ${job.name}`));
  }
  const shards = (await planShards(d, 'web', observedAt))!.length;
  expect(shards).toBeGreaterThanOrEqual(3);
  const failures: FailedJob[] = [];
  const driver = new BullmqDriver(d, { failed: (f) => failures.push(f) }, { redisUrl: redis.url, prefix, ...fast });
  await driver.start();
  await driver.enqueueCollect('web', { observedAt });
  await driver.drain();
  await Promise.all([storeWorker, ...shardWorkers].map((h) => h.stop()));
  await driver.stop();
  expect(failures).toEqual([]);
  expect(ran.filter((r) => r.endsWith(' shard'))).toEqual(Array(shards).fill('shard-only shard'));
  expect(ran.filter((r) => r.startsWith('store ')).sort()).toEqual(['store collect', 'store evaluate', 'store merge']);
  const f = await facts(d);
  await d.store.close();
  return f;
}
