/** Audit of mfa-coverage against KPIS.md, by hand. T = 2026-05-20 12:00 JST. */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import { mfaCoverage } from '../../../src/kpi/mfa-coverage.ts';
import { account, bundle, ctx, disabled, identity } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = (params: Record<string, unknown> = {}) => parseObjective({ id: 'o', title: 'o', kpi: 'mfa-coverage', target: 1, direction: 'at_least', period: 'quarter', params });
const accounts = [
  account('a', { mfaEnrolled: true, groups: ['Admins'] }), // in, enrolled
  account('b', { mfaEnrolled: false, groups: ['admins'] }), // in, not enrolled
  account('c', {}), // in, the export does not say: not enrolled
  account('d', { mfaEnrolled: false }, [['2026-05-01T00:00:00Z', disabled('d', { mfaEnrolled: false })]]), // disabled at T: out
  account('e', { mfaEnrolled: false }, [['2026-05-01T00:00:00Z', null]]), // deleted: out
  account('svc-x', { mfaEnrolled: true }), // a service account is an active account too: in
];
const ids = identity({ serviceAccounts: { loginPatterns: ['^svc-'], types: [] } });

describe('mfa-coverage (audit)', () => {
  it('active accounts at T; compliant when enrolled', () => {
    const r = mfaCoverage(bundle({ accounts }), ctx(obj(), T, { identity: ids }));
    // Population a b c svc-x = 4; enrolled a, svc-x = 2 → 0.5.
    expect([r.numerator, r.denominator, r.value]).toEqual([2, 4, 0.5]);
    expect(r.failing.map((f) => f.id).sort()).toEqual(['b', 'c']);
  });
  it('groups: only members (case-insensitive)', () => {
    const r = mfaCoverage(bundle({ accounts }), ctx(obj({ groups: ['ADMINS'] }), T, { identity: ids }));
    // a, b → 1 / 2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
  });
});
