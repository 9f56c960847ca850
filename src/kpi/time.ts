/**
 * Instants and calendar days in the organisation's time zone. Evidence timestamps normally carry
 * an offset (collectors resolve zone-less inputs), so the fast path is `Date.parse`; luxon is used
 * for the rest and for calendar arithmetic, which must follow the zone's calendar, not UTC's.
 */
import { DateTime, IANAZone } from 'luxon';

export const DAY_MS = 86_400_000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date `YYYY-MM-DD` without a time: a whole day in the organisation's zone (KPIS.md). */
export function isDateOnly(s: string): boolean {
  return DATE_ONLY.test(s);
}
const HAS_ZONE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Milliseconds of an ISO-8601 timestamp. A date without a time is the start of that day in
 * `zone`; a timestamp without an offset is read in `zone`. NaN when unparseable.
 */
export function toMillis(iso: string, zone: string): number {
  // Fast path: what collectors write (`…Z` or `…+09:00`).
  const last = iso.charCodeAt(iso.length - 1);
  if (iso.length > 19 && iso.charCodeAt(10) === 84 /* T */ && (last === 90 /* Z */ || iso.charCodeAt(iso.length - 3) === 58 /* : */ && (iso.charCodeAt(iso.length - 6) === 43 || iso.charCodeAt(iso.length - 6) === 45))) {
    const ms = Date.parse(iso);
    if (!Number.isNaN(ms)) return ms;
  }
  const s = iso.trim();
  if (DATE_ONLY.test(s)) return dayStart(s, zone);
  if (HAS_ZONE.test(s) && s.includes('T')) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  const dt = DateTime.fromISO(s, { zone, setZone: false });
  return dt.isValid ? dt.toMillis() : Number.NaN;
}

/** Like toMillis for an optional value: undefined when missing or unparseable. */
export function optMillis(iso: string | undefined | null, zone: string): number | undefined {
  if (iso === undefined || iso === null || iso === '') return undefined;
  const ms = toMillis(iso, zone);
  return Number.isNaN(ms) ? undefined : ms;
}

// Many people share hire and leave dates; luxon is the slow part, so days are cached per zone.
const dayCache = new Map<string, Map<string, number>>();

/** Start of a calendar day `YYYY-MM-DD` (or the date part of a timestamp) in `zone`. */
export function dayStart(date: string, zone: string): number {
  let byDate = dayCache.get(zone);
  if (!byDate) dayCache.set(zone, (byDate = new Map()));
  let ms = byDate.get(date);
  if (ms === undefined) {
    ms = localMidnight(date.trim().slice(0, 10), zone);
    if (byDate.size > 100_000) byDate.clear();
    byDate.set(date, ms);
  }
  return ms;
}

function localMidnight(d: string, zone: string): number {
  if (DATE_ONLY.test(d)) {
    const local = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
    const month = new Date(local).getUTCMonth() + 1;
    if (month === Number(d.slice(5, 7))) {
      const off = offsetMinutes(local - offsetMinutes(local, zone) * 60_000, zone);
      const t = local - off * 60_000;
      // A zone whose clocks skip midnight (a DST change at 00:00) is left to luxon.
      if (offsetMinutes(t, zone) === off) return t;
    }
  }
  const dt = DateTime.fromISO(d, { zone });
  return dt.isValid ? dt.startOf('day').toMillis() : Number.NaN;
}

/** Start of the day after `date` in `zone`: when a leaver's accounts become stale. */
export function dayAfterStart(date: string, zone: string): number {
  const start = dayStart(date, zone);
  if (Number.isNaN(start)) return start;
  return plusDays(start, 1, zone);
}

const HOUR_MS = 3_600_000;
// Zone offsets by UTC day, and by hour on the days that hold a transition: asking the zone (Intl
// underneath) costs microseconds, and a KPI over 100,000 accounts asks a few hundred thousand
// times. A bucket whose two ends agree holds no transition (no zone changes its offset twice
// within a day); an hour whose two ends disagree holds one and is asked exactly each time.
const dayOffsets = new Map<string, Map<number, number>>();
const hourOffsets = new Map<string, Map<number, number>>();

function isUtc(zone: string): boolean {
  const z = zone.toLowerCase();
  return z === 'utc' || z === 'gmt';
}

/** The offset over [start, start + length), or NaN when it changes within. */
function steadyOffset(zone: string, start: number, length: number): number {
  const z = IANAZone.create(zone);
  const a = z.offset(start);
  return a === z.offset(start + length - 1) ? a : Number.NaN;
}

function cached(caches: Map<string, Map<number, number>>, zone: string, bucket: number, size: number): number {
  let byBucket = caches.get(zone);
  if (!byBucket) caches.set(zone, (byBucket = new Map()));
  let off = byBucket.get(bucket);
  if (off === undefined) {
    off = steadyOffset(zone, bucket * size, size);
    if (byBucket.size > 1_000_000) byBucket.clear();
    byBucket.set(bucket, off);
  }
  return off;
}

/** The zone's UTC offset in minutes at `ms`. */
export function offsetMinutes(ms: number, zone: string): number {
  if (isUtc(zone)) return 0;
  const day = cached(dayOffsets, zone, Math.floor(ms / DAY_MS), DAY_MS);
  if (!Number.isNaN(day)) return day;
  const hour = cached(hourOffsets, zone, Math.floor(ms / HOUR_MS), HOUR_MS);
  return Number.isNaN(hour) ? IANAZone.create(zone).offset(ms) : hour;
}

/** `ms` plus `days` calendar days in `zone` (same wall-clock time, across DST changes too). */
export function plusDays(ms: number, days: number, zone: string): number {
  if (days === 0 || Number.isNaN(ms)) return ms;
  const guess = ms + days * DAY_MS;
  if (!Number.isInteger(days)) return guess;
  return guess + (offsetMinutes(ms, zone) - offsetMinutes(guess, zone)) * 60_000;
}

/** ISO-8601 with the zone's offset, e.g. `2026-04-01T00:00:00.000+09:00` (`Z` for UTC), as luxon writes it. */
export function isoInZone(ms: number, zone: string): string {
  if (isUtc(zone)) return new Date(ms).toISOString();
  const off = offsetMinutes(ms, zone);
  const local = new Date(ms + off * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(off);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${off < 0 ? '-' : '+'}${hh}:${mm}`;
}
