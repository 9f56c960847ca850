/**
 * E2E audit (KPIS.md "activity-cadence-rate"): a Japanese activity register (BOM, CRLF,
 * `yyyy/MM/dd HH:mm` read in Asia/Tokyo) and Trivy reports as the performances of a quarterly
 * scan (`from: trivy`) → collect → evaluate. Fiscal year from April.
 *
 * T = 2026-07-03T12:00+09:00, period year = FY2026 [2026-04-01T00:00+09:00, T].
 * 月次ログレビュー, monthly, objective graceDays 2:
 *   Apr [04-01, 05-01) grace to 05-03: 2026/04/30 23:59 → ✓
 *   May [05-01, 06-01) grace to 06-03T00:00: performed 2026/06/03 00:00, exactly at the grace end
 *       → late ✗ (and 06-03 is inside June's slot, which it also serves)
 *   Jun [06-01, 07-01) grace to 07-03T00:00 ≤ T → counted; 2026/06/15 10:00 (written with
 *       half-width katakana ﾛｸﾞﾚﾋﾞｭｰ: NFKC matches) → ✓
 *   Jul still running → not counted. A 2026/03/31 row belongs to March, outside FY2026.
 * 脆弱性スキャン, quarterly, from: trivy, graceDays 0: Q1 [04-01, 07-01), report CreatedAt
 *   2026-06-30T23:59:59+09:00 → ✓ (a report of 2026-07-01T00:00+09:00 is Q2's)
 * アカウント棚卸, every 90 days since 2026-01-01, graceDays 1: slots [01-01, 04-01) (ends at the
 *   period start: does not overlap), [04-01, 06-30) grace to 07-01T00:00 ≤ T, [06-30, 09-28)
 *   running; performed 2026/06/30 10:00 (after the slot, inside its grace) → ✓
 * → (2 + 1 + 1) / (3 + 1 + 1) = 4/5
 * At 2026-07-02T23:59:59+09:00, June's grace has not ended: (1 + 1 + 1) / (2 + 1 + 1) = 3/4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objective, Workspace } from './harness.ts';

let ws: Workspace;
let cfg: string;

function trivy(created: string): string {
  return JSON.stringify({ SchemaVersion: 2, CreatedAt: created, ArtifactName: 'ghcr.io/acme/web:1', ArtifactType: 'container_image', Results: [] });
}

beforeAll(() => {
  ws = new Workspace();
  ws.write(
    'activities.csv',
    '\uFEFF実施項目,実施日時,実施者,証跡\r\n' +
      '月次ログレビュー,2026/03/31 10:00,佐藤,OPS-1\r\n' +
      '月次ログレビュー,2026/04/30 23:59,佐藤,OPS-2\r\n' +
      '月次ログレビュー,2026/06/03 00:00,佐藤,OPS-3\r\n' +
      '月次ﾛｸﾞﾚﾋﾞｭｰ,2026/06/15 10:00,鈴木,OPS-4\r\n' +
      'アカウント棚卸,2026/06/30 10:00,田中,IAM-1\r\n',
  );
  ws.write('trivy/q1.json', trivy('2026-06-30T23:59:59+09:00'));
  ws.write('trivy/q2.json', trivy('2026-07-01T00:00:00+09:00'));
  cfg = ws.config(
    `  - { id: activities, kind: activity-register, path: activities.csv, dateFormat: yyyy/MM/dd HH:mm }
  - { id: trivy, kind: vulnerability-scan, paths: [trivy] }`,
    objective(
      'cadence',
      'activity-cadence-rate',
      'year',
      `
      graceDays: 2
      activities:
        - { name: 月次ログレビュー, cadence: monthly }
        - { name: 脆弱性スキャン, cadence: quarterly, from: trivy, graceDays: 0 }
        - { name: アカウント棚卸, cadence: every 90 days, since: '2026-01-01', graceDays: 1 }`,
    ),
  );
  ws.collect(cfg, { observedAt: '2026-04-01T00:00:00+09:00' });
});
afterAll(() => ws.dispose());

describe('activity-cadence-rate end to end (register + scan reports)', () => {
  it('4 of 5 ended slots performed in time; exactly at the grace end is late', () => {
    const o = ws.evaluate(cfg, '2026-07-03T12:00:00+09:00').cadence!;
    expect([o.numerator, o.denominator]).toEqual([4, 5]);
    const failing = ws.evidence(cfg, 'cadence', '2026-07-03T12:00:00+09:00').failing;
    expect(failing.map((f) => f.id)).toEqual(['月次ログレビュー 2026-05-01/2026-05-31']);
  });

  it('a slot whose grace ends at T is counted at T', () => {
    const o = ws.evaluate(cfg, '2026-07-03T00:00:00+09:00').cadence!;
    expect([o.numerator, o.denominator]).toEqual([4, 5]);
  });

  it('one second before the June grace ends, June is not counted yet', () => {
    const o = ws.evaluate(cfg, '2026-07-02T23:59:59+09:00').cadence!;
    expect([o.numerator, o.denominator]).toEqual([3, 4]);
  });
});
