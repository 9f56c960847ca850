/**
 * Review audit of incident-count against KPIS.md, computed by hand. Asia/Tokyo (UTC+9), fiscal
 * year from April. T = 2027-01-15 12:00 JST; the fiscal year holding T is
 * [2026-04-01 00:00 JST, T] (not the calendar year 2027-01-01…).
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { IncidentRecord } from '../../../src/evidence/records.ts';
import { incidentCount } from '../../../src/kpi/incident-count.ts';
import { bundle, ctx } from '../helpers.ts';

const T = '2027-01-15T12:00:00+09:00';
const inc = (incidentId: string, detectedAt: string, category?: string, severity?: string, title?: string): IncidentRecord => ({
  incidentId, detectedAt, ...(category !== undefined ? { category } : {}), ...(severity !== undefined ? { severity } : {}), ...(title !== undefined ? { title } : {}),
});
const obj = (params: Record<string, unknown>, period = 'year', warning?: number) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'incident-count', target: 0, direction: 'at_most', period, params, ...(warning !== undefined ? { warning } : {}) });

const incidents = [
  inc('P1', '2026-03-31T23:59:59.999+09:00', '紛失'), // 1 ms before the fiscal year: out
  inc('P2', '2026-03-31T15:00:00Z', '紛失', '高', 'USB lost'), // = 04-01 00:00 JST, the first instant: in
  inc('P3', '2026-12-31T23:00:00+09:00', 'ﾌﾝｼﾂ'), // half-width katakana; NFKC → フンシツ: in
  inc('P4', '2027-01-01T00:00:00+09:00', 'フンシツ'), // calendar-year start, same fiscal year: in
  inc('P5', '2026-04-01', '紛失'), // a date without a time: the day 04-01 in JST: in
  inc('P6', '2026-03-31T20:00:00', '紛失'), // zone-less, read in JST → 03-31 20:00: out (as UTC it would be 04-01 05:00 JST)
  inc('P7', '2027-01-15T12:00:00.001+09:00', '紛失'), // 1 ms after T: out
  inc('P8', '2026-06-01T10:00:00+09:00', 'Lost-Media'), // case-folded to lost-media
  inc('P9', '2026-06-02T10:00:00+09:00', 'ＬＯＳＴ－ＭＥＤＩＡ', 'ＨＩＧＨ'), // full-width → LOST-MEDIA, HIGH
];

describe('incident-count (review audit)', () => {
  it('fiscal year from April; NFKC width variants and case folding', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['紛失', 'フンシツ', 'lost-media'] }), T));
    // In the year: P2 P3 P4 P5 P8 P9 = 6 (P1, P6 before 04-01 00:00 JST; P7 after T).
    expect([r.value, r.numerator, r.status]).toEqual([6, 6, 'missed']);
    // Failing subjects by detected time: P2 (04-01 00:00) = P5 (04-01 00:00) by id, P8, P9, P3, P4.
    expect(r.failing.map((f) => f.id)).toEqual(['P2', 'P5', 'P8', 'P9', 'P3', 'P4']);
    expect(r.failing[0]?.details).toEqual({ detectedAt: '2026-04-01T00:00:00.000+09:00', category: '紛失', severity: '高', title: 'USB lost' });
    expect(r.period.from).toBe('2026-04-01T00:00:00.000+09:00');
  });

  it('severities narrow the count; an incident without a severity matches none', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['紛失', 'lost-media'], severities: ['高', 'high'] }), T));
    // Category matches in the year: P2 P5 P8 P9; with severity 高/high: P2 (高), P9 (ＨＩＧＨ → high) = 2.
    expect(r.failing.map((f) => f.id)).toEqual(['P2', 'P9']);
  });

  it('warning for at_most: 1 ≤ warning 2 → at_risk; 3 > 2 → missed; 0 → met', () => {
    // Quarter Q4 of FY2026 = [2027-01-01 00:00 JST, T]: only P4 (フンシツ) → 1.
    const q = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['フンシツ'] }, 'quarter', 2), T));
    expect([q.value, q.status]).toEqual([1, 'at_risk']);
    // Year, フンシツ: P3, P4 = 2 ≤ 2 → at_risk; 紛失 + フンシツ: P2 P3 P4 P5 = 4 > 2 → missed.
    expect(incidentCount(bundle({ incidents }), ctx(obj({ categories: ['フンシツ'] }, 'year', 2), T)).status).toBe('at_risk');
    const y = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['紛失', 'フンシツ'] }, 'year', 2), T));
    expect([y.value, y.status]).toEqual([4, 'missed']);
    expect(incidentCount(bundle({ incidents }), ctx(obj({ categories: ['誤送信'] }, 'year', 2), T)).status).toBe('met');
  });

  it('a collected empty register is evidence of none (0, met); no register at all is no_data', () => {
    const empty = incidentCount(bundle({ incidents: [], observed: { incident: 1 } }), ctx(obj({ categories: ['紛失'] }), T));
    expect([empty.value, empty.status]).toEqual([0, 'met']);
    const none = incidentCount(bundle({ incidents: [], observed: { incident: 0 } }), ctx(obj({ categories: ['紛失'] }), T));
    expect([none.value, none.status]).toEqual([null, 'no_data']);
  });
});
