/**
 * Review of leaver-activity-count against KPIS.md: edge cases the audit file does not pin, by
 * hand. Asia/Tokyo (+09:00), fiscal year from April, default login domain example.co.jp.
 * T = 2026-05-20 12:00 JST; the quarter is [2026-04-01 00:00 JST, T]. A leave date D makes the
 * owner's accounts stale from D+1 00:00 JST (no grace for this KPI).
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { AccessDayRecord, PersonRecord, Versioned } from '../../../src/evidence/records.ts';
import { leaverActivityCount, type AccessDayRow } from '../../../src/kpi/leaver-activity-count.ts';
import { account, bundle, ctx, hr, identity, versioned } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const K = 'ken.ito@example.co.jp';
const obj = (period = 'quarter', over: Record<string, unknown> = {}) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'leaver-activity-count', target: 0, direction: 'at_most', period, ...over });

/** One day's successes at the given JST wall-clock times (HH:MM:SS.mmm), as a collector would aggregate them. */
function logins(account: string, day: string, times: string[], source = 'web'): AccessDayRow {
  const ms = times.map((t) => Date.parse(`${day}T${t}+09:00`)).sort((a, b) => a - b);
  const start = Date.parse(`${day}T00:00:00+09:00`);
  const byHour: number[] = [];
  for (const m of ms) {
    const h = Math.floor((m - start) / 3_600_000);
    while (byHour.length <= h) byHour.push(0);
    byHour[h]!++;
  }
  const iso = (m: number) => new Date(m).toISOString();
  const data: AccessDayRecord = { account, day, successes: ms.length, failures: 0, lastSuccessAt: iso(ms[ms.length - 1]!), successesByHour: byHour };
  if (ms.length > 1) data.firstSuccessAt = iso(ms[0]!);
  return { source, data };
}

const ken = (over: Partial<PersonRecord> = {}) => hr({ employeeId: 'E1', email: K, leaveDate: '2026-05-09', ...over });
const count = (people: Versioned<PersonRecord>[], rows: AccessDayRow[], opts: { period?: string; ids?: ReturnType<typeof identity>; accounts?: ReturnType<typeof account>[]; over?: Record<string, unknown> } = {}) =>
  leaverActivityCount(bundle({ people, accounts: opts.accounts ?? [] }), rows, ctx(obj(opts.period, opts.over), T, { identity: opts.ids ?? identity() }));

describe('leaver-activity-count (review)', () => {
  it('bare, DOMAIN\\user, upper-case, aliased and employee-id log names all reach the leaver', () => {
    // Ken left 05-09 → stale 05-10 00:00 JST. Every row below is after that and before T.
    const rows = [
      logins('EXAMPLE\\Ken.Ito', '2026-05-11', ['10:00:00']), // → ken.ito → default domain: 1
      logins('kito', '2026-05-12', ['09:00:00', '17:00:00']), // alias → ken: 2
      logins('KEN.ITO@EXAMPLE.CO.JP', '2026-05-13', ['10:00:00']), // case-insensitive email: 1
      logins('e1', '2026-05-14', ['10:00:00']), // employee id: 1
    ];
    const r = count([ken()], rows, { ids: identity({ aliases: { kito: K } }) });
    // 1 + 2 + 1 + 1 = 5; four log accounts in the population.
    expect([r.value, r.denominator, r.status]).toEqual([5, 4, 'missed']);
    expect(r.failing.map((f) => [f.id, f.details.count, f.details.owner])).toEqual([
      ['e1', 1, K],
      ['KEN.ITO@EXAMPLE.CO.JP', 1, K],
      ['kito', 2, K],
      ['EXAMPLE\\Ken.Ito', 1, K],
    ]);
  });

  it('a log name known only as an IdP login of the leaver counts', () => {
    // The IdP account "kenito-x" carries ken's email; the log says "kenito-x": ken's account. 05-12: 1.
    const r = count([ken()], [logins('kenito-x', '2026-05-12', ['10:00:00'])], { accounts: [account('kenito-x', { email: K })] });
    expect([r.value, r.failing[0]?.details.owner]).toEqual([1, K]);
  });

  it('rolling 7 days: the start instant is outside, 1 ms later is inside, T itself is inside', () => {
    // T − 7 d = 05-13 12:00:00.000 JST; the period is (that, T].
    const rows = [
      logins('ken.ito', '2026-05-13', ['12:00:00.000', '12:00:00.001']), // the first is the open start: 1
      logins('ken.ito', '2026-05-20', ['12:00:00.000']), // exactly T: 1
    ];
    const r = count([ken()], rows, { period: 'rolling 7 days' });
    expect([r.value, r.denominator]).toEqual([2, 1]);
    expect(r.failing[0]?.details).toMatchObject({ count: 2, lastEvent: '2026-05-20T12:00:00.000+09:00', partialDay: false });
  });

  it('re-hired on the day of T: the hire date is a whole day from 00:00 JST', () => {
    // E1 left 04-10 → stale 04-11; E9 (same email) hired 2026-05-20 → employed from 05-20 00:00 JST.
    // 05-19 23:00 is before the re-hire: 1. 05-20 08:00 is while employed: 0.
    const people = [ken({ leaveDate: '2026-04-10' }), hr({ employeeId: 'E9', email: K, hireDate: '2026-05-20' })];
    const r = count(people, [logins('ken.ito', '2026-05-19', ['23:00:00']), logins('ken.ito', '2026-05-20', ['08:00:00'])]);
    expect(r.value).toBe(1);
    expect(r.failing[0]?.details).toMatchObject({ staleSince: '2026-04-11T00:00:00.000+09:00', lastEvent: '2026-05-19T23:00:00.000+09:00' });
  });

  it('a re-hire that starts after T does not end the departure', () => {
    // Left 04-10 (stale 04-11), re-hire 2026-06-01 > T: a login on 05-12 is after leaving: 1.
    const people = [ken({ leaveDate: '2026-04-10' }), hr({ employeeId: 'E9', email: K, hireDate: '2026-06-01' })];
    expect(count(people, [logins('ken.ito', '2026-05-12', ['10:00:00'])]).value).toBe(1);
  });

  it('a person still employed in another HR source is not a leaver', () => {
    // hr says left 05-09; contractors (same email) has no leave date: employed at every instant → 0.
    const people = [ken(), hr({ employeeId: 'C7', email: K }, 'contractors')];
    const r = count(people, [logins('ken.ito', '2026-05-12', ['10:00:00'])]);
    expect([r.value, r.denominator, r.status]).toEqual([0, 1, 'met']);
  });

  it('the same account in two logs on one day: the counts add', () => {
    // web 05-12: 1 (10:00); ssh 05-12: 2 (11:00, 15:00) → 3, one subject.
    const r = count([ken()], [logins('ken.ito', '2026-05-12', ['10:00:00']), logins('ken.ito', '2026-05-12', ['11:00:00', '15:00:00'], 'ssh')]);
    expect([r.value, r.failing.length, r.failing[0]?.details.count, r.failing[0]?.details.lastEvent]).toEqual([3, 1, 3, '2026-05-12T15:00:00.000+09:00']);
  });

  it('a "left" HR status (any case) ends employment at its first observation, inside a day', () => {
    // TERMINATED first seen 2026-05-10T00:00Z = 05-10 09:00 JST. Logins that day at 08:00 (before) and 10:00 (after): 1.
    const p = versioned<PersonRecord>('hr', 'E1', [
      ['2025-01-01T00:00:00Z', { employeeId: 'E1', email: K, status: 'Active' }],
      ['2026-05-10T00:00:00Z', { employeeId: 'E1', email: K, status: 'TERMINATED' }],
    ]);
    const r = count([p], [logins('ken.ito', '2026-05-10', ['08:00:00', '10:00:00'])]);
    expect(r.value).toBe(1);
    expect(r.failing[0]?.details).toMatchObject({ staleSince: '2026-05-10T09:00:00.000+09:00', lastEvent: '2026-05-10T10:00:00.000+09:00', partialDay: false });
  });

  it('status at_most with a warning: equal to the warning is at_risk, above it missed', () => {
    // 05-12: 2 logins after leaving → 2. Target 0, warning 2 → at_risk; warning 1 → missed.
    const rows = [logins('ken.ito', '2026-05-12', ['10:00:00', '11:00:00'])];
    expect(count([ken()], rows, { over: { warning: 2 } }).status).toBe('at_risk');
    expect(count([ken()], rows, { over: { warning: 1 } }).status).toBe('missed');
  });

  it('default target and direction: at_most 0', () => {
    const o = parseObjective({ id: 'o', title: 'o', kpi: 'leaver-activity-count', period: 'quarter' });
    expect([o.target, o.direction]).toEqual([0, 'at_most']);
  });
});
