/**
 * Audit of post-click-training-rate against KPIS.md, by hand (campaigns in phishing-fixtures.ts).
 * Courses ['Phish 101'], withinDays 14 (calendar days in Tokyo).
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import type { CompletionRecord } from '../../../src/evidence/records.ts';
import { postClickTrainingRate } from '../../../src/kpi/post-click-training-rate.ts';
import { bundle, ctx } from '../helpers.ts';
import { at, drill, T } from './phishing-fixtures.ts';

const obj = parseObjective({ id: 'o', title: 'o', kpi: 'post-click-training-rate', target: 1, direction: 'at_least', period: 'quarter', params: { courses: ['Phish 101'] } });
const done = (who: string, completedAt: string, course = 'Phish 101'): CompletionRecord => ({ person: at(who), course, completedAt });

describe('post-click-training-rate (audit)', () => {
  it('deadline = failure (else launch) + 14 days ≤ T; completed after the failure and by the deadline', () => {
    const phishing = [
      drill('A', 'q1', { clicked: true, failedAt: '2026-10-02T10:00:00+09:00' }), // deadline 10-16 10:00; done exactly then: on time
      drill('A', 'q2', { clicked: true, failedAt: '2026-10-02T10:00:00+09:00' }), // done 1 s after the deadline: late
      drill('A', 'q3', { clicked: true }), // no failure time: launch 10-01 00:00 + 14 d = 10-15 00:00; done before the launch: not after the failure
      drill('B', 'q4', { clicked: true, failedAt: '2026-11-06T12:00:00+09:00' }), // deadline 11-20 12:00 = T: due; done 11-10: on time
      drill('B', 'q5', { clicked: true, failedAt: '2026-11-06T12:00:01+09:00' }), // deadline after T: waiting, not counted
      drill('A', 'q6', { submitted: true, failedAt: '2026-10-02T10:00:00+09:00' }), // only another course: not retrained
      drill('A', 'q7'), // did not fail
      drill('Z', 'q8', { clicked: true, failedAt: '2026-09-30T23:59:30+09:00' }), // last quarter's campaign: out
    ];
    const completions = [
      done('q1', '2026-10-16T10:00:00+09:00'),
      done('q2', '2026-10-16T10:00:01+09:00'),
      done('q3', '2026-09-30T08:00:00+09:00'),
      done('q4', '2026-11-10T09:00:00+09:00'),
      done('q6', '2026-10-05T09:00:00+09:00', 'General awareness'),
    ];
    const r = postClickTrainingRate(bundle({ phishing, completions }), ctx(obj, T));
    // Population q1 q2 q3 q4 q6 = 5; compliant q1 q4 = 2.
    expect([r.numerator, r.denominator, r.value]).toEqual([2, 5, 0.4]);
    expect(Object.fromEntries(r.failing.map((f) => [f.id, f.reasonCode]))).toEqual({
      [at('q2')]: 'retrainingLate',
      [at('q3')]: 'retrainingMissing',
      [at('q6')]: 'retrainingMissing',
    });
    expect(r.notes?.map((n) => n.id)).toEqual([at('q5')]);
  });
});
