/**
 * Review audit of activity-cadence-rate against KPIS.md, computed by hand. Asia/Tokyo (UTC+9,
 * no DST) with the fiscal year from April unless said otherwise. Slots are [start, end) in the
 * organisation's zone; a slot counts once it overlaps the period and end + graceDays ≤ T.
 */
import { describe, expect, it } from 'vitest';
import type { ActivityRecord } from '../../../src/collectors/activity-register/records.ts';
import { configSchema, parseObjective } from '../../../src/config/schema.ts';
import type { Performance } from '../../../src/evidence/performances.ts';
import { activityCadenceRate } from '../../../src/kpi/activity-cadence-rate.ts';
import { bundle, ctx, TOKYO } from '../helpers.ts';

const row = (activity: string, performedAt: string): ActivityRecord => ({ activity, performedAt });
const obj = (period: string, activities: unknown[], extra: Record<string, unknown> = {}) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'activity-cadence-rate', target: 1, direction: 'at_least', period, params: { activities, ...extra } });
const run = (register: ActivityRecord[], o: ReturnType<typeof obj>, at: string, org = TOKYO, facts = {}) =>
  activityCadenceRate(bundle({ current: { activity: register } }), facts, ctx(o, at, { org }));
// The organisation as configured without fiscalYearStartMonth: the schema's default (January).
const { fiscalYearStartMonth: _omit, ...noFiscal } = TOKYO;
const JAN = configSchema.parse({ organisation: noFiscal }).organisation;

describe('activity-cadence-rate (review audit)', () => {
  // T = 2026-05-20 12:00 JST; rolling 120 days = (2026-01-20 12:00 JST, T]
  // (01-20 → 02-20 31 d, → 03-20 28 d, → 04-20 31 d, → 05-20 30 d = 120 d).
  const T1 = '2026-05-20T12:00:00+09:00';
  const register = [
    row('Scan', '2026-01-05T10:00:00+09:00'), // before the period, but inside the slot [01-01, 04-01)
    row('Training', '2025-10-01T00:00:00+09:00'), // first instant of the April-fiscal H2 [2025-10-01, 2026-04-01)
    row('Audit', '2026-04-01T00:00:00+09:00'), // first instant of FY2026: late for FY2025
  ];
  const activities = [
    { name: 'Scan', cadence: 'quarterly' },
    { name: 'Training', cadence: 'half-year' },
    { name: 'Audit', cadence: 'year' },
  ];

  it('fiscal year from April: slots crossing the fiscal-year start', async () => {
    const r = await run(register, obj('rolling 120 days', activities), T1);
    // Scan: Q4 FY2025 [01-01, 04-01) overlaps (01-20 12:00 < 04-01) and ended ✓ (01-05 is inside
    //   the slot, though before the period); Q3 [10-01, 01-01) ends before the period; Q1 FY2026 running.
    // Training: H2 FY2025 [2025-10-01, 2026-04-01) ✓ at its first instant; H1 FY2026 running.
    // Audit: FY2025 [2025-04-01, 2026-04-01) ✗ — 04-01 00:00 is FY2026's → late; FY2026 running.
    // 2/3.
    expect([r.numerator, r.denominator]).toEqual([2, 3]);
    expect(r.failing.map((f) => [f.id, f.reasonCode, f.details.performedLateAt])).toEqual([
      ['Audit 2025-04-01/2026-03-31', 'activityPerformedLate', '2026-04-01T00:00:00.000+09:00'],
    ]);
  });

  it('fiscal year from January (default): the same evidence, other slots', async () => {
    const r = await run(register, obj('rolling 120 days', activities), T1, JAN);
    // Scan: Q1 [01-01, 04-01) ✓. Training: H1 [01-01, 07-01) running; H2 2025 [07-01, 01-01)
    // ends before 01-20 → not counted. Audit: 2026 [01-01, 2027-01-01) running. 1/1.
    expect([r.numerator, r.denominator, r.value]).toEqual([1, 1, 1]);
  });

  it('monthly with grace: the slot counts exactly when end + grace = T; a performance at the grace end is late', async () => {
    // T = 2026-11-06 00:00 JST, quarter Q3 = [10-01, T]. Objective graceDays 5.
    // October [10-01, 11-01): grace end 11-06 00:00 = T → counted. September [09-01, 10-01)
    // ends at the quarter's start → no overlap, not counted (its grace inside the quarter does
    // not matter). November running.
    const T = '2026-11-06T00:00:00+09:00';
    const reg = [
      row('A', '2026-11-05T23:59:59+09:00'), // within the grace → ✓
      row('B', '2026-11-06T00:00:00+09:00'), // = grace end → late
      row('C', '2026-09-30T23:00:00+09:00'), // September's (early for October) → not performed
      row('D', '2026-10-31'), // a date alone: 10-31 in JST → ✓
      row('E', '2026-11-01T00:00:00+09:00'), // E has graceDays 0: 11-01 00:00 is November's → late
    ];
    const acts = ['A', 'B', 'C', 'D'].map((name) => ({ name, cadence: 'monthly' }));
    const r = await run(reg, obj('quarter', [...acts, { name: 'E', cadence: 'monthly', graceDays: 0 }], { graceDays: 5 }), T);
    // Population: the October slot of A–E = 5; compliant A, D = 2.
    expect([r.numerator, r.denominator]).toEqual([2, 5]);
    expect(Object.fromEntries(r.failing.map((f) => [f.id.split(' ')[0], f.reasonCode]))).toEqual({ B: 'activityPerformedLate', C: 'activityNotPerformed', E: 'activityPerformedLate' });
    // One millisecond earlier the October slot of A–D is still in its grace → only E counts (✗).
    const before = await run(reg, obj('quarter', [...acts, { name: 'E', cadence: 'monthly', graceDays: 0 }], { graceDays: 5 }), '2026-11-05T23:59:59.999+09:00');
    expect([before.numerator, before.denominator]).toEqual([0, 1]);
  });

  it('rolling period: a slot ending exactly at the open start does not overlap it', async () => {
    const reg = [row('Log review', '2026-10-01T00:00:00+09:00')];
    const acts = [{ name: 'Log review', cadence: 'monthly' }];
    // T = 11-30 00:00 JST. rolling 30 days = (10-31 00:00, T]: October [10-01, 11-01) overlaps ✓;
    // November [11-01, 12-01) running → 1/1.
    const a = await run(reg, obj('rolling 30 days', acts), '2026-11-30T00:00:00+09:00');
    expect([a.numerator, a.denominator]).toEqual([1, 1]);
    // rolling 29 days = (11-01 00:00, T]: October ends at the excluded start → no slot → no_data.
    const b = await run(reg, obj('rolling 29 days', acts), '2026-11-30T00:00:00+09:00');
    expect([b.denominator, b.value, b.status]).toEqual([0, null, 'no_data']);
  });

  it('every N days in Europe/Berlin: slots are calendar days across the DST end; none before `since`', async () => {
    const berlin = { ...TOKYO, timeZone: 'Europe/Berlin', fiscalYearStartMonth: 1 };
    // since 2026-10-22, every 7 days: [10-22 00:00 CEST = 10-21T22:00Z, 10-29 00:00 CET = 10-28T23:00Z)
    // (169 elapsed hours: DST ends 10-25), then [10-29, 11-05) running at T = 10-30 12:00Z.
    // Period month = [10-01 00:00 CEST, T].
    const reg = [
      row('Backup check', '2026-10-28T22:30:00Z'), // 10-28 23:30 CET: inside the first slot ✓ (7 × 24 h would end at 22:00Z)
      row('Patch', '2026-10-21T21:59:59Z'), // 10-21 23:59:59 CEST: before `since` → no slot → not performed
    ];
    const acts = [
      { name: 'Backup check', cadence: 'every 7 days', since: '2026-10-22' },
      { name: 'Patch', cadence: 'every 7 days', since: '2026-10-22' },
    ];
    const r = await run(reg, obj('month', acts), '2026-10-30T12:00:00Z', berlin);
    // 1/2.
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.reasonCode])).toEqual([['Patch 2026-10-22/2026-10-28', 'activityNotPerformed']]);
  });

  it('register noise: duplicates count once, unparseable dates and other activities are ignored', async () => {
    // T = 2026-10-15 12:00 JST, year = [2026-04-01, T]. Quarterly: Q1 [04-01, 07-01), Q2 [07-01, 10-01) counted; Q3 running.
    const reg = [
      row('Inventory', '2026-05-01T10:00:00+09:00'),
      row('Inventory', '2026-05-01T10:00:00+09:00'), // duplicate
      row('Inventory', 'not a date'),
      row('Inventory', ''),
      row('Inventory review', '2026-08-01T10:00:00+09:00'), // another activity
    ];
    const r = await run(reg, obj('year', [{ name: 'Inventory', cadence: 'quarterly' }]), '2026-10-15T12:00:00+09:00');
    // Q1 ✓, Q2 ✗ not performed → 1/2.
    expect([r.numerator, r.denominator, r.value]).toEqual([1, 2, 0.5]);
    expect(r.failing.map((f) => [f.id, f.reasonCode])).toEqual([['Inventory 2026-07-01/2026-09-30', 'activityNotPerformed']]);
  });

  it('`from: <source>`: the source\'s dated records are the performances', async () => {
    // T = 2026-10-15 12:00 JST, year = [2026-04-01, T]; quarterly Q1, Q2 counted.
    // The scan source's reports at 06-30 23:59 (Q1 ✓) and 10-01 00:00 (Q3's, so Q2 ✗ late on 10-01).
    async function* performances(source: string): AsyncIterable<Performance> {
      if (source !== 'trivy') return;
      yield { at: '2026-06-30T23:59:00+09:00' };
      yield { at: '2026-10-01T00:00:00+09:00' };
      yield { at: '2026-10-20T00:00:00+09:00' }; // after T: not known
    }
    const r = await run([], obj('year', [{ name: 'Quarterly scan', cadence: 'quarterly', from: 'trivy' }]), '2026-10-15T12:00:00+09:00', TOKYO, { performances });
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
    expect(r.failing.map((f) => [f.id, f.reasonCode, f.details.performedLateAt])).toEqual([['Quarterly scan 2026-07-01/2026-09-30', 'activityPerformedLate', '2026-10-01T00:00:00.000+09:00']]);
  });
});
