/**
 * incident-count by hand. T = 2026-11-20 12:00 JST, fiscal year from April: the year is
 * [2026-04-01 00:00 JST, T].
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../src/config/schema.ts';
import type { IncidentRecord } from '../../src/evidence/records.ts';
import { foldText, incidentCount } from '../../src/kpi/incident-count.ts';
import { bundle, ctx } from './helpers.ts';

const T = '2026-11-20T12:00:00+09:00';
const inc = (incidentId: string, detectedAt: string, category?: string, severity?: string): IncidentRecord => ({
  incidentId, detectedAt, ...(category !== undefined ? { category } : {}), ...(severity ? { severity } : {}),
});
const incidents = [
  inc('I1', '2026-05-10T10:00:00+09:00', '誤送信', '中'),
  inc('I2', '2026-06-01T09:00:00+09:00', 'ｺﾞｿｳｼﾝ', '低'), // half-width katakana
  inc('I3', '2026-07-01T09:00:00+09:00', 'ゴソウシン', '高'), // full-width: the same after NFKC
  inc('I4', '2026-08-01T09:00:00+09:00', 'Mis-sent', '高'),
  inc('I5', '2026-08-02T09:00:00+09:00', 'ＭＩＳ－ＳＥＮＴ'), // full-width Latin and hyphen
  inc('I6', '2026-09-01T09:00:00+09:00', '紛失', '高'),
  inc('I7', '2026-09-02T09:00:00+09:00'), // no category
  inc('I8', '2026-04-01T00:00:00+09:00', '誤送信'), // the fiscal year's first instant (JST): in
  inc('I9', '2026-03-31T23:59:00+09:00', '誤送信'), // last fiscal year (it is 03-31T14:59Z)
  inc('I10', '2026-11-21T09:00:00+09:00', '誤送信'), // after T
];
const obj = (params: Record<string, unknown>) => parseObjective({ id: 'o', title: 'o', kpi: 'incident-count', period: 'year', params });

describe('incident-count', () => {
  it('誤送信 exactly: I1 and I8 (I9 is last fiscal year in Tokyo, I10 after T)', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['誤送信'] }), T));
    expect(r.failing.map((f) => f.id)).toEqual(['I8', 'I1']);
    expect([r.value, r.denominator, r.status]).toEqual([2, 10, 'missed']);
  });

  it('width variants of a katakana spelling match: ゴソウシン finds I2 (ｺﾞｿｳｼﾝ) and I3', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['ゴソウシン'] }), T));
    expect(r.failing.map((f) => f.id)).toEqual(['I2', 'I3']);
  });

  it('case and width folding: mis-sent finds Mis-sent and ＭＩＳ－ＳＥＮＴ', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: 'mis-sent' }), T));
    expect(r.failing.map((f) => f.id)).toEqual(['I4', 'I5']);
  });

  it('several categories and a severity filter (folded too)', () => {
    const r = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['誤送信', 'ゴソウシン', 'MIS-SENT', '紛失'], severities: ['高'] }), T));
    // High among them: I3, I4, I6 (I5 has no severity).
    expect(r.failing.map((f) => f.id)).toEqual(['I3', 'I4', 'I6']);
  });

  it('without categories every incident of the period counts; none of the kind is 0 and met', () => {
    expect(incidentCount(bundle({ incidents }), ctx(obj({}), T)).value).toBe(8);
    const none = incidentCount(bundle({ incidents }), ctx(obj({ categories: ['ランサムウェア'] }), T));
    expect([none.value, none.status]).toEqual([0, 'met']);
  });

  it('no register collected by T is no_data, not a reassuring 0; a collected empty register is 0 and met', () => {
    const none = incidentCount(bundle({ incidents: [] }), ctx(obj({ categories: ['誤送信'] }), T));
    expect([none.value, none.status]).toEqual([null, 'no_data']);
    const notObserved = incidentCount({ ...bundle({ incidents: [] }), observed: { incident: 0 } }, ctx(obj({ categories: ['誤送信'] }), T));
    expect([notObserved.value, notObserved.status]).toEqual([null, 'no_data']);
    // The register was exported at or before T and lists nothing: it says "no incidents".
    const empty = incidentCount({ ...bundle({ incidents: [] }), observed: { incident: 1 } }, ctx(obj({ categories: ['誤送信'] }), T));
    expect([empty.value, empty.denominator, empty.status]).toEqual([0, 0, 'met']);
  });

  it('folding: NFKC, then full case folding (ß is ss)', () => {
    expect(foldText(' Straße ')).toBe(foldText('STRASSE'));
    expect(foldText('ｶﾞ')).toBe('ガ');
  });
});
