/** Campaign slots by cadence, in the organisation's zone and fiscal year, by hand. */
import { describe, expect, it } from 'vitest';
import { campaignSlot } from '../../src/access-review/schedule.ts';

const april = { timeZone: 'Asia/Tokyo', fiscalYearStartMonth: 4 };
const jan = { timeZone: 'Asia/Tokyo', fiscalYearStartMonth: 1 };
const ms = (iso: string) => Date.parse(iso);

describe('campaign slots', () => {
  it.each([
    // Fiscal year from April: Oct–Dec 2026 is FY2026 Q3; Jan–Mar 2027 is FY2026 Q4.
    ['2026-10-01T00:00:00+09:00', 'quarterly', april, '2026-Q3', '2026-10-01T00:00:00+09:00', '2027-01-01T00:00:00+09:00'],
    ['2026-09-30T23:59:59+09:00', 'quarterly', april, '2026-Q2', '2026-07-01T00:00:00+09:00', '2026-10-01T00:00:00+09:00'],
    ['2027-02-10T12:00:00+09:00', 'quarterly', april, '2026-Q4', '2027-01-01T00:00:00+09:00', '2027-04-01T00:00:00+09:00'],
    // 2026-09-30T15:30Z is already 10-01 in Tokyo.
    ['2026-09-30T15:30:00Z', 'quarterly', april, '2026-Q3', '2026-10-01T00:00:00+09:00', '2027-01-01T00:00:00+09:00'],
    ['2026-10-05T00:00:00+09:00', 'quarterly', jan, '2026-Q4', '2026-10-01T00:00:00+09:00', '2027-01-01T00:00:00+09:00'],
    ['2026-10-05T00:00:00+09:00', 'half-year', april, '2026-H2', '2026-10-01T00:00:00+09:00', '2027-04-01T00:00:00+09:00'],
    ['2027-03-31T23:00:00+09:00', 'year', april, 'FY2026', '2026-04-01T00:00:00+09:00', '2027-04-01T00:00:00+09:00'],
    ['2026-10-05T00:00:00+09:00', 'monthly', april, '2026-10', '2026-10-01T00:00:00+09:00', '2026-11-01T00:00:00+09:00'],
  ] as const)('%s %s → %s', (at, cadence, org, id, start, end) => {
    expect(campaignSlot(ms(at), cadence, org)).toEqual({ id, startMs: ms(start), endMs: ms(end) });
  });
});
