/**
 * Audit of activity-cadence-rate against KPIS.md, by hand. Asia/Tokyo, fiscal year from April.
 * T = 2026-11-20 12:00 JST.
 */
import { describe, expect, it } from 'vitest';
import type { ActivityRecord } from '../../../src/collectors/activity-register/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { activityCadenceRate } from '../../../src/kpi/activity-cadence-rate.ts';
import { bundle, ctx } from '../helpers.ts';

const T = '2026-11-20T12:00:00+09:00';
const row = (activity: string, performedAt: string): ActivityRecord => ({ activity, performedAt });
const obj = (period: string, activities: unknown[]) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'activity-cadence-rate', target: 1, direction: 'at_least', period, params: { activities } });

describe('activity-cadence-rate (audit)', () => {
  it('quarter [10-01, T]: monthly and every-30-days slots that overlap it and have ended', async () => {
    // Log review, monthly: Sep [09-01, 10-01) ends at the quarter's start — no overlap; Oct
    // [10-01, 11-01) ✓ (10-31 23:59:59); Nov running → 1/1.
    // Inventory, every 30 days since 09-15: [09-15, 10-15) overlaps, ✓ (10-14 23:00);
    // [10-15, 11-14) nothing inside (11-14 00:00 is the next slot's first instant) → late on 11-14 ✗;
    // [11-14, 12-14) running → 1/2. Total 2/3.
    const register = [
      row('Log review', '2026-09-15T10:00:00+09:00'),
      row('LOG REVIEW', '2026-10-31T23:59:59+09:00'),
      row('log review', '2026-11-01T00:00:00+09:00'),
      row('Inventory', '2026-10-14T23:00:00+09:00'),
      row('Inventory', '2026-11-14T00:00:00+09:00'),
    ];
    const r = await activityCadenceRate(bundle({ current: { activity: register } }), {}, ctx(obj('quarter', [
      { name: 'Log review', cadence: 'monthly' },
      { name: 'Inventory', cadence: 'every 30 days', since: '2026-09-15' },
    ]), T));
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    // (The reason is written in the organisation's language, ja here.)
    expect(r.failing.map((f) => [f.id, f.details.performedLateAt])).toEqual([['Inventory 2026-10-15/2026-11-13', '2026-11-14T00:00:00.000+09:00']]);
    expect(r.failing[0]?.reason).toContain('2026-11-14');
  });
  it('fiscal quarters from April and a grace period, over the fiscal year [04-01, T]', async () => {
    // Scan, quarterly, graceDays 10: Q1 [04-01, 07-01) ✓ 06-30 23:59; Q2 [07-01, 10-01):
    // nothing inside, 10-05 within the grace (until 10-11 00:00) ✓; Q3 running → 2/2.
    // Review, half-year: H1 [04-01, 10-01) ✗ (10-01 00:00 is H2's first instant; no grace) → late.
    const register = [row('Scan', '2026-06-30T23:59:00+09:00'), row('Scan', '2026-10-05T10:00:00+09:00'), row('Review', '2026-10-01T00:00:00+09:00')];
    const r = await activityCadenceRate(bundle({ current: { activity: register } }), {}, ctx(obj('year', [
      { name: 'Scan', cadence: 'quarterly', graceDays: 10 },
      { name: 'Review', cadence: 'half-year' },
    ]), T));
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.failing.map((f) => [f.id, f.details.performedLateAt])).toEqual([['Review 2026-04-01/2026-09-30', '2026-10-01T00:00:00.000+09:00']]);
  });
  it('no slot has ended yet: no_data', async () => {
    const r = await activityCadenceRate(bundle({}), {}, ctx(obj('month', [{ name: 'Log review', cadence: 'monthly' }]), T));
    expect([r.denominator, r.status]).toEqual([0, 'no_data']);
  });
});
