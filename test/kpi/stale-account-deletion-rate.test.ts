/**
 * stale-account-deletion-rate, by hand from KPIS.md. T = 2026-05-20T03:00Z (12:00 JST);
 * Asia/Tokyo, fiscal year from April: the quarter runs from 2026-04-01T00:00+09:00
 * = 2026-03-31T15:00Z. A leave date D (JST) makes accounts stale from D+1 00:00 JST = D 15:00Z.
 */
import { describe, expect, it } from 'vitest';
import type { AccountRecord, PersonRecord, Versioned } from '../../src/evidence/records.ts';
import { staleAccountDeletionRate } from '../../src/kpi/stale-account-deletion-rate.ts';
import { account, acct, bundle, ctx, disabled, hr, identity, objective, versioned } from './helpers.ts';

const T = '2026-05-20T03:00:00Z';
const ids = identity({
  aliases: { 'k.ito-admin': 'ken.ito@example.co.jp' },
  serviceAccounts: { loginPatterns: ['^svc-'], types: ['service'] },
});
const ken = (leaveDate?: string): Versioned<PersonRecord> => hr({ employeeId: 'E001', email: 'ken.ito@example.co.jp', ...(leaveDate ? { leaveDate } : {}) });
const hana = (leaveDate?: string): Versioned<PersonRecord> => hr({ employeeId: 'E002', email: 'hana.sato@example.co.jp', ...(leaveDate ? { leaveDate } : {}) });
const aki = hr({ employeeId: 'E003', email: 'aki.mori@example.co.jp', hireDate: '2020-04-01' });
const K = 'ken.ito@example.co.jp';

interface Row {
  name: string;
  people: Versioned<PersonRecord>[];
  accounts: Versioned<AccountRecord>[];
  params?: Record<string, unknown>;
  period?: string;
  access?: Record<string, string>;
  denominator: number;
  numerator: number;
  /** Failing accounts: login → days overdue (and kind). */
  failing?: Record<string, { daysOverdue: number; kind: string; owner?: string | null; disabledAtFrom?: string; disabledAt?: string }>;
  note?: string;
}

const rows: Row[] = [
  {
    name: 'leaver, disabled within grace per IdP status-changed time',
    people: [ken('2026-04-10')],
    accounts: [account(K, {}, [['2026-04-12T00:00:00Z', disabled(K, { statusChangedAt: '2026-04-11T10:00:00+09:00' })]])],
    denominator: 1,
    numerator: 1,
  },
  {
    name: 'leaver, disabled late: first collection that saw it disabled, 2 d 9 h late → 3 days',
    people: [ken('2026-04-10')],
    accounts: [account(K, {}, [['2026-04-14T00:00:00Z', disabled(K)]])],
    denominator: 1,
    numerator: 0,
    failing: { [K]: { daysOverdue: 3, kind: 'leaver', owner: K, disabledAtFrom: 'first-observation' } },
  },
  {
    name: 'leaver, disabled late per the IdP status-changed time (1 d 3 h late → 2 days)',
    people: [ken('2026-04-10')],
    accounts: [account(K, {}, [['2026-04-20T00:00:00Z', disabled(K, { statusChangedAt: '2026-04-13T03:00:00+09:00' })]])],
    denominator: 1,
    numerator: 0,
    failing: { [K]: { daysOverdue: 2, kind: 'leaver', disabledAtFrom: 'idp-status-changed', disabledAt: '2026-04-13T03:00:00.000+09:00' } },
  },
  {
    name: 'grace deadline exactly (stale-since + 1 day) is on time',
    people: [ken('2026-04-20')],
    accounts: [account(K, {}, [['2026-04-21T15:00:00Z', disabled(K)]])],
    denominator: 1,
    numerator: 1,
  },
  {
    name: '1 ms after the grace deadline is late by 1 day',
    people: [ken('2026-04-20')],
    accounts: [account(K, {}, [['2026-04-21T15:00:00.001Z', disabled(K)]])],
    denominator: 1,
    numerator: 0,
    failing: { [K]: { daysOverdue: 1, kind: 'leaver' } },
  },
  {
    name: 'graceDays 0: disabled at the start of the day after the leave date is on time',
    people: [ken('2026-04-20')],
    accounts: [account(K, {}, [['2026-04-20T15:00:00Z', disabled(K)]])],
    params: { graceDays: 0 },
    denominator: 1,
    numerator: 1,
  },
  {
    name: 'graceDays 3: disabled 2.4 days after stale-since is on time',
    people: [ken('2026-04-20')],
    accounts: [account(K, {}, [['2026-04-23T00:00:00Z', disabled(K)]])],
    params: { graceDays: 3 },
    denominator: 1,
    numerator: 1,
  },
  {
    name: 'a Okta SUSPENDED → DEPROVISIONED change does not move the disabling later',
    people: [ken('2026-04-10')],
    accounts: [
      account(K, {}, [
        ['2026-04-11T06:00:00Z', disabled(K, { statusChangedAt: '2026-04-11T05:00:00Z' })],
        ['2026-04-20T00:00:00Z', disabled(K, { rawStatus: 'DEPROVISIONED', statusChangedAt: '2026-04-19T00:00:00Z' })],
      ]),
    ],
    denominator: 1,
    numerator: 1,
  },
  {
    name: 'a status-changed time from before the account was last seen enabled is not believed',
    people: [ken('2026-04-10')],
    accounts: [
      versioned('okta', 'id-k', [
        ['2025-01-01T00:00:00Z', acct(K, { statusChangedAt: '2024-06-01T00:00:00Z' })],
        ['2026-04-12T00:00:00Z', acct(K, { statusChangedAt: '2024-06-01T00:00:00Z', mfaEnrolled: true })],
        ['2026-04-14T00:00:00Z', disabled(K, { statusChangedAt: '2024-06-01T00:00:00Z' })],
      ]),
    ],
    denominator: 1,
    numerator: 0,
    failing: { [K]: { daysOverdue: 3, kind: 'leaver' } },
  },
  {
    name: 'person with two accounts: one disabled on time, one still enabled (17 d 12 h → 18)',
    people: [ken('2026-05-01')],
    accounts: [
      account(K, {}, [['2026-05-03T00:00:00Z', disabled(K, { statusChangedAt: '2026-05-02T10:00:00+09:00' })]]),
      account('ken.ito@example.co.jp', { accountId: 'g-ken' }, [], 'google'),
    ],
    denominator: 2,
    numerator: 1,
    failing: { [K]: { daysOverdue: 18, kind: 'leaver', owner: K } },
  },
  {
    name: 'deadline after T: not yet in the population → no_data',
    people: [ken('2026-05-19')],
    accounts: [account(K)],
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'deadline 12 h before T, still enabled → 1 day overdue',
    people: [ken('2026-05-18')],
    accounts: [account(K)],
    denominator: 1,
    numerator: 0,
    failing: { [K]: { daysOverdue: 1, kind: 'leaver' } },
  },
  {
    name: 'carry-over: stale before the quarter, still enabled (59 d 12 h → 60)',
    people: [ken('2026-03-20')],
    accounts: [account(K)],
    denominator: 1,
    numerator: 0,
    failing: { [K]: { daysOverdue: 60, kind: 'leaver' } },
  },
  {
    name: 'stale and disabled before the quarter: outside the population',
    people: [ken('2026-03-01')],
    accounts: [account(K, {}, [['2026-03-02T00:00:00Z', disabled(K)]])],
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'carry-over: overdue account disabled during the quarter counts as late (14 d 9 h → 15)',
    people: [ken('2026-03-20')],
    accounts: [account(K, {}, [['2026-04-05T00:00:00Z', disabled(K)]])],
    denominator: 1,
    numerator: 0,
    failing: { [K]: { daysOverdue: 15, kind: 'leaver' } },
  },
  {
    name: 'overdue account disabled exactly at the quarter start: already disabled then',
    people: [ken('2026-03-20')],
    accounts: [account(K, {}, [['2026-03-31T15:00:00Z', disabled(K)]])],
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'account absent from a newer export (deleted) within grace: compliant; bare login via default domain',
    people: [hana('2026-04-10')],
    accounts: [account('hana.sato', {}, [['2026-04-11T09:00:00Z', null]])],
    denominator: 1,
    numerator: 1,
  },
  {
    name: 'alias login of a leaver, still enabled (38 d 12 h → 39)',
    people: [ken('2026-04-10')],
    accounts: [account('k.ito-admin')],
    denominator: 1,
    numerator: 0,
    failing: { 'k.ito-admin': { daysOverdue: 39, kind: 'leaver', owner: K } },
  },
  {
    name: 'orphan account, active, stale since first seen (18 d 3 h → 19)',
    people: [ken()],
    accounts: [versioned('okta', 'o1', [['2026-05-01T00:00:00Z', acct('olduser@example.co.jp')]])],
    denominator: 1,
    numerator: 0,
    failing: { 'olduser@example.co.jp': { daysOverdue: 19, kind: 'orphan', owner: null } },
  },
  {
    name: 'orphan first seen less than a day ago: noted, not yet counted',
    people: [ken()],
    accounts: [versioned('okta', 'o1', [['2026-05-19T12:00:00Z', acct('olduser@example.co.jp')]])],
    denominator: 0,
    numerator: 0,
    note: 'olduser@example.co.jp',
  },
  {
    name: 'orphan only ever seen disabled: not stale',
    people: [ken()],
    accounts: [versioned('okta', 'o1', [['2026-05-01T00:00:00Z', disabled('olduser@example.co.jp')]])],
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'orphan deleted by the next day: compliant',
    people: [ken()],
    accounts: [versioned('okta', 'o1', [['2026-04-01T00:00:00Z', acct('olduser@example.co.jp')], ['2026-04-02T00:00:00Z', null]])],
    denominator: 1,
    numerator: 1,
  },
  {
    name: 'service account (login pattern): outside the KPI, listed in notes',
    people: [ken()],
    accounts: [account('svc-backup')],
    denominator: 0,
    numerator: 0,
    note: 'svc-backup',
  },
  {
    name: 'service account (IdP type) of a leaver: outside the KPI',
    people: [ken('2026-04-10')],
    accounts: [account('robot', { email: K, accountType: 'SERVICE' })],
    denominator: 0,
    numerator: 0,
    note: 'robot',
  },
  {
    name: 're-hired person (same email, new employee id) with an enabled account: not a leaver',
    people: [
      hr({ employeeId: 'E100', email: K, leaveDate: '2025-03-31' }),
      hr({ employeeId: 'E250', email: K, hireDate: '2026-04-01' }),
    ],
    accounts: [account(K)],
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'active person: not stale',
    people: [ken()],
    accounts: [account(K)],
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'person removed from the roster without a leave date: stale from that observation (42 d 3 h → 43)',
    people: [versioned('hr', 'E001', [['2025-01-01T00:00:00Z', { employeeId: 'E001', email: K }], ['2026-04-07T00:00:00Z', null]])],
    accounts: [account(K)],
    denominator: 1,
    numerator: 0,
    failing: { [K]: { daysOverdue: 43, kind: 'leaver' } },
  },
  {
    name: 'rolling period: overdue orphan removed exactly at the (open) start was removed at the start',
    people: [],
    accounts: [versioned('okta', 'o1', [['2026-04-10T00:00:00Z', acct('x@example.co.jp')], ['2026-04-20T03:00:00Z', null]])],
    period: 'rolling 30 days',
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'rolling period: removed 1 ms after the start is a late removal in the period (9 d 3 h → 10)',
    people: [],
    accounts: [versioned('okta', 'o1', [['2026-04-10T00:00:00Z', acct('x@example.co.jp')], ['2026-04-20T03:00:00.001Z', null]])],
    period: 'rolling 30 days',
    denominator: 1,
    numerator: 0,
    failing: { 'x@example.co.jp': { daysOverdue: 10, kind: 'orphan' } },
  },
  // Dormant accounts: dormantDays 30; aki is active. 30 days are calendar days in JST.
  {
    name: 'dormant: IdP last login 1 Apr → stale 1 May, still enabled (18 d 3 h → 19)',
    people: [aki],
    accounts: [account('aki.mori@example.co.jp', { lastLoginAt: '2026-04-01T00:00:00Z' })],
    params: { includeDormant: true, dormantDays: 30 },
    denominator: 1,
    numerator: 0,
    failing: { 'aki.mori@example.co.jp': { daysOverdue: 19, kind: 'dormant', owner: 'aki.mori@example.co.jp' } },
  },
  {
    name: 'dormant: a later access-log success (bare login) wins (stale 15 May, 4 d 3 h → 5)',
    people: [aki],
    accounts: [account('aki.mori', { lastLoginAt: '2026-04-01T00:00:00Z' })],
    params: { includeDormant: true, dormantDays: 30 },
    access: { 'aki.mori@example.co.jp': '2026-04-15T00:00:00Z' },
    denominator: 1,
    numerator: 0,
    failing: { 'aki.mori': { daysOverdue: 5, kind: 'dormant' } },
  },
  {
    name: 'dormant: an earlier access-log success does not override the IdP',
    people: [aki],
    accounts: [account('aki.mori@example.co.jp', { lastLoginAt: '2026-04-01T00:00:00Z' })],
    params: { includeDormant: true, dormantDays: 30 },
    access: { 'aki.mori@example.co.jp': '2026-03-01T00:00:00Z' },
    denominator: 1,
    numerator: 0,
    failing: { 'aki.mori@example.co.jp': { daysOverdue: 19, kind: 'dormant' } },
  },
  {
    name: 'dormant: exactly dormantDays without login is not "more than"',
    people: [aki],
    accounts: [account('aki.mori@example.co.jp', { lastLoginAt: '2026-04-20T03:00:00Z' })],
    params: { includeDormant: true, dormantDays: 30 },
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'dormant: never logged in counts from creation (stale 31 Mar 00:00Z, carried over; 49 d 3 h → 50)',
    people: [aki],
    accounts: [account('aki.mori@example.co.jp', { createdAt: '2026-03-01T00:00:00Z' })],
    params: { includeDormant: true, dormantDays: 30 },
    denominator: 1,
    numerator: 0,
    failing: { 'aki.mori@example.co.jp': { daysOverdue: 50, kind: 'dormant' } },
  },
  {
    name: 'dormant: disabled within grace after going dormant is compliant',
    people: [aki],
    accounts: [account('aki.mori@example.co.jp', { lastLoginAt: '2026-04-01T00:00:00Z' }, [['2026-05-01T12:00:00Z', disabled('aki.mori@example.co.jp', { lastLoginAt: '2026-04-01T00:00:00Z' })]])],
    params: { includeDormant: true, dormantDays: 30 },
    denominator: 1,
    numerator: 1,
  },
  {
    name: 'dormant: disabled before it went dormant is not a dormant removal',
    people: [aki],
    accounts: [account('aki.mori@example.co.jp', { lastLoginAt: '2026-04-01T00:00:00Z' }, [['2026-04-10T00:00:00Z', disabled('aki.mori@example.co.jp', { lastLoginAt: '2026-04-01T00:00:00Z' })]])],
    params: { includeDormant: true, dormantDays: 30 },
    denominator: 0,
    numerator: 0,
  },
  {
    name: 'dormant accounts are ignored without includeDormant',
    people: [aki],
    accounts: [account('aki.mori@example.co.jp', { lastLoginAt: '2026-04-01T00:00:00Z' })],
    denominator: 0,
    numerator: 0,
  },
];

describe('stale-account-deletion-rate', () => {
  it.each(rows)('$name', (row) => {
    const o = objective({ kpi: 'stale-account-deletion-rate', params: row.params ?? {}, period: row.period ?? 'quarter' });
    const b = bundle({ people: row.people, accounts: row.accounts, accessLastSuccess: new Map(Object.entries(row.access ?? {})) });
    const r = staleAccountDeletionRate(b, ctx(o, T, { identity: ids }));
    expect([r.numerator, r.denominator]).toEqual([row.numerator, row.denominator]);
    expect(r.value).toBe(row.denominator === 0 ? null : row.numerator / row.denominator);
    if (row.denominator === 0) expect(r.status).toBe('no_data');
    const got = Object.fromEntries(r.failing.map((f) => [f.id, f.details]));
    const want = row.failing ?? {};
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [id, w] of Object.entries(want)) {
      expect(got[id]).toMatchObject(w);
    }
    if (row.note) expect(r.notes?.map((n) => n.id)).toContain(row.note);
  });

  it('reports stale-since and deadline in the organisation zone', () => {
    const r = staleAccountDeletionRate(
      bundle({ people: [ken('2026-04-10')], accounts: [account(K)] }),
      ctx(objective({ kpi: 'stale-account-deletion-rate' }), T, { identity: ids }),
    );
    expect(r.failing[0]?.details).toMatchObject({ staleSince: '2026-04-11T00:00:00.000+09:00', deadline: '2026-04-12T00:00:00.000+09:00', disabledAt: null, source: 'okta' });
  });

  it('combines the population and the status: 3 of 7 compliant with warning 0.4 → at_risk', () => {
    const people = [ken('2026-05-01'), hana('2026-04-10'), hr({ employeeId: 'E9', email: 'mio@example.co.jp', leaveDate: '2026-03-20' })];
    const accounts = [
      account(K, {}, [['2026-05-03T00:00:00Z', disabled(K, { statusChangedAt: '2026-05-02T10:00:00+09:00' })]]), // compliant
      account('ken.ito@example.co.jp', { accountId: 'g-ken' }, [], 'google'), // failing
      account('hana.sato', {}, [['2026-04-11T09:00:00Z', null]]), // compliant
      account('hana.sato@example.co.jp', { accountId: 'h2' }, [['2026-04-14T00:00:00Z', disabled('hana.sato@example.co.jp')]]), // late
      account('mio@example.co.jp'), // carried over, failing
      versioned('okta', 'o1', [['2026-05-01T00:00:00Z', acct('olduser@example.co.jp')]]), // orphan, failing
      versioned('okta', 'o2', [['2026-04-01T00:00:00Z', acct('old2@example.co.jp')], ['2026-04-02T00:00:00Z', null]]), // orphan removed: compliant
      account('svc-backup'), // service: outside
    ];
    const o = objective({ kpi: 'stale-account-deletion-rate', target: 1, warning: 0.4 });
    const r = staleAccountDeletionRate(bundle({ people, accounts }), ctx(o, T, { identity: ids }));
    expect([r.numerator, r.denominator]).toEqual([3, 7]);
    expect(r.value).toBeCloseTo(3 / 7, 12);
    expect(r.status).toBe('at_risk');
    expect(r.notes?.map((n) => n.id)).toEqual(['svc-backup']);
    expect(r.period).toEqual({ from: '2026-04-01T00:00:00.000+09:00', to: '2026-05-20T12:00:00.000+09:00', kind: 'calendar' });
  });

  it('rejects a non-numeric graceDays as a config problem', () => {
    const o = objective({ kpi: 'stale-account-deletion-rate', params: { graceDays: 'one' } });
    expect(() => staleAccountDeletionRate(bundle({}), ctx(o, T))).toThrow(/params\.graceDays/);
  });
});
