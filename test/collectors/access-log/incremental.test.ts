/**
 * Incremental reading across runs: offsets committed with the facts, appends, unfinished last
 * lines, rotation by rename + create, copytruncate, gzip rotation (with and without delaycompress),
 * replaced content, globs. Each log line is a success of its own user, so the store's totals show
 * exactly which lines were read: every user must end with successes = 1.
 */
import { appendFileSync, copyFileSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessLogCollector } from '../../../src/collectors/access-log/collector.ts';
import type { SourceOf } from '../../../src/config/schema.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { Keyed } from '../../../src/evidence/records.ts';
import type { EvidenceStore, Rejection } from '../../../src/evidence/store.ts';
import { logSource, testConfig, testContext } from './context.ts';

let dir: string;
let store: EvidenceStore;
let run = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'access-log-inc-'));
  store = createMemoryStore();
  run = 0;
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A combined line: a success of `user` at 10:00 UTC + n minutes on 1 Feb 2026. */
function line(user: string, n = 0): string {
  const mm = String(n % 60).padStart(2, '0');
  return `192.0.2.1 - ${user} [01/Feb/2026:10:${mm}:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n`;
}

/** One collection as the job runner does it: collect, then write facts + checkpoint together. */
async function collect(src: SourceOf<'access-log'>): Promise<{ users: string[]; rejections: Rejection[] }> {
  const ctx = testContext(testConfig(dir, 'UTC'), store, new Date(Date.UTC(2026, 1, 2, 0, run++)));
  const out = (await accessLogCollector.collect(src, ctx)) as FactsOutput<'access-day'>;
  const facts = [...(out.facts as Iterable<Keyed<'access-day'>>)];
  await store.writeFacts({ source: src.id, kind: 'access-day', observedAt: ctx.observedAt, facts, merge: out.merge, checkpoints: out.checkpoints });
  return { users: facts.map((f) => f.data.account).sort(), rejections: ctx.rejections };
}

/** Successes per user over everything stored. */
async function totals(): Promise<Record<string, number>> {
  const t: Record<string, number> = {};
  for await (const row of store.readFacts('access-day', new Date('2100-01-01T00:00:00Z'))) t[row.data.account] = (t[row.data.account] ?? 0) + row.data.successes;
  return t;
}

describe('incremental reading', () => {
  it('reads only new complete lines; an unfinished last line waits for its newline', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, line('a1') + line('a2'));
    const src = logSource([log], 'combined');
    expect((await collect(src)).users).toEqual(['a1', 'a2']);
    expect((await collect(src)).users).toEqual([]);
    appendFileSync(log, line('a3') + line('a4').slice(0, 20));
    expect((await collect(src)).users).toEqual(['a3']);
    appendFileSync(log, line('a4').slice(20));
    expect((await collect(src)).users).toEqual(['a4']);
    expect(await totals()).toEqual({ a1: 1, a2: 1, a3: 1, a4: 1 });
  });

  it('numbers rejected lines from the start of the file across runs', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, line('a1') + 'bad\n');
    const src = logSource([log], 'combined');
    expect((await collect(src)).rejections).toEqual([{ file: log, line: 2, reason: 'no [time] field' }]);
    appendFileSync(log, line('a2') + 'worse\n');
    expect((await collect(src)).rejections).toEqual([{ file: log, line: 4, reason: 'no [time] field' }]);
  });

  it('rename + create: finishes the tail of the rotated file, then reads the new one from 0', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, line('a1') + line('a2'));
    const src = logSource([join(dir, 'access.log*')], 'combined');
    await collect(src);
    appendFileSync(log, line('a3'));
    renameSync(log, `${log}.1`);
    writeFileSync(log, line('b1'));
    expect((await collect(src)).users).toEqual(['a3', 'b1']);
    expect(await totals()).toEqual({ a1: 1, a2: 1, a3: 1, b1: 1 });
  });

  it('rename + create with a glob that only names access.log: the rotated tail is found at access.log.1', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, line('a1'));
    const src = logSource([log], 'combined');
    await collect(src);
    appendFileSync(log, line('a2'));
    renameSync(log, `${log}.1`);
    writeFileSync(log, line('b1'));
    expect((await collect(src)).users).toEqual(['a2', 'b1']);
  });

  it('copytruncate: the shrunken file is read from 0, the copy resumes where the original stopped', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, line('a1') + line('a2'));
    const src = logSource([join(dir, 'access.log*')], 'combined');
    await collect(src);
    appendFileSync(log, line('a3'));
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, line('b1'));
    expect((await collect(src)).users).toEqual(['a3', 'b1']);
    expect(await totals()).toEqual({ a1: 1, a2: 1, a3: 1, b1: 1 });
  });

  it('copytruncate where the new content already outgrew the old offset: the changed head tells', async () => {
    const log = join(dir, 'access.log');
    writeFileSync(log, line('a1'));
    const src = logSource([log], 'combined');
    await collect(src);
    writeFileSync(log, line('b1') + line('b2') + line('b3')); // same inode, new content
    expect((await collect(src)).users).toEqual(['b1', 'b2', 'b3']);
  });

  it('gzip rotation with delaycompress: a .gz of an already-read file is never read again', async () => {
    const log = join(dir, 'access.log');
    const src = logSource([join(dir, 'access.log*')], 'combined');
    writeFileSync(log, line('a1') + line('a2'));
    await collect(src);
    appendFileSync(log, line('a3'));
    renameSync(log, `${log}.1`);
    writeFileSync(log, line('b1'));
    expect((await collect(src)).users).toEqual(['a3', 'b1']);
    // next rotation: .1 is compressed to .2.gz, the current file becomes .1
    appendFileSync(log, line('b2'));
    writeFileSync(`${log}.2.gz`, gzipSync(readFileSync(`${log}.1`)));
    rmSync(`${log}.1`);
    renameSync(log, `${log}.1`);
    writeFileSync(log, line('c1'));
    expect((await collect(src)).users).toEqual(['b2', 'c1']);
    expect((await collect(src)).users).toEqual([]);
    expect(await totals()).toEqual({ a1: 1, a2: 1, a3: 1, b1: 1, b2: 1, c1: 1 });
  });

  it('gzip rotation without delaycompress: the unread tail inside the .gz is read, the head is not', async () => {
    const log = join(dir, 'access.log');
    const src = logSource([join(dir, 'access.log*')], 'combined');
    writeFileSync(log, line('a1') + line('a2'));
    await collect(src);
    appendFileSync(log, line('a3') + line('a4'));
    writeFileSync(`${log}.1.gz`, gzipSync(readFileSync(log)));
    rmSync(log);
    writeFileSync(log, line('b1'));
    expect((await collect(src)).users).toEqual(['a3', 'a4', 'b1']);
    expect(await totals()).toEqual({ a1: 1, a2: 1, a3: 1, a4: 1, b1: 1 });
  });

  it('reads a .gz never seen before whole, once', async () => {
    writeFileSync(join(dir, 'old.log.3.gz'), gzipSync(line('g1') + line('g2')));
    const src = logSource([join(dir, '*.gz')], 'combined');
    expect((await collect(src)).users).toEqual(['g1', 'g2']);
    expect((await collect(src)).users).toEqual([]);
  });

  it('globs several directories', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'h1'));
    mkdirSync(join(dir, 'h2'));
    writeFileSync(join(dir, 'h1', 'access.log'), line('x1'));
    writeFileSync(join(dir, 'h2', 'access.log'), line('x2'));
    writeFileSync(join(dir, 'h2', 'error.log'), 'not an access log\n');
    expect((await collect(logSource(['h*/access.log'], 'combined'))).users).toEqual(['x1', 'x2']);
  });

  it('a glob matching nothing on the first run is a bad source, not an empty one', async () => {
    await expect(collect(logSource([join(dir, 'nothing*.log')], 'combined'))).rejects.toThrow(/no log file matches/);
  });

  it('a file in another format fails with one clear error naming it', async () => {
    const log = join(dir, 'auth.log');
    writeFileSync(log, 'Jun  2 10:00:01 h sshd[1]: Accepted publickey for alice from 192.0.2.1 port 5 ssh2\n'.repeat(30));
    await expect(collect(logSource([log], 'combined'))).rejects.toThrow(`${log}: 30 of 30 lines are not combined log lines`);
  });
});

describe('a rotation between planning and reading', () => {
  it('is a TransientError (retry with a fresh plan), not a read of the wrong file', async () => {
    const { collectAccessLogShard } = await import('../../../src/collectors/access-log/collector.ts');
    const { TransientError } = await import('../../../src/errors.ts');
    const log = join(dir, 'access.log');
    writeFileSync(log, line('a1') + line('a2'));
    const src = logSource([log], 'combined');
    const ctx = testContext(testConfig(dir, 'UTC'), store, new Date('2026-02-02T00:00:00Z'));
    const [shard] = (await accessLogCollector.shards!(src, ctx)) as Parameters<typeof collectAccessLogShard>[1][];
    renameSync(log, `${log}.1`);
    writeFileSync(log, line('b1') + line('b2') + line('b3'));
    await expect(collectAccessLogShard(src, shard!, ctx)).rejects.toBeInstanceOf(TransientError);
  });
});

describe('links', () => {
  it('reads a file reached through a symlink and its own name once', async () => {
    const { symlinkSync } = await import('node:fs');
    const log = join(dir, 'access.log');
    writeFileSync(log, line('s1'));
    symlinkSync(log, join(dir, 'current.log'));
    expect((await collect(logSource([join(dir, '*.log')], 'combined'))).users).toEqual(['s1']);
    expect(await totals()).toEqual({ s1: 1 });
  });
});
