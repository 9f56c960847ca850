/**
 * Review of post-click-training-rate against KPIS.md: edge cases the first audit does not pin.
 * Campaigns and T in phishing-fixtures.ts (T = 2026-11-20 12:00 JST, quarter from 10-01 JST).
 * Courses ['Phish 101', 'Phish 102'] (any one), withinDays 14 unless said.
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { CompletionRecord } from '../../../src/evidence/records.ts';
import { postClickTrainingRate } from '../../../src/kpi/post-click-training-rate.ts';
import { bundle, ctx, hr, identity } from '../helpers.ts';
import { at, drill, T } from './phishing-fixtures.ts';

const obj = (params: Record<string, unknown> = {}, over: Record<string, unknown> = {}) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'post-click-training-rate', target: 1, direction: 'at_least', period: 'quarter', params: { courses: ['Phish 101', 'Phish 102'], ...params }, ...over });
const done = (person: string, completedAt: string, course = 'Phish 101'): CompletionRecord => ({ person, course, completedAt });

describe('post-click-training-rate (review)', () => {
  it('a person failing two campaigns is two failures; one completion serves the window it falls in', () => {
    const phishing = [
      drill('A', 'p1', { clicked: true, failedAt: '2026-10-02T10:00:00+09:00' }), // deadline 10-16 10:00
      drill('B', 'p1', { clicked: true, failedAt: '2026-11-01T10:00:00+09:00' }), // deadline 11-15 10:00
      drill('A', 'p2', { clicked: true, failedAt: '2026-10-02T10:00:00+09:00' }), // deadline 10-16 10:00
      drill('B', 'p2', { submitted: true, failedAt: '2026-11-01T10:00:00+09:00' }), // deadline 11-15 10:00
    ];
    const completions = [
      done(at('p1'), '2026-11-05T09:00:00+09:00'), // after both failures; by B's deadline only
      done(at('p2'), '2026-10-10T09:00:00+09:00', 'Phish 102'), // within A's window; before B's failure
    ];
    const r = postClickTrainingRate(bundle({ phishing, completions }), ctx(obj(), T));
    // Population 4 (all deadlines ≤ T); compliant (B,p1) (A,p2) = 2 → 0.5.
    expect([r.numerator, r.denominator, r.value]).toEqual([2, 4, 0.5]);
    const by = r.failing.map((f) => [f.id, f.details.campaign, f.reasonCode]);
    expect(by.sort()).toEqual([
      [at('p1'), 'A', 'retrainingLate'],
      [at('p2'), 'B', 'retrainingMissing'],
    ]);
  });

  it('a completion exactly at the failure is not after it', () => {
    const phishing = [drill('A', 'p1', { clicked: true, failedAt: '2026-10-02T10:00:00+09:00' })];
    const r = postClickTrainingRate(bundle({ phishing, completions: [done(at('p1'), '2026-10-02T10:00:00+09:00')] }), ctx(obj(), T));
    // Population 1; the only completion is not after the failure → 0 / 1, missed.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([0, 1, 0, 'missed']);
  });

  it('the earliest failure time of a recipient’s rows starts the window', () => {
    const phishing = [
      drill('A', 'p1', { clicked: true, failedAt: '2026-10-05T10:00:00+09:00' }),
      drill('A', 'p1', { submitted: true, failedAt: '2026-10-03T10:00:00+09:00' }), // earlier: deadline 10-17 10:00
    ];
    const r = postClickTrainingRate(bundle({ phishing, completions: [done(at('p1'), '2026-10-18T09:00:00+09:00')] }), ctx(obj(), T));
    // One failure (one per person and campaign); 10-18 09:00 > 10-17 10:00 → late → 0 / 1.
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
    expect(r.failing[0]!.reasonCode).toBe('retrainingLate');
  });

  it('completions are matched to the failing person by identity (employee id, alias, email case)', () => {
    const people = [hr({ employeeId: 'E1', email: at('a') }), hr({ employeeId: 'E2', email: at('b') }), hr({ employeeId: 'E3', email: at('c') })];
    const id = identity({ aliases: { 'b-legacy': at('b') } });
    const f = '2026-10-02T10:00:00+09:00';
    const phishing = [drill('A', 'a', { clicked: true, failedAt: f }), drill('A', 'b', { clicked: true, failedAt: f }), drill('A', 'c', { clicked: true, failedAt: f }), { ...drill('A', 'x', { clicked: true, failedAt: f }), email: 'Out@Partner.example' }];
    const completions = [
      done('E1', '2026-10-05T09:00:00+09:00'), // employee id → a
      done('b-legacy', '2026-10-05T09:00:00+09:00'), // alias → b
      done('C@EXAMPLE.CO.JP', '2026-10-05T09:00:00+09:00', 'phish 101'), // email and course name in another case → c
      done('out@partner.example', '2026-10-05T09:00:00+09:00'), // nobody in HR: by address, case-insensitively
    ];
    const r = postClickTrainingRate(bundle({ people, phishing, completions }), ctx(obj(), T, { identity: id }));
    // Population 4; compliant 4 → 1.0, met.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([4, 4, 1, 'met']);
  });

  it('deadline exactly at T is due; withinDays 7; launch stands in when no failure time', () => {
    // withinDays 7. B launched 11-01 09:00.
    const phishing = [
      drill('B', 'p1', { clicked: true, failedAt: '2026-11-13T12:00:00+09:00' }), // deadline 11-20 12:00 = T: due
      drill('B', 'p2', { clicked: true, failedAt: '2026-11-13T12:00:00.001+09:00' }), // deadline 1 ms after T: waiting
      drill('B', 'p3', { clicked: true }), // no time: launch 11-01 09:00 + 7 d = 11-08 09:00: due
      drill('B', 'p4', { clicked: true }), // same, retrained 11-08 09:00:01: late
    ];
    const completions = [done(at('p1'), '2026-11-20T12:00:00+09:00'), done(at('p3'), '2026-11-08T09:00:00+09:00'), done(at('p4'), '2026-11-08T09:00:01+09:00')];
    const r = postClickTrainingRate(bundle({ phishing, completions }), ctx(obj({ withinDays: 7 }), T));
    // Population p1 p3 p4 = 3; compliant p1 (exactly at its deadline = T), p3 (exactly at deadline) = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.failing.map((f) => [f.id, f.reasonCode])).toEqual([[at('p4'), 'retrainingLate']]);
    expect(r.notes?.map((n) => n.id)).toEqual([at('p2')]);
  });

  it('failure times without a zone are read in the organisation zone', () => {
    // failedAt 10-02 10:00 Tokyo → deadline 10-16 10:00 JST (= 01:00 Z). Read as UTC it would be 10-16 19:00 JST.
    const phishing = [drill('A', 'p1', { clicked: true, failedAt: '2026-10-02T10:00:00' })];
    const r = postClickTrainingRate(bundle({ phishing, completions: [done(at('p1'), '2026-10-16T12:00:00+09:00')] }), ctx(obj(), T));
    // 10-16 12:00 JST > 10-16 10:00 JST → late → 0 / 1.
    expect([r.numerator, r.denominator]).toEqual([0, 1]);
  });

  it('bounced sends, campaigns out of the period, and only waiting failures: no_data', () => {
    const phishing = [
      drill('A', 'p1', { delivered: false, status: 'Error', clicked: true, failedAt: '2026-10-02T10:00:00+09:00' }), // bounced: no drill
      drill('Z', 'p2', { clicked: true, failedAt: '2026-10-01T10:00:00+09:00' }), // Z launched last quarter: out
      drill('B', 'p3', { clicked: true, failedAt: '2026-11-19T10:00:00+09:00' }), // deadline 12-03 > T: waiting
    ];
    const r = postClickTrainingRate(bundle({ phishing }), ctx(obj(), T));
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([0, 0, null, 'no_data']);
  });

  it('warning: at_least 1 with warning 0.5 → 1 of 2 is at_risk; department filter', () => {
    const people = [hr({ employeeId: 'E1', email: at('s1'), department: 'Sales' }), hr({ employeeId: 'E2', email: at('s2'), department: 'Sales' }), hr({ employeeId: 'E3', email: at('i1'), department: 'IT' })];
    const f = '2026-10-02T10:00:00+09:00';
    const phishing = [drill('A', 's1', { clicked: true, failedAt: f }), drill('A', 's2', { clicked: true, failedAt: f }), drill('A', 'i1', { clicked: true, failedAt: f })];
    const r = postClickTrainingRate(bundle({ people, phishing, completions: [done(at('s1'), '2026-10-03T09:00:00+09:00')] }), ctx(obj({ departments: ['sales'] }, { warning: 0.5 }), T));
    // Sales: s1 (retrained), s2 (not) → 0.5; target 1, warning 0.5 → at_risk.
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([1, 2, 0.5, 'at_risk']);
  });
});

describe('post-click-training-rate: a completion dated without a time is that whole day', () => {
  it('the failure day counts as after the failure; the deadline day is on time; the day after is late', () => {
    // All four fail campaign A at 10-02 10:00 JST; deadline 10-02 + 14 days = 10-16 10:00 JST.
    const failedAt = '2026-10-02T10:00:00+09:00';
    const phishing = ['p1', 'p2', 'p3', 'p4'].map((p) => drill('A', p, { clicked: true, failedAt }));
    const completions = [
      done(at('p1'), '2026-10-02'), // the failure's own day: it ends (10-03 00:00) after the failure → after; begins before the deadline → ✓
      done(at('p2'), '2026-10-01'), // the day before: it ends 10-02 00:00, before the failure → not after → not retrained
      done(at('p3'), '2026-10-16'), // the deadline's day: begins 10-16 00:00 ≤ 10-16 10:00 → on time ✓
      done(at('p4'), '2026-10-17'), // begins 10-17 00:00 > the deadline → late
    ];
    const r = postClickTrainingRate(bundle({ phishing, completions }), ctx(obj(), T));
    // Population 4; compliant p1, p3 = 2 → 0.5.
    expect([r.numerator, r.denominator, r.value]).toEqual([2, 4, 0.5]);
    expect(r.failing.map((f) => [f.id, f.reasonCode]).sort()).toEqual([
      [at('p2'), 'retrainingMissing'],
      [at('p4'), 'retrainingLate'],
    ]);
    // A day is shown as the date it is, not as its midnight (which would read as before the click).
    expect(r.failing.find((f) => f.id === at('p4'))!.details.completedAt).toBe('2026-10-17');
  });
});
