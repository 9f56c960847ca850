/**
 * Review of phishing-repeat-clicker-count against KPIS.md: edge cases the first audit does not
 * pin. Campaigns and T in phishing-fixtures.ts (T = 2026-11-20 12:00 JST, quarter from 10-01).
 */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';
import { phishingRepeatClickerCount } from '../../../src/kpi/phishing-repeat-clicker-count.ts';
import { bundle, ctx, hr, identity, versioned } from '../helpers.ts';
import { at, drill, T } from './phishing-fixtures.ts';

const obj = (params: Record<string, unknown> = {}, over: Record<string, unknown> = {}) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'phishing-repeat-clicker-count', target: 0, direction: 'at_most', period: 'quarter', params, ...over });

describe('phishing-repeat-clicker-count (review)', () => {
  it('one person behind several addresses across campaigns (re-hire with a new address, alias, case)', () => {
    const people = [
      // Re-hired: the old record (old address) and the new one share employee id E1: one person.
      versioned('hr', 'E1-old', [['2025-01-01T00:00:00Z', { employeeId: 'E1', email: at('old1'), leaveDate: '2026-10-10' }]]),
      versioned('hr', 'E1-new', [['2026-10-20T00:00:00Z', { employeeId: 'E1', email: at('new1'), hireDate: '2026-10-20' }]]),
      hr({ employeeId: 'E2', email: at('p2') }),
    ];
    const id = identity({ aliases: { 'p2-alt@example.co.jp': at('p2') } });
    const phishing = [
      drill('A', 'old1', { clicked: true }), // E1 in A (old address)
      drill('B', 'new1', { submitted: true }), // E1 in B (new address)
      drill('A', 'p2', { clicked: true }),
      { ...drill('B', 'x', { clicked: true }), email: 'p2-alt@example.co.jp' }, // p2 in B via the alias
      { ...drill('A', 'x', { clicked: true }), email: 'Ext@Partner.example' }, // nobody in HR: the address…
      { ...drill('B', 'x', { clicked: true }), email: 'ext@PARTNER.example' }, // …case-insensitively the same
    ];
    const r = phishingRepeatClickerCount(bundle({ people, phishing }), ctx(obj(), T, { identity: id }));
    // E1 (A, B), p2 (A, B), ext (A, B) → 3 repeat clickers; target 0 → missed.
    expect([r.value, r.status]).toEqual([3, 'missed']);
    // Sorted by id (as strings).
    expect(r.failing.map((f) => [f.id, f.details.campaigns]).sort()).toEqual([
      ['ext@partner.example', ['A', 'B']],
      [at('old1'), ['A', 'B']],
      [at('p2'), ['A', 'B']],
    ]);
  });

  it('campaigns launched exactly at the period start and at T count; minFailures 3', () => {
    const phishing = [
      drill('A', 'p1', { clicked: true }), // A: 10-01 00:00 JST, the first instant
      drill('B', 'p1', { clicked: true }),
      drill('T', 'p1', { launchedAt: T, clicked: true }), // launched exactly at T: in
      drill('A', 'p2', { clicked: true }),
      drill('B', 'p2', { clicked: true }),
      drill('F', 'p2', { clicked: true }), // launched after T: out
      drill('Z', 'p2', { clicked: true }), // last quarter: out
    ];
    const r = phishingRepeatClickerCount(bundle({ phishing }), ctx(obj({ minFailures: 3 }), T));
    // p1: A, B, T = 3 ≥ 3; p2: A, B = 2 < 3 → 1.
    expect(r.value).toBe(1);
    expect(r.failing.map((f) => [f.id, f.details.campaigns])).toEqual([[at('p1'), ['A', 'B', 'T']]]);
  });

  it('bounced sends are no drill; opening or reporting is no failure; nobody twice → 0, met', () => {
    const phishing = [
      drill('A', 'p1', { clicked: true }),
      drill('B', 'p1', { delivered: false, status: 'Error', clicked: true }), // bounced: no drill
      drill('A', 'p2', { status: 'Email Opened' }),
      drill('B', 'p2', { reported: true, status: 'Email Opened' }),
    ];
    const r = phishingRepeatClickerCount(bundle({ phishing }), ctx(obj(), T));
    // p1: 1 failure; p2: 0 → count 0 ≤ 0 → met.
    expect([r.value, r.status]).toEqual([0, 'met']);
  });

  it('a warning above the target: one repeat clicker is at_risk', () => {
    const phishing = [drill('A', 'p1', { clicked: true }), drill('B', 'p1', { clicked: true }), drill('A', 'p2', { clicked: true })];
    const r = phishingRepeatClickerCount(bundle({ phishing }), ctx(obj({}, { warning: 1 }), T));
    // p1 = 1; 1 > target 0, ≤ warning 1 → at_risk.
    expect([r.value, r.status]).toEqual([1, 'at_risk']);
  });

  it('rolling 30 days: a campaign launched exactly at T − 30 d is out', () => {
    // T − 30 d = 2026-10-21 12:00 JST.
    const phishing = [
      drill('R0', 'p1', { launchedAt: '2026-10-21T12:00:00+09:00', clicked: true }), // out
      drill('R1', 'p1', { launchedAt: '2026-10-21T12:00:01+09:00', clicked: true }), // in
      drill('B', 'p1', { clicked: true }), // in
      drill('R0', 'p2', { launchedAt: '2026-10-21T12:00:00+09:00', clicked: true }), // out
      drill('B', 'p2', { clicked: true }), // in
    ];
    const r = phishingRepeatClickerCount(bundle({ phishing }), ctx(obj({}, { period: 'rolling 30 days' }), T));
    // p1: R1, B = 2; p2: B = 1 → 1.
    expect(r.value).toBe(1);
    expect(r.failing.map((f) => f.id)).toEqual([at('p1')]);
  });

  it('department filter: only people of the department, as HR knows them at T', () => {
    const people = [hr({ employeeId: 'E1', email: at('s1'), department: 'Sales' }), hr({ employeeId: 'E2', email: at('i1'), department: 'IT' })];
    const phishing = [
      drill('A', 's1', { clicked: true }), drill('B', 's1', { clicked: true }),
      drill('A', 'i1', { clicked: true }), drill('B', 'i1', { clicked: true }),
      drill('A', 'x1', { clicked: true }), drill('B', 'x1', { clicked: true }), // not in HR: no department
    ];
    const r = phishingRepeatClickerCount(bundle({ people, phishing }), ctx(obj({ departments: ['sales'] }), T));
    // Sales: s1 → 1.
    expect(r.value).toBe(1);
    expect(r.failing.map((f) => f.id)).toEqual([at('s1')]);
  });
});
