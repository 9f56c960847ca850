/** Audit of phishing-repeat-clicker-count against KPIS.md, by hand (campaigns in phishing-fixtures.ts). */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import { phishingRepeatClickerCount } from '../../../src/kpi/phishing-repeat-clicker-count.ts';
import { bundle, ctx } from '../helpers.ts';
import { at, drill, T } from './phishing-fixtures.ts';

const obj = (params: Record<string, unknown> = {}) => parseObjective({ id: 'o', title: 'o', kpi: 'phishing-repeat-clicker-count', target: 0, direction: 'at_most', period: 'quarter', params });
const rows = [
  drill('A', 'p1', { clicked: true }), drill('A', 'p1', { clicked: true }), drill('B', 'p1', { clicked: true }), // A, B (A twice: once)
  drill('A', 'p2', { clicked: true }), drill('Z', 'p2', { clicked: true }), // Z is last quarter's: 1
  drill('A', 'p3', { clicked: true }), drill('B', 'p3', { submitted: true }), // submitted counts as a failure: 2
  drill('A', 'p4', { clicked: true }), drill('B', 'p4', { delivered: false, clicked: true }), // a bounced send is no drill: 1
  drill('B', 'p5', { clicked: true }), drill('F', 'p5', { clicked: true }), // F launched after T: 1
  drill('A', 'p6'), drill('B', 'p6', { reported: true }), // never failed
];

describe('phishing-repeat-clicker-count (audit)', () => {
  it('minFailures 2 (default): p1 and p3', () => {
    const r = phishingRepeatClickerCount(bundle({ phishing: rows }), ctx(obj(), T));
    expect([r.value, r.status]).toEqual([2, 'missed']);
    expect(r.failing.map((f) => [f.id, f.details.campaigns])).toEqual([[at('p1'), ['A', 'B']], [at('p3'), ['A', 'B']]]);
  });
  it('minFailures 1: everyone who failed once in the period', () => {
    const r = phishingRepeatClickerCount(bundle({ phishing: rows }), ctx(obj({ minFailures: 1 }), T));
    // p1 p2 p3 p4 p5 = 5.
    expect(r.value).toBe(5);
  });
});
