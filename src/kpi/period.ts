/**
 * The period an objective is evaluated over at an instant T (KPIS.md): `rolling N days` is
 * (T − N days, T]; a calendar month / quarter / half-year / year is the one containing T in the
 * organisation's zone, aligned to its fiscal-year start month, from its start to T inclusive.
 */
import { DateTime } from 'luxon';
import type { OrganisationConfig } from '../config/fields.ts';
import type { Period } from './types.ts';
import { isoInZone, toMillis } from './time.ts';

/** A period as instants, for fast membership tests. */
export interface PeriodWindow {
  fromMs: number;
  toMs: number;
  /** False for rolling periods: the start instant itself is outside. */
  fromInclusive: boolean;
  period: Period;
}

const ROLLING = /^rolling (\d+) days?$/;
const MONTHS_PER: Record<string, number> = { month: 1, quarter: 3, 'half-year': 6, year: 12 };

/** The window of `spec` (an objective's `period`) at `at`. */
export function periodAt(spec: string, at: Date, org: Pick<OrganisationConfig, 'timeZone' | 'fiscalYearStartMonth'>): PeriodWindow {
  const zone = org.timeZone;
  const toMs = at.getTime();
  const rolling = ROLLING.exec(spec);
  if (rolling) {
    const days = Number(rolling[1]);
    // Calendar days in the zone, so "30 days" keeps the wall-clock time across a DST change.
    const fromMs = DateTime.fromMillis(toMs, { zone }).minus({ days }).toMillis();
    return window(fromMs, toMs, false, zone);
  }
  const len = MONTHS_PER[spec];
  if (len === undefined) throw new RangeError(`unknown period "${spec}"`);
  const local = DateTime.fromMillis(toMs, { zone });
  const fiscalStart = (org.fiscalYearStartMonth ?? 1) - 1; // 0-based month index
  // Months since the fiscal year's first month, 0..11, then the start of the block holding T.
  const offset = (local.month - 1 - fiscalStart + 12) % 12;
  const startOffset = offset - (offset % len);
  const start = local.startOf('month').minus({ months: offset - startOffset });
  return window(start.toMillis(), toMs, true, zone);
}

function window(fromMs: number, toMs: number, fromInclusive: boolean, zone: string): PeriodWindow {
  return {
    fromMs,
    toMs,
    fromInclusive,
    period: { from: isoInZone(fromMs, zone), to: isoInZone(toMs, zone), kind: fromInclusive ? 'calendar' : 'rolling' },
  };
}

/** Whether an instant (ms) lies in the window, honouring its open or closed start. */
export function inWindow(ms: number, w: PeriodWindow): boolean {
  if (Number.isNaN(ms) || ms > w.toMs) return false;
  return w.fromInclusive ? ms >= w.fromMs : ms > w.fromMs;
}

/**
 * Whether an ISO timestamp lies in a period: (from, to] for rolling, [from, to] for calendar.
 * A timestamp without an offset is read in `zone` (default UTC).
 */
export function inPeriod(iso: string, period: Period, zone = 'UTC'): boolean {
  const ms = toMillis(iso, zone);
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  if (Number.isNaN(ms) || ms > to) return false;
  return period.kind === 'rolling' ? ms > from : ms >= from;
}
