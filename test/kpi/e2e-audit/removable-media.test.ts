/**
 * E2E audit (KPIS.md "unapproved-removable-media-count", "removable-media-approval-rate"):
 * Winlogbeat 6416 (ECS JSON lines), Defender UsbDriveMounted (CSV), Linux kernel lines, a
 * Japanese approvals register and an asset inventory (host owners) → collect → evaluate.
 *
 * Organisation Asia/Tokyo, fiscal year from April, defaultLoginDomain corp.example.
 * T = 2026-06-30T12:00+09:00, period quarter = fiscal Q1 [04-01, T]. Approvals:
 *   AP-1 ann  serial 4C530001230405117063   2026/04/01 – 2026/04/30 (whole days)
 *   AP-2 bob  0781:5567 (any serial)        2026/05/01 – (no end)
 *   AP-3 cy   * (any device)                2026-06-10T10:00+09:00 – 2026-06-11T12:00+09:00 (instants)
 *   AP-4 dan  SanDisk:Cruzer Blade (names)  2026/04/01 –
 * Device-days (person, device, day in JST):
 *   1 ann 4C53… 04-30: 6416 at 2026-04-30T14:59:59Z = 04-30 23:59:59 JST → AP-1 ✓
 *   2 ann 4C53… 05-01: 6416 at 2026-04-30T15:00:00Z = 05-01 00:00 JST (AP-1 ended) ✗; the same
 *     day again at 10:00 on PC-01 and at 14:00 on PC-09 → still one device-day
 *     (in UTC days, 1 and 2 would be one approved device-day)
 *   3 bob AA11BB22 05-10: 6416 class USB + USB\Class_08 by machine account PC-02$ (no user) →
 *     PC-02's owner bob (inventory); VID 0781 PID 5567 → AP-2 ✓
 *   4 cy CC33 06-10 10:00 JST (Defender, UPN cy@…): exactly at AP-3's start ✓
 *   5 cy CC33 06-11 12:00:00 JST: exactly at AP-3's end (valid to, inclusive) ✓
 *   6 cy CC33 06-12 ✗
 *   7 dan DD44 06-20 (Defender, account "system" → no user; host pc-04.corp.example → inventory
 *     PC-04's owner dan); Manufacturer SanDisk, ProductName Cruzer Blade → AP-4 by names ✓
 *   8 host srv-05 EE55 06-25 (Linux usb-storage, no user, no owner) ✗
 *   not device-days: a mouse (6416 class Mouse), UsbDriveUnmounted, a keyboard on Linux (no
 *   storage driver), a Linux stick on 03-31 (before Q1)
 * → unapproved count 3; approval rate 5/8.
 */
import { utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objective, Workspace } from './harness.ts';

let ws: Workspace;
let cfg: string;
const T = '2026-06-30T12:00:00+09:00';

function w6416(ts: string, host: string, user: string, deviceId: string, className: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    '@timestamp': ts,
    event: { code: '6416', kind: 'event', provider: 'Microsoft-Windows-Security-Auditing', action: 'plugged-in-device' },
    host: { name: host },
    winlog: { event_id: '6416', channel: 'Security', computer_name: `${host}.corp.example`, event_data: { SubjectUserName: user, SubjectDomainName: 'CORP', DeviceId: deviceId, ClassName: className, DeviceDescription: 'Disk drive', ...extra } },
  });
}
const STICK = 'USBSTOR\\DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00\\4C530001230405117063&0';

beforeAll(() => {
  ws = new Workspace();
  ws.write(
    'winlogbeat.ndjson',
    [
      w6416('2026-04-30T14:59:59.000Z', 'PC-01', 'ann', STICK, 'DiskDrive'),
      w6416('2026-04-30T15:00:00.000Z', 'PC-01', 'ann', STICK, 'DiskDrive'),
      w6416('2026-05-01T01:00:00.000Z', 'PC-01', 'ann', STICK, 'DiskDrive'),
      w6416('2026-05-01T05:00:00.000Z', 'PC-09', 'ann', STICK, 'DiskDrive'),
      w6416('2026-05-02T01:00:00.000Z', 'PC-01', 'ann', 'HID\\VID_046D&PID_C077\\7&1A2B3C4D&0&0000', 'Mouse'),
      w6416('2026-05-10T01:00:00.000Z', 'PC-02', 'PC-02$', 'USB\\VID_0781&PID_5567\\AA11BB22', 'USB', { CompatibleIds: ['USB\\Class_08&SubClass_06&Prot_50', 'USB\\Class_08'] }),
    ].join('\n') + '\n',
  );
  const fields = (o: object) => `"${JSON.stringify(o).replace(/"/g, '""')}"`;
  ws.write(
    'defender.csv',
    'Timestamp,DeviceId,DeviceName,ActionType,InitiatingProcessAccountName,InitiatingProcessAccountUpn,AdditionalFields\n' +
      `2026-06-10T01:00:00.000Z,d1,pc-03.corp.example,UsbDriveMounted,cy,cy@corp.example,${fields({ DriveLetter: 'E:', BusType: 'USB', SerialNumber: 'CC33', Manufacturer: 'Kingston', ProductName: 'DataTraveler' })}\n` +
      `2026-06-11T03:00:00.000Z,d1,pc-03.corp.example,UsbDriveMounted,cy,cy@corp.example,${fields({ DriveLetter: 'E:', BusType: 'USB', SerialNumber: 'CC33', Manufacturer: 'Kingston', ProductName: 'DataTraveler' })}\n` +
      `2026-06-11T03:30:00.000Z,d1,pc-03.corp.example,UsbDriveUnmounted,cy,cy@corp.example,${fields({ DriveLetter: 'E:' })}\n` +
      `2026-06-12T00:00:00.000Z,d1,pc-03.corp.example,UsbDriveMounted,cy,cy@corp.example,${fields({ DriveLetter: 'E:', BusType: 'USB', SerialNumber: 'CC33', Manufacturer: 'Kingston', ProductName: 'DataTraveler' })}\n` +
      `2026-06-20T01:00:00.000Z,d4,pc-04.corp.example,UsbDriveMounted,system,,${fields({ DriveLetter: 'F:', BusType: 'USB', SerialNumber: 'DD44', Manufacturer: 'SanDisk', ProductName: 'Cruzer Blade' })}\n`,
  );
  const kern = ws.write(
    'kern.log',
    'Mar 31 23:00:00 srv-05 kernel: [ 10.000001] usb 3-1: New USB device found, idVendor=0951, idProduct=1666, bcdDevice= 1.00\n' +
      'Mar 31 23:00:00 srv-05 kernel: [ 10.000002] usb 3-1: SerialNumber: OLD1\n' +
      'Mar 31 23:00:01 srv-05 kernel: [ 11.000000] usb-storage 3-1:1.0: USB Mass Storage device detected\n' +
      'Jun 25 08:59:00 srv-05 kernel: [ 99.000000] usb 2-1: New USB device found, idVendor=046d, idProduct=c31c, bcdDevice=64.00\n' +
      'Jun 25 08:59:00 srv-05 kernel: [ 99.000001] usb 2-1: Product: USB Keyboard\n' +
      'Jun 25 09:00:00 srv-05 kernel: [ 100.000000] usb 1-1: New USB device found, idVendor=0951, idProduct=1666, bcdDevice= 1.00\n' +
      'Jun 25 09:00:00 srv-05 kernel: [ 100.000100] usb 1-1: Product: DataTraveler 3.0\n' +
      'Jun 25 09:00:00 srv-05 kernel: [ 100.000200] usb 1-1: SerialNumber: EE55\n' +
      'Jun 25 09:00:01 srv-05 kernel: [ 101.000000] usb-storage 1-1:1.0: USB Mass Storage device detected\n' +
      'Jun 25 09:30:00 srv-05 kernel: [ 1900.000000] usb 1-1: USB disconnect, device number 5\n',
  );
  // RFC 3164 lines carry no year: the file's time dates them (2026).
  const mtime = new Date('2026-07-01T00:00:00+09:00');
  utimesSync(kern, mtime, mtime);
  ws.write(
    'approvals.csv',
    '\uFEFF申請番号,申請者,媒体,開始日,終了日\r\n' +
      'AP-1,ann@corp.example,4C530001230405117063,2026/04/01,2026/04/30\r\n' +
      'AP-2,bob@corp.example,0781:5567,2026/05/01,\r\n' +
      'AP-3,cy@corp.example,*,2026-06-10T10:00:00+09:00,2026-06-11T12:00:00+09:00\r\n' +
      'AP-4,dan@corp.example,SanDisk:Cruzer Blade,2026/04/01,\r\n',
  );
  ws.write('assets.csv', 'assetId,owner,activeFrom,activeTo\nPC-02,bob@corp.example,2025-01-01,\nPC-04,dan@corp.example,2025-01-01,\n');
  cfg = ws.config(
    `  - { id: win, kind: device-events, format: ecs-json, path: winlogbeat.ndjson }
  - { id: defender, kind: device-events, format: defender-csv, path: defender.csv }
  - { id: linux, kind: device-events, format: linux-kernel, path: kern.log }
  - { id: approvals, kind: removable-media-approvals, path: approvals.csv, dateFormat: yyyy/MM/dd }
  - { id: assets, kind: asset-inventory, path: assets.csv }`,
    [objective('unapproved', 'unapproved-removable-media-count', 'quarter'), objective('approval', 'removable-media-approval-rate', 'quarter')].join(''),
    'timeZone: Asia/Tokyo\n  fiscalYearStartMonth: 4\n  internalDomains: [corp.example]\n  defaultLoginDomain: corp.example',
  );
  ws.collect(cfg, { observedAt: '2026-04-01T00:00:00+09:00' });
});
afterAll(() => ws.dispose());

describe('removable-media KPIs end to end (6416, Defender, Linux, approvals, inventory)', () => {
  it('unapproved-removable-media-count: 3 device-days', () => {
    const o = ws.evaluate(cfg, T).unapproved!;
    expect(o.value).toBe(3);
    expect(o.status).toBe('missed');
    const ev = ws.evidence(cfg, 'unapproved', T).failing;
    expect(ev.map((f) => `${f.id} ${String(f.details.day)}`).sort()).toEqual(['ann@corp.example 2026-05-01', 'cy@corp.example 2026-06-12', 'host srv-05 2026-06-25']);
    const annDay = ev.find((f) => f.id === 'ann@corp.example')!;
    expect(annDay.details.hosts).toEqual(['pc-01', 'pc-09']);
  });

  it('removable-media-approval-rate: 5 approved of 8 device-days', () => {
    const o = ws.evaluate(cfg, T).approval!;
    expect([o.numerator, o.denominator]).toEqual([5, 8]);
  });

  it('no device-day in the period is no_data; the first device-day counts from its first connection', () => {
    // At 2026-04-01T00:00+09:00 (observation instant) fiscal Q1 has no device-day yet
    // (the Linux stick of 03-31 23:00 JST is Q4's).
    const first = ws.evaluate(cfg, '2026-04-01T00:00:00+09:00');
    expect(first.approval!.status).toBe('no_data');
    // The device logs were collected at that instant and showed no device-day of Q1: a count
    // of 0, met — not no_data, which is for logs never collected.
    expect([first.unapproved!.value, first.unapproved!.status]).toEqual([0, 'met']);
    // One second earlier nothing had been collected: no evidence, no_data (not a reassuring 0).
    const before = ws.evaluate(cfg, '2026-03-31T23:59:59+09:00');
    expect([before.unapproved!.value, before.unapproved!.status]).toEqual([null, 'no_data']);
    // At 04-30 23:59:59 JST: device-day 1 only, approved → 1/1 and 0 unapproved.
    const r = ws.evaluate(cfg, '2026-04-30T23:59:59+09:00');
    expect([r.approval!.numerator, r.approval!.denominator]).toEqual([1, 1]);
    expect(r.unapproved!.value).toBe(0);
  });
});
