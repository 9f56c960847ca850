/** mfa-coverage and password-age-compliance by hand. T = 2026-05-20T03:00Z (12:00 JST). */
import { describe, expect, it } from 'vitest';
import { mfaCoverage } from '../../src/kpi/mfa-coverage.ts';
import { passwordAgeCompliance } from '../../src/kpi/password-age-compliance.ts';
import { account, bundle, ctx, disabled, hr, identity, objective } from './helpers.ts';

const T = '2026-05-20T03:00:00Z';

describe('mfa-coverage', () => {
  const accounts = [
    account('a@example.co.jp', { mfaEnrolled: true, groups: ['Staff'] }),
    account('b@example.co.jp', { mfaEnrolled: false, groups: ['staff', 'Admins'] }),
    account('c@example.co.jp', { groups: ['Contractors'] }), // the export does not say
    account('d@example.co.jp', { mfaEnrolled: false }, [['2026-05-01T00:00:00Z', disabled('d@example.co.jp')]]), // disabled: out
    account('e@example.co.jp', { mfaEnrolled: false }, [['2026-05-01T00:00:00Z', null]]), // deleted: out
  ];
  it('active accounts at T; enrolled per the export', () => {
    const o = objective({ kpi: 'mfa-coverage', warning: 0.3 });
    const r = mfaCoverage(bundle({ accounts, people: [hr({ employeeId: 'E2', email: 'b@example.co.jp' })] }), ctx(o, T));
    expect([r.numerator, r.denominator]).toEqual([1, 3]);
    expect(r.status).toBe('at_risk');
    expect(Object.fromEntries(r.failing.map((f) => [f.id, f.details['owner']]))).toEqual({ 'b@example.co.jp': 'b@example.co.jp', 'c@example.co.jp': null });
  });
  it('groups filter, case-insensitive', () => {
    const o = objective({ kpi: 'mfa-coverage', params: { groups: ['STAFF'] } });
    const r = mfaCoverage(bundle({ accounts }), ctx(o, T));
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
  });
  it('excludeServiceAccounts leaves service accounts out', () => {
    const svc = account('svc-backup', { mfaEnrolled: false });
    const o = objective({ kpi: 'mfa-coverage', params: { excludeServiceAccounts: true } });
    const ids = identity({ serviceAccounts: { loginPatterns: ['^svc-'], types: [] } });
    expect(mfaCoverage(bundle({ accounts: [accounts[0]!, svc] }), ctx(o, T, { identity: ids })).denominator).toBe(1);
    expect(mfaCoverage(bundle({ accounts: [accounts[0]!, svc] }), ctx(objective({ kpi: 'mfa-coverage' }), T, { identity: ids })).denominator).toBe(2);
  });
  it('evaluated at a past instant the disabled account was still active', () => {
    // As the store would return it at 2026-04-30: only the first version.
    const past = account('d@example.co.jp', { mfaEnrolled: false });
    const r = mfaCoverage(bundle({ accounts: [past] }), ctx(objective({ kpi: 'mfa-coverage' }), '2026-04-30T00:00:00Z'));
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
  });
  it('no active account: no_data', () => {
    const r = mfaCoverage(bundle({ accounts: [accounts[3]!, accounts[4]!] }), ctx(objective({ kpi: 'mfa-coverage' }), T));
    expect([r.value, r.status]).toEqual([null, 'no_data']);
  });
});

describe('password-age-compliance', () => {
  // 90 calendar days before 20 May 12:00 JST is 19 Feb 12:00 JST = 2026-02-19T03:00Z.
  const rows: { name: string; over: Parameters<typeof account>[1]; inPopulation: boolean; compliant: boolean }[] = [
    { name: 'changed exactly maxAgeDays ago', over: { passwordChangedAt: '2026-02-19T03:00:00Z' }, inPopulation: true, compliant: true },
    { name: '1 ms older than maxAgeDays', over: { passwordChangedAt: '2026-02-19T02:59:59.999Z' }, inPopulation: true, compliant: false },
    { name: 'recently changed', over: { passwordChangedAt: '2026-05-01T00:00:00+09:00' }, inPopulation: true, compliant: true },
    { name: 'no password (federated): excluded', over: { hasPassword: false, passwordChangedAt: '2020-01-01T00:00:00Z' }, inPopulation: false, compliant: false },
    { name: 'no change time: the creation time stands in', over: { createdAt: '2026-04-01T00:00:00Z' }, inPopulation: true, compliant: true },
    { name: 'neither change nor creation time: unknown fails', over: {}, inPopulation: true, compliant: false },
  ];
  it.each(rows)('$name', ({ over, inPopulation, compliant }) => {
    const o = objective({ kpi: 'password-age-compliance', params: { maxAgeDays: 90 } });
    const r = passwordAgeCompliance(bundle({ accounts: [account('a@example.co.jp', over)] }), ctx(o, T));
    expect(r.denominator).toBe(inPopulation ? 1 : 0);
    expect(r.numerator).toBe(compliant ? 1 : 0);
  });
  it('disabled accounts are out', () => {
    const o = objective({ kpi: 'password-age-compliance', params: { maxAgeDays: 90 } });
    const r = passwordAgeCompliance(bundle({ accounts: [account('a', {}, [['2026-05-01T00:00:00Z', disabled('a')]])] }), ctx(o, T));
    expect(r.status).toBe('no_data');
  });
});
