/**
 * E2E audit (KPIS.md "incident-report-sla-rate", "incident-count"): an incident register as a
 * Japanese Excel user saves it (UTF-8 with BOM, CRLF, Japanese headers, `yyyy/MM/dd HH:mm`
 * without a zone → read in the organisation's zone, Asia/Tokyo) → collect → evaluate.
 *
 * Fiscal year from April; T = 2026-06-30T12:00+09:00; period quarter = fiscal Q1 [04-01 00:00, T].
 * Rows (検知 = detected, 報告 = reported; slaHours 24):
 *   INC-1 誤送信 高   検知 2026/04/01 00:00 報告 2026/04/02 00:00 → in (period start inclusive), exactly 24 h → on time
 *   INC-2 誤送信 高   検知 2026/03/31 23:59 (JST: previous quarter; as UTC it would be 04-01 08:59 JST) → out
 *   INC-3 ＭＩＳ－ＳＥＮＴ ＨＩＧＨ 検知 2026/05/01 10:00 報告 2026/05/02 10:01 → late by 1 min → fail
 *   INC-4 誤送信 中   検知 2026/06/29 12:00 no report → due 06-30 12:00 = T, not run out → pending (not in SLA population)
 *   INC-5 Mis-Sent Low 検知 2026/06/29 11:59 no report → due 06-30 11:59 < T → fail
 *   INC-6 誤送信 高   検知 2026/06/30 12:01 → after T → out
 *   INC-8 紛失 高     検知 2026/06/10 09:00 報告 2026/06/10 15:00 → on time
 *   INC-9 ﾒｰﾙ誤送信 (half-width katakana) 低 検知 2026/06/15 09:00 報告 2026/06/15 10:00 → on time
 * incident-report-sla-rate = on time {1, 8, 9} / population {1, 3, 5, 8, 9} = 3/5
 * incident-count categories [誤送信, Mis-sent, メール誤送信] (NFKC + case fold): {1, 3, 4, 5, 9} = 5
 * incident-count categories [Mis-sent], severities [high]: INC-3 (ＭＩＳ－ＳＥＮＴ / ＨＩＧＨ) only = 1
 *   (INC-5 is Mis-Sent but Low)
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objective, Workspace } from './harness.ts';

let ws: Workspace;
let cfg: string;
const T = '2026-06-30T12:00:00+09:00';
const SCOPE = '    scope: { sources: [inc] }\n';

beforeAll(() => {
  ws = new Workspace();
  const rows = [
    'インシデント番号,件名,分類,重大度,検知日時,報告日時',
    'INC-1,取引先へ誤送信,誤送信,高,2026/04/01 00:00,2026/04/02 00:00',
    'INC-2,前期の誤送信,誤送信,高,2026/03/31 23:59,2026/04/01 09:00',
    'INC-3,"Mail to wrong ""customer""",ＭＩＳ－ＳＥＮＴ,ＨＩＧＨ,2026/05/01 10:00,2026/05/02 10:01',
    'INC-4,未報告（SLA内）,誤送信,中,2026/06/29 12:00,',
    'INC-5,未報告（SLA超過）,Mis-Sent,Low,2026/06/29 11:59,',
    'INC-6,T以降,誤送信,高,2026/06/30 12:01,2026/06/30 13:00',
    'INC-8,USBメモリ紛失,紛失,高,2026/06/10 09:00,2026/06/10 15:00',
    'INC-9,FAX誤送信,ﾒｰﾙ誤送信,低,2026/06/15 09:00,2026/06/15 10:00',
  ];
  ws.write('incidents.csv', '\uFEFF' + rows.join('\r\n') + '\r\n');
  // The same register saved by Japanese Excel as CP932 without a BOM (half-width ﾒｰﾙ survives CP932).
  ws.write('incidents-sjis.csv', iconv.encode(rows.join('\r\n') + '\r\n', 'cp932'));
  cfg = ws.config(
    `  - id: inc
    kind: incidents
    path: incidents.csv
    dateFormat: yyyy/MM/dd HH:mm
  - id: inc-sjis
    kind: incidents
    path: incidents-sjis.csv
    dateFormat: yyyy/MM/dd HH:mm`,
    [
      objective('sla', 'incident-report-sla-rate', 'quarter', '{ slaHours: 24 }', SCOPE),
      objective('sla-default', 'incident-report-sla-rate', 'quarter', '', SCOPE),
      objective('missent', 'incident-count', 'quarter', '{ categories: [誤送信, Mis-sent, メール誤送信] }', SCOPE),
      objective('missent-high', 'incident-count', 'quarter', '{ categories: [Mis-sent], severities: [high] }', SCOPE),
      objective('sla-sjis', 'incident-report-sla-rate', 'quarter', '', '    scope: { sources: [inc-sjis] }\n'),
      objective('missent-sjis', 'incident-count', 'quarter', '{ categories: [誤送信, Mis-sent, メール誤送信] }', '    scope: { sources: [inc-sjis] }\n'),
    ].join(''),
  );
  ws.collect(cfg, { observedAt: '2026-06-01T00:00:00+09:00' });
});
afterAll(() => ws.dispose());

describe('incident KPIs end to end (Japanese register CSV)', () => {
  it('incident-report-sla-rate: 3 of 5 on time; exactly 24 h is on time; unreported within the SLA is pending', () => {
    const r = ws.evaluate(cfg, T);
    for (const id of ['sla', 'sla-default']) {
      const o = r[id]!;
      expect([o.numerator, o.denominator]).toEqual([3, 5]);
      expect(o.value).toBeCloseTo(0.6, 12);
      expect(o.status).toBe('missed'); // default target 0.9
    }
    const ev = ws.evidence(cfg, 'sla', T);
    expect(ev.failing.map((f) => f.id).sort()).toEqual(['INC-3', 'INC-5']);
  });

  it('incident-report-sla-rate one millisecond later: INC-4 has run out and fails', () => {
    const o = ws.evaluate(cfg, '2026-06-30T12:00:00.001+09:00').sla!;
    expect([o.numerator, o.denominator]).toEqual([3, 6]);
  });

  it('incident-count: NFKC and case folding match full-width, half-width and case variants (5)', () => {
    const o = ws.evaluate(cfg, T).missent!;
    expect(o.value).toBe(5);
    expect(o.status).toBe('missed');
    const ids = ws.evidence(cfg, 'missent', T).failing.map((f) => f.id).sort();
    expect(ids).toEqual(['INC-1', 'INC-3', 'INC-4', 'INC-5', 'INC-9']);
  });

  it('incident-count with severities: ＨＩＧＨ matches high, Low does not (1)', () => {
    const o = ws.evaluate(cfg, T)['missent-high']!;
    expect(o.value).toBe(1);
  });

  it('incident-count at T = 2026-06-01T00:00+09:00: only the incidents detected by then', () => {
    const o = ws.evaluate(cfg, '2026-06-01T00:00:00+09:00').missent!;
    // fiscal Q1 to 06-01 00:00: INC-1, INC-3 (INC-4, 5, 9 are later) → 2
    expect(o.value).toBe(2);
  });

  it('the same register in CP932 without a BOM gives the same answers', () => {
    const r = ws.evaluate(cfg, T);
    expect([r['sla-sjis']!.numerator, r['sla-sjis']!.denominator]).toEqual([3, 5]);
    expect(r['missent-sjis']!.value).toBe(5);
  });
});
