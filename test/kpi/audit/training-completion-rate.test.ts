/**
 * Audit of training-completion-rate against KPIS.md, by hand. Asia/Tokyo, fiscal year from April.
 * T = 2026-05-20 12:00 JST; the quarter is [2026-04-01 00:00 JST, T]; newHireGraceDays 30.
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { CompletionRecord } from '../../../src/evidence/records.ts';
import { trainingCompletionRate } from '../../../src/kpi/training-completion-rate.ts';
import { bundle, ctx, hr } from '../helpers.ts';

const T = '2026-05-20T12:00:00+09:00';
const obj = (params: Record<string, unknown>) => parseObjective({ id: 'o', title: 'o', kpi: 'training-completion-rate', target: 1, direction: 'at_least', period: 'quarter', params });
const at = (l: string) => `${l}@example.co.jp`;
const c = (person: string, completedAt: string, course = 'Security'): CompletionRecord => ({ person, course, completedAt });

describe('training-completion-rate (audit)', () => {
  it('new-hire grace, leave day, period edges and T', () => {
    const people = [
      hr({ employeeId: 'E1', email: at('p1'), hireDate: '2026-04-20' }), // 04-20 00:00 + 30 d = 05-20 00:00 ≤ T: in
      hr({ employeeId: 'E2', email: at('p2'), hireDate: '2026-04-21' }), // + 30 d = 05-21 00:00 > T: out
      hr({ employeeId: 'E3', email: at('p3'), leaveDate: '2026-05-20' }), // active through the leave date (T's day): in
      hr({ employeeId: 'E4', email: at('p4'), leaveDate: '2026-05-19' }), // left: out
      hr({ employeeId: 'E5', email: at('p5') }),
      hr({ employeeId: 'E6', email: at('p6') }),
      hr({ employeeId: 'E7', email: at('p7') }),
      hr({ employeeId: 'E8', email: at('p8'), hireDate: '2026-06-01' }), // future joiner: out
    ];
    const completions = [
      c(at('p1'), '2026-04-01T00:00:00+09:00'), // the quarter's first instant: in the period
      c(at('p5'), '2026-03-31T23:59:59+09:00'), // last quarter: does not count
      c(at('p6'), '2026-05-20T12:00:00.001+09:00'), // after T: does not count
      c('P7@EXAMPLE.CO.JP', T), // exactly T: counts; email compared case-insensitively
      c(at('p4'), '2026-05-01T10:00:00+09:00'), // a leaver's completion: not in the population anyway
    ];
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security'] }), T));
    // Population p1 p3 p5 p6 p7 = 5; completed p1 p7 = 2 → 0.4.
    expect([r.numerator, r.denominator, r.value]).toEqual([2, 5, 0.4]);
    expect(r.failing.map((f) => [f.id, f.details.missing])).toEqual([
      [at('p3'), ['Security']],
      [at('p5'), ['Security']],
      [at('p6'), ['Security']],
    ]);
  });

  it('every required course, each within the period', () => {
    const people = [hr({ employeeId: 'E1', email: at('a') }), hr({ employeeId: 'E2', email: at('b') })];
    const completions = [
      c(at('a'), '2026-04-10T10:00:00+09:00', 'Security'),
      c(at('a'), '2026-04-11T10:00:00+09:00', 'Privacy'),
      c(at('b'), '2026-04-10T10:00:00+09:00', 'Security'),
      c(at('b'), '2026-03-11T10:00:00+09:00', 'Privacy'), // last quarter
    ];
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(obj({ courses: ['Security', 'Privacy'] }), T));
    // a has both; b misses Privacy in this period → 1 / 2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.details.missing])).toEqual([[at('b'), ['Privacy']]]);
  });

  it('nobody active: no_data, never 100 %', () => {
    const r = trainingCompletionRate(bundle({ people: [hr({ employeeId: 'E1', email: at('x'), leaveDate: '2026-04-30' })] }), ctx(obj({ courses: ['Security'] }), T));
    expect([r.denominator, r.value, r.status]).toEqual([0, null, 'no_data']);
  });
});
