/**
 * activity-cadence-rate and its slots by hand. Asia/Tokyo, fiscal year from April;
 * T = 2026-11-20 12:00 JST; period `year` = [2026-04-01 00:00 JST, T].
 *
 * 月次ログレビュー, monthly, graceDays 5 (performed, JST):
 *   Apr 04-03 ✓ · May none, but 06-04 lies in May's grace (until 06-06 00:00) ✓ · Jun 06-20 ✓ ·
 *   Jul none, 08-05 10:00 in its grace ✓ · Aug 08-05 ✓ · Sep none: 10-06 00:00 is exactly where
 *   the grace ends (excluded) → late on 10-06 ✗ · Oct 10-06 ✓ · Nov: runs until 12-06 → not
 *   counted (listed apart) → 6/7.
 * quarterly scan, from the scan source (its reports' scan times), graceDays 0:
 *   Q1 (Apr–Jun) 05-10 ✓ · Q2 (Jul–Sep) none: 10-01 00:30 JST is Q3 in Tokyo (it would be
 *   09-30 in UTC) → late on 10-01 ✗ · Q3 running → 1/2.
 * Account inventory, every 45 days since 04-01 (register rows written ACCOUNT INVENTORY):
 *   [04-01, 05-16) 05-15 23:59 ✓ · [05-16, 06-30) 06-29 ✓ · [06-30, 08-14) none → late on
 *   08-14 ✗ · [08-14, 09-28) 08-14 00:00, its first instant ✓ · [09-28, 11-12) none: 11-12 00:00
 *   is the next slot's → late ✗ · [11-12, 12-27) running → 3/5.
 * half-year training since 2026-10-01: H1 (Apr–Sep) starts before `since`; H2 is running → 0.
 * Total 10/14.
 */
import { reasonText } from '../../src/i18n/reasons.ts';
import { describe, expect, it } from 'vitest';
import type { ActivityRecord } from '../../src/collectors/activity-register/records.ts';
import { parseObjective } from '../../src/config/schema.ts';
import type { Performance } from '../../src/evidence/performances.ts';
import { activityCadenceRate } from '../../src/kpi/activity-cadence-rate.ts';
import { parseCadence, slotsBetween } from '../../src/kpi/cadence.ts';
import { TOKYO, bundle, ctx } from './helpers.ts';

const T = '2026-11-20T12:00:00+09:00';
const at = (local: string) => `${local}:00.000+09:00`;
const row = (activity: string, local: string): ActivityRecord => ({ activity, performedAt: at(local), performer: '佐藤' });

const register: ActivityRecord[] = [
  row('月次ログレビュー', '2026-04-03T10:00'),
  row('月次ログレビュー', '2026-06-04T10:00'),
  row('月次ログレビュー', '2026-06-20T10:00'),
  row('月次ログレビュー', '2026-08-05T10:00'),
  row('月次ログレビュー', '2026-10-06T00:00'),
  row('月次ログレビュー', '2026-11-10T10:00'),
  row('ACCOUNT INVENTORY', '2026-05-15T23:59'),
  row('Account Inventory', '2026-06-29T10:00'),
  row('account inventory', '2026-08-14T00:00'),
  row('account inventory', '2026-11-12T00:00'),
  row('未設定の活動', '2026-09-01T10:00'), // an activity no objective names
  row('月次ログレビュー', '2026-11-21T10:00'), // after T: not known
];
const scans: Performance[] = [{ at: at('2026-05-10T03:00') }, { at: at('2026-10-01T00:30') }];
const facts = { performances: async function* (id: string) { if (id === 'trivy') yield* scans; } };

const activities = [
  { name: '月次ログレビュー', cadence: 'monthly', graceDays: 5 },
  { name: 'quarterly scan', cadence: 'quarterly', from: 'trivy' },
  { name: 'Account inventory', cadence: 'every 45 days', since: '2026-04-01' },
  { name: 'half-year training', cadence: 'half-year', since: '2026-10-01' },
];
const obj = (period: string, list: unknown[] = activities) => parseObjective({ id: 'o', title: 'o', kpi: 'activity-cadence-rate', period, params: { activities: list } });

describe('activity-cadence-rate', () => {
  it('the year: 10 of 14 slots on time; running slots listed apart', async () => {
    const r = await activityCadenceRate(bundle({ current: { activity: register } }), facts, ctx(obj('year'), T));
    expect([r.numerator, r.denominator]).toEqual([10, 14]);
    // The organisation reads Japanese: "performed late on <date>".
    expect(r.failing.map((f) => [f.id, reasonText(f, 'ja')])).toEqual([
      ['月次ログレビュー 2026-09-01/2026-09-30', '2026-10-06 に遅れて実施'],
      ['quarterly scan 2026-07-01/2026-09-30', '2026-10-01 に遅れて実施'],
      ['Account inventory 2026-06-30/2026-08-13', '2026-08-14 に遅れて実施'],
      ['Account inventory 2026-09-28/2026-11-11', '2026-11-12 に遅れて実施'],
    ]);
    expect(r.failing.map((f) => f.details.performedLateAt)).toEqual([at('2026-10-06T00:00'), at('2026-10-01T00:30'), at('2026-08-14T00:00'), at('2026-11-12T00:00')]);
    expect(r.notes?.map((n) => n.id)).toEqual([
      '月次ログレビュー 2026-11-01/2026-11-30',
      'quarterly scan 2026-10-01/2026-12-31',
      'Account inventory 2026-11-12/2026-12-26',
      'half-year training 2026-10-01/2027-03-31',
    ]);
    expect(reasonText(r.notes![0]!, 'ja')).toBe('期限前: 実施枠と猶予は 2026-12-06 00:00 まで。2026-11-10 に実施済み');
  });

  it('the quarter (from 10-01): Sep\'s slot ends where the quarter starts and is out; Oct ✓, the 45-day slot from 09-28 ✗ → 1/2', async () => {
    const r = await activityCadenceRate(bundle({ current: { activity: register } }), facts, ctx(obj('quarter'), T));
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
  });

  it('a slot counts from the instant its grace ends, not a millisecond earlier', async () => {
    // October's monthly slot with 5 days' grace ends 11-06 00:00 JST.
    const list = [{ name: '月次ログレビュー', cadence: 'monthly', graceDays: 5 }];
    const due = await activityCadenceRate(bundle({ current: { activity: register } }), facts, ctx(obj('quarter', list), '2026-11-06T00:00:00+09:00'));
    expect(due.denominator).toBe(1);
    const early = await activityCadenceRate(bundle({ current: { activity: register } }), facts, ctx(obj('quarter', list), '2026-11-05T23:59:59.999+09:00'));
    expect(early.denominator).toBe(0);
    expect(early.status).toBe('no_data');
  });

  it('not performed at all; `reason` is English (the JSON contract), read in each language through its code', async () => {
    const none = { performances: async function* () {} };
    const ja = await activityCadenceRate(bundle({ current: { activity: [] } }), none, ctx(obj('quarter', [{ name: 'x', cadence: 'monthly' }]), T));
    expect(ja.failing.map((f) => reasonText(f, 'ja'))).toEqual(['未実施']);
    expect(ja.failing.map((f) => [f.reason, f.reasonCode])).toEqual([['not performed', 'activityNotPerformed']]);
    const en = await activityCadenceRate(bundle({ current: { activity: register } }), facts, ctx(obj('year'), T, { org: { ...TOKYO, language: 'en' } }));
    expect(en.failing[0]!.reason).toBe('performed late on 2026-10-06');
    expect(en.notes?.[0]?.reason).toBe('not due yet: the slot and its grace run until 2026-12-06 00:00; performed 2026-11-10');
    const x = await activityCadenceRate(bundle({}), none, ctx(obj('quarter', [{ name: 'x', cadence: 'monthly' }]), T, { org: { ...TOKYO, language: 'en' } }));
    expect(x.failing.map((f) => f.reason)).toEqual(['not performed']);
  });

  it('records of a `from` source that name an activity count only for that activity', async () => {
    const named = { performances: async function* () { yield { at: at('2026-10-10T10:00'), activity: 'other' }; yield { at: at('2026-10-11T10:00'), activity: 'ＭＯＮＴＨＬＹ ｒｅｖｉｅｗ' }; } };
    const r = await activityCadenceRate(bundle({}), named, ctx(obj('quarter', [{ name: 'monthly review', cadence: 'monthly', from: 'register2' }]), T));
    expect(r.failing).toEqual([]);
    expect([r.numerator, r.denominator]).toEqual([1, 1]);
  });

  it('an every-N-days cadence needs since', () => {
    expect(() => obj('year', [{ name: 'x', cadence: 'every 7 days' }])).toThrow(/since/);
    expect(() => obj('year', [{ name: 'x', cadence: 'weekly' }])).toThrow(/every N days/);
  });
});

describe('cadence slots', () => {
  const org = TOKYO;
  const ms = (iso: string) => Date.parse(iso);
  it('quarters from the fiscal start month in the organisation zone', () => {
    const s = slotsBetween(parseCadence('quarterly'), ms('2026-04-01T00:00:00+09:00'), ms('2026-11-20T12:00:00+09:00'), org);
    expect(s.map((x) => new Date(x.startMs).toISOString())).toEqual([
      '2026-03-31T15:00:00.000Z', '2026-06-30T15:00:00.000Z', '2026-09-30T15:00:00.000Z', '2026-12-31T15:00:00.000Z',
    ]);
  });
  it('a January fiscal year in UTC: halves are Jan–Jun and Jul–Dec', () => {
    const s = slotsBetween(parseCadence('half-year'), ms('2026-03-01T00:00:00Z'), ms('2026-08-01T00:00:00Z'), { timeZone: 'UTC', fiscalYearStartMonth: 1 });
    expect(s.map((x) => [new Date(x.startMs).toISOString(), new Date(x.endMs).toISOString()])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
      ['2026-07-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
      ['2027-01-01T00:00:00.000Z', '2027-07-01T00:00:00.000Z'],
    ]);
  });
  it('monthly across a DST change keeps local midnights (Europe/Berlin, 2026-03-29)', () => {
    const s = slotsBetween(parseCadence('monthly'), ms('2026-03-10T00:00:00Z'), ms('2026-04-10T00:00:00Z'), { timeZone: 'Europe/Berlin', fiscalYearStartMonth: 1 });
    expect(s.slice(0, 2).map((x) => new Date(x.startMs).toISOString())).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
  });
});
