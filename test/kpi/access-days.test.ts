/**
 * Reading an access-day aggregate against an interval (issue 12, item 7): an authentication
 * after T never counts, on the day that holds T too. Asia/Tokyo (+09:00): the day 2026-03-13
 * starts at 2026-03-12T15:00Z, its hour h at 15:00Z + h. Expectations by hand.
 */
import { describe, expect, it } from 'vitest';
import { AccessDayAggregator } from '../../src/collectors/access-log/aggregate.ts';
import type { AccessDayRecord } from '../../src/evidence/records.ts';
import { anyIn, lastSuccessAtOrBefore, successesIn } from '../../src/kpi/access-days.ts';

const Z = 'Asia/Tokyo';
const jst = (hhmm: string, day = '2026-03-13') => Date.parse(`${day}T${hhmm}:00+09:00`);

/** The aggregate the collector makes of successes at these JST times of 2026-03-13. */
function day(...times: string[]): AccessDayRecord {
  const agg = new AccessDayAggregator(Z);
  for (const t of times) agg.add('ken', jst(t), true, 1, 'auth.log');
  return agg.records()[0]!;
}

describe('successesIn [lo, hi]', () => {
  const dayStart = jst('00:00');
  const dayEnd = jst('00:00', '2026-03-14') - 1;
  const cases: { name: string; r: AccessDayRecord; lo: number; hi: number; n: number; exact: boolean }[] = [
    // The case: 09:00 and 13:00, evaluated at 12:00 → the 09:00 hour is before T, the 13:00 hour after.
    { name: 'login at 09:00 and 13:00, T = 12:00 → 1', r: day('09:00', '13:00'), lo: dayStart, hi: jst('12:00'), n: 1, exact: true },
    { name: 'T at 13:00 exactly counts the 13:00 login → 2', r: day('09:00', '13:00'), lo: dayStart, hi: jst('13:00'), n: 2, exact: true },
    { name: 'T = 08:59 → 0', r: day('09:00', '13:00'), lo: dayStart, hi: jst('08:59'), n: 0, exact: true },
    { name: 'three logins, two before T in other hours → 2', r: day('09:00', '11:30', '12:30'), lo: dayStart, hi: jst('12:00'), n: 2, exact: true },
    // A rolling period starting mid-day: T = 12:00 a week later, the period (T − 7 d, T] starts at 12:00 on this day.
    { name: 'rolling start at 12:00: 09:00 and 13:00 → 1', r: day('09:00', '13:00'), lo: jst('12:00') + 1, hi: dayEnd, n: 1, exact: true },
    { name: 'rolling start at 12:00: 10:00, 11:00, 14:00, 15:00 → 2', r: day('10:00', '11:00', '14:00', '15:00'), lo: jst('12:00') + 1, hi: dayEnd, n: 2, exact: true },
    // Both events of the hour holding the bound are the day's first and last: placed exactly.
    { name: 'two logins in the hour holding T (12:10, 12:50), T = 12:30 → 1', r: day('12:10', '12:50'), lo: dayStart, hi: jst('12:30'), n: 1, exact: true },
    // Three in that hour: the middle one cannot be placed; it is left out (a lower bound), never counted after T.
    { name: 'three logins in the hour holding T, the middle unplaced → 1, not exact', r: day('12:10', '12:20', '12:50'), lo: dayStart, hi: jst('12:30'), n: 1, exact: false },
    { name: 'the same with an earlier login: 08:00 + first-known 0 in the hour → 1, not exact', r: day('08:00', '12:10', '12:20', '12:50'), lo: dayStart, hi: jst('12:30'), n: 1, exact: false },
    { name: 'interval inside one hour with no known event in it → 0, not exact', r: day('12:00', '12:10', '12:50'), lo: jst('12:20'), hi: jst('12:30'), n: 0, exact: false },
    // Aggregates stored before first times and hours were kept: only the last success is known.
    { name: 'old aggregate, last before T → all', r: { account: 'ken', day: '2026-03-13', successes: 5, failures: 0, lastSuccessAt: new Date(jst('11:00')).toISOString() }, lo: dayStart, hi: jst('12:00'), n: 5, exact: true },
    { name: 'old aggregate, last after T → 0, not exact (nothing after T counts)', r: { account: 'ken', day: '2026-03-13', successes: 5, failures: 0, lastSuccessAt: new Date(jst('13:00')).toISOString() }, lo: dayStart, hi: jst('12:00'), n: 0, exact: false },
    { name: 'old aggregate, rolling start before last → 1, not exact', r: { account: 'ken', day: '2026-03-13', successes: 5, failures: 0, lastSuccessAt: new Date(jst('14:00')).toISOString() }, lo: jst('12:00') + 1, hi: dayEnd, n: 1, exact: false },
  ];
  it.each(cases)('$name', ({ r, lo, hi, n, exact }) => {
    expect(successesIn(r, Z, lo, hi)).toMatchObject({ n, exact });
  });
});

describe('anyIn and lastSuccessAtOrBefore', () => {
  it('an account whose only events are after T is not active in the interval', () => {
    expect(anyIn(day('13:00'), Z, jst('00:00'), jst('12:00'))).toBe(false);
    expect(anyIn(day('11:00', '13:00'), Z, jst('00:00'), jst('12:00'))).toBe(true);
  });
  it.each([
    ['09:00 and 13:00, T = 12:00: the 09:00 login', ['09:00', '13:00'], '12:00', '09:00'],
    ['09:00, 10:30 and 13:00, T = 12:00: the 10:00 hour ended by T, so at least 10:00', ['09:00', '10:30', '13:00'], '12:00', '10:00'],
    ['all before T: the last one', ['09:00', '10:30'], '12:00', '10:30'],
  ])('%s', (_what, times, t, expected) => {
    expect(lastSuccessAtOrBefore(day(...times), Z, jst(t))).toBe(jst(expected));
  });
  it('nothing at or before T: undefined', () => {
    expect(lastSuccessAtOrBefore(day('13:00'), Z, jst('12:00'))).toBeUndefined();
  });
});
