/**
 * training-completion-rate by hand. T = 2026-05-20T03:00Z (12:00 JST), fiscal quarter from
 * 2026-04-01 00:00 JST = 2026-03-31T15:00Z. Hire day H (JST) starts at H−1 15:00Z.
 */
import { describe, expect, it } from 'vitest';
import type { CompletionRecord } from '../../src/evidence/records.ts';
import { trainingCompletionRate } from '../../src/kpi/training-completion-rate.ts';
import { bundle, ctx, hr, objective } from './helpers.ts';

const T = '2026-05-20T03:00:00Z';
const SB = 'Security Basics';
const PH = 'Phishing 101';
const c = (person: string, course: string, completedAt = '2026-04-10T00:00:00Z'): CompletionRecord => ({ person, course, completedAt });

describe('training-completion-rate', () => {
  it('counts active people past the new-hire grace who completed every course in the period', () => {
    const people = [
      hr({ employeeId: 'E1', email: 'a@example.co.jp', hireDate: '2025-01-01', department: 'Sales' }),
      hr({ employeeId: 'E2', email: 'b@example.co.jp', department: 'Sales' }),
      hr({ employeeId: 'E3', email: 'c@example.co.jp', hireDate: '2026-04-20' }), // 30 days before T in JST: included
      hr({ employeeId: 'E4', email: 'd@example.co.jp', hireDate: '2026-04-21' }), // 29.5 days: in grace, excluded
      hr({ employeeId: 'E5', email: 'e@example.co.jp', leaveDate: '2026-05-20' }), // active through the leave date
      hr({ employeeId: 'E6', email: 'f@example.co.jp', leaveDate: '2026-05-19' }), // left: excluded
      hr({ employeeId: 'E7', email: 'g@example.co.jp' }),
      hr({ employeeId: 'E8', email: 'h@example.co.jp' }),
      hr({ employeeId: 'E9', email: 'i@example.co.jp' }),
    ];
    const completions = [
      c('a@example.co.jp', SB),
      c('A@EXAMPLE.CO.JP', PH),
      c('b@example.co.jp', SB),
      c('e@example.co.jp', SB),
      c('e@example.co.jp', PH),
      c('g@example.co.jp', SB, '2026-03-31T14:59:59Z'), // 23:59:59 JST on 31 Mar: previous quarter
      c('g@example.co.jp', PH, '2026-03-31T15:00:00Z'), // the quarter's first instant: counts
      c('h@example.co.jp', SB),
      c('h@example.co.jp', PH, '2026-05-20T03:00:01Z'), // after T
      c('E9', 'ＳＥＣＵＲＩＴＹ basics'), // employee id; full-width, other case
      c('i', PH), // bare login + default domain
      c('stranger@elsewhere.example', SB),
    ];
    const o = objective({ kpi: 'training-completion-rate', params: { courses: [SB, PH] } });
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(o, T));
    expect([r.numerator, r.denominator]).toEqual([3, 7]);
    expect(r.status).toBe('missed');
    const missing = Object.fromEntries(r.failing.map((f) => [f.id, f.details['missing']]));
    expect(missing).toEqual({
      'b@example.co.jp': [PH],
      'c@example.co.jp': [SB, PH],
      'g@example.co.jp': [SB],
      'h@example.co.jp': [PH],
    });
    expect(r.notes?.map((n) => n.id)).toEqual(['stranger@elsewhere.example']);
  });

  const people = [hr({ employeeId: 'E1', email: 'a@example.co.jp', department: 'Sales' }), hr({ employeeId: 'E2', email: 'b@example.co.jp', department: 'Dev' })];
  const rows: { name: string; params: Record<string, unknown>; scope?: { departments?: string[] }; completions: CompletionRecord[]; numerator: number; denominator: number }[] = [
    { name: 'anyOf: one of the courses is enough', params: { anyOf: ['Course A', 'Course B'] }, completions: [c('a@example.co.jp', 'Course B'), c('b@example.co.jp', 'Course C')], numerator: 1, denominator: 2 },
    { name: 'courses and anyOf together', params: { courses: [SB], anyOf: ['Course A', 'Course B'] }, completions: [c('a@example.co.jp', SB), c('a@example.co.jp', 'Course A'), c('b@example.co.jp', SB)], numerator: 1, denominator: 2 },
    { name: 'no course named: any completion counts', params: {}, completions: [c('b@example.co.jp', 'Anything')], numerator: 1, denominator: 2 },
    { name: 'departments param filters the population', params: { courses: [SB], departments: ['dev'] }, completions: [c('b@example.co.jp', SB)], numerator: 1, denominator: 1 },
    { name: 'scope.departments filters the population', params: { courses: [SB] }, scope: { departments: ['Sales'] }, completions: [], numerator: 0, denominator: 1 },
    { name: 'a department nobody is in: empty → no_data', params: { courses: [SB], departments: ['Legal'] }, completions: [], numerator: 0, denominator: 0 },
  ];
  it.each(rows)('$name', ({ params, scope, completions, numerator, denominator }) => {
    const o = objective({ kpi: 'training-completion-rate', params, scope: scope ?? {} });
    const r = trainingCompletionRate(bundle({ people, completions }), ctx(o, T));
    expect([r.numerator, r.denominator]).toEqual([numerator, denominator]);
    expect(r.value).toBe(denominator === 0 ? null : numerator / denominator);
    expect(r.status).toBe(denominator === 0 ? 'no_data' : numerator === denominator ? 'met' : 'missed');
  });

  it('honours newHireGraceDays', () => {
    const o = objective({ kpi: 'training-completion-rate', params: { courses: [SB], newHireGraceDays: 0 } });
    const r = trainingCompletionRate(bundle({ people: [hr({ employeeId: 'E1', hireDate: '2026-05-20' })] }), ctx(o, T));
    expect(r.denominator).toBe(1);
  });

  it('a re-hired person counts once, under the covering record', () => {
    const o = objective({ kpi: 'training-completion-rate', params: { courses: [SB] } });
    const r = trainingCompletionRate(
      bundle({
        people: [hr({ employeeId: 'E100', email: 'm@example.co.jp', leaveDate: '2025-03-31' }), hr({ employeeId: 'E250', email: 'm@example.co.jp', hireDate: '2025-06-01' })],
        completions: [c('E100', SB)],
      }),
      ctx(o, T),
    );
    expect([r.numerator, r.denominator]).toEqual([1, 1]);
  });
});
