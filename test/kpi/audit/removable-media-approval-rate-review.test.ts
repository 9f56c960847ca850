/**
 * Review of removable-media-approval-rate against KPIS.md: edge cases the audit test does not
 * pin, each computed by hand. Asia/Tokyo (UTC+9), fiscal year from April; T = 2026-11-20 12:00
 * JST. A device-day's day is its first connection's date in JST (as the collector writes it).
 *
 * Approvals:
 *  B1 hana  vendor `SanDisk` product `Cruzer Blade` (names), any serial, 2026-10-01 … 2026-12-31
 *  B2 taro  `0781:5567:S1` (ids and serial), from 2026-10-01
 * Device-days in the quarter [10-01 00:00 JST, T]:
 *  1 hana X1 named SANDISK / CRUZER_BLADE (Windows' spelling) 10-05 ... approved (names compare case- and `_`-insensitively)
 *  2 taro S1 with ids 0781:5567 10-07 .................................. approved
 *  3 taro S1 with no ids (Defender) 10-08; the 10-07 report gives S1's ids → approved
 *  4 taro S11 with ids 0781:5567 10-09 ................................. unapproved (B2 names serial S1)
 *  5 taro, no serial, ids 0781:5567 10-10 .............................. unapproved (B2 needs serial S1)
 * 5 device-days, 3 approved → 0.6.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceDayRecord } from '../../../src/collectors/device-events/records.ts';
import type { MediaApprovalRecord } from '../../../src/collectors/media-approvals/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { removableMediaApprovalRate } from '../../../src/kpi/removable-media.ts';
import { bundle, ctx, hr } from '../helpers.ts';
import { facts } from './removable-media-fixtures.ts';

const T = '2026-11-20T12:00:00+09:00';
const at = (l: string) => `${l}@example.co.jp`;
const people = [hr({ employeeId: 'E1', email: at('taro') }), hr({ employeeId: 'E2', email: at('hana') })];
const approvals: MediaApprovalRecord[] = [
  { approvalId: 'B1', person: 'hana', device: { vendor: 'SanDisk', product: 'Cruzer Blade' }, validFrom: '2026-10-01', validTo: '2026-12-31' },
  { approvalId: 'B2', person: 'taro', device: { vendor: '0781', product: '5567', serial: 'S1' }, validFrom: '2026-10-01' },
];

function dd(user: string, serial: string | undefined, first: string, ids: Partial<DeviceDayRecord> = {}): DeviceDayRecord {
  const day = new Date(Date.parse(first) + 9 * 3_600_000).toISOString().slice(0, 10);
  const device = serial ? `s:${serial}` : `vp:${ids.vendorId}:${ids.productId}`;
  return { day, host: 'pc-1', user, device, ...(serial ? { serial } : {}), firstAt: first, lastAt: first, ...ids };
}
const VP = { vendorId: '0781', productId: '5567' };
const days: DeviceDayRecord[] = [
  dd('hana', 'X1', '2026-10-05T10:00:00+09:00', { vendor: 'SANDISK', product: 'CRUZER_BLADE' }),
  dd('taro', 'S1', '2026-10-07T10:00:00+09:00', VP),
  dd('taro', 'S1', '2026-10-08T10:00:00+09:00'),
  dd('taro', 'S11', '2026-10-09T10:00:00+09:00', VP),
  dd('taro', undefined, '2026-10-10T10:00:00+09:00', VP),
];
const obj = (period = 'quarter', warning?: number) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'removable-media-approval-rate', target: 1, direction: 'at_least', period, ...(warning !== undefined ? { warning } : {}) });
const b = bundle({ people, current: { 'media-approval': approvals } });

describe('removable-media-approval-rate (review)', () => {
  it('device matching: names, ids, a serial\'s ids from another report, serial-bound approvals', async () => {
    const r = await removableMediaApprovalRate(b, facts(days), ctx(obj(), T));
    expect([r.numerator, r.denominator, r.value]).toEqual([3, 5, 0.6]);
    expect(r.failing.map((f) => f.details.day)).toEqual(['2026-10-09', '2026-10-10']);
    // 0.6 ≥ warning 0.6 → at_risk; warning 0.7 → missed.
    expect((await removableMediaApprovalRate(b, facts(days), ctx(obj('quarter', 0.6), T))).status).toBe('at_risk');
    expect((await removableMediaApprovalRate(b, facts(days), ctx(obj('quarter', 0.7), T))).status).toBe('missed');
  });

  it('calendar periods from the fiscal-year start (April) in JST', async () => {
    // No approvals for S20 → every device-day unapproved; the denominator shows which are in.
    // 2026-03-31 23:59:59, 2026-04-01 00:00:00, 2026-09-30 23:59:59, 2026-10-01 00:00:00, 2026-11-01 00:00:00 JST.
    const rows = ['2026-03-31T23:59:59', '2026-04-01T00:00:00', '2026-09-30T23:59:59', '2026-10-01T00:00:00', '2026-11-01T00:00:00'].map((l) => dd('taro', 'S20', `${l}+09:00`));
    const n = async (period: string) => (await removableMediaApprovalRate(b, facts(rows), ctx(obj(period), T))).denominator;
    // year: [2026-04-01 00:00 JST, T] → 04-01, 09-30, 10-01, 11-01 = 4.
    expect(await n('year')).toBe(4);
    // half-year (Oct–Mar): [10-01, T] → 10-01, 11-01 = 2. quarter (Oct–Dec): the same, 2.
    expect(await n('half-year')).toBe(2);
    expect(await n('quarter')).toBe(2);
    // month: [11-01 00:00 JST, T] → 11-01 = 1.
    expect(await n('month')).toBe(1);
  });

  it('the period-to-date at T = the period\'s first instant holds a device-day at T', async () => {
    // T' = 2026-10-01 00:00 JST: quarter [T', T']; the 10-01 00:00 device-day is in, 09-30 23:59:59 out. 0 / 1.
    const rows = [dd('taro', 'S20', '2026-09-30T23:59:59+09:00'), dd('taro', 'S20', '2026-10-01T00:00:00+09:00')];
    const r = await removableMediaApprovalRate(b, facts(rows), ctx(obj(), '2026-10-01T00:00:00+09:00'));
    expect([r.numerator, r.denominator, r.value, r.status]).toEqual([0, 1, 0, 'missed']);
  });

  it('only device-days outside the period: no_data', async () => {
    const r = await removableMediaApprovalRate(b, facts([dd('taro', 'S1', '2026-09-30T23:59:59+09:00', VP)]), ctx(obj(), T));
    expect([r.value, r.denominator, r.status]).toEqual([null, 0, 'no_data']);
  });
});
