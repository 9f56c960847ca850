/**
 * Review audit of access-review-removal-rate against KPIS.md, computed by hand: the accounts
 * decided `remove` in the campaigns due in the period; compliant when disabled or deleted no
 * later than decided at + graceDays (calendar days in the organisation's zone), the disabling
 * time found as for stale-account-deletion-rate (IdP status-changed time, else the first
 * collection that saw the account disabled or absent).
 */
import { describe, expect, it } from 'vitest';
import type { AccessReviewRecord } from '../../../src/collectors/access-review/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { accessReviewRemovalRate } from '../../../src/kpi/access-review-removal-rate.ts';
import { account, bundle, ctx, disabled, TOKYO } from '../helpers.ts';

function rec(login: string, decision: 'keep' | 'remove', reviewedAt: string, deadline: string): AccessReviewRecord {
  return {
    campaign: 'R', startedAt: '2026-10-01T09:00:00+02:00', deadline, deadlineAt: deadline, reviewer: 'boss@example.co.jp',
    source: 'okta', accountId: `id-${login}`, account: login, ownerKind: 'person', owner: login, decision, reviewedBy: 'boss@example.co.jp', reviewedAt,
  };
}
const obj = (params: Record<string, unknown> = {}) => parseObjective({ id: 'o', title: 'o', kpi: 'access-review-removal-rate', target: 1, direction: 'at_least', period: 'quarter', params });

describe('access-review-removal-rate (review audit)', () => {
  it('Europe/Berlin: the grace day is a calendar day across the DST end; status-changed time; disabled before the decision', () => {
    // Fiscal year from January; T = 2026-11-20 12:00Z; Q4 = [10-01 00:00 CEST, T]; deadline 10-31 00:00 CET: in.
    const berlin = { ...TOKYO, timeZone: 'Europe/Berlin', fiscalYearStartMonth: 1 };
    const DL = '2026-10-31T00:00:00+01:00';
    const DEC = '2026-10-24T08:00:00Z'; // 10-24 10:00 CEST; + 1 calendar day = 10-25 10:00 CET = 09:00Z (25 h)
    const reviews = [
      rec('d1', 'remove', DEC, DL), // first seen disabled 10-25 08:30Z ≤ 09:00Z → ✓ (24 h would end at 08:00Z)
      rec('d2', 'remove', DEC, DL), // first seen disabled 09:00:00.001Z → late by 1 ms → 1 day overdue
      rec('d3', 'remove', DEC, DL), // seen disabled 10-27, IdP status changed 10-25 08:59Z → ✓
      rec('d4', 'remove', DEC, DL), // disabled 10-20, before the decision → ✓
      rec('d5', 'remove', DEC, DL), // not in the IdP evidence at all: cannot be shown removed → ✗
      rec('d6', 'remove', '2026-11-21T08:00:00Z', DL), // decided after T: not known → out
      rec('d7', 'keep', DEC, DL), // kept → out
      rec('d8', 'remove', '2026-11-02T08:00:00Z', DL), // decided after the deadline (late decisions count), deleted 2 h later → ✓
    ];
    const accounts = [
      account('d1', {}, [['2026-10-25T08:30:00Z', disabled('d1')]]),
      account('d2', {}, [['2026-10-25T09:00:00.001Z', disabled('d2')]]),
      account('d3', {}, [['2026-10-27T00:00:00Z', disabled('d3', { statusChangedAt: '2026-10-25T08:59:00Z' })]]),
      account('d4', {}, [['2026-10-20T00:00:00Z', disabled('d4')]]),
      account('d6'),
      account('d7'),
      account('d8', {}, [['2026-11-02T10:00:00Z', null]]),
    ];
    const r = accessReviewRemovalRate(bundle({ accounts, current: { 'access-review': reviews } }), ctx(obj(), '2026-11-20T12:00:00Z', { org: berlin }));
    // Population d1 d2 d3 d4 d5 d8 = 6; compliant d1 d3 d4 d8 = 4.
    expect([r.numerator, r.denominator, r.value]).toEqual([4, 6, 4 / 6]);
    expect(r.failing.map((f) => [f.id, f.reasonCode])).toEqual([['d2', 'removalLate'], ['d5', 'removalNoAccount']]);
    expect(r.failing[0]?.details.daysOverdue).toBe(1);
  });

  it('graceDays 0: disabled at the decision instant is on time; no pending once the decision is before T', () => {
    // Tokyo, April; T = 2026-11-20 12:00 JST; Q3 = [10-01, T]; deadline 10-31 00:00 JST.
    const DL = '2026-10-31T00:00:00+09:00';
    const reviews = [
      rec('g1', 'remove', '2026-10-10T10:00:00+09:00', DL), // disabled exactly then (01:00Z) → ✓
      rec('g2', 'remove', '2026-11-20T11:00:00+09:00', DL), // grace end 11:00 < T, still enabled → ✗, ceil(1 h / 24 h) = 1 day
    ];
    const accounts = [account('g1', {}, [['2026-10-10T01:00:00Z', disabled('g1')]]), account('g2')];
    const r = accessReviewRemovalRate(bundle({ accounts, current: { 'access-review': reviews } }), ctx(obj({ graceDays: 0 }), '2026-11-20T12:00:00+09:00'));
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.reasonCode, f.details.daysOverdue])).toEqual([['g2', 'removalStillEnabled', 1]]);
  });
});
