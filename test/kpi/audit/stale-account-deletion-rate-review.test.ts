/**
 * Review of stale-account-deletion-rate against KPIS.md: edge cases the audit file does not pin.
 * All expectations are computed by hand from the definition. Asia/Tokyo (+09:00, no DST), fiscal
 * year from April unless a test says otherwise. T = 2026-05-20 12:00 JST; the quarter is
 * [2026-04-01 00:00 JST, T]. Leave date D → stale-since D+1 00:00 JST; deadline = that + graceDays (1).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import type { IdentityConfig } from '../../../src/config/schema.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { AccountRecord, PersonRecord, Versioned } from '../../../src/evidence/records.ts';
import { evaluateObjectives } from '../../../src/kpi/evaluate.ts';
import { staleAccountDeletionRate } from '../../../src/kpi/stale-account-deletion-rate.ts';
import { account, acct, bundle, ctx, disabled, hr, identity, TOKYO, versioned } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = (params: Record<string, unknown> = {}, period = 'quarter', over: Record<string, unknown> = {}) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period, params, ...over });
const K = 'ken.ito@example.co.jp';
const run = (
  people: Versioned<PersonRecord>[],
  accounts: Versioned<AccountRecord>[],
  opts: { params?: Record<string, unknown>; period?: string; at?: string; ids?: IdentityConfig; org?: typeof TOKYO; over?: Record<string, unknown> } = {},
) =>
  staleAccountDeletionRate(
    bundle({ people, accounts }),
    ctx(obj(opts.params, opts.period, opts.over), opts.at ?? T, { identity: opts.ids ?? identity(), ...(opts.org ? { org: opts.org } : {}) }),
  );

describe('stale-account-deletion-rate (review)', () => {
  it('identity keys in the configured order decide the owner', () => {
    // a@ (E1) is employed; b@ (E2) left 04-10 → stale 04-11 00:00, deadline 04-12 00:00 JST.
    // The account carries a@'s email and b@'s employee id.
    const people = [hr({ employeeId: 'E1', email: 'a@example.co.jp' }), hr({ employeeId: 'E2', email: 'b@example.co.jp', leaveDate: '2026-04-10' })];
    const accounts = [account('x', { email: 'a@example.co.jp', employeeId: 'E2' })];
    // Default order (email first): owner a@, employed → not stale → population 0, no_data.
    const byEmail = run(people, accounts);
    expect([byEmail.numerator, byEmail.denominator, byEmail.value, byEmail.status]).toEqual([0, 0, null, 'no_data']);
    // keys [employeeId, email]: owner b@, a leaver; still enabled at T: T − deadline = 38 d 12 h → 39 days.
    const byId = run(people, accounts, { ids: identity({ keys: ['employeeId', 'email'] }) });
    expect([byId.numerator, byId.denominator, byId.value, byId.status]).toEqual([0, 1, 0, 'missed']);
    expect(byId.failing[0]).toMatchObject({ id: 'x', details: { owner: 'b@example.co.jp', kind: 'leaver', staleSince: '2026-04-11T00:00:00.000+09:00', daysOverdue: 39 } });
  });

  it('an HR login name (identity key `login`) makes the owner; an alias beats the keys', () => {
    // ken: HR logins [kito], leave 04-10 → deadline 04-12 00:00. Account "kito" (no email): not
    // ken.ito@… by the default domain (kito@example.co.jp is nobody), no employee id, login key → ken.
    // Account "admin-a" is aliased to ken although its email is the employed aya's.
    const people = [hr({ employeeId: 'E1', email: K, logins: ['kito'], leaveDate: '2026-04-10' }), hr({ employeeId: 'E2', email: 'aya@example.co.jp' })];
    const accounts = [account('kito'), account('admin-a', { email: 'aya@example.co.jp' })];
    const r = run(people, accounts, { ids: identity({ aliases: { 'ADMIN-A': K } }) });
    // Both ken's, both enabled: 0 / 2, each 39 days overdue (38 d 12 h rounded up).
    expect([r.numerator, r.denominator]).toEqual([0, 2]);
    expect(r.failing.map((f) => [f.id, f.details.owner, f.details.daysOverdue]).sort()).toEqual([
      ['admin-a', K, 39],
      ['kito', K, 39],
    ]);
  });

  it('deadline exactly at T: in the population; enabled fails (0 days overdue), deleted at T is on time', () => {
    // Orphans first seen 2026-05-19T03:00Z = 05-19 12:00 JST: stale then, deadline 05-20 12:00 = T ≤ T.
    // o1 still enabled at T: not disabled by its deadline → failing, overdue ⌈0⌉ = 0 days.
    // o2 absent from the export observed at T (= its deadline): removed no later than the deadline.
    const o1 = versioned('okta', 'o1', [['2026-05-19T03:00:00Z', acct('o1@example.co.jp')]]);
    const o2 = versioned('okta', 'o2', [['2026-05-19T03:00:00Z', acct('o2@example.co.jp')], ['2026-05-20T03:00:00Z', null]]);
    const r = run([], [o1, o2]);
    // 1 / 2.
    expect([r.numerator, r.denominator, r.value]).toEqual([1, 2, 0.5]);
    expect(r.failing.map((f) => [f.id, f.details.kind, f.details.deadline, f.details.daysOverdue])).toEqual([['o1@example.co.jp', 'orphan', '2026-05-20T12:00:00.000+09:00', 0]]);
  });

  it('a status-changed time without a zone is read in the organisation zone', () => {
    // Both left 04-10 → deadline 04-12 00:00 JST. Disabled versions observed 04-13T00:00Z (09:00 JST).
    // a: "2026-04-11T23:30:00" = 04-11 23:30 JST ≤ deadline → compliant (as UTC it would be 04-12 08:30 JST, late).
    // b: "2026-04-12T00:30:00" = 30 min late → failing, ⌈0.02⌉ = 1 day.
    const people = [hr({ employeeId: 'A', email: 'a@example.co.jp', leaveDate: '2026-04-10' }), hr({ employeeId: 'B', email: 'b@example.co.jp', leaveDate: '2026-04-10' })];
    const accounts = [
      account('a@example.co.jp', {}, [['2026-04-13T00:00:00Z', disabled('a@example.co.jp', { statusChangedAt: '2026-04-11T23:30:00' })]]),
      account('b@example.co.jp', {}, [['2026-04-13T00:00:00Z', disabled('b@example.co.jp', { statusChangedAt: '2026-04-12T00:30:00' })]]),
    ];
    const r = run(people, accounts);
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.details.disabledAt, f.details.daysOverdue])).toEqual([['b@example.co.jp', '2026-04-12T00:30:00.000+09:00', 1]]);
  });

  it('a leaver with a re-hire that starts after T is a leaver at T', () => {
    // E1 left 04-10 (stale 04-11, deadline 04-12 00:00); E9, same email, hired 2026-06-01 > T.
    // Enabled at T: 38 d 12 h → 39 days overdue. 0 / 1.
    const people = [hr({ employeeId: 'E1', email: K, leaveDate: '2026-04-10' }), hr({ employeeId: 'E9', email: K, hireDate: '2026-06-01' })];
    const r = run(people, [account(K)]);
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing[0]?.details).toMatchObject({ kind: 'leaver', staleSince: '2026-04-11T00:00:00.000+09:00', daysOverdue: 39 });
  });

  it('a person in two HR sources: stale only after the last employment ends', () => {
    // hr: leave 04-10; contractors (same email): leave 04-30 → employed through 04-30, stale
    // 05-01 00:00 JST, deadline 05-02 00:00 JST.
    const people = [hr({ employeeId: 'E1', email: K, leaveDate: '2026-04-10' }, 'hr'), hr({ employeeId: 'C7', email: K, leaveDate: '2026-04-30' }, 'contractors')];
    // Disabled 05-01 10:00 JST (IdP time): on time for 05-02 00:00 (it would be late for 04-12). 1 / 1.
    const onTime = run(people, [account(K, {}, [['2026-05-02T00:00:00Z', disabled(K, { statusChangedAt: '2026-05-01T10:00:00+09:00' })]])]);
    expect([onTime.numerator, onTime.denominator]).toEqual([1, 1]);
    // Still enabled: 05-02 00:00 → T = 18 d 12 h → 19 days.
    const open = run(people, [account(K)]);
    expect([open.numerator, open.denominator]).toEqual([0, 1]);
    expect(open.failing[0]?.details).toMatchObject({ staleSince: '2026-05-01T00:00:00.000+09:00', deadline: '2026-05-02T00:00:00.000+09:00', daysOverdue: 19 });
    // Still employed in the other source (no leave date): not a leaver → no_data.
    const employed = run([people[0]!, hr({ employeeId: 'C7', email: K }, 'contractors')], [account(K)]);
    expect([employed.denominator, employed.status]).toEqual([0, 'no_data']);
  });

  it('an account overdue for over a year is still carried over', () => {
    // Leave 2024-12-31 → stale 2025-01-01 00:00, deadline 2025-01-02 00:00 JST; enabled at T.
    // 2025-01-02 → 2026-01-02 = 365 d; → 2026-05-02 = +31+28+31+30 = 485 d; → 05-20 12:00 = 503 d 12 h → 504.
    const r = run([hr({ employeeId: 'E1', email: K, leaveDate: '2024-12-31' })], [account(K)]);
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing[0]?.details.daysOverdue).toBe(504);
  });

  it('the quarter follows the fiscal-year start month', () => {
    // Leave 04-25 → stale 04-26 00:00, deadline 04-27 00:00 JST; disabled at the observation
    // 2026-04-27T15:00Z = 04-28 00:00 JST: exactly 1 day late.
    const people = [hr({ employeeId: 'E1', email: K, leaveDate: '2026-04-25' })];
    const accounts = [account(K, {}, [['2026-04-27T15:00:00Z', disabled(K)]])];
    // Fiscal April: quarter from 04-01 → stale in the period → 0 / 1, 1 day overdue.
    const april = run(people, accounts);
    expect([april.numerator, april.denominator]).toEqual([0, 1]);
    expect(april.failing[0]?.details.daysOverdue).toBe(1);
    // Fiscal February: quarters Feb–Apr, May–Jul → from 05-01 00:00 JST; stale before, disabled
    // before the start → outside → no_data.
    const feb = run(people, accounts, { org: { ...TOKYO, fiscalYearStartMonth: 2 } });
    expect([feb.denominator, feb.status, feb.period.from]).toEqual([0, 'no_data', '2026-05-01T00:00:00.000+09:00']);
    // Fiscal April, half-year: from 04-01 → in → 0 / 1; year: also from 04-01 → 0 / 1.
    expect(run(people, accounts, { period: 'half-year' }).denominator).toBe(1);
    expect(run(people, accounts, { period: 'year' }).period.from).toBe('2026-04-01T00:00:00.000+09:00');
    // month (May, from 05-01 00:00 JST): disabled before the month began → outside → no_data.
    expect(run(people, accounts, { period: 'month' }).denominator).toBe(0);
  });

  it('a fiscal year from April spans the calendar-year change', () => {
    // T = 2026-03-15 12:00 JST. Leave 2025-04-05 → stale 2025-04-06 00:00, deadline 04-07 00:00 JST;
    // disabled at the observation 2025-06-01T00:00Z = 09:00 JST: late by Apr 7→May 7 30 d + →Jun 1 25 d
    // = 55 d 9 h → 56 days.
    const at = '2026-03-15T12:00:00+09:00';
    const people = [hr({ employeeId: 'E1', email: K, leaveDate: '2025-04-05' })];
    const accounts = [account(K, {}, [['2025-06-01T00:00:00Z', disabled(K)]])];
    // Fiscal April, year: from 2025-04-01 00:00 JST → stale in the period → 0 / 1.
    const fy = run(people, accounts, { period: 'year', at });
    expect([fy.numerator, fy.denominator, fy.period.from]).toEqual([0, 1, '2025-04-01T00:00:00.000+09:00']);
    expect(fy.failing[0]?.details.daysOverdue).toBe(56);
    // Fiscal April, quarter at 03-15: Q4 from 2026-01-01 → stale and disabled before → no_data.
    expect(run(people, accounts, { at }).denominator).toBe(0);
    // Fiscal January, year: from 2026-01-01 → no_data.
    expect(run(people, accounts, { period: 'year', at, org: { ...TOKYO, fiscalYearStartMonth: 1 } }).denominator).toBe(0);
  });

  it('dormant: the access-log success is found through the account\'s email attribute', () => {
    // aki (employed). Account login "x-9f3a" (opaque), email aki.mori@…; IdP last login 2026-03-01T00:00Z;
    // access logs: last success 2026-04-15T00:00Z (09:00 JST) under aki.mori@example.co.jp.
    // dormantDays 30: last = 04-15 09:00 JST (later) → stale 05-15 09:00, deadline 05-16 09:00 JST;
    // enabled at T: 4 d 3 h → 5 days. (From the IdP time alone it would be 03-31 09:00 → 50 days.)
    const people = [hr({ employeeId: 'E3', email: 'aki.mori@example.co.jp', hireDate: '2020-04-01' })];
    const accounts = [account('x-9f3a', { email: 'aki.mori@example.co.jp', lastLoginAt: '2026-03-01T00:00:00Z' })];
    const r = staleAccountDeletionRate(
      bundle({ people, accounts, accessLastSuccess: new Map([['aki.mori@example.co.jp', '2026-04-15T00:00:00Z']]) }),
      ctx(obj({ includeDormant: true, dormantDays: 30 }), T),
    );
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing[0]?.details).toMatchObject({ kind: 'dormant', owner: 'aki.mori@example.co.jp', staleSince: '2026-05-15T09:00:00.000+09:00', daysOverdue: 5 });
  });

  it('a calendar period starts at midnight in the organisation zone, not UTC', () => {
    // T = 2026-05-01 12:00 JST; month = May from 05-01 00:00 JST = 2026-04-30T15:00Z.
    // Orphan first seen 2026-04-30T14:00Z (23:00 JST 04-30) → stale then; graceDays 0 → deadline the same.
    // Deleted at the export of 2026-04-30T16:00Z (01:00 JST 05-01): still present at the period
    // start (15:00Z) → carried over; removed 2 h late → ⌈2/24⌉ = 1 day. 0 / 1.
    // (A UTC month would start 05-01T00:00Z, after the deletion: no population.)
    const o = versioned('okta', 'o', [['2026-04-30T14:00:00Z', acct('o@example.co.jp')], ['2026-04-30T16:00:00Z', null]]);
    const r = run([], [o], { params: { graceDays: 0 }, period: 'month', at: '2026-05-01T12:00:00+09:00' });
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing[0]?.details).toMatchObject({ kind: 'orphan', daysOverdue: 1, disabledAt: '2026-05-01T01:00:00.000+09:00' });
  });

  it('service accounts by IdP type compare after width and case folding', () => {
    // types [Service]; the IdP says "ＳＥＲＶＩＣＥ" (full width) → NFKC "service" → a service account:
    // outside the KPI though its email is a leaver's. Ken's own account: leave 04-10, enabled → 0 / 1.
    const r = run([hr({ employeeId: 'E1', email: K, leaveDate: '2026-04-10' })], [account('robot', { email: K, accountType: 'ＳＥＲＶＩＣＥ' }), account(K)], {
      ids: identity({ serviceAccounts: { loginPatterns: [], types: ['Service'] } }),
    });
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing.map((f) => f.id)).toEqual([K]);
    expect(r.notes?.map((n) => n.id)).toEqual(['robot']);
  });

  it('HR "left" status compares case-insensitively (TERMINATED), stale from its first observation', () => {
    // Status TERMINATED first seen 2026-05-10T00:00Z = 05-10 09:00 JST → deadline 05-11 09:00.
    // Enabled at T: 9 d 3 h → 10 days.
    const p = versioned<PersonRecord>('hr', 'E1', [
      ['2025-01-01T00:00:00Z', { employeeId: 'E1', email: K, status: 'Active' }],
      ['2026-05-10T00:00:00Z', { employeeId: 'E1', email: K, status: 'TERMINATED' }],
    ]);
    const r = run([p], [account(K)]);
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing[0]?.details).toMatchObject({ staleSince: '2026-05-10T09:00:00.000+09:00', daysOverdue: 10 });
  });

  it('status: a value equal to the warning is at_risk', () => {
    // Two leavers (04-10): one disabled on time (04-11 10:00 JST ≤ 04-12 00:00), one still enabled. 1 / 2 = 0.5; warning 0.5 → at_risk.
    const people = [hr({ employeeId: 'A', email: 'a@example.co.jp', leaveDate: '2026-04-10' }), hr({ employeeId: 'B', email: 'b@example.co.jp', leaveDate: '2026-04-10' })];
    const accounts = [account('a@example.co.jp', {}, [['2026-04-12T00:00:00Z', disabled('a@example.co.jp', { statusChangedAt: '2026-04-11T10:00:00+09:00' })]]), account('b@example.co.jp')];
    const r = run(people, accounts, { over: { warning: 0.5 } });
    expect([r.value, r.status]).toEqual([0.5, 'at_risk']);
    const r2 = run(people, accounts, { over: { warning: 0.6 } });
    expect(r2.status).toBe('missed');
  });

  it('default target and direction: at_least 1.0', () => {
    const o = parseObjective({ id: 'o', title: 'o', kpi: 'stale-account-deletion-rate', period: 'quarter' });
    expect([o.target, o.direction]).toEqual([1, 'at_least']);
  });

  it('evidence observed at or before T: a deletion seen exactly at T counts, 1 ms later it does not', async () => {
    // T = 2026-05-20 00:00 JST. Leave 05-18 → stale 05-19 00:00, deadline 05-20 00:00 = T.
    // okta 2026-04-01: the account present. A second export without it, observed at T: deleted at T
    // ≤ deadline → 1 / 1. Observed at T + 1 ms: not yet known at T → enabled → 0 / 1, 0 days overdue.
    const at = new Date('2026-05-20T00:00:00+09:00');
    const evalWith = async (deletedSeenAt: Date) => {
      const dir = mkdtempSync(join(tmpdir(), 'stale-review-'));
      const config = parseConfig(
        `organisation: { name: Example KK, timeZone: Asia/Tokyo, fiscalYearStartMonth: 4, internalDomains: [example.co.jp], defaultLoginDomain: example.co.jp }
sources:
  - { id: hr, kind: hr-roster, path: hr.csv }
  - { id: okta, kind: idp, format: okta-json, path: okta.json }
objectives:
  - { id: leavers, title: Leavers, kpi: stale-account-deletion-rate, period: quarter }
`,
        join(dir, 'isms.yaml'),
      );
      const store = createMemoryStore();
      try {
        await store.writeSnapshot({ source: 'hr', kind: 'person', observedAt: new Date('2026-04-01T00:00:00Z'), records: [{ key: 'E1', data: { employeeId: 'E1', email: K, leaveDate: '2026-05-18' } }] });
        await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: new Date('2026-04-01T00:00:00Z'), records: [{ key: 'o-k', data: acct(K, { accountId: 'o-k' }) }] });
        await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: deletedSeenAt, records: [] });
        return (await evaluateObjectives(store, config, at))[0]!;
      } finally {
        await store.close();
      }
    };
    const seenAtT = await evalWith(at);
    expect([seenAtT.numerator, seenAtT.denominator]).toEqual([1, 1]);
    const seenLater = await evalWith(new Date(at.getTime() + 1));
    expect([seenLater.numerator, seenLater.denominator]).toEqual([0, 1]);
    expect(seenLater.failing[0]?.details).toMatchObject({ disabledAt: null, daysOverdue: 0 });
  });
});
