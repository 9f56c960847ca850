/**
 * The shrink guard (issue 12, item 2): a snapshot export that lost more than the source's
 * `maxShrink` (default 20 %) of the previous observation's records — when that one had at
 * least 10 — is refused with nothing stored, recorded as a failed run, counted in
 * `isms_collector_shrink_refused_total`, and not retried by BullMQ. Real collectors on files
 * written here, for every snapshot kind; a real redis-server for the queue.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { SnapshotShrinkError } from '../../src/errors.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { BullmqDriver } from '../../src/jobs/bullmq/driver.ts';
import { classifyError, forQueue } from '../../src/jobs/bullmq/retry.ts';
import { runCollection, type JobDeps } from '../../src/jobs/run-collection.ts';
import { silentLogger } from '../../src/log.ts';
import { IsmsMetrics } from '../../src/metrics/isms-metrics.ts';
import { TestRedis, uniquePrefix } from './helpers/redis.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** An export of `n` records of each snapshot kind (header + n rows). */
const EXPORTS: Record<string, { kind: string; extra: string; file: string; write: (n: number) => string }> = {
  hr: { kind: 'hr-roster', extra: '', file: 'hr.csv', write: (n) => ['employee id,email', ...rows(n, (i) => `E${i},p${i}@example.co.jp`)].join('\n') },
  idp: { kind: 'idp', extra: ', format: generic-csv', file: 'idp.csv', write: (n) => ['id,login,enabled', ...rows(n, (i) => `a${i},user${i},true`)].join('\n') },
  lms: { kind: 'lms', extra: ', format: generic-csv', file: 'lms.csv', write: (n) => ['email,course,completed at', ...rows(n, (i) => `p${i}@example.co.jp,Security,2026-05-01`)].join('\n') },
  phishing: {
    kind: 'phishing', extra: ', format: gophish-csv, campaign: Q2', file: 'drill.csv',
    write: (n) => ['id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position', ...rows(n, (i) => `r${i},Email Sent,,0,0,2026-05-12T01:00:00Z,false,2026-05-12T01:00:00Z,p${i}@example.co.jp,P,Q,`)].join('\n'),
  },
  incidents: { kind: 'incidents', extra: '', file: 'incidents.csv', write: (n) => ['id,detected at', ...rows(n, (i) => `INC-${i},2026-05-01T10:00:00Z`)].join('\n') },
};

function rows(n: number, f: (i: number) => string): string[] {
  return Array.from({ length: n }, (_, i) => f(i + 1));
}

function setup(maxShrink?: number): { dir: string; config: Config; store: EvidenceStore; deps: JobDeps; metrics: IsmsMetrics } {
  const dir = mkdtempSync(join(tmpdir(), 'isms-shrink-'));
  dirs.push(dir);
  const guard = maxShrink === undefined ? '' : `, maxShrink: ${maxShrink}`;
  const yaml = [
    'organisation: { name: Test, timeZone: UTC, internalDomains: [example.co.jp] }',
    'sources:',
    ...Object.entries(EXPORTS).map(([id, e]) => `  - { id: ${id}, kind: ${e.kind}, path: ${e.file}${e.extra}${guard} }`),
  ].join('\n');
  writeFileSync(join(dir, 'isms.yaml'), yaml);
  const config = parseConfig(yaml, join(dir, 'isms.yaml'));
  const store = new SqliteStore(join(dir, 'evidence.sqlite'));
  const metrics = new IsmsMetrics({ objectives: [], sourceIds: Object.keys(EXPORTS), timeZone: 'UTC', defaultMetrics: false });
  return { dir, config, store, deps: { config, store, log: silentLogger, metrics }, metrics };
}

const t1 = new Date('2026-06-01T00:00:00Z');
const t2 = new Date('2026-06-02T00:00:00Z');

async function twice(ctx: ReturnType<typeof setup>, id: string, before: number, after: number, opts: { acceptShrink?: boolean } = {}) {
  const e = EXPORTS[id]!;
  writeFileSync(join(ctx.dir, e.file), `${e.write(before)}\n`);
  await runCollection(ctx.deps, id, { observedAt: t1 });
  writeFileSync(join(ctx.dir, e.file), `${e.write(after)}\n`);
  return runCollection(ctx.deps, id, { observedAt: t2, ...opts });
}

async function presentAt(store: EvidenceStore, kind: 'person' | 'account' | 'completion' | 'phishing' | 'incident', source: string, at: Date): Promise<number> {
  let n = 0;
  for await (const v of store.readSnapshot(kind, at, [source])) if (v.current !== null) n++;
  return n;
}

describe('shrink guard', () => {
  const KIND_OF: Record<string, 'person' | 'account' | 'completion' | 'phishing' | 'incident'> = { hr: 'person', idp: 'account', lms: 'completion', phishing: 'phishing', incidents: 'incident' };

  it.each(Object.keys(EXPORTS))('%s: an empty export after 12 records is refused, nothing stored, the run failed and counted', async (id) => {
    const ctx = setup();
    await expect(twice(ctx, id, 12, 0)).rejects.toBeInstanceOf(SnapshotShrinkError);
    // Nothing of the refused export: as of t2 the 12 records of t1 are still there.
    expect(await presentAt(ctx.store, KIND_OF[id]!, id, t2)).toBe(12);
    expect(await ctx.store.observations(id)).toEqual([t1.toISOString()]);
    const [run] = await ctx.store.runs({ source: id, limit: 1 });
    expect(run).toMatchObject({ result: 'failure', refusedShrink: { previous: 12, incoming: 0 } });
    const text = (await ctx.metrics.render()).body;
    expect(text).toContain(`isms_collector_shrink_refused_total{source="${id}"} 1`);
    expect(text).toContain(`isms_collector_runs_total{source="${id}",result="failure"} 1`);
    await ctx.store.close();
  });

  it('names the counts and the way out (English; the organisation language decides)', async () => {
    const ctx = setup();
    // 308 → 0: −100 %.
    const err = await twice(ctx, 'idp', 308, 0).catch((e: unknown) => e as Error);
    expect((err as Error).message).toBe(
      'the export has 0 accounts where the previous one had 308 (−100 %, more than maxShrink 20 %); nothing was stored; ' +
        'if this is right, run `isms-kpi collect idp --accept-shrink idp` or set maxShrink on the source',
    );
    await ctx.store.close();
  });

  // [previous, incoming, maxShrink (undefined = default 0.2), refused?] — by hand: refused when
  // previous ≥ 10 and (previous − incoming) / previous > maxShrink.
  const table: [number, number, number | undefined, boolean][] = [
    [10, 8, undefined, false], // −20 %: not more than 20 %
    [10, 7, undefined, true], // −30 %
    [100, 80, undefined, false], // −20 %
    [100, 79, undefined, true], // −21 %
    [9, 0, undefined, false], // fewer than 10 before: no guard
    [12, 15, undefined, false], // growth
    [12, 0, 1, false], // maxShrink 1: any shrink accepted
    [12, 6, 0.5, false], // −50 % ≤ 50 %
    [12, 5, 0.5, true], // −58.3 %
    [12, 11, 0, true], // maxShrink 0: any loss refused
  ];
  it.each(table)('previous %i, incoming %i, maxShrink %s → refused %s', async (before, after, max, refused) => {
    const ctx = setup(max);
    const run = twice(ctx, 'hr', before, after);
    if (refused) await expect(run).rejects.toBeInstanceOf(SnapshotShrinkError);
    else await expect(run).resolves.toMatchObject({ result: 'success', accepted: after });
    expect(await presentAt(ctx.store, 'person', 'hr', t2)).toBe(refused ? before : after);
    await ctx.store.close();
  });

  it('accepts the shrink when asked to (collect --accept-shrink SOURCE)', async () => {
    const ctx = setup();
    const run = await twice(ctx, 'hr', 12, 0, { acceptShrink: true });
    expect(run.changes).toEqual({ added: 0, changed: 0, removed: 12, unchanged: 0 });
    expect(await presentAt(ctx.store, 'person', 'hr', t2)).toBe(0);
    await ctx.store.close();
  });

  it('is bad input to the queue: failed at once, never retried', () => {
    const e = new SnapshotShrinkError('hr', { previous: 12, incoming: 0 }, 'the export has 0 people …');
    expect(classifyError(e)).toBe('fail');
    expect(forQueue(e).name).toBe('UnrecoverableError');
  });
});

describe('shrink guard under BullMQ (real redis-server)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('a refused collection fails after one attempt and is listed with its message', async () => {
    const ctx = setup();
    const e = EXPORTS['hr']!;
    writeFileSync(join(ctx.dir, e.file), `${e.write(12)}\n`);
    await runCollection(ctx.deps, 'hr', { observedAt: t1 });
    writeFileSync(join(ctx.dir, e.file), `${e.write(1)}\n`);
    const driver = new BullmqDriver(ctx.deps, {}, { redisUrl: redis.url, prefix: uniquePrefix('shrink'), workers: true, backoffMs: 100, countsIntervalMs: 100 });
    await driver.start();
    await driver.enqueueCollect('hr', { observedAt: t2 });
    await driver.drain();
    const failed = await driver.recentFailures();
    expect(failed).toHaveLength(1);
    // 12 → 1: −91.7 %.
    expect(failed[0]).toMatchObject({ queue: 'collect', source: 'hr', attempts: 1 });
    expect(failed[0]!.error).toBe(
      'SNAPSHOT_SHRINK: the export has 1 person where the previous one had 12 (−91.7 %, more than maxShrink 20 %); nothing was stored; ' +
        'if this is right, run `isms-kpi collect hr --accept-shrink hr` or set maxShrink on the source',
    );
    expect((await ctx.store.runs({ source: 'hr' })).map((r) => r.result)).toEqual(['failure', 'success']);
    expect(await presentAt(ctx.store, 'person', 'hr', t2)).toBe(12);
    await driver.stop();
    await ctx.store.close();
    expect(readFileSync(join(ctx.dir, e.file), 'utf8')).toContain('E1,');
  });
});
