/**
 * phishing-repeat-clicker-count and post-click-training-rate, by hand. Quarter periods of a
 * fiscal year from April in Asia/Tokyo: at T = 2026-06-20 12:00 JST the period is
 * 2026-04-01 00:00 JST … T.
 */
import { describe, expect, it } from 'vitest';
import type { CompletionRecord, PhishingRecord } from '../../src/evidence/records.ts';
import { phishingRepeatClickerCount, phishingRepeatClickerParams } from '../../src/kpi/phishing-repeat-clicker-count.ts';
import { postClickTrainingParams, postClickTrainingRate } from '../../src/kpi/post-click-training-rate.ts';
import { bundle, ctx, hr, identity, objective, TOKYO } from './helpers.ts';

const T = '2026-06-20T12:00:00+09:00';
const at = (local: string) => `${local}@example.co.jp`;

function drill(campaign: string, launchedAt: string, email: string, over: Partial<PhishingRecord> = {}): PhishingRecord {
  return { campaign, email, launchedAt, status: 'Email Sent', delivered: true, clicked: false, submitted: false, reported: false, ...over };
}
const clicked = { status: 'Clicked Link', clicked: true } as const;

const A = '2026-04-01T00:00:00+09:00'; // exactly the period's start: in
const B = '2026-05-10T10:00:00+09:00';
const C = T; // launched exactly at T: in
const D = '2026-06-20T12:00:01+09:00'; // a second after T: out
const Z = '2026-03-31T23:59:59+09:00'; // the previous quarter: out

const people = [
  hr({ employeeId: 'E1', email: at('p1') }),
  hr({ employeeId: 'E2', email: at('p2') }),
  hr({ employeeId: 'E3', email: at('p3') }),
  hr({ employeeId: 'E4', email: at('p4') }),
  hr({ employeeId: 'E5', email: at('p5') }),
  hr({ employeeId: 'E6', email: at('p6') }),
  hr({ employeeId: 'E7', email: at('taro.yamada') }),
];
const aliases = identity({ aliases: { [at('yamada-t')]: at('taro.yamada') } });

const phishing: PhishingRecord[] = [
  drill('A', A, at('p1'), clicked),
  drill('B', B, at('p1'), { status: 'Submitted Data', clicked: true, submitted: true }),
  drill('A', A, at('p2'), clicked),
  drill('Z', Z, at('p2'), clicked),
  drill('C', C, at('p3'), clicked),
  drill('D', D, at('p3'), clicked),
  drill('A', A, at('p4'), clicked),
  drill('B', B, at('p4'), clicked),
  drill('C', C, at('p4'), clicked),
  // Two rows of p5 in one campaign (the address in capitals once): one failure of A.
  drill('A', A, at('p5'), clicked),
  drill('A', A, at('P5'), clicked),
  drill('B', B, at('p5')),
  drill('A', A, at('p6'), clicked),
  drill('B', B, at('p6'), { status: 'Error Sending Email', delivered: false }), // bounced: no drill
  // The alias and the address are one person.
  drill('A', A, at('yamada-t'), clicked),
  drill('B', B, at('taro.yamada'), clicked),
  // Not in HR: known by the address, case-insensitively.
  drill('A', A, 'ext@partner.example', clicked),
  drill('B', B, 'EXT@partner.example', clicked),
];

describe('phishing-repeat-clicker-count', () => {
  const run = (minFailures: number | undefined, records = phishing) => {
    const params = phishingRepeatClickerParams.parse(minFailures === undefined ? {} : { minFailures });
    const o = objective({ kpi: 'phishing-repeat-clicker-count', params, target: 0, direction: 'at_most' });
    return phishingRepeatClickerCount(bundle({ people, phishing: records }), ctx(o, T, { identity: aliases }));
  };

  it('minFailures 2 (the default): p1 (A, B), p4 (A, B, C), taro.yamada (A as yamada-t, B), ext@ (A, B)', () => {
    const r = run(undefined);
    // Population: everyone delivered a drill of A, B or C: p1…p6, taro.yamada, ext@ = 8.
    // p2: A (Z is last quarter); p3: C (D is after T); p5: A twice is one failure; p6: A (B bounced).
    expect([r.value, r.numerator, r.denominator, r.status]).toEqual([4, 4, 8, 'missed']);
    expect(r.failing.map((f) => [f.id, f.details.campaigns])).toEqual([
      // Most failures first, then by id.
      [at('p4'), ['A', 'B', 'C']],
      ['ext@partner.example', ['A', 'B']],
      [at('p1'), ['A', 'B']],
      [at('taro.yamada'), ['A', 'B']],
    ]);
    expect(r.failing[0]!.reason).toBe('failed 3 drills: A, B, C');
  });

  it('minFailures 3: only p4; minFailures 1: everyone who failed once', () => {
    expect(run(3).failing.map((f) => f.id)).toEqual([at('p4')]);
    expect(run(1).value).toBe(8);
  });

  it('no campaign launched in the period: no_data, not 0', () => {
    const r = run(2, phishing.filter((p) => p.campaign === 'Z' || p.campaign === 'D'));
    expect([r.value, r.denominator, r.status]).toEqual([null, 0, 'no_data']);
  });

  it('the period boundary is the start of April in Tokyo, not in UTC', () => {
    // 2026-03-31T15:30Z is 04-01 00:30 JST: in Q1; 2026-03-31T14:59:59Z is 03-31 23:59:59 JST: out.
    const records = [drill('in', '2026-03-31T15:30:00Z', at('p1'), clicked), drill('out', '2026-03-31T14:59:59Z', at('p1'), clicked), drill('B', B, at('p1'), clicked)];
    expect(run(2, records).failing.map((f) => f.details.campaigns)).toEqual([['in', 'B']]);
  });

  it('minFailures must be a whole number of at least 1', () => {
    expect(() => phishingRepeatClickerParams.parse({ minFailures: 0 })).toThrow();
    expect(() => phishingRepeatClickerParams.parse({ minFailures: 1.5 })).toThrow();
  });
});

describe('post-click-training-rate', () => {
  const done = (person: string, completedAt: string, course = '再教育'): CompletionRecord => ({ person, course, completedAt });
  const failures: PhishingRecord[] = [
    drill('A', A, at('p1'), { ...clicked, failedAt: '2026-04-02T10:00:00+09:00' }), // f1
    drill('B', B, at('p1'), { ...clicked, failedAt: '2026-05-10T11:00:00+09:00' }), // f2
    drill('A', A, at('p2'), clicked), // f3: no failure time, the launch stands in
    drill('B', B, at('p4'), { ...clicked, failedAt: '2026-06-06T12:00:00+09:00' }), // f4: deadline exactly T
    drill('B', B, at('p5'), { ...clicked, failedAt: '2026-06-06T12:00:01+09:00' }), // f5: deadline a second after T
    drill('A', A, at('p6'), { ...clicked, failedAt: '2026-04-03T09:00:00+09:00' }), // f6
    drill('A', A, at('yamada-t'), { ...clicked, failedAt: '2026-04-04T09:00:00+09:00' }), // f7
    drill('A', A, 'ext@partner.example', { ...clicked, failedAt: '2026-04-20T10:00:00+09:00' }), // f8
    drill('A', A, at('p3')), // did not fail: not in the population
    drill('Z', Z, at('p3'), { ...clicked, failedAt: '2026-04-01T09:00:00+09:00' }), // last quarter's campaign: out
  ];
  const completions: CompletionRecord[] = [
    done(at('p1'), '2026-04-16T10:00:00+09:00'), // f1: exactly at its deadline (04-02 10:00 + 14 d): on time
    done(at('p1'), '2026-05-25T09:00:00+09:00'), // f2: deadline 05-24 11:00 — late (and the 04-16 one came before this failure)
    done(at('p2'), '2026-04-14T23:59:00+09:00'), // f3: launch 04-01 00:00 + 14 d = 04-15 00:00: on time
    done(at('p4'), '2026-06-20T12:00:01+09:00'), // f4: after T, not known yet
    done(at('p6'), '2026-04-05T10:00:00+09:00', '情報セキュリティ研修2026'), // not a remedial course
    done(at('p6'), '2026-04-10T10:00:00+09:00', 'ＰＨＩＳＨＩＮＧ refresher'), // f6: the second course, after NFKC and case folding
    done(at('taro.yamada'), '2026-04-11T09:00:00+09:00'), // f7: the same person as yamada-t
    done('ext@partner.example', '2026-04-20T10:00:00+09:00'), // f8: at the failure instant, not after it
  ];
  const run = (over: Record<string, unknown> = {}, at_ = T, org = TOKYO, records = failures, comps = completions, period = 'quarter') => {
    const params = postClickTrainingParams.parse({ courses: ['再教育', 'Phishing refresher'], ...over });
    const o = objective({ kpi: 'post-click-training-rate', params, period });
    return postClickTrainingRate(bundle({ people, phishing: records, completions: comps }), ctx(o, at_, { identity: aliases, org }));
  };

  it('failures whose deadline passed by T; retrained after the failure and by the deadline', () => {
    const r = run();
    // Population f1, f2, f3, f4, f6, f7, f8 = 7 (f5's deadline is after T); compliant f1, f3, f6, f7 = 4.
    expect([r.numerator, r.denominator]).toEqual([4, 7]);
    expect(r.value).toBeCloseTo(4 / 7, 12);
    expect(r.status).toBe('missed');
    expect(r.failing.map((f) => [f.id, f.details.campaign, f.reason])).toEqual([
      [at('p1'), 'B', 'retrained late on 2026-05-25'],
      [at('p4'), 'B', 'not retrained by the deadline 2026-06-20'],
      ['ext@partner.example', 'A', 'not retrained by the deadline 2026-05-04'],
    ]);
    expect(r.failing[0]!.details).toMatchObject({ failedAt: '2026-05-10T11:00:00.000+09:00', deadline: '2026-05-24T11:00:00.000+09:00', completedAt: '2026-05-25T09:00:00.000+09:00', daysOverdue: 1 });
    // The failure still waiting, with its deadline.
    expect(r.notes?.map((n) => [n.id, n.details.deadline])).toEqual([[at('p5'), '2026-06-20T12:00:01.000+09:00']]);
  });

  it('the launch stands in for a failure without a time', () => {
    const r = run();
    expect(r.failing.length + r.numerator).toBe(7);
    const f3 = run({}, T, TOKYO, [failures[2]!], [completions[2]!]);
    expect([f3.numerator, f3.denominator]).toEqual([1, 1]);
    // One minute later the same completion is late: 04-15 00:00 is the deadline.
    const late = run({}, T, TOKYO, [failures[2]!], [done(at('p2'), '2026-04-15T00:01:00+09:00')]);
    expect(late.failing.map((f) => [f.reason, f.details.failedAtFrom])).toEqual([['retrained late on 2026-04-15', 'launch']]);
  });

  it('withinDays 0: only a completion at the failure instant would do, and that is not after it', () => {
    const r = run({ withinDays: 0 });
    expect(r.numerator).toBe(0);
  });

  it('withinDays are calendar days in the zone (Berlin: a DST change inside them)', () => {
    const berlin = { ...TOKYO, timeZone: 'Europe/Berlin', fiscalYearStartMonth: 1 };
    const f = [drill('DST', '2026-03-20T10:00:00+01:00', at('p1'), { ...clicked, failedAt: '2026-03-20T12:00:00+01:00' })];
    // Deadline 2026-04-03 12:00 CEST (+02:00): 14 calendar days, one hour less than 14 × 24 h.
    const onTime = run({}, '2026-04-10T00:00:00+02:00', berlin, f, [done(at('p1'), '2026-04-03T12:00:00+02:00')], 'rolling 60 days');
    const late = run({}, '2026-04-10T00:00:00+02:00', berlin, f, [done(at('p1'), '2026-04-03T12:30:00+02:00')], 'rolling 60 days');
    expect([onTime.numerator, late.numerator, late.denominator]).toEqual([1, 0, 1]);
  });

  it('courses are required', () => {
    expect(() => postClickTrainingParams.parse({})).toThrow();
  });
});
