/**
 * Sharding: shards are byte ranges aligned to line starts; partials merge associatively and
 * commutatively, so any grouping of shards gives the unsharded facts and checkpoint. Also the
 * merge of single aggregates, and the hot loop against the plain parser on a generated log.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeAccessDay } from '../../../src/collectors/access-log/aggregate.ts';
import {
  accessLogCollector, accessLogOutput, collectAccessLogShard, mergeAccessLogPartials,
  type AccessLogPartial, type AccessLogShard,
} from '../../../src/collectors/access-log/collector.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import type { AccessDayRecord, Keyed } from '../../../src/evidence/records.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { logSource, testConfig, testContext } from './context.ts';

let dir: string;
let store: EvidenceStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'access-log-shard-'));
  store = createMemoryStore();
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const MON = ['Jan', 'Feb', 'Mar'];
/** A deterministic log: 40 users over ~3 days, mixed statuses, offsets and a few bad lines. */
function generate(lines: number): string {
  const out: string[] = [];
  let seed = 7;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n);
  for (let i = 0; i < lines; i++) {
    if (i % 997 === 5) {
      out.push('broken line without a time\n');
      continue;
    }
    const t = new Date(Date.UTC(2026, 0, 30) + i * 40_000 + rnd(30_000));
    const hh = String(t.getUTCHours()).padStart(2, '0');
    const mm = String(t.getUTCMinutes()).padStart(2, '0');
    const ss = String(t.getUTCSeconds()).padStart(2, '0');
    const user = rnd(5) === 0 ? '-' : `u${rnd(40)}`;
    const status = [200, 200, 302, 401, 404][rnd(5)];
    out.push(`10.0.0.${rnd(255)} - ${user} [${String(t.getUTCDate()).padStart(2, '0')}/${MON[t.getUTCMonth()]}/2026:${hh}:${mm}:${ss} +0000] "GET /p/${i} HTTP/1.1" ${status} ${rnd(9999)} "-" "agent ${rnd(9)}"\n`);
  }
  return out.join('');
}

describe('sharded collection', () => {
  it('gives the unsharded facts and checkpoint whatever the grouping of partials', async () => {
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    writeFileSync(a, generate(6000));
    writeFileSync(b, generate(1500));
    const cfg = testConfig(dir, 'Asia/Tokyo');
    const at = new Date('2026-02-05T00:00:00Z');

    const whole = (await accessLogCollector.collect(logSource([join(dir, '*.log')], 'combined'), testContext(cfg, store, at))) as FactsOutput<'access-day'>;

    const src = logSource([join(dir, '*.log')], 'combined', { shards: 6 });
    const ctx = testContext(cfg, store, at);
    const shards = (await accessLogCollector.shards!(src, ctx)) as AccessLogShard[];
    expect(shards.length).toBeGreaterThan(3);
    // Ranges of a file tile it without gaps or overlaps, each starting at a line start.
    const ofA = shards.filter((s) => s.file?.path === a).sort((x, y) => x.file!.start - y.file!.start);
    expect(ofA[0]!.file!.start).toBe(0);
    for (let i = 1; i < ofA.length; i++) expect(ofA[i]!.file!.start).toBe(ofA[i - 1]!.file!.end);
    const textA = generate(6000);
    for (const s of ofA) expect(s.file!.start === 0 || textA[s.file!.start - 1] === '\n').toBe(true);

    const partials: AccessLogPartial[] = [];
    // Through JSON, as the queue carries them.
    for (const s of shards) partials.push(JSON.parse(JSON.stringify(await collectAccessLogShard(src, JSON.parse(JSON.stringify(s)), ctx))) as AccessLogPartial);

    const facts = (o: FactsOutput<'access-day'>) => [...(o.facts as Iterable<Keyed<'access-day'>>)];
    const expected = facts(whole);
    expect(expected.length).toBeGreaterThan(100);
    const groupings = [
      partials,
      [...partials].reverse(),
      [mergeAccessLogPartials(partials.slice(0, 2)), mergeAccessLogPartials(partials.slice(2))],
      [mergeAccessLogPartials([partials[partials.length - 1]!, mergeAccessLogPartials(partials.slice(1, -1))]), partials[0]!],
    ];
    for (const g of groupings) {
      const out = accessLogOutput(g);
      expect(facts(out)).toEqual(expected);
      expect(out.checkpoints).toEqual(whole.checkpoints);
    }
    // Every rejected line is reported once, sharded or not.
    expect(ctx.rejections.length).toBe(Math.floor((6000 - 6) / 997) + 1 + Math.floor((1500 - 6) / 997) + 1);
  });
});

describe('mergeAccessDay', () => {
  const r = (s: number, f: number, ls: string | undefined, lf: string | undefined, where: string): AccessDayRecord => ({
    account: 'x', day: '2026-02-01', successes: s, failures: f, ...(ls ? { lastSuccessAt: ls } : {}), ...(lf ? { lastFailureAt: lf } : {}), where,
  });
  const p = r(1, 0, '2026-02-01T10:00:00.000Z', undefined, 'a.log');
  const q = r(2, 1, '2026-02-01T09:00:00.000Z', '2026-02-01T11:00:00.000Z', 'b.log');
  const s = r(0, 3, undefined, '2026-02-01T12:00:00.000Z', 'c.log');

  it('adds counts, takes the latest times, and keeps where of the last success', () => {
    expect(mergeAccessDay(mergeAccessDay(p, q), s)).toEqual(r(3, 4, '2026-02-01T10:00:00.000Z', '2026-02-01T12:00:00.000Z', 'a.log'));
  });
  it('is associative and commutative', () => {
    const all = [
      mergeAccessDay(mergeAccessDay(p, q), s), mergeAccessDay(p, mergeAccessDay(q, s)), mergeAccessDay(s, mergeAccessDay(q, p)),
      mergeAccessDay(mergeAccessDay(s, p), q),
    ];
    for (const x of all) expect(x).toEqual(all[0]);
  });
  it('compares times as instants, not as text', () => {
    const early = r(1, 0, '2026-02-01T10:00:00+09:00', undefined, 'tokyo.log');
    const late = r(1, 0, '2026-02-01T02:00:00.000Z', undefined, 'utc.log');
    expect(mergeAccessDay(early, late).lastSuccessAt).toBe('2026-02-01T02:00:00.000Z');
  });
});

describe('the hot loop', () => {
  it('agrees with the plain line parser on lines sharing seconds, days and switching offsets', async () => {
    const { AccessDayAggregator } = await import('../../../src/collectors/access-log/aggregate.ts');
    const { lineHandler } = await import('../../../src/collectors/access-log/lines.ts');
    const { parseWebLine, webOutcome } = await import('../../../src/collectors/access-log/web.ts');
    const lines: string[] = [];
    const offsets = ['+0000', '+0000', '+0900', '-0130', '+0000'];
    for (let i = 0; i < 3000; i++) {
      const sec = Math.floor(i / 3) % 60; // three lines per second
      const min = Math.floor(i / 180) % 60;
      const hour = 20 + (Math.floor(i / 1000) % 4); // crosses midnight in some offsets
      const off = offsets[Math.floor(i / 7) % offsets.length]!;
      const user = i % 4 === 0 ? '-' : `user${i % 13}`;
      lines.push(`10.0.0.1 - ${user} [15/Mar/2026:${hour}:${String(min).padStart(2, '0')}:${String(sec).padStart(2, '0')} ${off}] "GET / HTTP/1.1" ${i % 6 === 1 ? 401 : 200} 1 "-" "-"`);
    }
    const agg = new AccessDayAggregator('Asia/Tokyo');
    const counts = { lines: 0, rejected: 0, events: 0 };
    const fn = lineHandler(agg, { format: 'combined', where: 'f', zone: 'UTC', referenceMs: 0, reject() {} }, counts);
    const buf = Buffer.from(lines.join('\n') + '\n');
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0) break;
      fn(buf, pos, nl);
      pos = nl + 1;
    }
    const oracle = new AccessDayAggregator('Asia/Tokyo');
    for (const l of lines) {
      const p = parseWebLine(l, 'combined', 'UTC');
      if (typeof p === 'string' || p.user === null) continue;
      const o = webOutcome(p.status);
      if (o) oracle.add(p.user, p.time, o === 'success', 1, 'f');
    }
    expect(counts.rejected).toBe(0);
    expect(agg.records()).toEqual(oracle.records());
    expect(agg.records().length).toBeGreaterThan(13);
  });
});
