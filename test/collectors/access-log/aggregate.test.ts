/**
 * The per-account, per-day aggregate (issue 12, item 7): counts per hour of the local day, the
 * first and last event of each outcome, and a merge that gives the same answer in any grouping.
 * Expectations by hand; Asia/Tokyo is +09:00 without DST, America/New_York's 2026-11-01 has 25
 * hours (EDT −04:00 until 02:00 local, then EST −05:00).
 */
import { describe, expect, it } from 'vitest';
import { AccessDayAggregator, mergeAccessDay, mergeAccessDays } from '../../../src/collectors/access-log/aggregate.ts';
import type { AccessDayRecord } from '../../../src/evidence/records.ts';

const at = (iso: string) => Date.parse(iso);

describe('AccessDayAggregator', () => {
  it('counts successes per hour from the local day start, with first and last per outcome', () => {
    const agg = new AccessDayAggregator('Asia/Tokyo');
    agg.add('ken', at('2026-03-10T09:00:00+09:00'), true, 1, '/a.log');
    agg.add('ken', at('2026-03-10T13:00:00+09:00'), true, 1, '/a.log');
    agg.add('ken', at('2026-03-10T13:59:59.999+09:00'), false, 3, '/b.log');
    agg.add('ken', at('2026-03-10T00:00:00+09:00'), true, 2, '/a.log');
    expect(agg.records()).toEqual([{
      account: 'ken', day: '2026-03-10', successes: 4, failures: 3,
      firstSuccessAt: '2026-03-09T15:00:00.000Z', lastSuccessAt: '2026-03-10T04:00:00.000Z',
      firstFailureAt: '2026-03-10T04:59:59.999Z', lastFailureAt: '2026-03-10T04:59:59.999Z',
      // hour 0: 2 (00:00), hour 9: 1, hour 13: 1 (failures are placed by their first and last only).
      successesByHour: [2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1],
      where: '/a.log',
    }]);
  });

  it('a 25-hour DST day: hours count from the day start, not the wall clock', () => {
    const agg = new AccessDayAggregator('America/New_York');
    // 01:30 EDT (05:30Z) is hour 1; 01:30 EST (06:30Z), an hour later, is hour 2; 23:30 EST is hour 24.
    agg.add('u', at('2026-11-01T05:30:00Z'), true, 1, 'x');
    agg.add('u', at('2026-11-01T06:30:00Z'), true, 1, 'x');
    agg.add('u', at('2026-11-02T04:30:00Z'), true, 1, 'x');
    const [r] = agg.records();
    expect(r!.day).toBe('2026-11-01');
    expect(r!.successesByHour).toEqual([0, 1, 1, ...new Array(21).fill(0), 1]);
  });
});

describe('mergeAccessDay', () => {
  const a: AccessDayRecord = {
    account: 'ken', day: '2026-03-10', successes: 2, failures: 0,
    firstSuccessAt: '2026-03-10T00:00:00.000Z', lastSuccessAt: '2026-03-10T01:00:00.000Z', successesByHour: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], where: 'a',
  };
  const b: AccessDayRecord = {
    account: 'ken', day: '2026-03-10', successes: 1, failures: 2,
    firstSuccessAt: '2026-03-09T16:00:00.000Z', lastSuccessAt: '2026-03-09T16:00:00.000Z', successesByHour: [0, 1],
    firstFailureAt: '2026-03-10T03:00:00.000Z', lastFailureAt: '2026-03-10T05:00:00.000Z', where: 'b',
  };
  const c: AccessDayRecord = { account: 'ken', day: '2026-03-10', successes: 1, failures: 0, firstSuccessAt: '2026-03-10T14:00:00.000Z', lastSuccessAt: '2026-03-10T14:00:00.000Z', successesByHour: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], where: 'c' };

  it('adds counts and hours, takes the earliest first and the latest last', () => {
    expect(mergeAccessDay(a, b)).toEqual({
      account: 'ken', day: '2026-03-10', successes: 3, failures: 2,
      firstSuccessAt: '2026-03-09T16:00:00.000Z', lastSuccessAt: '2026-03-10T01:00:00.000Z',
      firstFailureAt: '2026-03-10T03:00:00.000Z', lastFailureAt: '2026-03-10T05:00:00.000Z',
      successesByHour: [0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1],
      where: 'a',
    });
  });

  it('is associative and commutative', () => {
    const one = mergeAccessDay(mergeAccessDay(a, b), c);
    expect(mergeAccessDay(a, mergeAccessDay(b, c))).toEqual(one);
    expect(mergeAccessDay(mergeAccessDay(c, a), b)).toEqual(one);
    expect(mergeAccessDays([[c], [b, a]])).toEqual([one]);
  });

  it('drops the hours and the first time when one side is an aggregate stored before they were kept (it cannot place its events)', () => {
    const old: AccessDayRecord = { account: 'ken', day: '2026-03-10', successes: 5, failures: 0, lastSuccessAt: '2026-03-10T02:00:00.000Z' };
    const m = mergeAccessDay(a, old);
    expect(m.successes).toBe(7);
    expect(m.successesByHour).toBeUndefined();
    expect(m.firstSuccessAt).toBeUndefined();
    expect(m.lastSuccessAt).toBe('2026-03-10T02:00:00.000Z');
  });
});
