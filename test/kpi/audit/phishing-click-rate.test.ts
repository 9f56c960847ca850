/**
 * Audit of phishing-click-rate (and phishing-report-rate) against KPIS.md, by hand. Asia/Tokyo,
 * fiscal year from April. T = 2026-05-20 12:00 JST; the quarter is [2026-04-01 00:00 JST, T].
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { PhishingRecord } from '../../../src/evidence/records.ts';
import { phishingClickRate } from '../../../src/kpi/phishing-click-rate.ts';
import { phishingReportRate } from '../../../src/kpi/phishing-report-rate.ts';
import { bundle, ctx } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = (kpi: string, target: number, direction: 'at_least' | 'at_most') => parseObjective({ id: 'o', title: 'o', kpi, target, direction, period: 'quarter' });
const r = (campaign: string, launchedAt: string, email: string, o: Partial<PhishingRecord> = {}): PhishingRecord => ({
  campaign, email, launchedAt, status: 'Email Sent', delivered: true, clicked: false, submitted: false, reported: false, ...o,
});
const C1 = '2026-04-01T00:00:00+09:00'; // the quarter's first instant: in
const rows = [
  r('C1', C1, 'a@example.co.jp', { clicked: true }), // failure
  r('C1', C1, 'b@example.co.jp', { submitted: true }), // submitted data without a recorded click: failure
  r('C1', C1, 'c@example.co.jp', { delivered: false, status: 'Error' }), // bounced: out
  r('C1', C1, 'd@example.co.jp', { delivered: false, status: 'Error' }), // d: one bounced send…
  r('C1', C1, 'd@example.co.jp', { clicked: true, submitted: true }), // …and one delivered, clicked and submitted: one failure
  r('C1', C1, 'e@example.co.jp', { reported: true }), // reported, did not click
  r('C1', C1, 'E@Example.co.jp'), // the same recipient again (case): once
  r('C0', '2026-03-31T23:59:59+09:00', 'a@example.co.jp', { clicked: true }), // last quarter: out
  r('C2', '2026-05-20T12:00:01+09:00', 'a@example.co.jp', { clicked: true }), // launched after T: out
];

describe('phishing-click-rate (audit)', () => {
  it('one per person and campaign; bounced sends out; click or submit is a failure', () => {
    const res = phishingClickRate(bundle({ phishing: rows }), ctx(obj('phishing-click-rate', 0.1, 'at_most'), T));
    // Population C1: a, b, d, e = 4. Failures a, b, d = 3 → 0.75 > 0.10 → missed.
    expect([res.numerator, res.denominator, res.value, res.status]).toEqual([3, 4, 0.75, 'missed']);
    expect(res.failing.map((f) => f.id).sort()).toEqual(['a@example.co.jp', 'b@example.co.jp', 'd@example.co.jp']);
  });
  it('report rate over the same population', () => {
    const res = phishingReportRate(bundle({ phishing: rows }), ctx(obj('phishing-report-rate', 0.5, 'at_least'), T));
    // Reported: e = 1 of 4.
    expect([res.numerator, res.denominator, res.value]).toEqual([1, 4, 0.25]);
  });
});
