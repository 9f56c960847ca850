/**
 * Review audit of incident-report-sla-rate against KPIS.md, computed by hand.
 * Asia/Tokyo (UTC+9, no DST), fiscal year from April. T = 2026-07-10 12:00 JST; the calendar
 * quarter holding T is Q2 = [2026-07-01 00:00 JST, T] (period-to-date, start included).
 */
import { describe, expect, it } from 'vitest';
import { configSchema, parseObjective } from '../../../src/config/schema.ts';
import type { IncidentRecord } from '../../../src/evidence/records.ts';
import { incidentReportSlaRate } from '../../../src/kpi/incident-report-sla-rate.ts';
import { bundle, ctx, TOKYO } from '../helpers.ts';

const T = '2026-07-10T12:00:00+09:00';
const inc = (incidentId: string, detectedAt: string, reportedAt?: string): IncidentRecord => ({ incidentId, detectedAt, ...(reportedAt !== undefined ? { reportedAt } : {}) });
const obj = (period: string, params: Record<string, unknown> = {}, warning?: number) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'incident-report-sla-rate', target: 0.9, direction: 'at_least', period, params, ...(warning !== undefined ? { warning } : {}) });

describe('incident-report-sla-rate (review audit)', () => {
  const incidents = [
    // Detected 1 ms before the quarter, reported inside it: not detected in the period → out.
    inc('A', '2026-06-30T23:59:59.999+09:00', '2026-07-01T00:30:00+09:00'),
    // Detected at the quarter's first instant (06-30 15:00Z = 07-01 00:00 JST); reported at
    // detected + 24 h exactly (07-02 00:00 JST): in, on time.
    inc('B', '2026-06-30T15:00:00Z', '2026-07-02T00:00:00+09:00'),
    // Due 07-06 10:00; reported 1 ms later: late.
    inc('C', '2026-07-05T10:00:00+09:00', '2026-07-06T10:00:00.001+09:00'),
    // Unreported; due 07-10 12:00 = T: the SLA has not yet run out → pending.
    inc('D', '2026-07-09T12:00:00+09:00'),
    // Reported 1 s after T: not known at T. Due 07-09 12:00 < T → an unreported failure.
    inc('E', '2026-07-08T12:00:00+09:00', '2026-07-10T12:00:01+09:00'),
    // Reported after T (on time, but unknown at T); due 07-10 13:00 > T → pending.
    inc('F', '2026-07-09T13:00:00+09:00', '2026-07-10T13:00:00+09:00'),
    // Zone-less: read in the organisation's zone → 06-30 20:00 JST, before the quarter → out
    // (read as UTC it would be 07-01 05:00 JST and count).
    inc('G', '2026-06-30T20:00:00', '2026-07-01T04:00:00'),
    // Zone-less, both JST: 07-03 09:00 → 07-04 09:00 = exactly 24 h: on time.
    inc('H', '2026-07-03T09:00:00', '2026-07-04T09:00:00'),
    // A date without a time: the day 07-02 in JST (from 07-02 00:00); reported 07-02 23:00,
    // before any reading of the deadline (≥ 07-03 00:00): on time.
    inc('I', '2026-07-02', '2026-07-02T23:00:00+09:00'),
    // Report time unparseable: no report is shown; due 07-05 10:00 < T → unreported failure.
    inc('J', '2026-07-04T10:00:00+09:00', 'unknown'),
    // Detected exactly at T, unreported: in the period, due 07-11 12:00 > T → pending.
    inc('K', T),
    // Detected and reported exactly at T: in the period, on time.
    inc('L', T, T),
  ];

  it('quarter-to-date: boundaries, reports after T, zone-less and date-only times', () => {
    const r = incidentReportSlaRate(bundle({ incidents }), ctx(obj('quarter'), T));
    // Population B C E H I J L = 7 (A, G before the quarter; D, F, K pending).
    // Compliant B H I L = 4 → 4/7 ≈ 0.571 < 0.9, no warning → missed.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([4, 7, 4 / 7, 'missed']);
    expect(Object.fromEntries(r.failing.map((f) => [f.id, f.reasonCode]))).toEqual({ C: 'incidentReportedLate', E: 'incidentNotReported', J: 'incidentNotReported' });
    expect(r.notes?.map((n) => n.id).sort()).toEqual(['D', 'F', 'K']);
    expect(r.period.from).toBe('2026-07-01T00:00:00.000+09:00');
  });

  it('warning: 4/7 ≈ 0.571 ≥ 0.5 → at_risk; ≥ 0.6 fails → missed', () => {
    expect(incidentReportSlaRate(bundle({ incidents }), ctx(obj('quarter', {}, 0.5), T)).status).toBe('at_risk');
    expect(incidentReportSlaRate(bundle({ incidents }), ctx(obj('quarter', {}, 0.6), T)).status).toBe('missed');
  });

  it('slaHours 0: only a report at or before detection is on time; nothing is pending once detected before T', () => {
    const r = incidentReportSlaRate(bundle({ incidents }), ctx(obj('quarter', { slaHours: 0 }), T));
    // due = detected. B C E H I J: due < T, in the population, none reported by its detection → fail.
    // D (due 07-09 12:00 < T, unreported) fails; F (due 07-09 13:00 < T, report unknown at T) fails.
    // K: detected = due = T, unreported → pending. L: reported at T = due → on time.
    // Population B C D E F H I J L = 9; compliant L = 1.
    expect([r.numerator, r.denominator]).toEqual([1, 9]);
    expect(r.notes?.map((n) => n.id)).toEqual(['K']);
  });

  it('half-year from the fiscal-year start: April → H1 [04-01, T]; January (default) → H2 [07-01, T]', () => {
    const two = [
      inc('X', '2026-05-01T10:00:00+09:00', '2026-05-01T11:00:00+09:00'), // 1 h: on time
      inc('Y', '2026-07-02T10:00:00+09:00', '2026-07-05T10:00:00+09:00'), // 72 h: late
    ];
    const april = incidentReportSlaRate(bundle({ incidents: two }), ctx(obj('half-year'), T));
    // April: X, Y → 1/2.
    expect([april.numerator, april.denominator, april.period.from]).toEqual([1, 2, '2026-04-01T00:00:00.000+09:00']);
    // The organisation configured without fiscalYearStartMonth: the schema's default (January).
    const { fiscalYearStartMonth: _omit, ...noFiscal } = TOKYO;
    const org = configSchema.parse({ organisation: noFiscal }).organisation;
    expect(org.fiscalYearStartMonth).toBe(1);
    const jan = incidentReportSlaRate(bundle({ incidents: two }), ctx(obj('half-year'), T, { org }));
    // Default January: H2 = [07-01, T] → Y only → 0/1.
    expect([jan.numerator, jan.denominator, jan.value, jan.period.from]).toEqual([0, 1, 0, '2026-07-01T00:00:00.000+09:00']);
  });

  it('only pending incidents: denominator 0 → no_data, no value (never 100 %)', () => {
    const r = incidentReportSlaRate(bundle({ incidents: [inc('P', '2026-07-10T00:00:00+09:00')] }), ctx(obj('quarter'), T));
    // Due 07-11 00:00 > T → pending; population 0.
    expect([r.value, r.denominator, r.status]).toEqual([null, 0, 'no_data']);
  });
});
