/**
 * Dates and timestamps as exports write them: ISO-8601 with or without a zone, `2026/07/15`,
 * `2026/7/5 9:30`, epoch milliseconds (Keycloak), Moodle's `Tuesday, 15 July 2025, 9:30 AM`
 * and `15/07/25, 09:30`, Japanese `2026年7月15日`, or a Luxon format the source configures.
 * Zone-less inputs are read in the zone given (the source's, else the organisation's).
 *
 * Pure: no clock, no environment. Results are ISO strings with an explicit offset
 * (`2026-07-15T09:30:00.000+09:00`) or calendar dates `YYYY-MM-DD`; a value that cannot be
 * read gives an error text for the rejection. The common forms are parsed by regular
 * expression and only zone conversion uses Luxon, because 100,000-row exports must be fast.
 */
import { DateTime, IANAZone, Settings, type Zone } from 'luxon';

/** A parsed value or why it could not be read. */
export type TimeResult = { ok: true; value: string } | { ok: false; error: string };

export interface TimeOptions {
  /** IANA zone for values without an offset. */
  zone: string;
  /** Luxon format tried first (e.g. `yyyy/MM/dd`, `dd.MM.yyyy HH:mm`). */
  format?: string;
}

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** Offset in minutes when the input states one. */
  offset?: number;
  /** The input had a time of day. */
  timed: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

// yyyy-mm-dd / yyyy/m/d / yyyy.mm.dd, optional time, optional fraction, optional AM/PM, optional zone.
const YMD =
  /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?\s*(Z|[Uu][Tt][Cc]|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
// 15 July 2025[, 9:30 AM] with an optional weekday in front (Moodle's English long form).
const DMY_NAMED =
  /^(?:[A-Za-z]+,?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})(?:,?\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?$/;
// July 15, 2025[, 9:30 AM] (US long form).
const MDY_NAMED =
  /^(?:[A-Za-z]+,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?:,?\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?$/;
// 15/07/25, 09:30 or 15/07/2025 09:30 (Moodle's short form, day first in English) or 07/15/2025
// (US, month first). Which comes first is known only when one of the two is over 12.
const DMY_NUMERIC =
  /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?$/;
// 2026年7月15日 [(水)] [9:30[:00]] / 9時30分
const JA =
  /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*[(（][^)）]*[)）])?(?:\s*(\d{1,2})\s*[:時]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?\s*[秒分]?)?$/;

function hour12(h: number, ampm: string | undefined): number {
  if (!ampm) return h;
  const pm = ampm.toLowerCase() === 'p';
  if (h < 1 || h > 12) return -1;
  return pm ? (h % 12) + 12 : h % 12;
}

function offsetMinutes(z: string): number {
  const u = z.toUpperCase();
  if (u === 'Z' || u === 'UTC' || u === 'GMT') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const hh = Number(digits.slice(0, 2));
  const mm = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hh * 60 + mm);
}

function int(s: string | undefined): number {
  return s === undefined ? 0 : Number(s);
}

function fraction(s: string | undefined): number {
  return s === undefined ? 0 : Math.floor(Number(`0.${s}`) * 1000);
}

/** A slash date whose day and month could be either way round (both ≤ 12 and different). */
interface Ambiguous {
  ambiguous: true;
  a: number;
  b: number;
  y: number;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function ambiguity(text: string, x: Ambiguous, what: 'date' | 'timestamp'): string {
  return (
    `ambiguous ${what} "${text}": ${x.a} ${MONTH_NAMES[x.b - 1]} or ${x.b} ${MONTH_NAMES[x.a - 1]} ${x.y}; ` +
    'set the source\'s dateFormat (e.g. dd/MM/yyyy or MM/dd/yyyy)'
  );
}

function parts(text: string): Parts | Ambiguous | undefined {
  let m = YMD.exec(text);
  if (m) {
    const timed = m[5] !== undefined;
    return {
      y: int(m[1]), mo: int(m[3]), d: int(m[4]),
      h: timed ? hour12(int(m[5]), m[9]) : 0, mi: int(m[6]), s: int(m[7]), ms: fraction(m[8]),
      offset: m[10] !== undefined ? offsetMinutes(m[10]) : undefined,
      timed,
    };
  }
  m = DMY_NAMED.exec(text);
  if (m) {
    const mo = MONTHS[m[2]!.toLowerCase().slice(0, 3)];
    if (mo === undefined) return undefined;
    const timed = m[4] !== undefined;
    return { y: int(m[3]), mo, d: int(m[1]), h: timed ? hour12(int(m[4]), m[7]) : 0, mi: int(m[5]), s: int(m[6]), ms: 0, timed };
  }
  m = MDY_NAMED.exec(text);
  if (m) {
    const mo = MONTHS[m[1]!.toLowerCase().slice(0, 3)];
    if (mo === undefined) return undefined;
    const timed = m[4] !== undefined;
    return { y: int(m[3]), mo, d: int(m[2]), h: timed ? hour12(int(m[4]), m[7]) : 0, mi: int(m[5]), s: int(m[6]), ms: 0, timed };
  }
  m = DMY_NUMERIC.exec(text);
  if (m) {
    const yy = m[3]!;
    const y = yy.length === 2 ? 2000 + Number(yy) : Number(yy);
    const a = int(m[1]);
    const b = int(m[2]);
    // 01/02/2026 is 1 February in London and January 2 in New York: a silent wrong guess.
    if (a <= 12 && b <= 12 && a !== b && a > 0 && b > 0) return { ambiguous: true, a, b, y };
    const monthFirst = a <= 12 && b > 12;
    const timed = m[4] !== undefined;
    return {
      y, mo: monthFirst ? a : b, d: monthFirst ? b : a,
      h: timed ? hour12(int(m[4]), m[7]) : 0, mi: int(m[5]), s: int(m[6]), ms: 0, timed,
    };
  }
  m = JA.exec(text);
  if (m) {
    const timed = m[4] !== undefined;
    return { y: int(m[1]), mo: int(m[2]), d: int(m[3]), h: int(m[4]), mi: int(m[5]), s: int(m[6]), ms: 0, timed };
  }
  return undefined;
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the proleptic Gregorian calendar (1 ≤ mo ≤ 12). */
function daysIn(y: number, mo: number): number {
  return mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[mo]!;
}

function valid(p: Parts): boolean {
  return (
    p.y >= 1000 && p.mo >= 1 && p.mo <= 12 && p.d >= 1 && p.d <= daysIn(p.y, p.mo) &&
    p.h >= 0 && p.h <= 23 && p.mi <= 59 && p.s <= 59 && (p.offset === undefined || Math.abs(p.offset) <= 18 * 60)
  );
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

function offsetText(min: number): string {
  if (min === 0) return 'Z';
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}

const zones = new Map<string, Zone>();
function zoneOf(name: string): Zone | undefined {
  let z = zones.get(name);
  if (!z) {
    const created = IANAZone.create(name);
    if (!created.isValid) return undefined;
    z = created;
    zones.set(name, z);
  }
  return z;
}

function ymd(p: { y: number; mo: number; d: number }): string {
  return `${p.y}-${pad2(p.mo)}-${pad2(p.d)}`;
}

/**
 * Offsets of a zone by local hour. Exports hold many times in few hours (a roster's dates are
 * all midnights), and asking Luxon for each costs tens of microseconds; an hour whose offset
 * is the same at its first and last minute is cached (DST changes happen on these boundaries).
 */
const hourOffsets = new Map<string, Map<number, number>>();

function localOffset(p: Parts, zoneName: string): number | undefined {
  let cache = hourOffsets.get(zoneName);
  if (!cache) hourOffsets.set(zoneName, (cache = new Map()));
  const key = ((p.y * 13 + p.mo) * 32 + p.d) * 24 + p.h;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const zone = zoneOf(zoneName);
  if (!zone) return undefined;
  const provisional = zone.offset(Settings.now());
  const first = resolve(Date.UTC(p.y, p.mo - 1, p.d, p.h, 0), provisional, zone);
  const last = resolve(Date.UTC(p.y, p.mo - 1, p.d, p.h, 59), provisional, zone);
  const intact = first.hour === p.h && first.minute === 0 && last.hour === p.h && last.minute === 59;
  if (!intact || first.offset !== last.offset) return undefined;
  if (cache.size > 100_000) cache.clear();
  cache.set(key, first.offset);
  return first.offset;
}

/**
 * What Luxon's DateTime.fromObject makes of a local time (its fixOffset, from the offset the
 * zone has now): the offset it settles on and the wall-clock hour and minute that instant
 * shows. Run without building DateTimes, which costs ten times more.
 */
function resolve(local: number, provisional: number, zone: Zone): { offset: number; hour: number; minute: number } {
  let ts = local - provisional * 60_000;
  let offset = provisional;
  const o2 = zone.offset(ts);
  if (o2 !== provisional) {
    ts -= (o2 - provisional) * 60_000;
    const o3 = zone.offset(ts);
    if (o2 === o3) offset = o2;
    else {
      ts = local - Math.min(o2, o3) * 60_000;
      offset = Math.max(o2, o3);
    }
  }
  const shown = new Date(ts + offset * 60_000);
  return { offset, hour: shown.getUTCHours(), minute: shown.getUTCMinutes() };
}

/** Parts with an offset (given, or that of `zone` at that local time) as an ISO string. */
function isoOf(p: Parts, zoneName: string): string | undefined {
  let offset = p.offset;
  if (offset === undefined) {
    if (zoneName === 'UTC' || zoneName === 'Etc/UTC') offset = 0;
    else offset = localOffset(p, zoneName);
  }
  if (offset === undefined) {
    // A local time in or next to a DST gap: Luxon moves it forward, as the wall clock did.
    const zone = zoneOf(zoneName);
    if (!zone) return undefined;
    return isoText(DateTime.fromObject({ year: p.y, month: p.mo, day: p.d, hour: p.h, minute: p.mi, second: p.s, millisecond: p.ms }, { zone }));
  }
  return isoAt(p, offset);
}

function isoAt(p: Parts, offset: number): string {
  return `${ymd(p)}T${pad2(p.h)}:${pad2(p.mi)}:${pad2(p.s)}.${pad3(p.ms)}${offsetText(offset)}`;
}

/** Luxon's ISO text, with a zero offset written `Z` like the fast path writes it. */
function isoText(dt: DateTime): string | undefined {
  if (!dt.isValid) return undefined;
  const s = dt.toISO();
  return s === null ? undefined : s.endsWith('+00:00') ? `${s.slice(0, -6)}Z` : s;
}

function fromMillis(ms: number, zone: string): string | undefined {
  return isoText(DateTime.fromMillis(ms, { zone: zoneOf(zone) ?? 'UTC' }));
}

/**
 * Luxon's fromFormat costs tens of microseconds (zone offsets through Intl), and exports repeat
 * the same few thousand dates across 100,000 rows: remember recent answers. Bounded, so memory
 * does not grow with the input.
 */
const formatted = new Map<string, DateTime | null>();
const FORMAT_MEMO = 20_000;

function withFormat(text: string, opts: TimeOptions): DateTime | undefined {
  if (!opts.format) return undefined;
  const key = `${opts.format}\u0000${opts.zone}\u0000${text}`;
  let dt = formatted.get(key);
  if (dt === undefined) {
    const parsed = DateTime.fromFormat(text, opts.format, { zone: zoneOf(opts.zone) ?? 'UTC', setZone: true, locale: 'en-US' });
    dt = parsed.isValid ? parsed : null;
    if (formatted.size >= FORMAT_MEMO) formatted.clear();
    formatted.set(key, dt);
  }
  return dt ?? undefined;
}

/** Luxon's regular expression for a format's token, for the tokens read without Luxon. */
const TOKEN_RE: Record<string, string> = {
  yyyy: '\\d{4}', yy: '\\d{2}', M: '\\d{1,2}', MM: '\\d{2}', d: '\\d{1,2}', dd: '\\d{2}',
  H: '\\d{1,2}', HH: '\\d{2}', m: '\\d{1,2}', mm: '\\d{2}', s: '\\d{1,2}', ss: '\\d{2}',
};

/** A configured format as Luxon would match it, and which group holds which field. */
interface CompiledFormat {
  re: RegExp;
  /** The year is written in two digits (Luxon: 61–99 → 19xx, else 20xx). */
  yy: boolean;
  /** Group index of each field (0: absent). */
  y: number; mo: number; d: number; h: number; mi: number; s: number;
}

const compiledFormats = new Map<string, CompiledFormat | null>();

/**
 * The numeric formats HR and ticketing exports use (`yyyy/MM/dd`, `dd.MM.yyyy HH:mm`) read
 * without Luxon, which spends tens of microseconds per value on zone offsets. The regular
 * expression is built as Luxon's fromFormat builds it (a group per token, literals escaped,
 * case-insensitive), so a text matches here exactly when it matches there. `null`: a format
 * with other tokens (names, 12-hour clocks, offsets, quoted text), left to Luxon.
 */
function compileFormat(format: string): CompiledFormat | null {
  let c = compiledFormats.get(format);
  if (c !== undefined) return c;
  c = null;
  const runs: string[] = format.match(/(.)\1*/gsu) ?? [];
  const at: Record<string, number> = {};
  let re = '';
  let ok = !format.includes("'");
  runs.forEach((run, i) => {
    if (/[A-Za-z]/.test(run[0]!)) {
      const unit = TOKEN_RE[run];
      if (!unit || at[run[0]!] !== undefined) ok = false;
      else at[run[0]!] = i + 1;
      re += `(${unit})`;
    } else {
      re += `(${run.replace(/[\-\[\]{}()*+?.,\\^$|#\s]/g, '\\$&')})`;
    }
  });
  if (ok && at.y && at.M && at.d) {
    c = { re: new RegExp(`^${re}$`, 'i'), yy: runs.includes('yy'), y: at.y, mo: at.M, d: at.d, h: at.H ?? 0, mi: at.m ?? 0, s: at.s ?? 0 };
  }
  compiledFormats.set(format, c);
  return c;
}

/** The local time a text gives in a compiled format; undefined when it does not match. */
function formatParts(text: string, c: CompiledFormat): Parts | undefined {
  const m = c.re.exec(text);
  if (!m) return undefined;
  const y = int(m[c.y]);
  return { y: c.yy ? (y > Settings.twoDigitCutoffYear ? 1900 + y : 2000 + y) : y, mo: int(m[c.mo]), d: int(m[c.d]), h: c.h ? int(m[c.h]) : 0, mi: c.mi ? int(m[c.mi]) : 0, s: c.s ? int(m[c.s]) : 0, ms: 0, timed: c.h !== 0 };
}

/**
 * A text read with the configured format: its parts when they are a valid local time;
 * `null` when it does not fit the format; undefined when Luxon must decide (formats it alone
 * reads, out-of-range values it may accept such as 24:00).
 */
function fastFormat(text: string, opts: TimeOptions): Parts | null | undefined {
  const c = compileFormat(opts.format!);
  if (!c) return undefined;
  const p = formatParts(text, c);
  if (!p) return null;
  return valid(p) ? p : undefined;
}

const lastOffsets = new Map<string, number>();
const existing = new Map<string, Map<number, boolean>>();

/**
 * Whether a local time exists in the zone, i.e. some instant shows it (it is not skipped by
 * a DST gap): then Luxon keeps its date. One zone lookup per new local time, where resolving
 * the offset as Luxon does (localOffset) takes six: a roster's 100,000 dates hold thousands of days.
 */
function localExists(p: Parts, zoneName: string): boolean {
  let cache = existing.get(zoneName);
  if (!cache) existing.set(zoneName, (cache = new Map()));
  const local = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  const hit = cache.get(local);
  if (hit !== undefined) return hit;
  const zone = zoneOf(zoneName);
  let found = false;
  if (zone) {
    let o = lastOffsets.get(zoneName) ?? zone.offset(local);
    for (let i = 0; i < 2 && !found; i++) {
      const actual = zone.offset(local - o * 60_000);
      if (actual === o) found = true;
      else o = actual;
    }
    if (found) lastOffsets.set(zoneName, o);
  }
  if (cache.size > 100_000) cache.clear();
  cache.set(local, found);
  return found;
}

/** A timestamp read with the configured format, as ISO; undefined when it does not fit. */
function formatTimestamp(text: string, opts: TimeOptions): string | undefined {
  if (!opts.format) return undefined;
  const p = fastFormat(text, opts);
  if (p === null) return undefined;
  const offset = p && (opts.zone === 'UTC' || opts.zone === 'Etc/UTC' ? 0 : localOffset(p, opts.zone));
  // Local mean times before standard zones have offsets in seconds, which Luxon writes its own way.
  if (p && offset !== undefined && Number.isInteger(offset)) return isoAt(p, offset);
  const dt = withFormat(text, opts);
  return dt && isoText(dt);
}

/** A date read with the configured format, as `YYYY-MM-DD`; undefined when it does not fit. */
function formatDate(text: string, opts: TimeOptions): string | undefined {
  if (!opts.format) return undefined;
  const p = fastFormat(text, opts);
  if (p === null) return undefined;
  if (p && (opts.zone === 'UTC' || opts.zone === 'Etc/UTC' || localExists(p, opts.zone))) return ymd(p);
  const dt = withFormat(text, opts);
  return dt && dateOf(dt, opts.zone);
}

/** Value of the two ASCII digits at i, or NaN. */
function two(t: string, i: number): number {
  const a = t.charCodeAt(i) - 48;
  const b = t.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/**
 * What IdP APIs write (Okta, Graph, Google), `yyyy-MM-ddTHH:mm:ss.SSS` then `Z` or `±HH:MM`,
 * with values in range: already the output form. Checked by character, as a regular
 * expression and number parsing cost more than the rest of an Okta user.
 */
function canonical(t: string): boolean {
  const n = t.length;
  if (n !== 24 && n !== 29) return false;
  if (t[4] !== '-' || t[7] !== '-' || t[10] !== 'T' || t[13] !== ':' || t[16] !== ':' || t[19] !== '.') return false;
  const y = two(t, 0) * 100 + two(t, 2);
  const mo = two(t, 5);
  const d = two(t, 8);
  const ms = two(t, 20) * 10 + (t.charCodeAt(22) - 48);
  if (!(ms >= 0) || !(two(t, 21) >= 0)) return false;
  let off = 0;
  if (n === 24) {
    if (t[23] !== 'Z') return false;
  } else {
    if ((t[23] !== '+' && t[23] !== '-') || t[26] !== ':') return false;
    off = two(t, 24) * 60 + two(t, 27);
  }
  return y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && two(t, 11) <= 23 && two(t, 14) <= 59 && two(t, 17) <= 59 && off <= 18 * 60;
}

const FORMS = 'ISO-8601, yyyy/MM/dd [HH:mm[:ss]], d MMMM yyyy[, h:mm a], dd/MM/yy[, HH:mm] with a day over 12, yyyy年M月d日 or epoch milliseconds';

/**
 * A timestamp as an ISO-8601 string with offset. Epoch values: 13 digits are milliseconds,
 * 10 digits seconds. A date alone means its midnight in the zone.
 */
export function parseTimestamp(raw: string, opts: TimeOptions): TimeResult {
  const text = raw.trim();
  if (text === '') return { ok: false, error: 'empty timestamp' };
  if (!opts.format && canonical(text)) {
    return { ok: true, value: text.endsWith('+00:00') ? `${text.slice(0, -6)}Z` : text };
  }
  const fv = formatTimestamp(text, opts);
  if (fv) return { ok: true, value: fv };
  if (/^\d{10}(\d{3})?$/.test(text)) {
    const n = Number(text);
    const v = fromMillis(text.length === 13 ? n : n * 1000, opts.zone);
    if (v) return { ok: true, value: v };
  }
  const p = parts(text);
  if (p && 'ambiguous' in p) return { ok: false, error: ambiguity(text, p, 'timestamp') };
  if (p && valid(p)) {
    const v = isoOf(p, opts.zone);
    if (v) return { ok: true, value: v };
  }
  return { ok: false, error: `unreadable timestamp "${text}" (expected ${opts.format ? `${opts.format} or ` : ''}${FORMS})` };
}

const dates = new Map<DateTime, string>();
function dateOf(dt: DateTime, zone: string): string {
  let d = dates.get(dt);
  if (d === undefined) {
    d = dt.setZone(zoneOf(zone) ?? 'UTC').toISODate()!;
    if (dates.size >= FORMAT_MEMO) dates.clear();
    dates.set(dt, d);
  }
  return d;
}

/**
 * A calendar date `YYYY-MM-DD`. A value with a time and an explicit offset is converted to the
 * zone first (an HR export's `2026-03-31T15:00:00Z` is 1 April in Tokyo); otherwise the date
 * is taken as written.
 */
export function parseDate(raw: string, opts: TimeOptions): TimeResult {
  const text = raw.trim();
  if (text === '') return { ok: false, error: 'empty date' };
  const fd = formatDate(text, opts);
  if (fd) return { ok: true, value: fd };
  const p = parts(text);
  if (p && 'ambiguous' in p) return { ok: false, error: ambiguity(text, p, 'date') };
  if (p && valid(p)) {
    if (p.offset === undefined || !p.timed) return { ok: true, value: ymd(p) };
    const iso = isoOf(p, opts.zone);
    const dt = iso ? DateTime.fromISO(iso, { zone: zoneOf(opts.zone) ?? 'UTC' }) : undefined;
    if (dt?.isValid) return { ok: true, value: dt.toISODate()! };
  }
  return { ok: false, error: `unreadable date "${text}" (expected ${opts.format ? `${opts.format} or ` : ''}${FORMS.replace(' or epoch milliseconds', '')})` };
}
