/**
 * access-review-completion-rate and access-review-removal-rate, by hand. Asia/Tokyo, fiscal
 * year from April: the quarter at any T below begins 2026-10-01 00:00 JST.
 */
import { describe, expect, it } from 'vitest';
import type { AccessReviewRecord } from '../../src/collectors/access-review/records.ts';
import { accessReviewCompletionRate } from '../../src/kpi/access-review-completion-rate.ts';
import { accessReviewRemovalParams, accessReviewRemovalRate } from '../../src/kpi/access-review-removal-rate.ts';
import { account, acct, bundle, ctx, disabled, hr, identity, objective, versioned } from './helpers.ts';

const at = (l: string) => `${l}@example.co.jp`;
const people = [
  hr({ employeeId: 'E1', email: at('ann'), department: '営業部' }),
  hr({ employeeId: 'E7', email: at('taro.yamada'), department: '開発部' }),
];
const aliases = identity({ aliases: { [at('yamada-t')]: at('taro.yamada') } });

function rec(campaign: string, deadlineAt: string, account: string, over: Partial<AccessReviewRecord> = {}): AccessReviewRecord {
  return {
    campaign, startedAt: '2026-09-20T09:00:00+09:00', deadline: deadlineAt.slice(0, 10), deadlineAt, reviewer: at('boss'),
    source: 'okta', accountId: `id-${account}`, account, ownerKind: 'person', owner: account, department: '営業部', ...over,
  };
}
const decided = (by: string, when: string, decision: 'keep' | 'remove' = 'keep') => ({ decision, reviewedBy: by, reviewedAt: when, reviewedAtFrom: 'sheet' as const });

describe('access-review-completion-rate', () => {
  const C1 = '2026-10-16T00:00:00+09:00'; // --deadline 2026-10-15: its end
  const records = [
    rec('C1', C1, at('r1'), decided(at('boss'), C1)), // exactly at the deadline: on time
    rec('C1', C1, at('r2'), decided(at('boss'), '2026-10-16T00:00:00.001+09:00')), // a millisecond late
    rec('C1', C1, at('taro.yamada'), { ...decided(at('yamada-t'), '2026-10-10T10:00:00+09:00'), owner: at('taro.yamada'), department: '開発部' }), // the owner, through the alias
    rec('C1', C1, 'E7-admin', { ...decided('E7', '2026-10-10T10:00:00+09:00'), owner: at('taro.yamada'), department: '開発部' }), // the owner, by employee id
    rec('C1', C1, 'test01', { ...decided(at('boss'), '2026-10-10T10:00:00+09:00'), owner: undefined, ownerKind: 'orphan' }), // no owner: anyone may review it
    rec('C1', C1, at('r6')), // no decision
    rec('C0', '2026-09-30T23:59:59+09:00', at('old'), decided(at('boss'), '2026-09-25T10:00:00+09:00')), // last quarter's deadline: out
    rec('C0b', '2026-09-30T15:00:00Z', at('edge'), { ...decided(at('boss'), '2026-09-25T10:00:00+09:00'), deadline: '2026-09-30T15:00:00Z' }), // given as an instant, = 10-01 00:00 JST: in
    rec('C2', '2026-10-16T00:00:01+09:00', at('next'), decided(at('boss'), '2026-10-12T10:00:00+09:00')), // after T = C1: not yet
  ];
  const run = (T: string, params: Record<string, unknown> = {}) =>
    accessReviewCompletionRate(bundle({ people, current: { 'access-review': records } }), ctx(objective({ kpi: 'access-review-completion-rate', params }), T, { identity: aliases }));

  it('at T = the deadline: the campaign counts, a decision after T is not known yet', () => {
    const r = run(C1);
    // Population: C1's 6 + C0b's 1 = 7. Compliant: r1, test01, edge = 3.
    expect([r.numerator, r.denominator, r.status]).toEqual([3, 7, 'missed']);
    // By deadline, then account.
    expect(r.failing.map((f) => [f.id, f.reason])).toEqual([
      ['E7-admin', 'reviewed by its own owner'],
      [at('r2'), 'no decision'],
      [at('r6'), 'no decision'],
      [at('taro.yamada'), 'reviewed by its own owner'],
    ]);
  });

  it('later: the millisecond-late decision is late (a day, rounded up); C2 is due and on time', () => {
    const r = run('2026-11-20T12:00:00+09:00');
    expect([r.numerator, r.denominator]).toEqual([4, 8]);
    expect(r.failing.find((f) => f.id === at('r2'))).toMatchObject({ reason: 'decided late, 1 day(s) after the deadline', details: { decidedAt: '2026-10-16T00:00:00.001+09:00', deadline: '2026-10-16T00:00:00.000+09:00' } });
  });

  it('a deadline given as a date: on time through its last millisecond, late at the next midnight', () => {
    // --deadline 2026-10-15 (a whole day in JST): decisions dated 10-15 are on time, one dated
    // 10-16 00:00:00.000 is dated the next day — late, by 1 day rounded up.
    const day = (account: string, when: string) => rec('D', '2026-10-16T00:00:00+09:00', at(account), { ...decided(at('boss'), when), deadline: '2026-10-15' });
    const r = accessReviewCompletionRate(
      bundle({ people, current: { 'access-review': [day('d1', '2026-10-15T23:59:59.999+09:00'), day('d2', '2026-10-16T00:00:00.000+09:00')] } }),
      ctx(objective({ kpi: 'access-review-completion-rate' }), '2026-11-20T12:00:00+09:00', { identity: aliases }),
    );
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.reason])).toEqual([[at('d2'), 'decided late, 1 day(s) after the deadline']]);
  });

  it('departments narrow the accounts', () => {
    const r = run(C1, { departments: ['開発部'] });
    expect([r.numerator, r.denominator]).toEqual([0, 2]);
  });

  it('no campaign due in the period: no_data', () => {
    const r = run('2026-10-15T23:59:59+09:00', { departments: ['開発部'] });
    expect([r.value, r.denominator, r.status]).toEqual([null, 0, 'no_data']);
  });
});

describe('access-review-removal-rate', () => {
  const T = '2026-11-20T12:00:00+09:00';
  const D = '2026-10-16T00:00:00+09:00';
  const remove = (a: string, when: string) => rec('Q3', D, a, decided(at('boss'), when, 'remove'));
  const records = [
    remove('a1', '2026-10-10T10:00:00+09:00'),
    remove('a2', '2026-10-10T10:00:00+09:00'),
    remove('a3', '2026-10-10T10:00:00+09:00'),
    remove('a4', '2026-11-20T11:00:00+09:00'), // decided late; its grace runs past T
    remove('a5', '2026-10-10T10:00:00+09:00'),
    remove('a6', '2026-10-10T10:00:00+09:00'),
    remove('a7', '2026-10-10T10:00:00+09:00'),
    rec('Q3', D, 'a8', decided(at('boss'), '2026-10-10T10:00:00+09:00', 'keep')),
    remove('a9', '2026-11-20T11:00:00+09:00'),
  ];
  const accounts = [
    // The IdP's status-changed time, exactly at the grace's end (decided + 1 day), believed: between the observations.
    account('a1', {}, [['2026-10-12T00:00:00Z', disabled('a1', { statusChangedAt: '2026-10-11T10:00:00+09:00' })]]),
    account('a2', {}, [['2026-10-12T00:00:00Z', disabled('a2', { statusChangedAt: '2026-10-11T10:00:01+09:00' })]]),
    account('a3'),
    account('a4'),
    // Deleted: absent from the export observed 10-11 00:00 JST, within the grace.
    account('a5', {}, [['2026-10-10T15:00:00Z', null]]),
    // Disabled before the decision: it is disabled by the grace's end.
    account('a6', {}, [['2026-10-05T00:00:00Z', disabled('a6')]]),
    account('a9', {}, [['2026-11-20T02:30:00Z', disabled('a9')]]), // 11:30 JST, before T
    versioned('google', 'id-a7', [['2025-01-01T00:00:00Z', acct('a7')]]), // another source: okta holds no a7
  ];
  const run = (params: Record<string, unknown> = {}) =>
    accessReviewRemovalRate(
      bundle({ accounts, current: { 'access-review': records } }),
      ctx(objective({ kpi: 'access-review-removal-rate', params: accessReviewRemovalParams.parse(params) }), T),
    );

  it('graceDays 1: disabled exactly at the grace end is on time; a decision still in its grace waits', () => {
    const r = run();
    // Population a1, a2, a3, a5, a6, a7, a9 = 7 (a4 pending, a8 kept); compliant a1, a5, a6, a9 = 4.
    expect([r.numerator, r.denominator]).toEqual([4, 7]);
    expect(r.failing.map((f) => [f.id, f.reason])).toEqual([
      ['a2', 'disabled 1 day(s) after the decision\'s grace'],
      // Grace end 10-11 10:00 → T: 40 days 2 hours, rounded up.
      ['a3', 'decided remove, still enabled 41 day(s) after the grace'],
      ['a7', 'decided remove, but its identity source holds no such account'],
    ]);
    expect(r.failing[0]!.details).toMatchObject({ decidedAt: '2026-10-10T10:00:00.000+09:00', graceEnd: '2026-10-11T10:00:00.000+09:00', disabledAt: '2026-10-11T10:00:01.000+09:00', disabledAtFrom: 'idp-status-changed' });
    expect(r.notes?.map((n) => [n.id, n.details.graceEnd])).toEqual([['a4', '2026-11-21T11:00:00.000+09:00']]);
  });

  it('graceDays 0: only a disabling no later than the decision itself', () => {
    const r = run({ graceDays: 0 });
    // a1 and a2 are now late, a5 (deleted 14 h after) too; a6 (before) is on time; a9's decision
    // was at 11:00 and its disabling at 11:30: late. a4 is due at once: still enabled.
    expect([r.numerator, r.denominator]).toEqual([1, 8]);
  });
});
