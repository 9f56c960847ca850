/**
 * Audit of access-review-removal-rate against KPIS.md, by hand. Asia/Tokyo, fiscal year from
 * April. T = 2026-11-20 12:00 JST; campaign R's deadline 10-31 00:00 JST is in the quarter.
 * graceDays 1 (default): a `remove` must be disabled or deleted by decided at + 1 day.
 */
import { describe, expect, it } from 'vitest';
import type { AccessReviewRecord } from '../../../src/collectors/access-review/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { accessReviewRemovalRate } from '../../../src/kpi/access-review-removal-rate.ts';
import { account, bundle, ctx, disabled } from '../helpers.ts';

const T = '2026-11-20T12:00:00+09:00';
const R = '2026-10-31T00:00:00+09:00';
function rec(login: string, decision: 'keep' | 'remove', reviewedAt: string): AccessReviewRecord {
  return {
    campaign: 'R', startedAt: '2026-10-01T09:00:00+09:00', deadline: R, deadlineAt: R, reviewer: 'boss@example.co.jp',
    source: 'okta', accountId: `id-${login}`, account: login, ownerKind: 'person', owner: login, decision, reviewedBy: 'boss@example.co.jp', reviewedAt,
  };
}
const obj = parseObjective({ id: 'o', title: 'o', kpi: 'access-review-removal-rate', target: 1, direction: 'at_least', period: 'quarter' });

describe('access-review-removal-rate (audit)', () => {
  it('disabled or deleted by decided + graceDays; pending while the grace runs', () => {
    const reviews = [
      rec('r1', 'remove', '2026-10-10T10:00:00+09:00'), // disabled exactly 1 day later: on time
      rec('r2', 'remove', '2026-10-10T10:00:00+09:00'), // disabled 1 ms after the grace: late
      rec('r3', 'remove', '2026-11-20T11:00:00+09:00'), // grace until 11-21 11:00 > T, still enabled: pending
      rec('r4', 'remove', '2026-10-12T10:00:00+09:00'), // still enabled at T: fails
      rec('r5', 'remove', '2026-10-12T10:00:00+09:00'), // deleted (absent) 2 h later: on time
      rec('r6', 'keep', '2026-10-12T10:00:00+09:00'), // kept: not in this KPI
    ];
    const accounts = [
      account('r1', {}, [['2026-10-11T01:00:00Z', disabled('r1')]]), // 10-11 10:00 JST
      account('r2', {}, [['2026-10-11T01:00:00.001Z', disabled('r2')]]),
      account('r3'),
      account('r4'),
      account('r5', {}, [['2026-10-12T03:00:00Z', null]]),
      account('r6'),
    ];
    const r = accessReviewRemovalRate(bundle({ accounts, current: { 'access-review': reviews } }), ctx(obj, T));
    // Population r1 r2 r4 r5 = 4; compliant r1 r5 = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 4]);
    expect(r.failing.map((f) => [f.id, f.reasonCode, f.details.daysOverdue])).toEqual([
      ['r2', 'removalLate', 1],
      ['r4', 'removalStillEnabled', 39], // graceEnd 10-13 10:00 → T 11-20 12:00: 38 d 2 h → 39
    ]);
    expect(r.notes?.map((n) => n.id)).toEqual(['r3']);
  });
});
