/**
 * Audit of access-review-completion-rate against KPIS.md, by hand. Asia/Tokyo, fiscal year from
 * April. T = 2026-11-20 12:00 JST; the quarter is [2026-10-01 00:00 JST, T].
 */
import { describe, expect, it } from 'vitest';
import type { AccessReviewRecord } from '../../../src/collectors/access-review/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { accessReviewCompletionRate } from '../../../src/kpi/access-review-completion-rate.ts';
import { bundle, ctx, hr } from '../helpers.ts';

const T = '2026-11-20T12:00:00+09:00';
const at = (l: string) => `${l}@example.co.jp`;
function rec(campaign: string, deadlineAt: string, account: string, over: Partial<AccessReviewRecord> = {}): AccessReviewRecord {
  return {
    campaign, startedAt: '2026-09-20T09:00:00+09:00', deadline: deadlineAt, deadlineAt, reviewer: at('boss'),
    source: 'okta', accountId: `id-${account}`, account, ownerKind: 'person', owner: account, department: 'Sales', ...over,
  };
}
const by = (who: string, when: string, decision: 'keep' | 'remove' = 'keep') => ({ decision, reviewedBy: who, reviewedAt: when });
const people = [hr({ employeeId: 'E1', email: at('ann') }), hr({ employeeId: 'E2', email: at('boss') })];
const obj = parseObjective({ id: 'o', title: 'o', kpi: 'access-review-completion-rate', target: 1, direction: 'at_least', period: 'quarter' });

describe('access-review-completion-rate (audit)', () => {
  it('deadline in the period and ≤ T; decision by someone else, no later than the deadline', () => {
    const C1 = '2026-10-16T00:00:00+09:00';
    const records = [
      rec('C1', C1, at('a1'), by(at('boss'), C1)), // exactly at the deadline: on time
      rec('C1', C1, at('a2'), by(at('boss'), '2026-10-17T09:00:00+09:00', 'remove')), // late
      rec('C1', C1, at('ann'), by('ANN@EXAMPLE.CO.JP', '2026-10-05T09:00:00+09:00')), // its own owner (case does not matter)
      rec('C1', C1, at('a4')), // no decision
      rec('C1', C1, at('a5'), by(at('boss'), '2026-11-20T12:00:01+09:00')), // decided after T: unknown at T → no decision
      rec('C0', '2026-09-30T23:59:59+09:00', at('old')), // last quarter's deadline: out
      rec('C2', '2026-11-20T12:00:01+09:00', at('soon')), // deadline after T: out
      rec('C3', T, at('b1'), by(at('boss'), '2026-11-19T09:00:00+09:00')), // deadline exactly T: in, on time
    ];
    const r = accessReviewCompletionRate(bundle({ people, current: { 'access-review': records } }), ctx(obj, T));
    // Population a1 a2 ann a4 a5 b1 = 6; compliant a1 b1 = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 6]);
    expect(Object.fromEntries(r.failing.map((f) => [f.id, f.reasonCode]))).toEqual({
      [at('a2')]: 'reviewLate',
      [at('ann')]: 'reviewOwnOwner',
      [at('a4')]: 'reviewNoDecision',
      [at('a5')]: 'reviewNoDecision',
    });
  });
  it('no campaign due in the period: no_data', () => {
    const r = accessReviewCompletionRate(bundle({ people, current: { 'access-review': [rec('C2', '2026-12-01T00:00:00+09:00', at('x'))] } }), ctx(obj, T));
    expect([r.value, r.status]).toEqual([null, 'no_data']);
  });
});
