/** Audit of password-age-compliance against KPIS.md, by hand. T = 2026-05-20 12:00 JST; maxAgeDays 90. */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import { passwordAgeCompliance } from '../../../src/kpi/password-age-compliance.ts';
import { account, bundle, ctx, disabled } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = parseObjective({ id: 'o', title: 'o', kpi: 'password-age-compliance', target: 1, direction: 'at_least', period: 'quarter', params: { maxAgeDays: 90 } });

describe('password-age-compliance (audit)', () => {
  it('changed within maxAgeDays of T; accounts without a password and inactive ones are out', () => {
    // T − 90 days = 2026-02-19 12:00 JST.
    const accounts = [
      account('a', { passwordChangedAt: '2026-02-19T12:00:00+09:00' }), // exactly 90 days: within
      account('b', { passwordChangedAt: '2026-02-19T11:59:59.999+09:00' }), // 1 ms older: fails
      account('c', { passwordChangedAt: '2026-05-01T00:00:00+09:00' }), // recent
      account('d', { hasPassword: false }), // no password: out
      account('e', { passwordChangedAt: '2020-01-01T00:00:00Z' }, [['2026-05-01T00:00:00Z', disabled('e')]]), // not active: out
    ];
    const r = passwordAgeCompliance(bundle({ accounts }), ctx(obj, T));
    // Population a b c = 3; compliant a c = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.failing.map((f) => f.id)).toEqual(['b']);
  });
});
