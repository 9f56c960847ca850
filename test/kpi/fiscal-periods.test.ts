import { describe, expect, it } from 'vitest';
import { lastEndedPeriod, parsePeriodName, periodHolding, previousPeriod, trendInstants } from '../../src/kpi/fiscal-periods.ts';

const APRIL = { timeZone: 'Asia/Tokyo', fiscalYearStartMonth: 4 };
const JANUARY = { timeZone: 'UTC', fiscalYearStartMonth: 1 };
const iso = (ms: number) => new Date(ms).toISOString();

describe('named periods', () => {
  it.each([
    // April start, Tokyo (UTC+9): a JST midnight is 15:00 UTC the day before.
    ['FY2026', '2026-03-31T15:00:00.000Z', '2027-03-31T15:00:00.000Z'],
    ['2026-Q1', '2026-03-31T15:00:00.000Z', '2026-06-30T15:00:00.000Z'],
    ['2026-Q2', '2026-06-30T15:00:00.000Z', '2026-09-30T15:00:00.000Z'],
    // Q4 of FY2026 lies in calendar 2027.
    ['2026-Q4', '2026-12-31T15:00:00.000Z', '2027-03-31T15:00:00.000Z'],
    ['2026-H1', '2026-03-31T15:00:00.000Z', '2026-09-30T15:00:00.000Z'],
    ['2026-H2', '2026-09-30T15:00:00.000Z', '2027-03-31T15:00:00.000Z'],
    ['2026-09', '2026-08-31T15:00:00.000Z', '2026-09-30T15:00:00.000Z'],
  ])('%s with an April fiscal year in Tokyo is [%s, %s)', (spec, from, end) => {
    const p = parsePeriodName(spec, APRIL);
    expect([iso(p.fromMs), iso(p.endMs), p.name]).toEqual([from, end, spec]);
  });

  it('a January fiscal year is the calendar year', () => {
    const p = parsePeriodName('2026-Q2', JANUARY);
    expect([iso(p.fromMs), iso(p.endMs)]).toEqual(['2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z']);
    expect(iso(parsePeriodName('FY2026', JANUARY).endMs)).toBe('2027-01-01T00:00:00.000Z');
  });

  it('a month belongs to the fiscal year holding it: 2027-02 is month 11 of FY2026', () => {
    const p = parsePeriodName('2027-02', APRIL);
    expect([p.fiscalYear, p.index, p.kind]).toEqual([2026, 11, 'month']);
  });

  it.each(['2026-Q5', 'FY26', '2026-13', '2026-H3', 'last quarter', ''])('refuses %j with the forms it accepts', (spec) => {
    expect(() => parsePeriodName(spec, APRIL)).toThrow(/expected a month \(2026-09\), a fiscal quarter \(2026-Q2\)/);
  });

  it('previous periods cross fiscal years: before 2026-Q1 is 2025-Q4, before FY2026 is FY2025', () => {
    expect(previousPeriod(parsePeriodName('2026-Q1', APRIL), APRIL).name).toBe('2025-Q4');
    expect(previousPeriod(parsePeriodName('FY2026', APRIL), APRIL).name).toBe('FY2025');
    expect(previousPeriod(parsePeriodName('2026-04', APRIL), APRIL).name).toBe('2026-03');
  });

  it('the period holding an instant and the last one ended by then', () => {
    // 2026-11-20 12:00 JST is in FY2026 Q3 (Oct–Dec) and H2.
    const t = Date.parse('2026-11-20T12:00:00+09:00');
    expect(periodHolding('quarter', t, APRIL).name).toBe('2026-Q3');
    expect(periodHolding('half-year', t, APRIL).name).toBe('2026-H2');
    expect(lastEndedPeriod('month', t, APRIL).name).toBe('2026-10');
    expect(lastEndedPeriod('quarter', t, APRIL).name).toBe('2026-Q2');
    // At the exact start of a month the month before has just ended.
    expect(lastEndedPeriod('month', Date.parse('2026-12-01T00:00:00+09:00'), APRIL).name).toBe('2026-11');
  });
});

describe('trend instants', () => {
  it('month ends from the previous fiscal year start, then the instant itself', () => {
    // T = 2026-11-20 12:00 JST is in FY2026; FY2025 began 2025-04-01. Month ends April 2025 …
    // October 2026 = 12 + 7 = 19, then T: 20 instants.
    const at = new Date('2026-11-20T12:00:00+09:00');
    const xs = trendInstants(at, APRIL);
    expect(xs).toHaveLength(20);
    expect(xs[0]!.toISOString()).toBe('2025-04-30T14:59:59.999Z'); // 2025-04-30 23:59:59.999 JST
    expect(xs[18]!.toISOString()).toBe('2026-10-31T14:59:59.999Z');
    expect(xs[19]!.getTime()).toBe(at.getTime());
  });

  it('at the last instant of a fiscal year: 24 month ends and no duplicate', () => {
    const at = new Date(Date.parse('2027-04-01T00:00:00+09:00') - 1);
    const xs = trendInstants(at, APRIL);
    expect(xs).toHaveLength(24);
    expect(xs[23]!.getTime()).toBe(at.getTime());
  });
});
