/**
 * The mail collector streams: `collect` fixes the checkpoints without parsing anything, each
 * message is parsed only when its record is pulled, and a run stopped between the store's batches
 * leaves no checkpoint, so the next run reads everything again and stores each message once.
 * Counts below follow from the messages written here (all outbound, one record each).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CTIME_CHECKPOINT, mailCollector, planFiles, type FileEntry } from '../../../src/collectors/mail/collector.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { Keyed } from '../../../src/evidence/records.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { attachment, outboundWith } from './build.ts';
import { mailConfig, mailContext, mailSource } from './context.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const msg = (i: number) => outboundWith(attachment('plan.pdf', 'application/pdf', PDF), `s${i}@example.co.jp`);
const SEPARATOR = 'From MAILER-DAEMON Tue Nov 10 10:00:00 2026\n';

let dir: string;
let store: EvidenceStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mail-stream-'));
  store = createMemoryStore();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function maildir(n: number): void {
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(dir, 'md', d), { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'md/cur', `${1_700_000_000 + i}.M${i}P1.host:2,S`), msg(i));
}

/** A context whose progress calls are recorded (one call per message parsed). */
function tracked(abortAt?: number) {
  const ctx = mailContext(mailConfig(dir), store);
  const calls: [number, number | undefined][] = [];
  const controller = new AbortController();
  ctx.signal = controller.signal;
  ctx.progress = (done, total) => {
    calls.push([done, total]);
    if (abortAt !== undefined && calls.length === abortAt) controller.abort(new Error('stopped by the test'));
  };
  return { ctx, calls };
}

async function take(facts: FactsOutput<'mail'>['facts'], n: number): Promise<Keyed<'mail'>[]> {
  const out: Keyed<'mail'>[] = [];
  if (n === 0) return out;
  for await (const f of facts) {
    out.push(f);
    if (out.length === n) break; // closes the generator, as a store that stops pulling would
  }
  return out;
}

async function storedCount(): Promise<number> {
  let n = 0;
  for await (const _ of store.readFacts('mail', new Date('2100-01-01T00:00:00Z'))) n++;
  return n;
}

describe('the collector is lazy', () => {
  it('Maildir: collect() parses nothing; pulling 5 of 50 facts parses exactly 5 messages', async () => {
    maildir(50);
    const { ctx, calls } = tracked();
    const out = (await mailCollector.collect(mailSource('maildir', 'md'), ctx)) as FactsOutput<'mail'>;
    expect(calls).toEqual([]);
    expect(out.checkpoints?.[CTIME_CHECKPOINT]).toMatch(/^\d/);
    const first = await take(out.facts, 5);
    expect(first.map((f) => f.key)).toEqual(['s0@example.co.jp', 's1@example.co.jp', 's2@example.co.jp', 's3@example.co.jp', 's4@example.co.jp']);
    expect(calls).toEqual([[1, 50], [2, 50], [3, 50], [4, 50], [5, 50]]);
  });

  it('mbox: pulling 3 of 40 facts reads up to the end of the third message only', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => Buffer.concat([Buffer.from(SEPARATOR), msg(i), Buffer.from('\n\n')]));
    writeFileSync(join(dir, 'j.mbox'), Buffer.concat(entries));
    const { ctx, calls } = tracked();
    const out = (await mailCollector.collect(mailSource('mbox', 'j.mbox'), ctx)) as FactsOutput<'mail'>;
    expect(calls).toEqual([]);
    // The checkpoint is the whole file's end, known before a message is read.
    const whole = entries.reduce((s, e) => s + e.length, 0);
    expect(JSON.parse(out.checkpoints!['mbox:j.mbox']!)).toMatchObject({ offset: whole });
    await take(out.facts, 3);
    // Progress is the byte offset reached: the end of the first, second and third entries.
    const [a, b, c] = entries.map((e) => e.length);
    expect(calls).toEqual([[a, undefined], [a! + b!, undefined], [a! + b! + c!, undefined]]);
  });
});

describe('a run stopped between batches', () => {
  const N = 2050;

  it('commits no checkpoint; the next run stores the rest, each message exactly once', async () => {
    maildir(N);
    const source = mailSource('maildir', 'md');
    // Stopped while the second batch is being gathered (the store writes 2,000 facts a batch).
    const stopped = tracked(2010);
    const out = (await mailCollector.collect(source, stopped.ctx)) as FactsOutput<'mail'>;
    await expect(store.writeFacts({ source: source.id, kind: 'mail', observedAt: stopped.ctx.observedAt, facts: out.facts, ...(out.checkpoints ? { checkpoints: out.checkpoints } : {}) })).rejects.toThrow('stopped by the test');
    const kept = await storedCount();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(2010);
    expect(await store.getCheckpoint(source.id, CTIME_CHECKPOINT)).toBeUndefined();

    const again = tracked();
    const out2 = (await mailCollector.collect(source, again.ctx)) as FactsOutput<'mail'>;
    const written = await store.writeFacts({ source: source.id, kind: 'mail', observedAt: again.ctx.observedAt, facts: out2.facts, ...(out2.checkpoints ? { checkpoints: out2.checkpoints } : {}) });
    expect(written).toEqual({ inserted: N - kept, merged: 0, ignored: kept });
    expect(again.calls.length).toBe(N);
    const keys: string[] = [];
    for await (const row of store.readFacts('mail', new Date('2100-01-01T00:00:00Z'))) keys.push(row.key);
    expect(keys.length).toBe(N);
    expect(new Set(keys)).toEqual(new Set(Array.from({ length: N }, (_, i) => `s${i}@example.co.jp`)));
    expect(await store.getCheckpoint(source.id, CTIME_CHECKPOINT)).toBe(out2.checkpoints![CTIME_CHECKPOINT]);
  }, 60_000);
});

describe('planFiles (which files a run reads, and its checkpoint, before reading)', () => {
  const f = (name: string, ctimeMs: number, mtimeMs = ctimeMs): FileEntry => ({ path: `/m/${name}`, size: 10, ctimeMs, mtimeMs });

  it('the checkpoint is the newest ctime read, never below the previous one', () => {
    const plan = planFiles([f('a', 5_000), f('b', 9_000), f('c', 7_000)], { since: 1_000, asOf: 100_000, settleMs: 0 });
    expect(plan.files.map((x) => x.path)).toEqual(['/m/a', '/m/b', '/m/c']);
    expect(plan.checkpoint).toBe('9000');
    expect(planFiles([], { since: 1_000, asOf: 100_000, settleMs: 0 }).checkpoint).toBe('1000');
  });

  it('a file modified within the settle time is left, and the checkpoint stays 2 s below its ctime', () => {
    // asOf 100 s, settle 2 s: modified at 99 s is unsettled; the settled one has ctime 99.5 s.
    const plan = planFiles([f('old', 99_500, 50_000), f('fresh', 99_000, 99_000)], { since: 0, asOf: 100_000, settleMs: 2_000 });
    expect(plan.files.map((x) => x.path)).toEqual(['/m/old']);
    expect(plan.checkpoint).toBe('97000'); // min(99 500, 99 000 − 2 000)
  });

  it('a file changed after the plan instant (plus 1 s of clock slack) is left for the next run and does not move the checkpoint', () => {
    const plan = planFiles([f('a', 90_000), f('late', 101_500)], { since: 0, asOf: 100_000, settleMs: 0 });
    expect(plan.files.map((x) => x.path)).toEqual(['/m/a']);
    expect(plan.checkpoint).toBe('90000');
  });
});
