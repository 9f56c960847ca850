/**
 * Review of unapproved-removable-media-count against KPIS.md: edge cases the audit test does not
 * pin, each computed by hand. Asia/Tokyo (UTC+9), fiscal year from April; T = 2026-11-20 12:00
 * JST, the quarter is [2026-10-01 00:00 JST, T]. A device-day's day is its first connection's
 * date in JST (as the collector writes it).
 *
 * Approvals:
 *  A1 taro   serial S2          2026-10-20 … 2026-10-20 (whole day: 10-20 00:00 → 10-21 00:00 JST)
 *  A2 hana   serial S3          from 2026-10-25 (00:00 JST = 10-24 15:00Z), no end
 *  A3 jiro   0781:5567 any serial, 2026-10-01 … instant 2026-10-27 12:00:00 JST (inclusive)
 *  A4 saburo serial S6          from the instant 2026-10-29 13:00 JST
 *  A5 E5 (shiro's employee id)  `*` any device, from 2026-10-01
 *  A6 taro   serial parsed from the register cell `4c530001230405117063` (upper-cased)
 * Device-days (→ by hand):
 *  1 taro S2 10-20 23:50 ............... approved (A1's day)
 *  2 taro S2 10-21 00:10 ............... unapproved (A1 ended at 10-21 00:00; across midnight = a new device-day)
 *  3 hana S3 10-24 23:30 ............... unapproved (A2 starts 10-25 00:00 JST)
 *  4 hana S3 10-25 00:30 (10-24 15:30Z)  approved (a UTC reading of 10-25 would start at 09:00 JST)
 *  5 jiro 0781:5567 #S4 10-27 12:00:00 . approved (A3's last instant)
 *  6 jiro 0781:5567 #S5 10-27 12:00:01 . unapproved (A3 expired a second before)
 *  7 saburo S6 10-29 12:59:59 … 14:00 .. unapproved (first connection before A4 starts)
 *  8 saburo S6 10-30 10:00 ............. approved
 *  9 Shiro@Example.co.jp S8 11-02 10:00  approved (A5 by employee id, any device)
 * 10 taro 4C530001230405117063 11-03 ... approved (A6)
 * 11 no user, host pc-9.example.co.jp (inventory PC-9, owner hana), S3, 11-04 10:00 → hana → approved (A2)
 * 12 no user, host pc-x (no owner), S9, 11-04 11:00 → listed against the host, unapproved
 * 13 taro S7 11-05 10:00 and hana S7 11-05 11:00 → two device-days, both unapproved
 * 14 taro S10 10-01 00:00:00 JST (09-30 15:00Z) → in the quarter, unapproved
 * -- taro S10 09-30 23:59:59 JST → last quarter, out
 * Device-days 15; approved 1 4 5 8 9 10 11 = 7; unapproved 2 3 6 7 12 13a 13b 14 = 8.
 */
import { describe, expect, it } from 'vitest';
import type { AssetRecord } from '../../../src/collectors/asset-inventory/records.ts';
import type { DeviceDayRecord } from '../../../src/collectors/device-events/records.ts';
import { parseApprovedDevice } from '../../../src/collectors/media-approvals/parse.ts';
import type { ApprovedDevice, MediaApprovalRecord } from '../../../src/collectors/media-approvals/records.ts';
import { parseObjective } from '../../../src/config/schema.ts';
import { unapprovedRemovableMediaCount } from '../../../src/kpi/removable-media.ts';
import { bundle, ctx, hr } from '../helpers.ts';
import { facts } from './removable-media-fixtures.ts';

const T = '2026-11-20T12:00:00+09:00';
const at = (l: string) => `${l}@example.co.jp`;
const people = ['taro', 'hana', 'jiro', 'saburo', 'shiro'].map((n, i) => hr({ employeeId: `E${i + 1}`, email: at(n) }));
const a6 = parseApprovedDevice('4c530001230405117063') as ApprovedDevice;
const approvals: MediaApprovalRecord[] = [
  { approvalId: 'A1', person: 'taro', device: { serial: 'S2' }, validFrom: '2026-10-20', validTo: '2026-10-20' },
  { approvalId: 'A2', person: at('hana'), device: { serial: 'S3' }, validFrom: '2026-10-25' },
  { approvalId: 'A3', person: 'jiro', device: { vendor: '0781', product: '5567' }, validFrom: '2026-10-01', validTo: '2026-10-27T12:00:00+09:00' },
  { approvalId: 'A4', person: 'saburo', device: { serial: 'S6' }, validFrom: '2026-10-29T13:00:00+09:00' },
  { approvalId: 'A5', person: 'E5', device: { any: true }, validFrom: '2026-10-01' },
  { approvalId: 'A6', person: 'taro', device: a6, validFrom: '2026-10-01' },
];
const assets: AssetRecord[] = [{ assetId: 'PC-9', owner: at('hana') }];

function dd(user: string | undefined, host: string, serial: string, first: string, last = first, ids: Partial<DeviceDayRecord> = {}): DeviceDayRecord {
  const day = new Date(Date.parse(first) + 9 * 3_600_000).toISOString().slice(0, 10);
  return { day, host, ...(user ? { user } : {}), device: `s:${serial}`, serial, firstAt: first, lastAt: last, ...ids };
}
const VP = { vendorId: '0781', productId: '5567' };
const days: DeviceDayRecord[] = [
  dd('taro', 'pc-1', 'S2', '2026-10-20T23:50:00+09:00'),
  dd('taro', 'pc-1', 'S2', '2026-10-21T00:10:00+09:00'),
  dd('hana', 'pc-2', 'S3', '2026-10-24T23:30:00+09:00'),
  dd('hana', 'pc-2', 'S3', '2026-10-25T00:30:00+09:00'),
  dd('jiro', 'pc-3', 'S4', '2026-10-27T12:00:00+09:00', '2026-10-27T12:00:00+09:00', VP),
  dd('jiro', 'pc-3', 'S5', '2026-10-27T12:00:01+09:00', '2026-10-27T12:00:01+09:00', VP),
  dd('saburo', 'pc-4', 'S6', '2026-10-29T12:59:59+09:00', '2026-10-29T14:00:00+09:00'),
  dd('saburo', 'pc-4', 'S6', '2026-10-30T10:00:00+09:00'),
  dd('Shiro@Example.co.jp', 'pc-5', 'S8', '2026-11-02T10:00:00+09:00'),
  dd('taro', 'pc-1', '4C530001230405117063', '2026-11-03T10:00:00+09:00'),
  dd(undefined, 'pc-9.example.co.jp', 'S3', '2026-11-04T10:00:00+09:00'),
  dd(undefined, 'pc-x', 'S9', '2026-11-04T11:00:00+09:00'),
  dd('taro', 'pc-1', 'S7', '2026-11-05T10:00:00+09:00'),
  dd('hana', 'pc-2', 'S7', '2026-11-05T11:00:00+09:00'),
  dd('taro', 'pc-1', 'S10', '2026-10-01T00:00:00+09:00'),
  dd('taro', 'pc-1', 'S10', '2026-09-30T23:59:59+09:00'),
];
const obj = (warning?: number) =>
  parseObjective({ id: 'o', title: 'o', kpi: 'unapproved-removable-media-count', target: 0, direction: 'at_most', period: 'quarter', ...(warning !== undefined ? { warning } : {}) });
const all = bundle({ people, current: { 'media-approval': approvals, asset: assets } });

describe('unapproved-removable-media-count (review)', () => {
  it('day boundaries in JST, approvals starting / ending mid-day, identity, host owners, serial case', async () => {
    const r = await unapprovedRemovableMediaCount(all, facts(days), ctx(obj(), T));
    expect([r.value, r.numerator, r.denominator]).toEqual([8, 8, 15]);
    // Listed in order of first connection.
    expect(r.failing.map((f) => [f.id, f.details.day])).toEqual([
      [at('taro'), '2026-10-01'], // 14
      [at('taro'), '2026-10-21'], // 2
      [at('hana'), '2026-10-24'], // 3
      [at('jiro'), '2026-10-27'], // 6
      [at('saburo'), '2026-10-29'], // 7
      ['host pc-x', '2026-11-04'], // 12
      [at('taro'), '2026-11-05'], // 13a
      [at('hana'), '2026-11-05'], // 13b
    ]);
    expect(r.failing.find((f) => f.details.day === '2026-10-29')?.details).toMatchObject({ firstAt: '2026-10-29T12:59:59.000+09:00', lastAt: '2026-10-29T14:00:00.000+09:00', hosts: ['pc-4'] });
  });

  it('status with a warning: at_most 0, warning 1', async () => {
    // Only device-day 2 (unapproved) → 1 ≤ warning 1 → at_risk; 2 and 3 → 2 > 1 → missed; 1 alone → 0 → met.
    expect((await unapprovedRemovableMediaCount(all, facts([days[1]!]), ctx(obj(1), T))).status).toBe('at_risk');
    expect((await unapprovedRemovableMediaCount(all, facts([days[1]!, days[2]!]), ctx(obj(1), T))).status).toBe('missed');
    const ok = await unapprovedRemovableMediaCount(all, facts([days[0]!]), ctx(obj(1), T));
    expect([ok.value, ok.status]).toEqual([0, 'met']);
  });

  it('evaluated at an earlier instant: only connections up to T count, approvals judged the same', async () => {
    // T' = 10-25 00:30 JST: device-days 14 (10-01), 1 (10-20, approved), 2 (10-21), 3 (10-24),
    // 4 (10-25 00:30 = T', approved). Unapproved 14, 2, 3 = 3.
    const r = await unapprovedRemovableMediaCount(all, facts(days), ctx(obj(), '2026-10-25T00:30:00+09:00'));
    expect([r.value, r.denominator]).toEqual([3, 5]);
  });
});
