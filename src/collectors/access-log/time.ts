/**
 * Timestamps of access logs, parsed without a generic date parser on the hot path: the common
 * log format's `[dd/Mon/yyyy:HH:MM:SS ±hhmm]` from bytes, syslog's year-less `Mmm dd HH:MM:SS`
 * with the year inferred from a reference instant, and ISO-8601. Zone-less inputs are read in
 * the zone given (the source's, else the organisation's). All pure.
 */
import { DateTime } from 'luxon';

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

/** Month number (1–12) of a three-letter English abbreviation, or 0. */
export function monthOf(abbr: string): number {
  return MONTHS[abbr] ?? 0;
}

function digits(buf: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = (buf[i] ?? 0) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function monthBytes(buf: Uint8Array, at: number): number {
  const a = buf[at] ?? 0;
  const b = buf[at + 1] ?? 0;
  const c = buf[at + 2] ?? 0;
  return monthOf(String.fromCharCode(a, b, c));
}

/** Epoch ms of wall-clock fields in an IANA zone (NaN when the fields are not a real time). */
export function wallClockToEpoch(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: string): number {
  const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi, second: s, millisecond: ms }, { zone });
  return dt.isValid ? dt.toMillis() : Number.NaN;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(y: number, mo: number): number {
  if (mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) return 29;
  return DAYS[mo - 1] ?? 31;
}

function validFields(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return y >= 0 && mo >= 1 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

/**
 * The common log format's time, the bytes between `[` and `]`: `07/Dec/2016:11:05:07 +0100`,
 * or without an offset (`31/Jan/2015:14:29:44 ` seen in public logs), read in `zone`.
 * Returns epoch ms, or NaN when the text is not such a time.
 */
export function parseClfTime(buf: Uint8Array, start: number, end: number, zone: string): number {
  const len = end - start;
  if (len < 20 || buf[start + 2] !== 0x2f || buf[start + 6] !== 0x2f || buf[start + 11] !== 0x3a) return Number.NaN;
  const d = digits(buf, start, 2);
  const mo = monthBytes(buf, start + 3);
  const y = digits(buf, start + 7, 4);
  const h = digits(buf, start + 12, 2);
  const mi = digits(buf, start + 15, 2);
  const s = digits(buf, start + 18, 2);
  if (mo === 0 || !validFields(y, mo, d, h, mi, s) || buf[start + 14] !== 0x3a || buf[start + 17] !== 0x3a) return Number.NaN;
  let p = start + 20;
  while (p < end && buf[p] === 0x20) p++;
  if (p === end) return wallClockToEpoch(y, mo, d, h, mi, s, 0, zone);
  const sign = buf[p];
  if ((sign !== 0x2b && sign !== 0x2d) || end - p !== 5) return Number.NaN;
  const oh = digits(buf, p + 1, 2);
  const om = digits(buf, p + 3, 2);
  if (oh < 0 || om < 0 || oh > 14 || om > 59) return Number.NaN;
  // Date.UTC rolls 31/Feb over into March; a log never means that.
  if (d > daysIn(y, mo)) return Number.NaN;
  const offset = (oh * 60 + om) * 60_000 * (sign === 0x2d ? -1 : 1);
  return Date.UTC(y, mo - 1, d, h, mi, s) - offset;
}

/** ISO-8601 / RFC 5424 time; without an offset it is read in `zone`. NaN when unparseable. */
export function parseIsoTime(text: string, zone: string): number {
  const dt = DateTime.fromISO(text, { zone, setZone: true });
  return dt.isValid ? dt.toMillis() : Number.NaN;
}

/**
 * A syslog RFC 3164 time (`Jun  2 10:00:01`, day space-padded) has no year. The year is the
 * reference instant's (the file's modification time, or the observation time); a time more than
 * a day after the reference must be last year's — a December line read in January.
 */
export function parseSyslogTime(monthAbbr: string, day: number, hms: string, referenceMs: number, zone: string): number {
  const mo = monthOf(monthAbbr);
  const h = Number(hms.slice(0, 2));
  const mi = Number(hms.slice(3, 5));
  const s = Number(hms.slice(6, 8));
  if (mo === 0 || hms.length !== 8 || !validFields(2000, mo, day, h, mi, s)) return Number.NaN;
  const refYear = DateTime.fromMillis(referenceMs, { zone }).year;
  let t = wallClockToEpoch(refYear, mo, day, h, mi, s, 0, zone);
  if (!(t <= referenceMs + 86_400_000)) t = wallClockToEpoch(refYear - 1, mo, day, h, mi, s, 0, zone);
  return t;
}

/** Zone offsets and DST changes fall on quarter hours, so a quarter hour never spans two days. */
const SLOT_MS = 15 * 60_000;
const MAX_SLOTS = 200_000;

/**
 * Maps instants to the organisation's calendar day (`YYYY-MM-DD`). Consecutive lines of one day
 * cost two comparisons (the last day's bounds); lines that jump between days (merged or
 * out-of-order logs) find their day by quarter hour in a map, so the zone arithmetic runs once
 * per quarter hour seen, not once per line.
 */
export class DayBucketer {
  private start = 1;
  private end = 0;
  private day = '';
  private readonly slots = new Map<number, string>();
  constructor(readonly zone: string) {}

  dayOf(ms: number): string {
    if (ms >= this.start && ms < this.end) return this.day;
    const slot = Math.floor(ms / SLOT_MS);
    const known = this.slots.get(slot);
    if (known !== undefined) return known;
    const dt = DateTime.fromMillis(ms, { zone: this.zone });
    const s = dt.startOf('day');
    this.start = s.toMillis();
    this.end = s.plus({ days: 1 }).toMillis();
    this.day = s.toISODate() ?? '';
    if (this.slots.size >= MAX_SLOTS) this.slots.clear();
    this.slots.set(slot, this.day);
    return this.day;
  }
}
