/** Audit of incident-count against KPIS.md, by hand. T = 2026-05-20 12:00 JST; the quarter is [2026-04-01 00:00 JST, T]. */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { IncidentRecord } from '../../../src/evidence/records.ts';
import { incidentCount } from '../../../src/kpi/incident-count.ts';
import { bundle, ctx } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const inc = (incidentId: string, detectedAt: string, category?: string, severity?: string): IncidentRecord => ({
  incidentId, detectedAt, ...(category !== undefined ? { category } : {}), ...(severity !== undefined ? { severity } : {}),
});
const incidents = [
  inc('A', '2026-04-01T00:00:00+09:00', '誤送信', '高'), // the quarter's first instant
  inc('B', '2026-04-10T10:00:00+09:00', ' 誤送信 '), // spaces around: the same category; no severity
  inc('C', '2026-05-20T12:00:00+09:00', '誤送信', '低'), // exactly T
  inc('D', '2026-05-20T12:00:01+09:00', '誤送信', '高'), // after T
  inc('E', '2026-03-31T23:59:59+09:00', '誤送信', '高'), // last quarter
  inc('F', '2026-04-11T10:00:00+09:00', '紛失', '高'), // another category
  inc('G', '2026-04-12T10:00:00+09:00'), // no category
  inc('H', '2026-04-13T10:00:00+09:00', 'ＭＩＳ－ＳＥＮＴ', 'HIGH'), // full-width, upper case
];
const obj = (params: Record<string, unknown>) => parseObjective({ id: 'o', title: 'o', kpi: 'incident-count', target: 0, direction: 'at_most', period: 'quarter', params });

describe('incident-count (audit)', () => {
  it('categories', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['誤送信'] }), T));
    // A, B, C = 3.
    expect([r.value, r.status]).toEqual([3, 'missed']);
    expect(r.failing.map((f) => f.id)).toEqual(['A', 'B', 'C']);
  });
  it('categories and severities (an incident without a severity does not match one)', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['誤送信', 'mis-sent'], severities: ['高', 'high'] }), T));
    // A (誤送信, 高), H (MIS-SENT folded, HIGH folded) = 2.
    expect(r.failing.map((f) => f.id)).toEqual(['A', 'H']);
  });
  it('none of the kind in the period: 0, met', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['ランサムウェア'] }), T));
    expect([r.value, r.status]).toEqual([0, 'met']);
  });
});
