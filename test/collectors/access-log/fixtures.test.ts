/**
 * Golden fixtures: each hand-written log in test/fixtures/access-log with the records and
 * rejections worked out by hand from KPIS.md (leaver-activity-count: what is a success or a
 * failure) and the organisation's zone Asia/Tokyo (+09:00, no DST).
 */
import type { Keyed } from '../../../src/evidence/records.ts';
import { utimesSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessLogCollector } from '../../../src/collectors/access-log/collector.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import type { AccessDayRecord } from '../../../src/evidence/records.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { logSource, testConfig, testContext } from './context.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/access-log');
let dir: string;
let store: EvidenceStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'access-log-fx-'));
  store = createMemoryStore();
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function collectFixture(name: string, format: Parameters<typeof logSource>[1], opts: { mtime?: Date; timeZone?: string } = {}) {
  const file = join(dir, name);
  await copyFile(join(FIXTURES, name), file);
  if (opts.mtime) utimesSync(file, opts.mtime, opts.mtime);
  const ctx = testContext(testConfig(dir), store, new Date('2026-06-01T00:00:00Z'));
  const src = logSource([file], format, opts.timeZone ? { timeZone: opts.timeZone } : {});
  const out = (await accessLogCollector.collect(src, ctx)) as FactsOutput<'access-day'>;
  // The access-log collector hands over a plain list (its aggregates merge in one transaction).
  // These goldens are about what counts and on which day; where the events lie within the day
  // (first times, hour counts) is worked out in aggregate.test.ts.
  return { file, facts: [...(out.facts as Iterable<Keyed<'access-day'>>)].map(dayLevel), rejections: ctx.rejections };
}

function dayLevel(f: Keyed<'access-day'>): Keyed<'access-day'> {
  const { firstSuccessAt: _fs, firstFailureAt: _ff, successesByHour: _sh, ...day } = f.data;
  return { key: f.key, data: day };
}

describe('real nginx sample (elastic/beats test.log)', () => {
  it('parses all 7 lines and yields no activity, since none has an authenticated user', async () => {
    const { facts, rejections } = await collectFixture('nginx_access_beats.log', 'combined');
    expect(rejections).toEqual([]);
    expect(facts).toEqual([]);
  });
});

describe('combined-variants.log', () => {
  it('gives per-day records and rejects lines 7, 8 and 10', async () => {
    const { file, facts, rejections } = await collectFixture('combined-variants.log', 'combined');
    const expected: AccessDayRecord[] = [
      // line 5: no zone in the time, read in the organisation's zone (+09:00)
      { account: 'aya', day: '2015-01-31', successes: 1, failures: 0, lastSuccessAt: '2015-01-31T05:29:44.000Z', where: file },
      // line 1: 11:05:07 +0100 = 10:05:07Z = 19:05 in Tokyo
      { account: 'ken.ito', day: '2016-12-07', successes: 1, failures: 0, lastSuccessAt: '2016-12-07T10:05:07.000Z', where: file },
      // line 9: escaped quote inside the request
      { account: 'bob', day: '2016-12-08', successes: 1, failures: 0, lastSuccessAt: '2016-12-08T01:00:00.000Z', where: file },
      // line 2: 401 at 23:30 +0100 = 07:30 on 8 Dec in Tokyo; line 6 (CRLF): 09:00 +0900
      {
        account: 'ken.ito', day: '2016-12-08', successes: 1, failures: 1,
        lastSuccessAt: '2016-12-08T00:00:00.000Z', lastFailureAt: '2016-12-07T22:30:00.000Z', where: file,
      },
    ];
    expect(facts.map((f) => f.data)).toEqual(expected);
    expect(facts.map((f) => f.key)).toEqual(['2015-01-31 aya', '2016-12-07 ken.ito', '2016-12-08 bob', '2016-12-08 ken.ito']);
    expect(rejections).toEqual([
      { file, line: 7, reason: 'no [time] field' },
      { file, line: 8, reason: 'no quoted request after the time' },
      { file, line: 10, reason: 'unparseable time' },
    ]);
  });
});

describe('sshd-auth.log', () => {
  it('infers the year from the file time, counts repeats and PAM failures, keeps "from" in names', async () => {
    const { file, facts, rejections } = await collectFixture('sshd-auth.log', 'sshd', { mtime: new Date('2026-01-10T00:00:00Z') });
    const r = (account: string, day: string, s: number, f: number, ls?: string, lf?: string): AccessDayRecord => ({
      account, day, successes: s, failures: f,
      ...(ls ? { lastSuccessAt: ls } : {}), ...(lf ? { lastFailureAt: lf } : {}), where: file,
    });
    expect(facts.map((x) => x.data)).toEqual([
      // "Dec 31" in a file last written in January 2026 is 2025
      r('ken.ito', '2025-12-31', 1, 0, '2025-12-31T14:59:58.000Z'),
      r('aya', '2026-01-02', 0, 1, undefined, '2026-01-01T23:03:00.000Z'),
      r('from', '2026-01-02', 0, 1, undefined, '2026-01-01T23:00:00.000Z'),
      // 3 (message repeated) + 1 (pam_unix authentication failure); "Invalid user admin" not counted
      r('root', '2026-01-02', 0, 4, undefined, '2026-01-01T23:02:00.000Z'),
      r('aya', '2026-01-03', 1, 0, '2026-01-03T01:00:00.123Z'),
      r('ken.ito', '2026-01-03', 1, 0, '2026-01-03T03:05:00.000Z'),
      // PAM 2 more authentication failures
      r('root', '2026-01-03', 0, 2, undefined, '2026-01-03T03:00:00.000Z'),
      r('user from home', '2026-01-03', 1, 0, '2026-01-03T02:30:00.000Z'),
    ]);
    expect(rejections).toEqual([{ file, line: 10, reason: 'not a syslog line (expected "time host program[pid]: message")' }]);
  });
});

describe('ecs-auth.jsonl', () => {
  it('counts authentication outcomes and Windows 4624/4625, reading zone-less times in the source zone', async () => {
    const { file, facts, rejections } = await collectFixture('ecs-auth.jsonl', 'ecs-json', { timeZone: 'UTC' });
    expect(facts.map((x) => x.data)).toEqual([
      { account: 'ken.ito', day: '2026-03-01', successes: 1, failures: 0, lastSuccessAt: '2026-03-01T00:30:00.000Z', where: file },
      // 4624 success and an old 4625 (no category, no outcome) for TargetUserName, not the machine
      {
        account: 'aya', day: '2026-03-02', successes: 1, failures: 1,
        lastSuccessAt: '2026-03-02T01:00:00.000Z', lastFailureAt: '2026-03-02T02:00:00.000Z', where: file,
      },
      // 15:10Z is 00:10 on 2 March in Tokyo
      { account: 'ken.ito', day: '2026-03-02', successes: 0, failures: 1, lastFailureAt: '2026-03-01T15:10:00.000Z', where: file },
      { account: 'bob', day: '2026-03-03', successes: 1, failures: 0, lastSuccessAt: '2026-03-03T08:00:00.000Z', where: file },
    ]);
    expect(rejections).toEqual([
      { file, line: 6, reason: 'not a JSON object' },
      { file, line: 7, reason: 'missing or unparseable @timestamp' },
    ]);
  });
});
