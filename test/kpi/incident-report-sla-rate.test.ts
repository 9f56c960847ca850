/** incident-report-sla-rate by hand. T = 2026-05-20T03:00Z, quarter from 2026-03-31T15:00Z. */
import { describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../../src/evidence/records.ts';
import { incidentReportSlaRate } from '../../src/kpi/incident-report-sla-rate.ts';
import { bundle, ctx, objective } from './helpers.ts';

const T = '2026-05-20T03:00:00Z';
const inc = (incidentId: string, detectedAt: string, reportedAt?: string): IncidentRecord => ({ incidentId, detectedAt, ...(reportedAt ? { reportedAt } : {}) });
const incidents = [
  inc('I1', '2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z'), // exactly 24 h: on time
  inc('I2', '2026-04-01T00:00:00Z', '2026-04-02T00:00:00.001Z'), // 1 ms late
  inc('I3', '2026-05-19T03:00:00Z'), // SLA runs out exactly at T: pending
  inc('I4', '2026-05-19T02:59:59Z'), // SLA ran out 1 s before T: fails
  inc('I5', '2026-05-19T12:00:00Z', '2026-05-20T04:00:00Z'), // report after T unknown at T; SLA still running: pending
  inc('I6', '2026-03-31T14:59:59Z', '2026-03-31T15:30:00Z'), // detected last quarter (JST)
  inc('I7', '2026-04-01T00:00:00+09:00', '2026-04-01T01:00:00+09:00'), // detected at the quarter's first instant
];

describe('incident-report-sla-rate', () => {
  it('pending incidents are neither compliant nor failing', () => {
    const o = objective({ kpi: 'incident-report-sla-rate', target: 0.9, warning: 0.5 });
    const r = incidentReportSlaRate(bundle({ incidents }), ctx(o, T));
    expect([r.numerator, r.denominator]).toEqual([2, 4]);
    expect(r.status).toBe('at_risk');
    expect(r.failing.map((f) => f.id).sort()).toEqual(['I2', 'I4']);
    expect(r.notes?.map((n) => n.id).sort()).toEqual(['I3', 'I5']);
  });
  it('slaHours param', () => {
    const o = objective({ kpi: 'incident-report-sla-rate', target: 0.9, params: { slaHours: 48 } });
    const r = incidentReportSlaRate(bundle({ incidents }), ctx(o, T));
    // I2 now on time; I4 (detected 2026-05-19T02:59:59Z, due 05-21) and I3, I5 pending.
    expect([r.numerator, r.denominator]).toEqual([3, 3]);
    expect(r.status).toBe('met');
  });
  it('no incidents in the period: no_data', () => {
    const r = incidentReportSlaRate(bundle({ incidents: [incidents[5]!] }), ctx(objective({ kpi: 'incident-report-sla-rate', target: 0.9 }), T));
    expect([r.value, r.status]).toEqual([null, 'no_data']);
  });
});
