/**
 * Connections → device-days (host, user, device, day in the organisation's zone) with the first
 * and last connection. Memory grows with device-days, never with lines. The merge is
 * associative, commutative and idempotent — the earlier first, the later last, identity fields
 * from whichever record has them (the earlier first connection's when both do) — so shards,
 * re-reads and retries all give the same record.
 */
import { DayBucketer } from '../access-log/time.ts';
import { deviceKey, type DeviceEvent } from './device.ts';
import type { DeviceDayRecord } from './records.ts';
import { isoInZoneFast } from './time.ts';

/** Store key of a device-day fact: the day first (fixed width). */
export function deviceDayKey(r: Pick<DeviceDayRecord, 'day' | 'host' | 'user' | 'device'>): string {
  return `${r.day} ${r.host}\u001f${r.user ?? ''}\u001f${r.device}`;
}

const OPTIONAL = ['vendorId', 'productId', 'vendor', 'product', 'serial', 'deviceClass', 'where'] as const;

export function mergeDeviceDay(a: DeviceDayRecord, b: DeviceDayRecord): DeviceDayRecord {
  const aFirst = Date.parse(a.firstAt);
  const bFirst = Date.parse(b.firstAt);
  const [early, late] = aFirst < bFirst || (aFirst === bFirst && (a.where ?? '') <= (b.where ?? '')) ? [a, b] : [b, a];
  const out: DeviceDayRecord = {
    day: a.day,
    host: a.host,
    ...(a.user !== undefined ? { user: a.user } : {}),
    device: a.device,
    firstAt: early.firstAt,
    lastAt: Date.parse(b.lastAt) > Date.parse(a.lastAt) ? b.lastAt : a.lastAt,
  };
  for (const f of OPTIONAL) {
    const v = early[f] ?? late[f];
    if (v !== undefined) out[f] = v;
  }
  return out;
}

export class DeviceDayAggregator {
  private readonly days: DayBucketer;
  private readonly byKey = new Map<string, DeviceDayRecord>();
  constructor(private readonly zone: string) {
    this.days = new DayBucketer(zone);
  }

  add(e: DeviceEvent, where: string): void {
    const at = isoInZoneFast(e.time, this.zone);
    const r: DeviceDayRecord = {
      day: this.days.dayOf(e.time),
      host: e.host,
      ...(e.user !== undefined ? { user: e.user } : {}),
      device: deviceKey(e),
      firstAt: at,
      lastAt: at,
    };
    for (const f of ['vendorId', 'productId', 'vendor', 'product', 'serial', 'deviceClass'] as const) if (e[f] !== undefined) r[f] = e[f];
    r.where = where;
    const k = deviceDayKey(r);
    const old = this.byKey.get(k);
    this.byKey.set(k, old ? mergeDeviceDay(old, r) : r);
  }

  /** Merge in a record of another aggregator (the same zone). */
  addRecord(r: DeviceDayRecord): void {
    const k = deviceDayKey(r);
    const old = this.byKey.get(k);
    this.byKey.set(k, old ? mergeDeviceDay(old, r) : r);
  }

  get size(): number {
    return this.byKey.size;
  }

  records(): DeviceDayRecord[] {
    return [...this.byKey.values()];
  }
}
