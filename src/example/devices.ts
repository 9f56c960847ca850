/**
 * The example organisation's removable media: USB connections in three forms — Winlogbeat's
 * event 6416 as ECS JSON lines, a Defender for Endpoint `DeviceEvents` export (UsbDriveMounted,
 * CSV), and Linux kernel lines in the journal's ISO form (no year to guess) — and the approvals
 * register, by construction (test/fixtures/example-expected.md counts the device-days). Five
 * regular employees of 営業部 (P1–P5, by employee id) use sticks; a build server uses one with
 * nobody logged in.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExamplePerson, Organisation } from './model.ts';
import { FileSink, csvLine } from './sink.ts';
import { HOUR_MS, MINUTE_MS, jstDayStart, jstIso, slashDate } from './time.ts';

export const DEVICE_FILES = {
  windows: 'devices/winlogbeat-6416.ndjson',
  defender: 'devices/defender-usb.csv',
  linux: 'devices/kern.log',
  approvals: 'removable-media-approvals.csv',
} as const;

/** The five people, P1–P5. */
export function deviceUsers(org: Organisation): ExamplePerson[] {
  return org.people.filter((p) => p.case === 'regular' && p.department === '営業部').slice(1, 6);
}

const login = (p: ExamplePerson) => p.email.slice(0, p.email.indexOf('@'));
const host = (i: number) => `pc-${String(1001 + i)}`;

function winEvent(ms: number, pcName: string, user: string | undefined, deviceId: string, className: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({
    '@timestamp': new Date(ms).toISOString(),
    event: { code: '6416', provider: 'Microsoft-Windows-Security-Auditing', action: 'Plug and Play Events', kind: 'event' },
    host: { name: `${pcName}.example.co.jp` },
    winlog: {
      channel: 'Security',
      event_id: 6416,
      computer_name: `${pcName}.example.co.jp`,
      event_data: { SubjectUserName: user ?? `${pcName.toUpperCase()}$`, SubjectDomainName: 'EXAMPLE', DeviceId: deviceId, ClassName: className, ...extra },
    },
  });
}

/** A stick plugged in: Windows reports its USB parent (ids) and its disk (names), one second apart. */
function plug(ms: number, pc: string, user: string | undefined, vid: string, pid: string, ven: string, prod: string, serial: string): string[] {
  return [
    winEvent(ms, pc, user, `USB\\VID_${vid}&PID_${pid}\\${serial}`, 'USB', { DeviceDescription: 'USB Mass Storage Device', CompatibleIds: 'USB\\Class_08&SubClass_06&Prot_50\r\nUSB\\Class_08&SubClass_06\r\nUSB\\Class_08' }),
    winEvent(ms + 1000, pc, user, `USBSTOR\\DISK&VEN_${ven}&PROD_${prod}&REV_1.00\\${serial}&0`, 'DiskDrive', { DeviceDescription: `${ven} ${prod} USB Device` }),
  ];
}

export function writeDevices(org: Organisation, outDir: string): Record<string, number> {
  const [p1, p2, p3, p4, p5] = deviceUsers(org) as [ExamplePerson, ExamplePerson, ExamplePerson, ExamplePerson, ExamplePerson];
  const at = (date: string, h: number, m = 0) => jstDayStart(date) + h * HOUR_MS + m * MINUTE_MS;
  const bytes: Record<string, number> = {};

  // Windows (6416): P1 on 09-30 23:59 (before the quarter) and twice on 10-05; P2's SanDisk on
  // 10-10 (ids 0781:5567); P3 on 10-31 23:50 and 11-01 00:10; P4's Kingston on 10-14 and 10-15.
  const windows = [
    ...plug(at('2026-09-30', 23, 59), host(0), login(p1), '0781', '5567', 'SANDISK', 'CRUZER_BLADE', 'SNP1A0001'),
    ...plug(at('2026-10-05', 10), host(0), login(p1), '0781', '5567', 'SANDISK', 'CRUZER_BLADE', 'SNP1A0001'),
    winEvent(at('2026-10-05', 10, 30), host(0), login(p1), 'HID\\VID_046D&PID_C077\\7&1A2B3C4D&0&0000', 'HIDClass', { DeviceDescription: 'USB Input Device' }),
    ...plug(at('2026-10-05', 15), host(0), login(p1), '0781', '5567', 'SANDISK', 'CRUZER_BLADE', 'SNP1A0001'),
    ...plug(at('2026-10-10', 11), host(1), login(p2), '0781', '5567', 'SANDISK', 'ULTRA_FIT', 'SNP2X0002'),
    ...plug(at('2026-10-14', 16), host(3), login(p4), '0951', '1666', 'KINGSTON', 'DATATRAVELER_3.0', 'SNP4K0004'),
    ...plug(at('2026-10-15', 9), host(3), login(p4), '0951', '1666', 'KINGSTON', 'DATATRAVELER_3.0', 'SNP4K0004'),
    ...plug(at('2026-10-31', 23, 50), host(2), login(p3), '058f', '6387', 'GENERIC', 'FLASH_DISK', 'SNP3A0003'),
    ...plug(at('2026-11-01', 0, 10), host(2), login(p3), '058f', '6387', 'GENERIC', 'FLASH_DISK', 'SNP3A0003'),
  ];
  writeFileSync(join(outDir, DEVICE_FILES.windows), `${windows.join('\n')}\n`);
  bytes[DEVICE_FILES.windows] = Buffer.byteLength(`${windows.join('\n')}\n`);

  // Defender: P5's BUFFALO stick on their PC and on a shared PC the same day (10-20); P2's
  // SanDisk again on 11-05 (Defender names it only: its ids come from Windows' 10-10 report).
  const fields = (product: string, serial: string, manufacturer: string, drive: string) =>
    JSON.stringify({ DriveLetter: drive, BusType: 'USB', ProductName: product, ProductRevision: '1.00', SerialNumber: serial, Manufacturer: manufacturer, Volume: `\\\\?\\Volume{${serial.toLowerCase()}-0000-0000-0000-100000000000}\\` });
  const defender = new FileSink(join(outDir, DEVICE_FILES.defender), 'utf8-bom');
  defender.write(csvLine(['Timestamp', 'DeviceId', 'DeviceName', 'ActionType', 'InitiatingProcessAccountName', 'InitiatingProcessAccountUpn', 'AdditionalFields']));
  const row = (ms: number, pc: string, upn: string, f: string) => defender.write(csvLine([new Date(ms).toISOString(), `d${pc}`, `${pc}.example.co.jp`, 'UsbDriveMounted', upn.slice(0, upn.indexOf('@')), upn, f]));
  row(at('2026-10-20', 9, 15), host(4), p5.email, fields('USB Flash Disk', 'SNP5B0005', 'BUFFALO', 'E:'));
  row(at('2026-10-20', 13, 40), 'pc-share01', p5.email, fields('USB Flash Disk', 'SNP5B0005', 'BUFFALO', 'F:'));
  defender.write(csvLine([new Date(at('2026-10-20', 13, 41)).toISOString(), 'dpc-share01', 'pc-share01.example.co.jp', 'PnpDeviceConnected', 'system', '', '{"ClassName":"DiskDrive"}']));
  row(at('2026-11-05', 14), host(1), p2.email, fields('Ultra Fit', 'SNP2X0002', 'SanDisk', 'E:'));
  defender.close();
  bytes[DEVICE_FILES.defender] = defender.bytes;

  // Linux: a stick on the build server on 10-07 (nobody logged in; the asset inventory does not
  // list the server), and a keyboard receiver, which is no storage.
  const k = (ms: number, uptime: string, msg: string) => `${jstIso(ms).replace('.000', '')} dev-build01 kernel: [${uptime}] ${msg}`;
  const t = at('2026-10-07', 9);
  const linux = [
    k(t, ' 8812.100000', 'usb 1-4: new high-speed USB device number 7 using xhci_hcd'),
    k(t, ' 8812.231004', 'usb 1-4: New USB device found, idVendor=0781, idProduct=5567, bcdDevice= 1.00'),
    k(t, ' 8812.231010', 'usb 1-4: New USB device strings: Mfr=1, Product=2, SerialNumber=3'),
    k(t, ' 8812.231012', 'usb 1-4: Product: Cruzer Blade'),
    k(t, ' 8812.231014', 'usb 1-4: Manufacturer: SanDisk'),
    k(t, ' 8812.231016', 'usb 1-4: SerialNumber: SNL1C0006'),
    k(t + 1000, ' 8813.240100', 'usb-storage 1-4:1.0: USB Mass Storage device detected'),
    k(t + 1000, ' 8813.240500', 'scsi host6: usb-storage 1-4:1.0'),
    k(t + 5 * MINUTE_MS, ' 9112.000001', 'usb 1-2: New USB device found, idVendor=046d, idProduct=c52b, bcdDevice=12.11'),
    k(t + 5 * MINUTE_MS, ' 9112.000003', 'usb 1-2: Product: USB Receiver'),
    k(t + 2 * HOUR_MS, '16012.554120', 'usb 1-4: USB disconnect, device number 7'),
  ];
  writeFileSync(join(outDir, DEVICE_FILES.linux), `${linux.join('\n')}\n`);
  bytes[DEVICE_FILES.linux] = Buffer.byteLength(`${linux.join('\n')}\n`);

  // Approvals: P1 a serial for Q3; P2 any serial of 0781:5567 for the year; P3 a serial through
  // 10-31 (it expires at the end of that day); P4 0951:1666 from 10-15. P5 has none.
  const approvals = new FileSink(join(outDir, DEVICE_FILES.approvals), 'utf8-bom');
  approvals.write(csvLine(['申請番号', '申請者', 'デバイス', '開始日', '終了日', '用途']));
  approvals.write(csvLine(['USB-2026-001', p1.email, 'SNP1A0001', slashDate('2026-10-01'), slashDate('2026-12-31'), '顧客先での提案資料の持ち出し']));
  approvals.write(csvLine(['USB-2026-002', p2.email, '0781:5567', slashDate('2026-04-01'), slashDate('2027-03-31'), '展示会デモ']));
  approvals.write(csvLine(['USB-2026-003', p3.email, 'SNP3A0003', slashDate('2026-09-01'), slashDate('2026-10-31'), '監査資料の受け渡し']));
  approvals.write(csvLine(['USB-2026-004', p4.email, '0951:1666:*', slashDate('2026-10-15'), slashDate('2026-10-31'), '取引先とのデータ交換']));
  approvals.close();
  bytes[DEVICE_FILES.approvals] = approvals.bytes;
  return bytes;
}
