/**
 * Instants and calendar days in the organisation's time zone. Evidence timestamps normally carry
 * an offset (collectors resolve zone-less inputs), so the fast path is `Date.parse`; luxon is used
 * for the rest and for calendar arithmetic, which must follow the zone's calendar, not UTC's.
 */
import { DateTime } from 'luxon';

export const DAY_MS = 86_400_000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Milliseconds of an ISO-8601 timestamp. A date without a time is the start of that day in
 * `zone`; a timestamp without an offset is read in `zone`. NaN when unparseable.
 */
export function toMillis(iso: string, zone: string): number {
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
const dayCache = new Map<string, number>();

/** Start of a calendar day `YYYY-MM-DD` (or the date part of a timestamp) in `zone`. */
export function dayStart(date: string, zone: string): number {
  const d = date.trim().slice(0, 10);
  const key = `${zone}|${d}`;
  let ms = dayCache.get(key);
  if (ms === undefined) {
    const dt = DateTime.fromISO(d, { zone });
    ms = dt.isValid ? dt.startOf('day').toMillis() : Number.NaN;
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(key, ms);
  }
  return ms;
}

/** Start of the day after `date` in `zone`: when a leaver's accounts become stale. */
export function dayAfterStart(date: string, zone: string): number {
  const start = dayStart(date, zone);
  if (Number.isNaN(start)) return start;
  return DateTime.fromMillis(start, { zone }).plus({ days: 1 }).toMillis();
}

/** `ms` plus `days` calendar days in `zone` (same wall-clock time, across DST changes too). */
export function plusDays(ms: number, days: number, zone: string): number {
  if (days === 0) return ms;
  if (Number.isInteger(days)) return DateTime.fromMillis(ms, { zone }).plus({ days }).toMillis();
  return ms + days * DAY_MS;
}

/** ISO-8601 with the zone's offset, e.g. `2026-04-01T00:00:00.000+09:00`. */
export function isoInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO() ?? new Date(ms).toISOString();
}
