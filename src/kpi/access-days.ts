/**
 * What an access-day aggregate says about an interval of time: how many of its successes fall
 * in [lo, hi], whether any authentication does, and its last success at or before an instant.
 * Pure; shared by leaver-activity-count and the dormancy of stale-account-deletion-rate, so both
 * read the aggregates the same way.
 *
 * An authentication after T never counts, whatever the aggregate's granularity. The aggregate
 * knows each hour's count and the day's first and last event; an hour lying wholly inside or
 * outside the interval is exact, and so is the hour that holds a bound when the day's first or
 * last event settles it (09:00 and 13:00, evaluated at 12:00: the 09:00 hour is before T, the
 * 13:00 hour after, so 1). Only when the hour holding a bound has events on both sides of it
 * that neither the first nor the last event pins down are those left out: the count is then a
 * lower bound (`exact: false`), never a count of something after the bound.
 */
import type { AccessDayRecord } from '../evidence/records.ts';
import { dayStart } from './time.ts';

const HOUR_MS = 3_600_000;

export interface CountIn {
  /** Events known to lie in the interval. */
  n: number;
  /** False when some events of the hour holding a bound could not be placed (n is then a lower bound). */
  exact: boolean;
  /** The latest instant at which a counted event is known to have happened (for the report). */
  lastMs?: number;
}

const NONE: CountIn = { n: 0, exact: true };

function ms(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Events of one outcome in [lo, hi] (inclusive ms), from their count, first and last time and
 * the hour counts (absent: the whole day is one "hour" from its start to its end).
 */
function eventsIn(count: number, first: number | undefined, last: number | undefined, byHour: readonly number[] | undefined, day: string, zone: string, lo: number, hi: number): CountIn {
  if (count <= 0 || last === undefined) return NONE;
  if (last < lo || (first !== undefined && first > hi)) return NONE;
  const start = dayStart(day, zone);
  // Every event lies in [first, last]; without a first (older aggregates), in [day start, last].
  const from = first ?? start;
  if (from >= lo && last <= hi) return { n: count, exact: true, lastMs: last };
  const slots = byHour ?? [count];
  const width = byHour ? HOUR_MS : Number.POSITIVE_INFINITY;
  let n = 0;
  let exact = true;
  let lastMs: number | undefined;
  for (let i = 0; i < slots.length; i++) {
    const c = slots[i] ?? 0;
    if (c <= 0) continue;
    const slotStart = start + i * HOUR_MS;
    const slotEnd = byHour ? slotStart + width - 1 : last;
    // Where this hour's events can lie: the hour, narrowed by the day's first and last event.
    const a = Math.max(slotStart, from);
    const b = Math.min(slotEnd, last);
    if (a >= lo && b <= hi) {
      n += c;
      lastMs = Math.max(lastMs ?? -Infinity, last <= slotEnd ? last : a);
      continue;
    }
    if (b < lo || a > hi) continue;
    // The hour holding a bound: only the day's first and last event have known times.
    const known: number[] = [];
    if (first !== undefined && first >= slotStart && first <= slotEnd) known.push(first);
    if (last >= slotStart && last <= slotEnd && (known.length === 0 || c >= 2)) known.push(last);
    for (const t of known) {
      if (t >= lo && t <= hi) {
        n++;
        lastMs = Math.max(lastMs ?? -Infinity, t);
      }
    }
    if (known.length < c) exact = false;
  }
  return lastMs === undefined ? { n, exact } : { n, exact, lastMs };
}

// A single event is its own first (the aggregate writes only its last).
const firstSuccess = (r: AccessDayRecord) => ms(r.firstSuccessAt ?? (r.successes === 1 ? r.lastSuccessAt : undefined));
const firstFailure = (r: AccessDayRecord) => ms(r.firstFailureAt ?? (r.failures === 1 ? r.lastFailureAt : undefined));

/** Successes of the aggregate in [lo, hi] (inclusive, ms). */
export function successesIn(r: AccessDayRecord, zone: string, lo: number, hi: number): CountIn {
  return eventsIn(r.successes, firstSuccess(r), ms(r.lastSuccessAt), r.successesByHour, r.day, zone, lo, hi);
}

/** Failures of the aggregate in [lo, hi] (inclusive, ms). */
export function failuresIn(r: AccessDayRecord, zone: string, lo: number, hi: number): CountIn {
  return eventsIn(r.failures, firstFailure(r), ms(r.lastFailureAt), undefined, r.day, zone, lo, hi);
}

/** Whether some authentication of the aggregate is known to lie in [lo, hi]. */
export function anyIn(r: AccessDayRecord, zone: string, lo: number, hi: number): boolean {
  return successesIn(r, zone, lo, hi).n > 0 || failuresIn(r, zone, lo, hi).n > 0;
}

/**
 * The last success at or before `atMs` that the aggregate can vouch for: its last success when
 * that is not after atMs; otherwise the latest known instant of a success before it (the day's
 * first success, or the start of the latest hour with successes that ended by atMs), which is
 * at most an hour early; undefined when no success is known to be that early.
 */
export function lastSuccessAtOrBefore(r: AccessDayRecord, zone: string, atMs: number): number | undefined {
  const last = ms(r.lastSuccessAt);
  if (r.successes <= 0 || last === undefined) return undefined;
  if (last <= atMs) return last;
  const first = firstSuccess(r);
  if (first === undefined || first > atMs) return undefined;
  let best = first;
  const byHour = r.successesByHour;
  if (byHour) {
    const start = dayStart(r.day, zone);
    for (let i = 0; i < byHour.length; i++) {
      const slotStart = start + i * HOUR_MS;
      if ((byHour[i] ?? 0) > 0 && slotStart + HOUR_MS - 1 <= atMs) best = Math.max(best, slotStart);
    }
  }
  return best;
}
