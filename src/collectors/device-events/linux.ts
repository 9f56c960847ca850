/**
 * Linux kernel USB lines, from syslog (`Mar 23 15:04:52 host kernel: [ 195.634715] usb 1-1: …`,
 * RFC 3164 without a year, or ISO / RFC 5424 times) or the journal's syslog-style export, with
 * or without the kernel's `[ seconds.micro]` uptime stamp:
 *
 *   usb 1-1: New USB device found, idVendor=0781, idProduct=5567, bcdDevice= 1.00
 *   usb 1-1: Product: Cruzer Blade / Manufacturer: SanDisk / SerialNumber: 4C530001230405117063
 *   usb-storage 1-1:1.0: USB Mass Storage device detected     (or `uas 2-1:1.0: …`)
 *   usb 1-1: USB disconnect, device number 5
 *
 * The lines of one device are tied together by host and bus path (`1-1`, `3-1.4`): a device
 * is storage once its `usb-storage` / `uas` line comes, and that is the connection, dated by its
 * `New USB device found` line. A keyboard (no storage driver) is no connection. What a
 * device's lines have told so far is kept between runs (the tracker's state), so a device whose
 * lines straddle two collections is still one connection. Other lines are passed over. Pure.
 */
import { parseIsoTime, parseSyslogTime } from '../access-log/time.ts';
import { hexId, normaliseSerial, type DeviceEvent } from './device.ts';

export const LINUX_REJECT = {
  time: 'unparseable time',
  clock: 'a kernel USB line without a wall-clock time (dmesg output?): collect the syslog or journal lines, which carry one',
} as const;

const RFC3164 = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d) (\S+) kernel: ?(.*)$/;
const ISO = /^(?:<\d{1,3}>1? ?)?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) kernel: ?(.*)$/;
const UPTIME = /^\[\s*\d+\.\d+\]\s*/;
const BUS = String.raw`(\d+-[\d.]+)`;
const NEW = new RegExp(String.raw`^usb ${BUS}: New USB device found, idVendor=([0-9a-fA-F]{4}), idProduct=([0-9a-fA-F]{4})`);
const STRING = new RegExp(String.raw`^usb ${BUS}: (Product|Manufacturer|SerialNumber): ?(.*?)\s*$`);
const STORAGE = new RegExp(String.raw`^(?:usb-storage|uas) ${BUS}:\d+\.\d+: `);
const DISCONNECT = new RegExp(String.raw`^usb ${BUS}: USB disconnect`);

/** What one kernel line says about a USB device. */
export type LinuxUsbLine =
  | { type: 'new'; time: number; host: string; bus: string; vendorId: string; productId: string }
  | { type: 'string'; time: number; host: string; bus: string; name: 'Product' | 'Manufacturer' | 'SerialNumber'; value: string }
  | { type: 'storage'; time: number; host: string; bus: string }
  | { type: 'disconnect'; time: number; host: string; bus: string };

type Message = LinuxUsbLine extends infer L ? (L extends LinuxUsbLine ? Omit<L, 'time' | 'host'> : never) : never;

function usbMessage(msg: string): Message | undefined {
  let m = NEW.exec(msg);
  if (m) return { type: 'new', bus: m[1]!, vendorId: m[2]!.toLowerCase(), productId: m[3]!.toLowerCase() };
  m = STRING.exec(msg);
  if (m) return { type: 'string', bus: m[1]!, name: m[2] as 'Product' | 'Manufacturer' | 'SerialNumber', value: m[3]! };
  m = STORAGE.exec(msg);
  if (m) return { type: 'storage', bus: m[1]! };
  m = DISCONNECT.exec(msg);
  if (m) return { type: 'disconnect', bus: m[1]! };
  return undefined;
}

/**
 * One log line: a USB line, undefined for any other line, or why a USB line is rejected.
 * `referenceMs` dates RFC 3164 lines (no year): the file's modification time.
 */
export function parseLinuxUsbLine(line: string, referenceMs: number, zone: string): LinuxUsbLine | undefined | string {
  // Most kernel lines are not about USB devices: every USB message holds `usb` or `uas `, and a
  // line without either is passed over before any regular expression or time parsing.
  if (!line.includes('usb') && !line.includes('uas ')) return undefined;
  const text = line.replace(/\r$/, '');
  const a = RFC3164.exec(text);
  const b = a ? undefined : ISO.exec(text);
  if (!a && !b) {
    // A bare kernel message (dmesg): a USB one cannot be dated, anything else is not ours.
    return usbMessage(text.replace(UPTIME, '')) ? LINUX_REJECT.clock : undefined;
  }
  const usb = usbMessage((a ? a[5]! : b![3]!).replace(UPTIME, ''));
  if (!usb) return undefined;
  // The time is parsed only for USB lines (RFC 3164 dating costs microseconds a line).
  const time = a ? parseSyslogTime(a[1]!, Number(a[2]), a[3]!, referenceMs, zone) : parseIsoTime(b![1]!.replace(' ', 'T').replace(',', '.'), zone);
  if (!Number.isFinite(time)) return LINUX_REJECT.time;
  return { ...usb, time, host: (a ? a[4]! : b![2]!).toLowerCase() } as LinuxUsbLine;
}

interface Pending {
  at: number;
  vendorId?: string;
  productId?: string;
  product?: string;
  manufacturer?: string;
  serial?: string;
  /** Its connection was counted (a second storage interface must not count it again). */
  counted?: boolean;
}

/** A device's lines are forgotten this long after its `New USB device found`. */
const PENDING_TTL_MS = 7 * 86_400_000;

/** Ties the lines of a device together by host and bus path (see the file's comment). */
export class LinuxUsbTracker {
  private readonly pending = new Map<string, Pending>();
  private newest = Number.NEGATIVE_INFINITY;

  /** The tracker as a previous run left it (its `state()`); a damaged state starts afresh. */
  static restore(text: string | undefined): LinuxUsbTracker {
    const t = new LinuxUsbTracker();
    t.load(text);
    return t;
  }

  /** Replace what it knows with a saved state (a file that failed half-way is forgotten this way). */
  load(text: string | undefined): void {
    this.pending.clear();
    this.newest = Number.NEGATIVE_INFINITY;
    if (!text) return;
    try {
      const s = JSON.parse(text) as { v?: number; pending?: Record<string, Pending> };
      if (s.v === 1 && s.pending && typeof s.pending === 'object') {
        for (const [k, p] of Object.entries(s.pending)) {
          if (typeof p?.at !== 'number') continue;
          this.pending.set(k, { ...p });
          if (p.at > this.newest) this.newest = p.at;
        }
      }
    } catch {
      // Start afresh: at worst a device whose lines straddled the runs is missed.
    }
  }

  /** Feed one line; returns the storage connection it completes, if any. */
  add(l: LinuxUsbLine): DeviceEvent | undefined {
    if (l.time > this.newest) this.newest = l.time;
    const key = `${l.host}\u001f${l.bus}`;
    if (l.type === 'new') {
      this.pending.set(key, { at: l.time, vendorId: l.vendorId, productId: l.productId });
      return undefined;
    }
    if (l.type === 'disconnect') {
      this.pending.delete(key);
      return undefined;
    }
    let p = this.pending.get(key);
    if (l.type === 'string') {
      if (!p || p.counted) return undefined;
      if (l.name === 'SerialNumber') {
        const s = normaliseSerial(l.value);
        if (s) p.serial = s;
      } else if (l.value) p[l.name === 'Product' ? 'product' : 'manufacturer'] = l.value;
      return undefined;
    }
    // A storage driver bound to the device: this is a connection of storage.
    if (p?.counted) return undefined;
    if (!p) {
      // Its identity lines were not seen (before the log begins): counted, unknown device.
      p = { at: l.time };
      this.pending.set(key, p);
    }
    p.counted = true;
    const vendorId = hexId(p.vendorId);
    const productId = hexId(p.productId);
    return {
      time: p.at,
      host: l.host,
      ...(vendorId ? { vendorId } : {}),
      ...(productId ? { productId } : {}),
      ...(p.manufacturer ? { vendor: p.manufacturer } : {}),
      ...(p.product ? { product: p.product } : {}),
      ...(p.serial ? { serial: p.serial } : {}),
      deviceClass: 'usb-storage',
    };
  }

  /** What to keep for the next run: devices still plugged in, seen in the last week. */
  state(): string {
    const keep: Record<string, Pending> = {};
    for (const [k, p] of [...this.pending].sort(([a], [b]) => (a < b ? -1 : 1))) if (p.at >= this.newest - PENDING_TTL_MS) keep[k] = p;
    return JSON.stringify({ v: 1, pending: keep });
  }
}
