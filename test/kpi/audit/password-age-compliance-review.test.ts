/**
 * Review of password-age-compliance against KPIS.md, by hand: population = active accounts with
 * passwords at T; compliant = password changed within maxAgeDays; default target at_least 1.0.
 * T = 2026-05-20 12:00 JST (Asia/Tokyo, no DST); maxAgeDays 90 → T − 90 d = 2026-02-19 12:00 JST
 * (Feb 19 → Mar 19 = 28 d, → Apr 19 = 31, → May 19 = 30, +1 = 90).
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import { passwordAgeCompliance } from '../../../src/kpi/password-age-compliance.ts';
import { account, acct, bundle, ctx, disabled } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = (params: Record<string, unknown> = { maxAgeDays: 90 }, over: Record<string, unknown> = {}) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'password-age-compliance', target: 1, direction: 'at_least', period: 'quarter', params, ...over });
const run = (accounts: ReturnType<typeof account>[], o = obj()) => passwordAgeCompliance(bundle({ accounts }), ctx(o, T));

describe('password-age-compliance (review)', () => {
  it('a changed time without a zone is read in the organisation zone', () => {
    const r = run([
      account('a', { passwordChangedAt: '2026-02-19T12:00:00' }), // 12:00 JST = exactly 90 days: within
      account('b', { passwordChangedAt: '2026-02-19T11:00:00' }), // 11:00 JST: 1 h too old (as UTC it would be 20:00 JST, within)
    ]);
    // 1 / 2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => f.id)).toEqual(['b']);
  });

  it('hasPassword false is out whatever its age; true and unknown are in; no time at all fails', () => {
    const r = run([
      account('nopw', { hasPassword: false, passwordChangedAt: '2020-01-01T00:00:00Z' }), // out
      account('pw', { hasPassword: true, passwordChangedAt: '2026-05-01T00:00:00+09:00' }), // in, within
      account('unk', { passwordChangedAt: '2026-05-01T00:00:00+09:00' }), // unknown → has one; within
      account('none', { hasPassword: true }), // in; no changed time and no creation time: not shown compliant
    ]);
    // Population pw unk none = 3; compliant pw unk = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.failing.map((f) => f.id)).toEqual(['none']);
  });

  it('the newest export decides: a password changed since the last export is compliant; re-enabled accounts are in', () => {
    const r = run([
      // old in the first export, changed 05-10 per the newest: within.
      account('a', { passwordChangedAt: '2025-01-01T00:00:00Z' }, [['2026-05-11T00:00:00Z', acct('a', { passwordChangedAt: '2026-05-10T09:00:00+09:00' })]]),
      // disabled 04-01, enabled again 05-01, password from 2025-06-01: active, too old.
      account('b', { passwordChangedAt: '2025-06-01T00:00:00Z' }, [['2026-04-01T00:00:00Z', disabled('b', { passwordChangedAt: '2025-06-01T00:00:00Z' })], ['2026-05-01T00:00:00Z', acct('b', { passwordChangedAt: '2025-06-01T00:00:00Z' })]]),
    ]);
    // 1 / 2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => f.id)).toEqual(['b']);
  });

  it('groups filter (width/case folded) and maxAgeDays 1 boundary', () => {
    // maxAgeDays 1: T − 1 d = 05-19 12:00 JST. groups [ＩＴ] → members of "it".
    const accounts = [
      account('a', { groups: ['IT'], passwordChangedAt: '2026-05-19T12:00:00+09:00' }), // exactly 1 day: within
      account('b', { groups: ['it'], passwordChangedAt: '2026-05-19T11:59:59.999+09:00' }), // 1 ms older: fails
      account('c', { groups: ['Sales'], passwordChangedAt: '2020-01-01T00:00:00Z' }), // not in the group
    ];
    const r = run(accounts, obj({ maxAgeDays: 1, groups: ['ＩＴ'] }));
    // 1 / 2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => f.id)).toEqual(['b']);
  });

  it('only passwordless accounts: no_data; warning gives at_risk', () => {
    const none = run([account('a', { hasPassword: false })]);
    expect([none.denominator, none.value, none.status]).toEqual([0, null, 'no_data']);
    const accounts = [account('a', { passwordChangedAt: '2026-05-01T00:00:00Z' }), account('b', { passwordChangedAt: '2020-01-01T00:00:00Z' })];
    // 1 / 2 = 0.5 with warning 0.5 → at_risk.
    expect(run(accounts, obj({ maxAgeDays: 90 }, { warning: 0.5 })).status).toBe('at_risk');
  });

  it('default target and direction: at_least 1.0', () => {
    const o = parseObjective({ id: 'o', title: 'o', kpi: 'password-age-compliance', period: 'quarter' });
    expect([o.target, o.direction]).toEqual([1, 'at_least']);
  });
});
