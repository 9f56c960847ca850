/**
 * Removable-media parsers on bytes: Windows device instance ids, Winlogbeat 6416 documents,
 * Defender rows, Linux kernel lines (hand-written ones and the real Wazuh ruleset sample).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyDefenderRow } from '../../../src/collectors/device-events/defender.ts';
import { deviceKey, normaliseSerial, parseWindowsDeviceId, personalUser } from '../../../src/collectors/device-events/device.ts';
import { LinuxUsbTracker, parseLinuxUsbLine, type LinuxUsbLine } from '../../../src/collectors/device-events/linux.ts';
import { classifyWindowsDevice, parseWindowsDeviceLine } from '../../../src/collectors/device-events/windows.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/devices');
const TOKYO = 'Asia/Tokyo';

describe('Windows device instance ids', () => {
  it.each([
    ['USB\\VID_0781&PID_5567\\4C530001230405117063', '', { vendorId: '0781', productId: '5567', serial: '4C530001230405117063' }],
    ['USBSTOR\\DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00\\4C530001230405117063&0', '', { vendor: 'SANDISK', product: 'CRUZER_BLADE', serial: '4C530001230405117063' }],
    [
      'SWD\\WPDBUSENUM\\_??_USBSTOR#DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00#4C530001230405117063&0#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}',
      '',
      { vendor: 'SANDISK', product: 'CRUZER_BLADE', serial: '4C530001230405117063' },
    ],
    // Windows made the instance id up (second character '&'): no serial.
    ['USBSTOR\\DISK&VEN_GENERIC&PROD_FLASH_DISK&REV_8.07\\7&2A8B3C1D&0', '', { vendor: 'GENERIC', product: 'FLASH_DISK' }],
    // A phone as a portable device (MTP): ids from the hardware ids, no serial.
    ['USB\\VID_04E8&PID_6860&MS_COMP_MTP&SAMSUNG_ANDROID\\6&1A2B3C4D&0&0000', '', { vendorId: '04e8', productId: '6860' }],
    // VID/PID only among the hardware ids.
    ['USBSTOR\\DISK&VEN_KINGSTON&PROD_DT_100_G2&REV_PMAP\\001372982D6A&0', 'USB\\VID_0951&PID_1642&REV_0100', { vendorId: '0951', productId: '1642', vendor: 'KINGSTON', product: 'DT_100_G2', serial: '001372982D6A' }],
  ])('%s', (id, hw, expected) => expect(parseWindowsDeviceId(id, hw)).toEqual(expected));

  it('serials are upper-cased, lose the LUN suffix, and made-up ones are dropped', () => {
    expect([normaliseSerial(' aa00112233 '), normaliseSerial('ABC&0'), normaliseSerial('7&2A8B&0'), normaliseSerial(''), normaliseSerial(undefined)]).toEqual(['AA00112233', 'ABC', undefined, undefined, undefined]);
  });

  it('device keys: the serial when there is one, else vendor and product', () => {
    expect(deviceKey({ serial: 'X1', vendorId: '0781', productId: '5567' })).toBe('s:X1');
    expect(deviceKey({ vendorId: '0781', productId: '5567' })).toBe('vp:0781:5567');
    expect(deviceKey({ vendor: 'GENERIC', product: 'FLASH_DISK' })).toBe('vp:generic:flash disk');
    expect(deviceKey({})).toBe('vp:?:?');
  });

  it('machine, system and service accounts are no user', () => {
    expect(['PC-0012$', 'SYSTEM', 'NT AUTHORITY\\SYSTEM', 'local service', '-', '', 'taro.yamada', 'EXAMPLE\\taro'].map(personalUser)).toEqual([
      undefined, undefined, undefined, undefined, undefined, undefined, 'taro.yamada', 'EXAMPLE\\taro',
    ]);
  });
});

describe('Winlogbeat 6416 (ECS JSON lines)', () => {
  const lines = readFileSync(join(FIXTURES, 'winlogbeat-6416.ndjson'), 'utf8').split('\n');
  const parsed = lines.slice(0, 10).map((l) => parseWindowsDeviceLine(l, TOKYO));

  it('storage classes become connections; the machine account is no user', () => {
    expect(parsed[0]).toEqual({ time: Date.parse('2026-10-05T01:00:00Z'), host: 'pc-0012.example.co.jp', vendorId: '0781', productId: '5567', serial: '4C530001230405117063', deviceClass: 'USB' });
    expect(parsed[1]).toEqual({ time: Date.parse('2026-10-05T01:00:01Z'), host: 'pc-0012.example.co.jp', vendor: 'SANDISK', product: 'CRUZER_BLADE', serial: '4C530001230405117063', deviceClass: 'DiskDrive' });
    // Dotted field names, class WPD.
    expect(parsed[2]).toEqual({ time: Date.parse('2026-10-05T01:00:02Z'), host: 'pc-0012.example.co.jp', vendor: 'SANDISK', product: 'CRUZER_BLADE', serial: '4C530001230405117063', deviceClass: 'WPD' });
  });

  it('a mouse and a logon are passed over, not rejected', () => {
    expect([parsed[3], parsed[4]]).toEqual([undefined, undefined]);
  });

  it('a user, no serial; Winlogbeat 6 field names', () => {
    expect(parsed[5]).toEqual({ time: Date.parse('2026-10-05T23:30:00Z'), host: 'pc-0034', user: 'hanako.suzuki', vendor: 'GENERIC', product: 'FLASH_DISK', deviceClass: 'DiskDrive' });
    expect(parsed[8]).toEqual({ time: Date.parse('2026-10-05T03:00:00Z'), host: 'pc-0050', user: 'jiro.sato', vendorId: '0951', productId: '1666', serial: '60A44C3FACC9E3A0B9A1D0C4', deviceClass: 'USB' });
  });

  it('rejections name what is wrong', () => {
    expect([parsed[6], parsed[7], parsed[9]]).toEqual(['not a JSON object', 'event 6416 without host.name', 'missing or unparseable @timestamp']);
  });

  it('class USB counts only as mass storage', () => {
    const doc = (data: Record<string, string>) => ({ '@timestamp': '2026-10-05T00:00:00Z', event: { code: '6416' }, host: { name: 'h' }, winlog: { event_data: { ClassName: 'USB', DeviceId: 'USB\\VID_1234&PID_5678\\X', ...data } } });
    expect(classifyWindowsDevice(doc({ DeviceDescription: 'USB Composite Device', CompatibleIds: 'USB\\COMPOSITE' }), TOKYO)).toBeUndefined();
    expect(classifyWindowsDevice(doc({ DeviceDescription: 'USB Composite Device', CompatibleIds: 'USB\\Class_08&SubClass_06' }), TOKYO)).toMatchObject({ serial: 'X' });
  });
});

describe('Defender DeviceEvents rows', () => {
  const opts = { zone: TOKYO };
  it('UsbDriveMounted with AdditionalFields as a JSON string or an object; the system is no user', () => {
    expect(classifyDefenderRow({ Timestamp: '2026-10-06T00:30:00Z', DeviceName: 'PC-0034', ActionType: 'UsbDriveMounted', InitiatingProcessAccountName: 'system', AdditionalFields: '{"ProductName":"Cruzer Blade","SerialNumber":"4c53","Manufacturer":"SanDisk"}' }, opts)).toEqual({
      time: Date.parse('2026-10-06T00:30:00Z'), host: 'pc-0034', vendor: 'SanDisk', product: 'Cruzer Blade', serial: '4C53', deviceClass: 'UsbDriveMounted',
    });
    expect(classifyDefenderRow({ Timestamp: '2026-10-06 09:30', DeviceName: 'pc', ActionType: 'usbdrivemounted', InitiatingProcessAccountUpn: 'jiro@example.co.jp', AdditionalFields: { SerialNumber: 'S1', Manufacturer: '' } }, opts)).toEqual({
      time: Date.parse('2026-10-06T09:30:00+09:00'), host: 'pc', user: 'jiro@example.co.jp', serial: 'S1', deviceClass: 'UsbDriveMounted',
    });
  });
  it('other actions are passed over; bad rows name the field', () => {
    expect(classifyDefenderRow({ ActionType: 'PnpDeviceConnected' }, opts)).toBeUndefined();
    expect(classifyDefenderRow({ Timestamp: 'x', DeviceName: 'pc', ActionType: 'UsbDriveMounted' }, opts)).toMatchObject({ field: 'Timestamp' });
    expect(classifyDefenderRow({ Timestamp: '2026-10-06T00:30:00Z', ActionType: 'UsbDriveMounted' }, opts)).toEqual({ field: 'DeviceName', reason: 'UsbDriveMounted without DeviceName' });
    expect(classifyDefenderRow({ Timestamp: '2026-10-06T00:30:00Z', DeviceName: 'pc', ActionType: 'UsbDriveMounted', AdditionalFields: '{not json}' }, opts)).toEqual({ field: 'AdditionalFields', reason: 'AdditionalFields is not a JSON object' });
  });
});

describe('Linux kernel lines', () => {
  const ref = Date.parse('2026-11-19T09:00:00+09:00');
  const parse = (l: string) => parseLinuxUsbLine(l, ref, TOKYO);

  it('the real Wazuh ruleset sample: found and disconnect lines, with and without the uptime stamp', () => {
    const logs = readFileSync(join(FIXTURES, 'wazuh_kernel_usb.ini'), 'utf8').split('\n').filter((l) => l.startsWith('log 1 pass = ')).map((l) => l.slice('log 1 pass = '.length));
    expect(logs).toHaveLength(6);
    const found = { type: 'new', host: 'manager', bus: '1-1' };
    // "Mar 23 15:04:52" has no year: the year of the file's time (2026), in the zone.
    const mar23 = Date.parse('2026-03-23T15:04:52+09:00');
    expect(logs.map(parse)).toEqual([
      { ...found, time: mar23, vendorId: '0930', productId: '6544' },
      { ...found, time: mar23, vendorId: '0930', productId: '6544' },
      { ...found, time: Date.parse('2026-03-15T23:14:34+09:00'), vendorId: '0bda', productId: '568a' },
      { type: 'disconnect', host: 'manager', bus: '1-1', time: Date.parse('2026-03-23T15:05:23+09:00') },
      { type: 'disconnect', host: 'manager', bus: '1-1', time: Date.parse('2026-03-23T15:05:23+09:00') },
      { type: 'disconnect', host: 'manager', bus: '1-1', time: Date.parse('2026-03-23T15:05:23+09:00') },
    ]);
    // No storage driver bound to these devices: no connection of storage.
    const t = new LinuxUsbTracker();
    expect(logs.map(parse).map((l) => t.add(l as LinuxUsbLine))).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    // The same first line followed by usb-storage: a connection dated by the found line.
    const t2 = new LinuxUsbTracker();
    t2.add(parse(logs[0]!) as LinuxUsbLine);
    expect(t2.add(parse('Mar 23 15:04:53 manager kernel: [62829.1] usb-storage 1-1:1.0: USB Mass Storage device detected') as LinuxUsbLine)).toEqual({
      time: mar23, host: 'manager', vendorId: '0930', productId: '6544', deviceClass: 'usb-storage',
    });
  });

  it('ISO times, bus paths through hubs, other programs and other kernel lines', () => {
    expect(parse('2026-10-07T10:00:01.250000+09:00 dev02 kernel: usb-storage 2-1.4:1.0: USB Mass Storage device detected')).toEqual({ type: 'storage', host: 'dev02', bus: '2-1.4', time: Date.parse('2026-10-07T10:00:01.250+09:00') });
    expect(parse('Oct  7 09:10:00 dev01 sshd[812]: Accepted publickey for ken from 192.0.2.7 port 50522 ssh2')).toBeUndefined();
    expect(parse('Oct  7 09:00:00 dev01 kernel: [ 1234.5] usb 1-1: new high-speed USB device number 5 using xhci_hcd')).toBeUndefined();
    expect(parse('Oct  7 09:00:00 dev01 kernel: usb 1-1: SerialNumber: 4C5300')).toEqual({ type: 'string', host: 'dev01', bus: '1-1', name: 'SerialNumber', value: '4C5300', time: Date.parse('2026-10-07T09:00:00+09:00') });
  });

  it('a USB line without a wall-clock time or with a bad one is rejected', () => {
    expect(parse('[   12.345678] usb 4-1: New USB device found, idVendor=0781, idProduct=5567')).toMatch(/without a wall-clock time/);
    expect(parse('Oct 32 10:00:00 dev01 kernel: usb 1-3: New USB device found, idVendor=0781, idProduct=5567')).toBe('unparseable time');
  });

  it('the tracker ties a device\'s lines by host and bus, counts it once, and keeps what it knows across runs', () => {
    const lines = [
      'Oct  7 10:00:00 dev02 kernel: usb 2-1.4: New USB device found, idVendor=0951, idProduct=1666',
      'Oct  7 10:00:00 dev01 kernel: usb 2-1.4: New USB device found, idVendor=0781, idProduct=5567', // same bus, another host
      'Oct  7 10:00:00 dev02 kernel: usb 2-1.4: SerialNumber: 60a44c3f',
    ].map(parse) as LinuxUsbLine[];
    const t = new LinuxUsbTracker();
    for (const l of lines) expect(t.add(l)).toBeUndefined();
    // The next run starts from the saved state.
    const t2 = LinuxUsbTracker.restore(t.state());
    const storage = parse('Oct  7 10:00:01 dev02 kernel: usb-storage 2-1.4:1.0: USB Mass Storage device detected') as LinuxUsbLine;
    expect(t2.add(storage)).toEqual({ time: Date.parse('2026-10-07T10:00:00+09:00'), host: 'dev02', vendorId: '0951', productId: '1666', serial: '60A44C3F', deviceClass: 'usb-storage' });
    // A second interface of the same device is not a second connection.
    expect(t2.add(parse('Oct  7 10:00:02 dev02 kernel: usb-storage 2-1.4:1.1: USB Mass Storage device detected') as LinuxUsbLine)).toBeUndefined();
    // Storage with no identity lines seen: counted, as an unknown device, at its own time.
    expect(t2.add(parse('Oct  7 11:00:00 dev09 kernel: usb-storage 1-1:1.0: USB Mass Storage device detected') as LinuxUsbLine)).toEqual({ time: Date.parse('2026-10-07T11:00:00+09:00'), host: 'dev09', deviceClass: 'usb-storage' });
    expect(LinuxUsbTracker.restore('not json').state()).toBe('{"v":1,"pending":{}}');
  });
});
