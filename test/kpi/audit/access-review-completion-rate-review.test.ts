/**
 * Review audit of access-review-completion-rate against KPIS.md, computed by hand. Asia/Tokyo
 * (UTC+9), fiscal year from April: Q2 = [07-01, 10-01), Q3 = [10-01, 01-01).
 */
import { describe, expect, it } from 'vitest';
import type { AccessReviewRecord } from '../../../src/collectors/access-review/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { accessReviewCompletionRate } from '../../../src/kpi/access-review-completion-rate.ts';
import { bundle, ctx, hr, identity } from '../helpers.ts';

const at = (l: string) => `${l}@example.co.jp`;
function rec(campaign: string, deadline: string, deadlineAt: string, account: string, over: Partial<AccessReviewRecord> = {}): AccessReviewRecord {
  return {
    campaign, startedAt: '2026-09-01T09:00:00+09:00', deadline, deadlineAt, reviewer: at('boss'),
    source: 'okta', accountId: `id-${account}`, account, ownerKind: 'person', owner: at(account), department: 'Sales', ...over,
  };
}
const by = (who: string, when: string, decision: 'keep' | 'remove' = 'keep') => ({ decision, reviewedBy: who, reviewedAt: when });
const people = [
  hr({ employeeId: 'E1', email: at('ann'), logins: ['a.nakamura'] }),
  hr({ employeeId: 'E2', email: at('boss') }),
  hr({ employeeId: 'E3', email: at('carl') }),
];
const obj = (params: Record<string, unknown> = {}, warning?: number) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'access-review-completion-rate', target: 1, direction: 'at_least', period: 'quarter', params, ...(warning !== undefined ? { warning } : {}) });

describe('access-review-completion-rate (review audit)', () => {
  // Campaign C: deadline given as an instant, 2026-10-20 18:00 JST; T = 2026-11-20 12:00 JST, Q3 = [10-01, T].
  const T = '2026-11-20T12:00:00+09:00';
  const D = '2026-10-20T18:00:00+09:00';
  const records = [
    rec('C', D, D, 'ann', by('E1', '2026-10-10T09:00:00+09:00')), // reviewed by ann's own employee id → own owner
    rec('C', D, D, 'ann-admin', { owner: at('ann'), ...by('a.nakamura', '2026-10-10T09:00:00+09:00') }), // ann's login name → own owner
    rec('C', D, D, 'dan', by(at('carl'), '2026-10-10T09:00:00+09:00')), // someone else than the assigned reviewer, not the owner → ✓
    rec('C', D, D, 'svc-backup', { ownerKind: 'service', owner: undefined, ...by(at('boss'), D, 'remove') }), // no owner; remove, exactly at the deadline → ✓
    rec('C', D, D, 'eve', by(at('boss'), '2026-10-20T18:00:00.001+09:00')), // 1 ms late
    rec('C', D, D, 'fay', { department: 'Engineering', ...by(at('boss'), '2026-10-11T09:00:00+09:00') }), // ✓, another department
  ];

  it('own owner through employee id and login name; any other reviewer; orphan/service accounts', () => {
    const r = accessReviewCompletionRate(bundle({ people, current: { 'access-review': records } }), ctx(obj(), T));
    // Population 6; compliant dan, svc-backup, fay = 3 → 0.5.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([3, 6, 0.5, 'missed']);
    expect(Object.fromEntries(r.failing.map((f) => [f.id, f.reasonCode]))).toEqual({ ann: 'reviewOwnOwner', 'ann-admin': 'reviewOwnOwner', eve: 'reviewLate' });
  });

  it('departments filter and a warning: Sales only → 2/5 = 0.4 ≥ warning 0.4 → at_risk', () => {
    const r = accessReviewCompletionRate(bundle({ people, current: { 'access-review': records } }), ctx(obj({ departments: ['Sales'] }, 0.4), T));
    // fay (Engineering) is out: population 5; compliant dan, svc-backup = 2 → 0.4.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([2, 5, 0.4, 'at_risk']);
  });

  it('an alias maps a reviewer log-in to the owner', () => {
    const id = identity({ aliases: { 'ann.n': at('ann') } });
    const r = accessReviewCompletionRate(
      bundle({ people, current: { 'access-review': [rec('C', D, D, 'ann', by('ann.n', '2026-10-10T09:00:00+09:00'))] } }),
      ctx(obj(), T, { identity: id }),
    );
    expect([r.numerator, r.denominator, r.failing[0]?.reasonCode]).toEqual([0, 1, 'reviewOwnOwner']);
  });

  it('a campaign started in the previous quarter whose deadline is in this one counts here (an instant deadline)', () => {
    // Deadline 10-01 00:00 JST (an instant): Q3's first instant → in Q3. At T = 10-01 00:00 it is ≤ T.
    const Q3START = '2026-10-01T00:00:00+09:00';
    const rs = [
      rec('K', Q3START, Q3START, 'gus', by(at('boss'), '2026-09-29T10:00:00+09:00')), // ✓
      rec('K', Q3START, Q3START, 'hal', by(at('boss'), Q3START)), // exactly at the deadline = T → ✓
    ];
    const r = accessReviewCompletionRate(bundle({ people, current: { 'access-review': rs } }), ctx(obj(), Q3START));
    expect([r.numerator, r.denominator, r.period.from]).toEqual([2, 2, '2026-10-01T00:00:00.000+09:00']);
    // One ms earlier (Q2, T = 09-30 23:59:59.999): deadline after T → no_data.
    const q2 = accessReviewCompletionRate(bundle({ people, current: { 'access-review': rs } }), ctx(obj(), '2026-09-30T23:59:59.999+09:00'));
    expect([q2.denominator, q2.status]).toEqual([0, 'no_data']);
  });
});

describe('access-review-completion-rate: a deadline given as a date is that whole day', () => {
  // `--deadline 2026-09-30`: the collector keeps deadline '2026-09-30' and deadlineAt = the day's
  // end, 2026-10-01 00:00 JST. The day 09-30 lies in Q2 = [07-01, 10-01), whose last instant it
  // holds; it is not in Q3, which begins at that midnight.
  const DAY = '2026-09-30';
  const END = '2026-10-01T00:00:00+09:00';
  const records = [
    rec('Q2', DAY, END, 'ivy', by(at('boss'), '2026-09-30T23:59:59.999+09:00')), // on the deadline day's last millisecond
    rec('Q2', DAY, END, 'jon', by(at('boss'), '2026-10-01T00:00:01+09:00')), // the next day: late
  ];
  const run = (T: string, period = 'quarter') =>
    accessReviewCompletionRate(
      bundle({ people, current: { 'access-review': records } }),
      ctx(parseObjective({ id: 'o', title: 'o', kpi: 'access-review-completion-rate', target: 1, direction: 'at_least', period }), T),
    );

  it('evaluated in Q3 (T = 10-05): the Q2 campaign is not in the quarter → no_data', () => {
    const r = run('2026-10-05T12:00:00+09:00');
    expect([r.numerator, r.denominator, r.status]).toEqual([0, 0, 'no_data']);
  });

  it('at T = 09-30 23:59:59.999 (the day is over but for this instant): in Q2; jon has not decided yet → 1/2', () => {
    const r = run('2026-09-30T23:59:59.999+09:00');
    // ivy decided at T: on time; jon's decision is after T, unknown → "no decision".
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.reasonCode])).toEqual([['jon', 'reviewNoDecision']]);
  });

  it('over the fiscal year (T = 10-05): ivy on time, jon late → 1/2', () => {
    const r = run('2026-10-05T12:00:00+09:00', 'year');
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.reasonCode])).toEqual([['jon', 'reviewLate']]);
  });
});
