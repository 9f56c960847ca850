/**
 * Review of phishing-click-rate (and its phishing-report-rate sibling) against KPIS.md: edge cases
 * the first audit does not pin. Asia/Tokyo, fiscal year from April; campaigns and T in
 * phishing-fixtures.ts (T = 2026-11-20 12:00 JST, quarter [2026-10-01 00:00 JST, T]).
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import { phishingClickRate } from '../../../src/kpi/phishing-click-rate.ts';
import { phishingReportRate } from '../../../src/kpi/phishing-report-rate.ts';
import { bundle, ctx, hr, identity } from '../helpers.ts';
import { at, drill, T } from './phishing-fixtures.ts';

const obj = (over: Record<string, unknown> = {}) => parseObjective({ id: 'o', title: 'o', kpi: 'phishing-click-rate', target: 0.1, direction: 'at_most', period: 'quarter', ...over });

describe('phishing-click-rate (review)', () => {
  it('a person in several campaigns is one recipient per campaign; launched exactly at T is in', () => {
    const phishing = [
      drill('A', 'p1', { clicked: true }),
      drill('B', 'p1'),
      drill('A', 'p2'),
      drill('B', 'p2', { submitted: true }),
      drill('T', 'p1', { launchedAt: T, clicked: true }), // launched exactly at T: in
      drill('F', 'p2', { clicked: true }), // launched 1 s after T: out
    ];
    const r = phishingClickRate(bundle({ phishing }), ctx(obj(), T));
    // Population (A,p1) (B,p1) (A,p2) (B,p2) (T,p1) = 5; failures (A,p1) (B,p2) (T,p1) = 3 → 0.6.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([3, 5, 0.6, 'missed']);
  });

  it("a campaign's launch is its earliest send: a campaign begun last quarter is out as a whole", () => {
    const phishing = [
      drill('X', 'p1', { launchedAt: '2026-09-30T23:00:00+09:00', clicked: true }), // X launched 09-30: last quarter
      drill('X', 'p2', { launchedAt: '2026-10-01T10:00:00+09:00', clicked: true }), // a later send of X: out with X
      drill('A', 'p3'),
    ];
    const r = phishingClickRate(bundle({ phishing }), ctx(obj(), T));
    // Population (A,p3) = 1; failures 0 → 0, met.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([0, 1, 0, 'met']);
  });

  it('launch times without a zone are read in the organisation zone', () => {
    const phishing = [
      drill('N1', 'p1', { launchedAt: '2026-09-30T20:00:00', clicked: true }), // Tokyo 09-30 20:00: out (in UTC it would be 10-01 05:00 JST)
      drill('N2', 'p2', { launchedAt: '2026-10-01T00:00:00', clicked: true }), // Tokyo 10-01 00:00: the quarter's first instant: in
      drill('N2', 'p3', { launchedAt: '2026-10-01T00:00:00' }),
    ];
    const r = phishingClickRate(bundle({ phishing }), ctx(obj(), T));
    // Population (N2,p2) (N2,p3) = 2; failures p2 = 1 → 0.5.
    expect([r.numerator, r.denominator, r.value]).toEqual([1, 2, 0.5]);
  });

  it('two addresses of one person (alias, HR login, letter case) are one recipient per campaign', () => {
    const people = [hr({ employeeId: 'E1', email: at('taro'), logins: ['t.yamada'] }), hr({ employeeId: 'E2', email: at('hanako') })];
    const id = identity({ aliases: { 'yamada-old@example.co.jp': at('taro') } });
    const phishing = [
      drill('A', 'taro'),
      { ...drill('A', 'x', { clicked: true }), email: 'yamada-old@example.co.jp' }, // alias of taro
      { ...drill('A', 'x'), email: 'T.Yamada' }, // HR login of taro
      { ...drill('A', 'x', { reported: true }), email: 'HANAKO@EXAMPLE.CO.JP' }, // hanako, another case
      { ...drill('A', 'x'), email: 'Outsider@Partner.example' }, // nobody in HR: the address…
      { ...drill('A', 'x', { clicked: true }), email: 'outsider@partner.example ' }, // …compared case-insensitively: same recipient
    ];
    const r = phishingClickRate(bundle({ people, phishing }), ctx(obj(), T, { identity: id }));
    // Population taro, hanako, outsider = 3; failures taro (via the alias row), outsider = 2 → 2/3.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.value).toBeCloseTo(2 / 3, 12);
    const rr = phishingReportRate(bundle({ people, phishing }), ctx(parseObjective({ id: 'o', title: 'o', kpi: 'phishing-report-rate', target: 0.5, direction: 'at_least', period: 'quarter' }), T, { identity: id }));
    // Reported: hanako = 1 of 3.
    expect([rr.numerator, rr.denominator]).toEqual([1, 3]);
  });

  it('bounced sends are out; a campaign whose sends all bounced gives no_data', () => {
    const all = [drill('A', 'p1', { delivered: false, status: 'Error' }), drill('A', 'p2', { delivered: false, status: 'Error', clicked: true })];
    const r = phishingClickRate(bundle({ phishing: all }), ctx(obj(), T));
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([0, 0, null, 'no_data']);
  });

  it('exactly at the target is met; between target and warning is at_risk', () => {
    // 10 recipients of A, 1 click → 0.1 ≤ 0.1 → met; 2 clicks → 0.2 ≤ warning 0.2 → at_risk; 3 → 0.3 > 0.2 → missed.
    const rows = (clicks: number) => Array.from({ length: 10 }, (_, i) => drill('A', `p${i}`, { clicked: i < clicks }));
    const o = obj({ warning: 0.2 });
    expect(phishingClickRate(bundle({ phishing: rows(1) }), ctx(o, T)).status).toBe('met');
    expect(phishingClickRate(bundle({ phishing: rows(2) }), ctx(o, T)).status).toBe('at_risk');
    expect(phishingClickRate(bundle({ phishing: rows(3) }), ctx(o, T)).status).toBe('missed');
  });

  it('rolling 30 days: a campaign launched exactly at T − 30 d is out', () => {
    // T − 30 d = 2026-10-21 12:00 JST.
    const phishing = [
      drill('R0', 'p1', { launchedAt: '2026-10-21T12:00:00+09:00', clicked: true }), // out
      drill('R1', 'p1', { launchedAt: '2026-10-21T12:00:01+09:00', clicked: true }), // in
      drill('R1', 'p2', { launchedAt: '2026-10-21T12:00:01+09:00' }), // in
    ];
    const r = phishingClickRate(bundle({ phishing }), ctx(obj({ period: 'rolling 30 days' }), T));
    // Population (R1,p1) (R1,p2) = 2; failure p1 → 0.5.
    expect([r.numerator, r.denominator, r.value]).toEqual([1, 2, 0.5]);
  });

  it('people who left or joined are still recipients; a department filter keeps HR-known recipients of it', () => {
    const people = [
      hr({ employeeId: 'E1', email: at('a'), department: 'Sales', leaveDate: '2026-10-15' }), // left after the drill: still a recipient
      hr({ employeeId: 'E2', email: at('b'), department: 'Sales', hireDate: '2026-10-01' }),
      hr({ employeeId: 'E3', email: at('c'), department: 'IT' }),
    ];
    const phishing = [drill('A', 'a', { clicked: true }), drill('A', 'b'), drill('A', 'c', { clicked: true }), drill('A', 'stranger', { clicked: true })];
    const all = phishingClickRate(bundle({ people, phishing }), ctx(obj(), T));
    // Everyone: a b c stranger = 4; failures a c stranger = 3.
    expect([all.numerator, all.denominator]).toEqual([3, 4]);
    const sales = phishingClickRate(bundle({ people, phishing }), ctx(obj({ params: { departments: ['SALES'] } }), T));
    // Sales: a, b = 2; failure a = 1 → 0.5.
    expect([sales.numerator, sales.denominator, sales.value]).toEqual([1, 2, 0.5]);
  });
});
