import { describe, expect, it } from 'vitest';
import { inPeriod, periodAt } from '../../src/kpi/period.ts';

const tokyoApril = { timeZone: 'Asia/Tokyo', fiscalYearStartMonth: 4 };
const utcApril = { timeZone: 'UTC', fiscalYearStartMonth: 4 };
const utcJan = { timeZone: 'UTC', fiscalYearStartMonth: 1 };

describe('periodAt', () => {
  // Expected starts computed by hand from KPIS.md (JST = UTC+9, no DST).
  const rows: { name: string; spec: string; at: string; org: { timeZone: string; fiscalYearStartMonth: number }; from: string; kind: 'rolling' | 'calendar' }[] = [
    { name: 'rolling 30 days', spec: 'rolling 30 days', at: '2026-04-30T12:00:00Z', org: utcJan, from: '2026-03-31T12:00:00Z', kind: 'rolling' },
    { name: 'rolling 1 day', spec: 'rolling 1 day', at: '2026-04-30T12:00:00Z', org: utcJan, from: '2026-04-29T12:00:00Z', kind: 'rolling' },
    { name: 'calendar month, UTC', spec: 'month', at: '2026-05-15T10:00:00Z', org: utcJan, from: '2026-05-01T00:00:00Z', kind: 'calendar' },
    { name: 'month in Tokyo, just after JST midnight (still 30 Apr in UTC)', spec: 'month', at: '2026-04-30T15:00:00Z', org: tokyoApril, from: '2026-04-30T15:00:00Z', kind: 'calendar' },
    { name: 'month in UTC at that same instant', spec: 'month', at: '2026-04-30T15:00:00Z', org: utcApril, from: '2026-04-01T00:00:00Z', kind: 'calendar' },
    { name: 'fiscal Q1 (Apr–Jun), last ms of 30 Jun JST', spec: 'quarter', at: '2026-06-30T14:59:59.999Z', org: tokyoApril, from: '2026-03-31T15:00:00Z', kind: 'calendar' },
    { name: 'fiscal Q2 starts 1 Jul 00:00 JST exactly', spec: 'quarter', at: '2026-06-30T15:00:00Z', org: tokyoApril, from: '2026-06-30T15:00:00Z', kind: 'calendar' },
    { name: 'same instant in UTC is still fiscal Q1', spec: 'quarter', at: '2026-06-30T15:00:00Z', org: utcApril, from: '2026-04-01T00:00:00Z', kind: 'calendar' },
    { name: 'fiscal Q4 is Jan–Mar', spec: 'quarter', at: '2027-01-05T00:00:00Z', org: utcApril, from: '2027-01-01T00:00:00Z', kind: 'calendar' },
    { name: 'January fiscal year: Q1 is Jan–Mar', spec: 'quarter', at: '2026-02-14T00:00:00Z', org: utcJan, from: '2026-01-01T00:00:00Z', kind: 'calendar' },
    { name: 'November fiscal year: quarter Nov–Jan spans the new year', spec: 'quarter', at: '2026-01-15T00:00:00Z', org: { timeZone: 'UTC', fiscalYearStartMonth: 11 }, from: '2025-11-01T00:00:00Z', kind: 'calendar' },
    { name: 'fiscal H1 is Apr–Sep', spec: 'half-year', at: '2026-09-30T12:00:00Z', org: utcApril, from: '2026-04-01T00:00:00Z', kind: 'calendar' },
    { name: 'fiscal H2 is Oct–Mar', spec: 'half-year', at: '2027-03-15T00:00:00Z', org: utcApril, from: '2026-10-01T00:00:00Z', kind: 'calendar' },
    { name: 'fiscal year Apr–Mar, in February', spec: 'year', at: '2027-02-10T00:00:00Z', org: utcApril, from: '2026-04-01T00:00:00Z', kind: 'calendar' },
    { name: 'fiscal year starts 1 Apr 00:00 JST', spec: 'year', at: '2026-03-31T15:00:00Z', org: tokyoApril, from: '2026-03-31T15:00:00Z', kind: 'calendar' },
    { name: 'one ms earlier it is the previous fiscal year', spec: 'year', at: '2026-03-31T14:59:59.999Z', org: tokyoApril, from: '2025-03-31T15:00:00Z', kind: 'calendar' },
    { name: 'calendar year', spec: 'year', at: '2026-12-31T23:59:59Z', org: utcJan, from: '2026-01-01T00:00:00Z', kind: 'calendar' },
  ];
  it.each(rows)('$name', ({ spec, at, org, from, kind }) => {
    const w = periodAt(spec, new Date(at), org);
    expect(w.fromMs).toBe(Date.parse(from));
    expect(w.toMs).toBe(Date.parse(at));
    expect(w.fromInclusive).toBe(kind === 'calendar');
    expect(w.period.kind).toBe(kind);
    expect(Date.parse(w.period.from)).toBe(Date.parse(from));
    expect(Date.parse(w.period.to)).toBe(Date.parse(at));
  });

  it('writes the period in the organisation zone', () => {
    const w = periodAt('quarter', new Date('2026-05-20T03:00:00Z'), tokyoApril);
    expect(w.period.from).toBe('2026-04-01T00:00:00.000+09:00');
    expect(w.period.to).toBe('2026-05-20T12:00:00.000+09:00');
  });

  it('rejects an unknown period', () => {
    expect(() => periodAt('fortnight', new Date(), utcJan)).toThrow(/unknown period/);
  });
});

describe('inPeriod', () => {
  const rolling = periodAt('rolling 30 days', new Date('2026-04-30T12:00:00Z'), utcJan).period;
  const quarter = periodAt('quarter', new Date('2026-05-20T03:00:00Z'), tokyoApril).period;
  const rows: { name: string; ts: string; period: typeof rolling; zone?: string; expected: boolean }[] = [
    { name: 'rolling: the start instant is outside', ts: '2026-03-31T12:00:00Z', period: rolling, expected: false },
    { name: 'rolling: 1 ms after the start is inside', ts: '2026-03-31T12:00:00.001Z', period: rolling, expected: true },
    { name: 'rolling: T itself is inside', ts: '2026-04-30T12:00:00Z', period: rolling, expected: true },
    { name: 'rolling: 1 ms after T is outside', ts: '2026-04-30T12:00:00.001Z', period: rolling, expected: false },
    { name: 'calendar: the start instant is inside', ts: '2026-04-01T00:00:00+09:00', period: quarter, expected: true },
    { name: 'calendar: 1 ms before the start (UTC form) is outside', ts: '2026-03-31T14:59:59.999Z', period: quarter, expected: false },
    { name: 'calendar: T is inside', ts: '2026-05-20T12:00:00+09:00', period: quarter, expected: true },
    { name: 'calendar: after T is outside', ts: '2026-05-20T12:00:01+09:00', period: quarter, expected: false },
    { name: 'a date alone is that day in the zone: 1 Apr in Tokyo is inside', ts: '2026-04-01', period: quarter, zone: 'Asia/Tokyo', expected: true },
    { name: 'a zone-less time is read in the zone: 31 Mar 23:59 JST is outside', ts: '2026-03-31T23:59:00', period: quarter, zone: 'Asia/Tokyo', expected: false },
    { name: 'the same zone-less time read in UTC is inside (08:59 JST on 1 Apr)', ts: '2026-03-31T23:59:00', period: quarter, zone: 'UTC', expected: true },
    { name: 'garbage is outside', ts: 'not a date', period: quarter, expected: false },
  ];
  it.each(rows)('$name', ({ ts, period, zone, expected }) => {
    expect(inPeriod(ts, period, zone)).toBe(expected);
  });
});
