/**
 * One unreadable file next to good ones (issue 12, item 10): a corrupt rotated `.gz` is a failed
 * file of the run — reported with its error, nothing of it counted — while the other files are
 * read; the run is `partial` in the run record and in isms_collector_runs_total, the KPI's
 * evidence stays fresh, and the file is read again on later runs until it reads. Each log line is
 * one success of its user, so the counts show exactly which lines were read.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessLogCollector, collectAccessLogShard, accessLogOutput, type AccessLogPartial, type AccessLogShard } from '../../../src/collectors/access-log/collector.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { configSchema } from '../../../src/config/schema.ts';
import type { Config } from '../../../src/config/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { runCollection } from '../../../src/jobs/run-collection.ts';
import { IsmsMetrics } from '../../../src/metrics/isms-metrics.ts';
import { logSource, testConfig, testContext } from './context.ts';

let dir: string;
let store: EvidenceStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'access-log-partial-'));
  mkdirSync(join(dir, 'logs'));
  store = createMemoryStore();
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A combined line: a success of `user` at 10:mm UTC on 1 Feb 2026. */
function line(user: string, n = 0): string {
  return `192.0.2.1 - ${user} [01/Feb/2026:10:${String(n % 60).padStart(2, '0')}:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n`;
}
const lines = (user: string, n: number) => Array.from({ length: n }, (_, i) => line(`${user}${i}`, i)).join('');

/** 400 lines of bob0…bob399, gzipped and cut in half: the head decompresses, the rest cannot. */
function truncatedGz(): Buffer {
  const whole = gzipSync(lines('bob', 400));
  return whole.subarray(0, Math.floor(whole.length / 2));
}

function config(): Config {
  const parsed = configSchema.parse({
    organisation: { name: 'Example', timeZone: 'UTC', internalDomains: ['example.co.jp'] },
    sources: [{ id: 'web', kind: 'access-log', format: 'combined', paths: ['logs/access.log*'] }],
  });
  return { ...parsed, file: join(dir, 'isms-kpi.yaml'), baseDir: dir, dataDir: dir, env: { secrets: {} } };
}

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

async function successes(): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for await (const r of store.readFacts('access-day', new Date('2100-01-01T00:00:00Z'))) m.set(r.data.account, (m.get(r.data.account) ?? 0) + r.data.successes);
  return m;
}

describe('a corrupt rotated .gz next to a good live log', () => {
  it('the run is partial: the live log is counted, the .gz is named with its error, nothing of it counted', async () => {
    writeFileSync(join(dir, 'logs/access.log'), line('alice', 1) + line('carol', 2));
    writeFileSync(join(dir, 'logs/access.log.2.gz'), truncatedGz());
    const metrics = new IsmsMetrics({ objectives: [], sourceIds: ['web'], timeZone: 'UTC', defaultMetrics: false });
    const run = await runCollection({ config: config(), store, log: quiet, metrics }, 'web', { observedAt: new Date('2026-02-02T00:00:00Z') });
    expect(run.result).toBe('partial');
    expect(run.failedFiles).toEqual([{ file: join(dir, 'logs/access.log.2.gz'), error: expect.stringMatching(/^not a readable gzip file: unexpected end of file/) }]);
    expect(run.failedFileCount).toBe(1);
    // alice and carol, one account-day each; the half of the .gz that did decompress is not kept.
    expect(run.accepted).toBe(2);
    expect(await successes()).toEqual(new Map([['alice', 1], ['carol', 1]]));
    expect((await store.runs({ source: 'web' }))[0]).toMatchObject({ result: 'partial', failedFiles: run.failedFiles });
    // The evidence is fresh (a partial run wrote it) and the counter shows the partial failure.
    expect(Object.keys(await store.lastSuccess())).toEqual(['web']);
    const text = (await metrics.render()).body;
    expect(text).toContain('isms_collector_runs_total{source="web",result="partial"} 1');
    expect(text).toContain('isms_collector_runs_total{source="web",result="success"} 0');
    expect(text).toContain('isms_collector_runs_total{source="web",result="failure"} 0');
    expect(text).toMatch(/isms_collector_last_success_timestamp_seconds\{source="web"\} \d+/);
  });

  it('later runs read only what is new in the live log and try the .gz again until it reads, then never again', async () => {
    const deps = { config: config(), store, log: quiet };
    writeFileSync(join(dir, 'logs/access.log'), line('alice', 1));
    const gz = join(dir, 'logs/access.log.2.gz');
    writeFileSync(gz, truncatedGz());
    expect((await runCollection(deps, 'web')).result).toBe('partial');
    appendFileSync(join(dir, 'logs/access.log'), line('dave', 3));
    const second = await runCollection(deps, 'web');
    expect(second).toMatchObject({ result: 'partial', accepted: 1, failedFiles: [{ file: gz }] });
    // The same inode rewritten whole (the operator restores it): read once, in full.
    writeFileSync(gz, gzipSync(line('bob', 5) + line('erin', 6)));
    const third = await runCollection(deps, 'web');
    expect(third.result).toBe('success');
    expect(third.failedFiles).toBeUndefined();
    expect((await runCollection(deps, 'web')).accepted).toBe(0);
    // Every line once: alice (run 1), dave (run 2), bob and erin (run 3).
    expect(await successes()).toEqual(new Map([['alice', 1], ['dave', 1], ['bob', 1], ['erin', 1]]));
  });

  it('a .gz whose first bytes do not decompress is named too (it cannot even be planned)', async () => {
    writeFileSync(join(dir, 'logs/access.log'), line('alice', 1));
    // The gzip magic, then bytes no inflater accepts.
    writeFileSync(join(dir, 'logs/access.log.3.gz'), Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]), Buffer.alloc(64, 0xff)]));
    const run = await runCollection({ config: config(), store, log: quiet }, 'web');
    expect(run).toMatchObject({ result: 'partial', accepted: 1, failedFiles: [{ file: join(dir, 'logs/access.log.3.gz'), error: expect.stringMatching(/./) }] });
    expect(run.failedFiles![0]!.error).not.toContain(dir); // the path is said once, in `file`
  });

  it('when no file can be read the run fails, naming the file and its error', async () => {
    writeFileSync(join(dir, 'logs/access.log.2.gz'), truncatedGz());
    await expect(runCollection({ config: config(), store, log: quiet }, 'web')).rejects.toThrow(/access\.log\.2\.gz: not a readable gzip file: unexpected end of file/);
    expect((await store.runs({ source: 'web' }))[0]).toMatchObject({ result: 'failure' });
  });

  it('a file in the wrong format next to good ones is a failed file too', async () => {
    writeFileSync(join(dir, 'logs/access.log'), line('alice', 1));
    writeFileSync(join(dir, 'logs/access.log.1'), 'this is not an access log line\n'.repeat(30));
    const run = await runCollection({ config: config(), store, log: quiet }, 'web');
    expect(run).toMatchObject({ result: 'partial', failedFiles: [{ file: join(dir, 'logs/access.log.1'), error: '30 of 30 lines are not combined log lines; is the source\'s format right?' }] });
  });
});

describe('shards', () => {
  it('a failed byte range drops the whole file (its other ranges too) and moves none of its offsets', async () => {
    const c = testContext(testConfig(dir, 'UTC'), store, new Date('2026-02-02T00:00:00Z'));
    writeFileSync(join(dir, 'logs/access.log'), lines('amy', 3000)); // ~250 KB: cut into several ranges
    writeFileSync(join(dir, 'logs/access.log.1'), line('alice', 1));
    const source = logSource(['logs/access.log*'], 'combined', { shards: 4 });
    const shards = (await accessLogCollector.shards!(source, c)) as AccessLogShard[];
    const big = shards.filter((s) => s.file?.path.endsWith('access.log'));
    expect(big.length).toBeGreaterThan(1);
    const partials: AccessLogPartial[] = [];
    for (const s of shards) partials.push(await collectAccessLogShard(source, s, c));
    // As if the worker reading the second range of access.log had hit a read error.
    const i = partials.findIndex((p, k) => shards[k]!.id === big[1]!.id);
    partials[i] = { ...partials[i]!, records: [], files: {}, failed: [{ file: big[1]!.file!.path, error: 'cannot read: EIO', identity: big[1]!.file!.identity }] };
    const out = accessLogOutput(JSON.parse(JSON.stringify(partials)) as AccessLogPartial[]) as FactsOutput<'access-day'>;
    expect([...(out.facts as Iterable<{ data: { account: string } }>)].map((f) => f.data.account)).toEqual(['alice']);
    expect(out.failedFiles).toEqual([{ file: join(dir, 'logs/access.log'), error: 'cannot read: EIO' }]);
    // The checkpoint keeps access.log where it was (0): next run reads it whole, once.
    const state = JSON.parse(out.checkpoints!.files!) as { files: Record<string, { path: string; offset: number }> };
    expect(Object.values(state.files).find((e) => e.path.endsWith('access.log'))!.offset).toBe(0);
  });
});
