/**
 * Windows security event 6416 ("a new external device was recognized") as Winlogbeat writes it
 * in Elastic Common Schema, one JSON document per line. Storage is: class DiskDrive, WPD
 * (portable devices: phones, cameras, a USB stick's volume), and class USB when the device is
 * USB mass storage (compatible id `USB\Class_08`, a `USBSTOR\` instance, or "Mass Storage" in its
 * description). Other 6416 classes (a mouse, a monitor) and other events are not connections
 * of storage and are passed over. Fields are nested or dotted, under `winlog.event_data` or
 * Winlogbeat 6's `event_data`. Pure.
 */
import { ecsField } from '../access-log/ecs.ts';
import { parseIsoTime } from '../access-log/time.ts';
import { parseWindowsDeviceId, personalUser, type DeviceEvent } from './device.ts';

export const WINDOWS_REJECT = {
  json: 'not a JSON object',
  time: 'missing or unparseable @timestamp',
  host: 'event 6416 without host.name',
  device: 'event 6416 without winlog.event_data.DeviceId',
} as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

function eventData(doc: unknown, field: string): unknown {
  return ecsField(doc, `winlog.event_data.${field}`) ?? ecsField(doc, `event_data.${field}`);
}

function text(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join('\n');
  return typeof v === 'string' ? v : '';
}

/** Whether a 6416 event's device is removable storage (see the file's comment). */
export function isStorageClass(className: string, deviceId: string, compatibleIds: string, description: string): boolean {
  const c = className.toLowerCase();
  if (c === 'diskdrive' || c === 'wpd') return true;
  if (c !== 'usb') return false;
  return /USB\\Class_08/i.test(compatibleIds) || /^USBSTOR\\/i.test(deviceId) || /mass storage/i.test(description);
}

/** One parsed document: a storage connection, undefined for any other event, or why it is rejected. */
export function classifyWindowsDevice(doc: unknown, zone: string): DeviceEvent | undefined | string {
  const code = str(ecsField(doc, 'event.code')) ?? str(ecsField(doc, 'winlog.event_id')) ?? str(ecsField(doc, 'event_id'));
  if (code !== '6416') return undefined;
  const deviceId = str(eventData(doc, 'DeviceId'));
  const className = str(eventData(doc, 'ClassName')) ?? '';
  const compatible = text(eventData(doc, 'CompatibleIds'));
  const description = str(eventData(doc, 'DeviceDescription')) ?? '';
  if (!isStorageClass(className, deviceId ?? '', compatible, description)) return undefined;
  if (!deviceId) return WINDOWS_REJECT.device;
  const host = str(ecsField(doc, 'host.name')) ?? str(ecsField(doc, 'host.hostname')) ?? str(ecsField(doc, 'winlog.computer_name')) ?? str(ecsField(doc, 'computer_name'));
  if (!host) return WINDOWS_REJECT.host;
  const ts = ecsField(doc, '@timestamp');
  const time = typeof ts === 'number' ? ts : typeof ts === 'string' ? parseIsoTime(ts, zone) : Number.NaN;
  if (!Number.isFinite(time)) return WINDOWS_REJECT.time;
  const id = parseWindowsDeviceId(deviceId, text(eventData(doc, 'VendorIds')));
  const user = personalUser(eventData(doc, 'SubjectUserName')) ?? personalUser(ecsField(doc, 'user.name'));
  return { time, host: host.trim().toLowerCase(), ...(user ? { user } : {}), ...id, deviceClass: className };
}

/** Parse one JSON line (see classifyWindowsDevice). Blank lines are nothing. */
export function parseWindowsDeviceLine(line: string, zone: string): DeviceEvent | undefined | string {
  const t = line.trim();
  if (t === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(t);
  } catch {
    return WINDOWS_REJECT.json;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return WINDOWS_REJECT.json;
  return classifyWindowsDevice(doc, zone);
}
