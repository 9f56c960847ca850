/**
 * Audit of incident-report-sla-rate against KPIS.md, by hand. T = 2026-05-20 12:00 JST, period
 * rolling 30 days = (2026-04-20 12:00 JST, T]; slaHours 24.
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { IncidentRecord } from '../../../src/evidence/records.ts';
import { incidentReportSlaRate } from '../../../src/kpi/incident-report-sla-rate.ts';
import { bundle, ctx, TOKYO } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const inc = (incidentId: string, detectedAt: string, reportedAt?: string): IncidentRecord => ({ incidentId, detectedAt, ...(reportedAt ? { reportedAt } : {}) });
const obj = (params: Record<string, unknown> = {}) => parseObjective({ id: 'o', title: 'o', kpi: 'incident-report-sla-rate', target: 0.9, direction: 'at_least', period: 'rolling 30 days', params });

describe('incident-report-sla-rate (audit)', () => {
  const incidents = [
    inc('I1', '2026-04-20T12:00:00+09:00', '2026-04-20T13:00:00+09:00'), // at the open start: out
    inc('I2', '2026-04-20T12:00:00.001+09:00', '2026-04-21T12:00:00.001+09:00'), // reported exactly 24 h later: on time
    inc('I3', '2026-05-01T10:00:00+09:00', '2026-05-03T10:00:00+09:00'), // 48 h: late
    inc('I4', '2026-05-01T10:00:00+09:00'), // never reported, SLA long past: fails
    inc('I5', '2026-05-19T12:00:00+09:00'), // SLA runs out exactly at T: pending
    inc('I6', '2026-05-19T11:59:59.999+09:00'), // SLA ran out 1 ms before T: fails
    inc('I7', '2026-05-19T13:00:00+09:00', '2026-05-19T14:00:00+09:00'), // reported within its SLA: compliant
    inc('I8', '2026-05-20T12:00:00.001+09:00'), // detected after T: out
  ];
  it('population, pending and failures', () => {
    const r = incidentReportSlaRate(bundle({ incidents }), ctx(obj(), T));
    // Population I2 I3 I4 I6 I7 = 5; compliant I2 I7 = 2 → 0.4.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([2, 5, 0.4, 'missed']);
    expect(r.failing.map((f) => f.id).sort()).toEqual(['I3', 'I4', 'I6']);
    expect(r.notes?.map((n) => n.id)).toEqual(['I5']);
  });
  it('slaHours 72: I3 on time; I5, I6 still pending; I4 fails', () => {
    const r = incidentReportSlaRate(bundle({ incidents }), ctx(obj({ slaHours: 72 }), T));
    // Population I2 I3 I4 I7 = 4; compliant I2 I3 I7 = 3.
    expect([r.numerator, r.denominator]).toEqual([3, 4]);
  });

  it('Europe/Berlin: the rolling start keeps the wall-clock time; slaHours are elapsed hours across the DST end', () => {
    // T = 2026-11-10 12:00Z (13:00 CET); rolling 30 days starts 10-11 13:00 CEST = 10-11T11:00Z.
    const berlin = { ...TOKYO, timeZone: 'Europe/Berlin', fiscalYearStartMonth: 1 };
    const incidents = [
      inc('B1', '2026-10-11T11:00:00Z', '2026-10-11T12:00:00Z'), // at the open start: out
      inc('B2', '2026-10-11T11:00:00.001Z', '2026-10-11T12:00:00Z'), // just inside: on time
      inc('B3', '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z'), // 24 elapsed hours (14:00 CEST → 13:00 CET): on time
      inc('B4', '2026-10-24T12:00:00Z', '2026-10-25T12:00:00.001Z'), // 1 ms more: late
    ];
    const r = incidentReportSlaRate(bundle({ incidents }), ctx(obj(), '2026-11-10T12:00:00Z', { org: berlin }));
    // Population B2 B3 B4 = 3; compliant B2 B3 = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.failing.map((f) => f.id)).toEqual(['B4']);
  });
});

