/**
 * A removable device's identity as the sources write it: Windows device instance ids
 * (`USB\VID_0781&PID_5567\4C5300…`, `USBSTOR\DISK&VEN_SANDISK&PROD_CRUZER_BLADE&REV_1.00\4C5300…&0`,
 * `SWD\WPDBUSENUM\_??_USBSTOR#DISK&VEN_…#4C5300…&0#{…}`), Defender's names and serial, and the
 * Linux kernel's `idVendor` / `idProduct` / `SerialNumber`. Pure.
 */

/** One connection of removable storage, as a parser reads it. */
export interface DeviceEvent {
  /** Epoch ms. */
  time: number;
  host: string;
  user?: string;
  vendorId?: string;
  productId?: string;
  vendor?: string;
  product?: string;
  serial?: string;
  deviceClass: string;
}

/**
 * A serial as the device reports it, upper-cased; undefined for none. Windows appends `&0` (the
 * LUN) to a USBSTOR instance id, and makes an instance id up for a device without a serial: one
 * whose second character is `&` (`7&2A8B3C1D&0`), which is dropped rather than taken for a serial.
 */
export function normaliseSerial(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let s = raw.trim().toUpperCase();
  if (s.length > 1 && s[1] === '&') return undefined;
  s = s.replace(/&\d+$/, '');
  return s === '' ? undefined : s;
}

/** A hex USB id, 4 lower-case digits; undefined when it is not one. */
export function hexId(raw: string | undefined): string | undefined {
  const s = raw?.trim().toLowerCase();
  return s && /^[0-9a-f]{4}$/.test(s) ? s : undefined;
}

/** The identity key devices are grouped by (see DeviceDayRecord.device). */
export function deviceKey(e: Pick<DeviceEvent, 'serial' | 'vendorId' | 'productId' | 'vendor' | 'product'>): string {
  if (e.serial) return `s:${e.serial}`;
  const name = (v: string | undefined) => (v ? v.trim().toLowerCase().replace(/[\s_]+/g, ' ') : '?');
  return `vp:${e.vendorId ?? name(e.vendor)}:${e.productId ?? name(e.product)}`;
}

/** What a Windows device instance id (and its hardware ids) tell of the device. */
export interface WindowsIdentity {
  vendorId?: string;
  productId?: string;
  vendor?: string;
  product?: string;
  serial?: string;
}

/**
 * Parse a Windows device instance id (event 6416's `DeviceId`), with the hardware ids
 * (`VendorIds`) as a second place to find VID/PID. The serial is the instance part: the last
 * `\`-segment of a `USB\` or `USBSTOR\` id, the segment after the `DISK&VEN_…` one in a `#`-joined
 * WPD id.
 */
export function parseWindowsDeviceId(deviceId: string, hardwareIds = ''): WindowsIdentity {
  const out: WindowsIdentity = {};
  const all = `${deviceId}\n${hardwareIds}`;
  const vid = /VID_([0-9A-F]{4})/i.exec(all);
  const pid = /PID_([0-9A-F]{4})/i.exec(all);
  if (vid) out.vendorId = vid[1]!.toLowerCase();
  if (pid) out.productId = pid[1]!.toLowerCase();
  const ven = /VEN_([^&#\\]+)/i.exec(deviceId);
  const prod = /PROD_([^&#\\]+)/i.exec(deviceId);
  if (ven) out.vendor = ven[1]!;
  if (prod) out.product = prod[1]!;
  const id = deviceId.trim();
  let instance: string | undefined;
  if (id.includes('#')) {
    const parts = id.split('#');
    const disk = parts.findIndex((p) => /(?:^|_)(?:DISK|CDROM)&VEN_/i.test(p) || /VID_[0-9A-F]{4}&PID_/i.test(p));
    if (disk >= 0 && parts[disk + 1] && !parts[disk + 1]!.startsWith('{')) instance = parts[disk + 1];
  } else if (/^(?:USB|USBSTOR)\\/i.test(id)) {
    const segs = id.split('\\');
    if (segs.length >= 3) instance = segs[segs.length - 1];
  }
  const serial = normaliseSerial(instance);
  if (serial) out.serial = serial;
  return out;
}

/** Accounts that are not a person: machine accounts (`PC-0012$`), the system and service accounts. */
export function personalUser(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (s === '' || s === '-' || s.endsWith('$')) return undefined;
  const bare = s.slice(s.lastIndexOf('\\') + 1).toLowerCase();
  if (['system', 'local service', 'network service', 'localsystem', 'root', 'anonymous logon'].includes(bare)) return undefined;
  return s;
}
