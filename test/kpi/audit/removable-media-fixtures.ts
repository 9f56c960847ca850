/**
 * Device-days and approvals for the removable-media KPI audits, with what KPIS.md makes of each,
 * by hand. Asia/Tokyo, fiscal year from April; T = 2026-11-20 12:00 JST, the quarter is
 * [2026-10-01 00:00 JST, T].
 *
 * P1 taro, serial S1, valid 2026-10-01 … 2026-10-15 (whole days: through 10-15 23:59:59.999).
 * P2 hana, 0781:5567 with any serial, valid from the instant 2026-10-10 09:00 JST.
 *  d1 taro S1 10-15 23:59:59 ............................ approved (P1's last second)
 *  d2 taro S1 10-16 00:00:00 ............................ unapproved (P1 has expired)
 *  d3 taro S1 10-14 on pc-1 10:00 and pc-2 15:00 ........ one device-day, approved
 *  d4 hana 0781:5567 #X 10-10 08:59 (pc-3) and 10:00 (pc-4): one device-day whose first
 *     connection (08:59) is before P2 is valid ........... unapproved
 *  d5 hana 0781:5567 #Y 10-11 10:00 ..................... approved (any serial)
 *  d6 hana S1 10-12 10:00 (taro's stick) ................ unapproved (P1 is taro's)
 *  --  taro S1 09-30 23:59:59 (last quarter), taro S1 11-20 12:00:01 (after T): out
 * Device-days in the period 6, approved 3 (d1 d3 d5), unapproved 3 (d2 d4 d6).
 */
import type { DeviceDayRecord } from '../../../src/collectors/device-events/records.ts';
import type { MediaApprovalRecord } from '../../../src/collectors/media-approvals/records.ts';
import type { FactRow } from '../../../src/evidence/store.ts';
import type { FactStream } from '../../../src/kpi/registry.ts';
import { hr } from '../helpers.ts';

export const T = '2026-11-20T12:00:00+09:00';
const at = (l: string) => `${l}@example.co.jp`;
export const people = [hr({ employeeId: 'E1', email: at('taro') }), hr({ employeeId: 'E2', email: at('hana') })];
export const approvals: MediaApprovalRecord[] = [
  { approvalId: 'P1', person: at('taro'), device: { serial: 'S1' }, validFrom: '2026-10-01', validTo: '2026-10-15' },
  { approvalId: 'P2', person: 'hana', device: { vendor: '0781', product: '5567' }, validFrom: '2026-10-10T09:00:00+09:00' },
];
function dd(user: string, host: string, serial: string, first: string, last = first, ids: Partial<DeviceDayRecord> = {}): DeviceDayRecord {
  const day = new Date(Date.parse(first) + 9 * 3_600_000).toISOString().slice(0, 10);
  return { day, host, user, device: `s:${serial}`, serial, firstAt: first, lastAt: last, ...ids };
}
const SD = { vendorId: '0781', productId: '5567' };
export const deviceDays: DeviceDayRecord[] = [
  dd('taro', 'pc-1', 'S1', '2026-10-15T23:59:59+09:00'),
  dd('taro', 'pc-1', 'S1', '2026-10-16T00:00:00+09:00'),
  dd('taro', 'pc-1', 'S1', '2026-10-14T10:00:00+09:00'),
  dd(at('taro'), 'pc-2', 'S1', '2026-10-14T15:00:00+09:00'),
  dd('hana', 'pc-3', 'X', '2026-10-10T08:59:00+09:00', '2026-10-10T09:10:00+09:00', SD),
  dd('hana', 'pc-4', 'X', '2026-10-10T10:00:00+09:00', '2026-10-10T10:00:00+09:00', SD),
  dd('hana', 'pc-3', 'Y', '2026-10-11T10:00:00+09:00', '2026-10-11T10:00:00+09:00', SD),
  dd('hana', 'pc-3', 'S1', '2026-10-12T10:00:00+09:00'),
  dd('taro', 'pc-1', 'S1', '2026-09-30T23:59:59+09:00'),
  dd('taro', 'pc-1', 'S1', '2026-11-20T12:00:01+09:00'),
];
export function facts(rows: readonly DeviceDayRecord[] = deviceDays): Pick<FactStream, 'readFacts'> {
  const factRows: FactRow<'device-day'>[] = rows.map((data, i) => ({ source: 'usb', key: `k${i}`, observedAt: '2026-11-20T00:00:00.000Z', data }));
  return {
    readFacts: (<K extends string>(kind: K) => {
      async function* gen() {
        if (kind === 'device-day') yield* factRows;
      }
      return gen();
    }) as FactStream['readFacts'],
  };
}
