/**
 * Review of training-completion-rate against KPIS.md: edge cases the first audit does not pin.
 * Asia/Tokyo, fiscal year from April. Expected values by hand.
 */
import { describe, expect, it } from 'vitest';
import { configSchema, parseObjective } from '../../../src/config/schema.ts';
import type { CompletionRecord } from '../../../src/evidence/records.ts';
import { trainingCompletionRate } from '../../../src/kpi/training-completion-rate.ts';
import { bundle, ctx, hr, identity, TOKYO, versioned } from '../helpers.ts';

const obj = (params: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'training-completion-rate', target: 1, direction: 'at_least', period: 'quarter', params, ...over });
const at = (l: string) => `${l}@example.co.jp`;
const c = (person: string, completedAt: string, course = 'Security'): CompletionRecord => ({ person, course, completedAt });

describe('training-completion-rate (review)', () => {
  it('T at midnight in Tokyo: grace and leave day are whole days in the organisation zone', () => {
    // T = 2026-05-20 00:00 JST = 2026-05-19 15:00 Z; quarter [2026-04-01 00:00 JST, T].
    const T = '2026-05-19T15:00:00Z';
    const people = [
      hr({ employeeId: 'E1', email: at('h1'), hireDate: '2026-04-20' }), // 04-20 00:00 JST + 30 d = 05-20 00:00 JST = T ≤ T: in (in UTC it would be 09:00 JST > T)
      hr({ employeeId: 'E2', email: at('h2'), hireDate: '2026-04-21' }), // + 30 d = 05-21 00:00 JST > T: out
      hr({ employeeId: 'E3', email: at('l1'), leaveDate: '2026-05-19' }), // last day 05-19, left from 05-20 00:00 JST = T: out
      hr({ employeeId: 'E4', email: at('l2'), leaveDate: '2026-05-20' }), // leaves on T's day: active through it: in
    ];
    const completions = [c(at('h1'), '2026-04-30T10:00:00+09:00'), c(at('l1'), '2026-04-30T10:00:00+09:00')];
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }), T));
    // Population h1, l2 = 2; completed h1 = 1 → 0.5.
    expect([r.numerator, r.denominator, r.value]).toEqual([1, 2, 0.5]);
    expect(r.failing.map((f) => f.id)).toEqual([at('l2')]);
  });

  it('newHireGraceDays 0: hired on T’s day is in; hired the day after T is a future joiner', () => {
    const T = '2026-05-20T12:00:00+09:00';
    const people = [
      hr({ employeeId: 'E1', email: at('a'), hireDate: '2026-05-20' }), // 05-20 00:00 + 0 d ≤ T: in
      hr({ employeeId: 'E2', email: at('b'), hireDate: '2026-05-21' }), // future: out
    ];
    const r = trainingCompletionRate(bundle({ people, completions: [c(at('a'), '2026-05-20T09:00:00+09:00')] }), ctx(obj({ courses: ['Security'], newHireGraceDays: 0 }), T));
    // Population a = 1; completed 1 → 1.0, met.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([1, 1, 1, 'met']);
  });

  it('fiscal half-year (April start) in Tokyo: October to T', () => {
    // T = 2026-11-20 12:00 JST → half-year [2026-10-01 00:00 JST, T]; 10-01 00:00 JST = 09-30 15:00 Z.
    const T = '2026-11-20T12:00:00+09:00';
    const people = ['a', 'b', 'c', 'd'].map((l, i) => hr({ employeeId: `E${i}`, email: at(l) }));
    const completions = [
      c(at('a'), '2026-09-30T15:00:00Z'), // = 10-01 00:00 JST: in
      c(at('b'), '2026-09-30T14:59:59Z'), // 09-30 23:59:59 JST: previous half-year
      c(at('c'), '2026-10-01'), // a date alone: the day in Tokyo, 10-01: in
      c(at('d'), '2026-11-20T03:00:00.001Z'), // 1 ms after T: out
    ];
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }, { period: 'half-year' }), T));
    // Population 4; completed a, c = 2 → 0.5.
    expect([r.numerator, r.denominator, r.value]).toEqual([2, 4, 0.5]);
    expect(r.failing.map((f) => f.id).sort()).toEqual([at('b'), at('d')]);
  });

  it('fiscal year (April start): a February T belongs to the year that began the previous April', () => {
    // T = 2027-02-10 12:00 JST → year [2026-04-01 00:00 JST, T].
    const T = '2027-02-10T12:00:00+09:00';
    const people = [hr({ employeeId: 'E1', email: at('a') }), hr({ employeeId: 'E2', email: at('b') })];
    const completions = [c(at('a'), '2026-04-01T00:00:00+09:00'), c(at('b'), '2026-03-31T23:59:59+09:00')];
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }, { period: 'year' }), T));
    // a in (the year's first instant), b out → 1 / 2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.period.from).toBe('2026-04-01T00:00:00.000+09:00');
  });

  it('completions matched by employee id, login, alias and email in any case count for the person', () => {
    const T = '2026-05-20T12:00:00+09:00';
    const people = [
      hr({ employeeId: 'E1', email: at('a') }),
      hr({ employeeId: 'E2', email: at('b'), logins: ['bee'] }),
      hr({ employeeId: 'E3', email: at('c') }),
      hr({ employeeId: 'E4', email: at('d') }),
      hr({ employeeId: 'E5', email: at('e') }),
    ];
    const completions = [
      c('E1', '2026-04-10T10:00:00+09:00'), // employee id → a
      c('bee', '2026-04-10T10:00:00+09:00'), // HR login → b
      c('c-old-login', '2026-04-10T10:00:00+09:00'), // alias → c
      c(' D@Example.CO.JP ', '2026-04-10T10:00:00+09:00'), // email, case-insensitive → d
      c('nobody@example.co.jp', '2026-04-10T10:00:00+09:00'), // matches nobody: not e's
    ];
    const id = identity({ aliases: { 'c-old-login': at('c') } });
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }), T, { identity: id }));
    // Population 5; completed a, b, c, d = 4 → 0.8.
    expect([r.numerator, r.denominator, r.value]).toEqual([4, 5, 0.8]);
    expect(r.failing.map((f) => f.id)).toEqual([at('e')]);
  });

  it('identity keys in the configured order decide between two people', () => {
    const T = '2026-05-20T12:00:00+09:00';
    // 'x1' is X's employee id and Y's HR login.
    const people = [hr({ employeeId: 'x1', email: at('x') }), hr({ employeeId: 'Y9', email: at('y'), logins: ['x1'] })];
    const completions = [c('x1', '2026-04-10T10:00:00+09:00')];
    // Default order email, employee id, login → X completed; Y did not → 1 / 2, failing y.
    const r1 = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }), T));
    expect([r1.numerator, r1.denominator]).toEqual([1, 2]);
    expect(r1.failing.map((f) => f.id)).toEqual([at('y')]);
    // Order login first → Y completed; X did not.
    const r2 = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }), T, { identity: identity({ keys: ['login', 'employeeId', 'email'] }) }));
    expect([r2.numerator, r2.denominator]).toEqual([1, 2]);
    expect(r2.failing.map((f) => f.id)).toEqual([at('x')]);
  });

  it('anyOf: one of the courses suffices; with courses too, both rules apply', () => {
    const T = '2026-05-20T12:00:00+09:00';
    const people = ['a', 'b', 'c'].map((l, i) => hr({ employeeId: `E${i}`, email: at(l) }));
    const completions = [
      c(at('a'), '2026-04-10T10:00:00+09:00', 'E-learning B'),
      c(at('b'), '2026-04-10T10:00:00+09:00', 'Other'),
      c(at('b'), '2026-03-10T10:00:00+09:00', 'E-learning A'), // last quarter
      c(at('c'), '2026-04-10T10:00:00+09:00', 'E-learning A'),
      c(at('c'), '2026-04-11T10:00:00+09:00', 'Privacy'),
    ];
    const anyOf = ['E-learning A', 'E-learning B'];
    const r1 = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ anyOf }), T));
    // a (B), c (A) → 2 / 3.
    expect([r1.numerator, r1.denominator]).toEqual([2, 3]);
    expect(r1.failing.map((f) => f.id)).toEqual([at('b')]);
    const r2 = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ anyOf, courses: ['Privacy'] }), T));
    // Only c has Privacy and one of A/B → 1 / 3.
    expect([r2.numerator, r2.denominator]).toEqual([1, 3]);
  });

  it('leavers by status or removal from the roster are out; department filter at T; warning', () => {
    const T = '2026-05-20T12:00:00+09:00';
    const people = [
      hr({ employeeId: 'E1', email: at('a'), department: 'Sales' }),
      hr({ employeeId: 'E2', email: at('b'), department: 'Sales' }),
      hr({ employeeId: 'E3', email: at('c'), department: 'Sales' }),
      hr({ employeeId: 'E4', email: at('d'), department: 'Sales' }),
      hr({ employeeId: 'E5', email: at('e'), department: 'Sales' }),
      hr({ employeeId: 'E6', email: at('f'), department: 'IT' }), // another department: out
      // HR status "left" first seen 05-01 (no leave date): left by T: out.
      versioned('hr', 'E7', [['2025-01-01T00:00:00Z', { employeeId: 'E7', email: at('g'), department: 'Sales' }], ['2026-05-01T00:00:00Z', { employeeId: 'E7', email: at('g'), department: 'Sales', status: 'left' }]]),
      // Removed from the roster 05-10: left by T: out.
      versioned('hr', 'E8', [['2025-01-01T00:00:00Z', { employeeId: 'E8', email: at('h'), department: 'Sales' }], ['2026-05-10T00:00:00Z', null]]),
    ];
    const completions = ['a', 'b', 'c', 'd', 'f', 'g', 'h'].map((l) => c(at(l), '2026-04-10T10:00:00+09:00'));
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'], departments: ['sales'] }, { warning: 0.8 }), T));
    // Population a b c d e = 5; completed a b c d = 4 → 0.8; target 1, warning 0.8 → at_risk.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([4, 5, 0.8, 'at_risk']);
    expect(r.failing.map((f) => f.id)).toEqual([at('e')]);
  });

  it('rolling 90 days: (T − 90 d, T]', () => {
    // T = 2026-05-20 12:00 JST; T − 90 d = 2026-02-19 12:00 JST.
    const T = '2026-05-20T12:00:00+09:00';
    const people = [hr({ employeeId: 'E1', email: at('a') }), hr({ employeeId: 'E2', email: at('b') })];
    const completions = [c(at('a'), '2026-02-19T12:00:00+09:00'), c(at('b'), '2026-02-19T12:00:01+09:00')];
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }, { period: 'rolling 90 days' }), T));
    // a exactly at the open start: not counted; b in → 1 / 2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => f.id)).toEqual([at('a')]);
  });
  it('a quarter across the year end with a February fiscal start (Nov–Jan), and the default January start', () => {
    // fiscalYearStartMonth 2: quarters Feb–Apr, May–Jul, Aug–Oct, Nov–Jan. T = 2027-01-15 12:00 JST → [2026-11-01 00:00 JST, T].
    const T = '2027-01-15T12:00:00+09:00';
    const people = [hr({ employeeId: 'E1', email: at('a') }), hr({ employeeId: 'E2', email: at('b') }), hr({ employeeId: 'E3', email: at('c') })];
    const completions = [
      c(at('a'), '2026-11-01T00:00:00+09:00'), // first instant: in (Feb start); out with a January start (quarter from 2027-01-01)
      c(at('b'), '2026-10-31T23:59:59+09:00'), // previous quarter either way
      c(at('c'), '2027-01-01T00:00:00+09:00'), // in either way
    ];
    const feb = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }), T, { org: { ...TOKYO, fiscalYearStartMonth: 2 } }));
    // Feb start: a, c → 2 / 3.
    expect([feb.numerator, feb.denominator]).toEqual([2, 3]);
    expect(feb.period.from).toBe('2026-11-01T00:00:00.000+09:00');
    // The schema's default fiscal-year start is January (1).
    const jan = configSchema.parse({ organisation: { name: 'x', timeZone: 'Asia/Tokyo', internalDomains: ['example.co.jp'] } }).organisation;
    expect(jan.fiscalYearStartMonth).toBe(1);
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }), T, { org: jan }));
    // Default January: quarter [2027-01-01 00:00 JST, T]: c only → 1 / 3.
    expect([r.numerator, r.denominator]).toEqual([1, 3]);
    expect(r.period.from).toBe('2027-01-01T00:00:00.000+09:00');
  });
});
