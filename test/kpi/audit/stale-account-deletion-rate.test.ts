/**
 * Audit of stale-account-deletion-rate against KPIS.md, by hand. Asia/Tokyo, fiscal year from
 * April. T = 2026-05-20 12:00 JST; the quarter is [2026-04-01 00:00 JST, T].
 * A leave date D makes accounts stale from D+1 00:00 JST; the deadline is that + graceDays (1).
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { PersonRecord, Versioned } from '../../../src/evidence/records.ts';
import { staleAccountDeletionRate } from '../../../src/kpi/stale-account-deletion-rate.ts';
import { account, bundle, ctx, disabled, hr, identity, TOKYO, versioned } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = (params: Record<string, unknown> = {}, period = 'quarter') =>
  parseObjective({ id: 'o', title: 'o', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period, params });
const K = 'ken.ito@example.co.jp';
const ken = (over: Partial<PersonRecord> = {}) => hr({ employeeId: 'E1', email: K, ...over });
const run = (people: Versioned<PersonRecord>[], accounts: ReturnType<typeof account>[], params: Record<string, unknown> = {}, period = 'quarter') =>
  staleAccountDeletionRate(bundle({ people, accounts }), ctx(obj(params, period), T, { identity: identity({ serviceAccounts: { loginPatterns: ['^svc-'], types: [] } }) }));

describe('stale-account-deletion-rate (audit)', () => {
  it('leave date on the last day of the previous quarter: stale from the quarter\'s first instant, so in this period', () => {
    // Leave 03-31 → stale-since 04-01 00:00 JST = the quarter's start (inclusive) → became stale
    // in the period. Disabled 03-31 21:00 JST (first observation 03-31T12:00Z), before its
    // deadline 04-02 00:00 JST → compliant. 1 / 1.
    const r = run([ken({ leaveDate: '2026-03-31' })], [account(K, {}, [['2026-03-31T12:00:00Z', disabled(K)]])]);
    expect([r.numerator, r.denominator, r.value]).toEqual([1, 1, 1]);
  });

  it('deadline exactly at the quarter start, still enabled: carried over and overdue', () => {
    // Leave 03-30 → stale 03-31 00:00 JST (before the period), deadline 04-01 00:00 JST.
    // Not disabled at the period's start → carried over. Overdue to T: 49 d 12 h → 50 days.
    const r = run([ken({ leaveDate: '2026-03-30' })], [account('KEN.ITO@EXAMPLE.CO.JP')]);
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing).toHaveLength(1);
    expect(r.failing[0]).toMatchObject({
      id: 'KEN.ITO@EXAMPLE.CO.JP',
      details: { owner: K, kind: 'leaver', staleSince: '2026-03-31T00:00:00.000+09:00', deadline: '2026-04-01T00:00:00.000+09:00', daysOverdue: 50 },
    });
  });

  it('deadline after T is not yet counted; 12 h past the deadline is 1 day overdue', () => {
    // A: leave 05-19 → stale 05-20 00:00, deadline 05-21 00:00 > T: out.
    // B: leave 05-18 → stale 05-19 00:00, deadline 05-20 00:00 ≤ T, enabled: fails, 12 h → 1 day.
    const hana = hr({ employeeId: 'E2', email: 'hana@example.co.jp', leaveDate: '2026-05-18' });
    const r = run([ken({ leaveDate: '2026-05-19' }), hana], [account(K), account('hana@example.co.jp')]);
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing.map((f) => [f.id, f.details.daysOverdue])).toEqual([['hana@example.co.jp', 1]]);
  });

  it('only a deadline-passed account makes the population: none passed → no_data', () => {
    const r = run([ken({ leaveDate: '2026-05-19' })], [account(K)]);
    expect([r.denominator, r.value, r.status]).toEqual([0, null, 'no_data']);
  });

  it('a leave date after T: still employed, not stale', () => {
    const r = run([ken({ leaveDate: '2026-06-30' })], [account(K)]);
    expect(r.denominator).toBe(0);
  });

  it('a "left" HR status without a leave date: stale from the first observation that saw it', () => {
    // HR: active since 2025-01-01, 退職 first seen 2026-05-01T00:00Z = 05-01 09:00 JST.
    // Deadline 05-02 09:00 JST; enabled at T (05-20 12:00): 18 d 3 h → 19 days.
    const p = versioned<PersonRecord>('hr', 'E1', [
      ['2025-01-01T00:00:00Z', { employeeId: 'E1', email: K, status: '在籍' }],
      ['2026-05-01T00:00:00Z', { employeeId: 'E1', email: K, status: '退職' }],
    ]);
    const r = run([p], [account(K)]);
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing[0]?.details).toMatchObject({ staleSince: '2026-05-01T09:00:00.000+09:00', daysOverdue: 19 });
  });

  it('a leaver\'s account deleted before the leave day is compliant (deleted no later than the deadline)', () => {
    // Leave 04-10 → stale 04-11 00:00 JST; absent from the export of 04-05: removed early. 1 / 1.
    const r = run([ken({ leaveDate: '2026-04-10' })], [account(K, {}, [['2026-04-05T00:00:00Z', null]])]);
    expect([r.numerator, r.denominator]).toEqual([1, 1]);
  });

  it('a service account of a leaver stays outside; the person\'s own account counts', () => {
    // svc-backup (login pattern) carries the leaver's email: not a person's account → notes.
    // ken.ito's account: leave 04-10, disabled 04-11 10:00 JST (statusChangedAt) ≤ 04-12 00:00 → 1/1.
    const r = run([ken({ leaveDate: '2026-04-10' })], [
      account('svc-backup', { email: K }),
      account(K, {}, [['2026-04-13T00:00:00Z', disabled(K, { statusChangedAt: '2026-04-11T10:00:00+09:00' })]]),
    ]);
    expect([r.numerator, r.denominator]).toEqual([1, 1]);
    expect(r.notes?.map((n) => n.id)).toEqual(['svc-backup']);
  });

  it('rolling 30 days: stale-since exactly at the open start, removed after it: carried over, on time', () => {
    // T − 30 d = 04-20 12:00 JST. An orphan first seen enabled at 04-20 12:00 JST (stale then),
    // deleted 04-20 20:00 JST. Stale-since = the start, not in (start, T]; but still present at
    // the start and removed after it → carried over; removed by its deadline 04-21 12:00 →
    // compliant. 1 / 1.
    const orphan = versioned('okta', 'id-x', [
      ['2026-04-20T03:00:00Z', { accountId: 'id-x', login: 'x@example.co.jp', enabled: true, rawStatus: 'ACTIVE' }],
      ['2026-04-20T11:00:00Z', null],
    ]);
    const r = run([], [orphan], {}, 'rolling 30 days');
    expect([r.numerator, r.denominator]).toEqual([1, 1]);
  });

  it('Europe/Berlin: the day after a leave date and the grace day follow the zone\'s calendar across the DST end', () => {
    // Fiscal year from January; T = 2026-11-10 12:00Z; Q4 from 2026-10-01 00:00 +02:00.
    // Leave 10-24 → stale 10-25 00:00 +02:00 = 10-24T22:00Z. Clocks go back on 10-25, so the
    // grace day is 25 hours: deadline 10-26 00:00 +01:00 = 10-25T23:00Z.
    // a: disabled 10-25T22:30Z (24.5 h after stale-since) → on time. b: 10-25T23:00:00.001Z → late, 1 day.
    const berlin = { ...TOKYO, timeZone: 'Europe/Berlin', fiscalYearStartMonth: 1 };
    const people = [hr({ employeeId: 'A', email: 'a@example.co.jp', leaveDate: '2026-10-24' }), hr({ employeeId: 'B', email: 'b@example.co.jp', leaveDate: '2026-10-24' })];
    const accounts = [
      account('a@example.co.jp', {}, [['2026-10-25T22:30:00Z', disabled('a@example.co.jp')]]),
      account('b@example.co.jp', {}, [['2026-10-25T23:00:00.001Z', disabled('b@example.co.jp')]]),
    ];
    const r = staleAccountDeletionRate(bundle({ people, accounts }), ctx(obj(), '2026-11-10T12:00:00Z', { org: berlin }));
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.details.staleSince, f.details.deadline, f.details.daysOverdue])).toEqual([
      ['b@example.co.jp', '2026-10-25T00:00:00.000+02:00', '2026-10-26T00:00:00.000+01:00', 1],
    ]);
  });
});
