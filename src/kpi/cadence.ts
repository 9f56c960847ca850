/**
 * Slots of a recurring activity's cadence (KPIS.md activity-cadence-rate): `monthly`,
 * `quarterly`, `half-year` and `year` are calendar slots in the organisation's zone, quarters and
 * halves counted from its fiscal-year start month (April: Apr–Jun is the first quarter);
 * `every N days` counts N-day slots from the activity's `since` date (its midnight in the zone).
 * A slot is [start, end): a performance at exactly the end instant belongs to the next slot.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { OrganisationConfig } from '../config/fields.ts';
import { dayStart, plusDays } from './time.ts';

export type Cadence = { months: 1 | 3 | 6 | 12 } | { days: number };

const CALENDAR: Record<string, 1 | 3 | 6 | 12> = { monthly: 1, quarterly: 3, 'half-year': 6, year: 12 };
const EVERY = /^every (\d+) days?$/;

export const cadenceSchema = z
  .string()
  .regex(/^(monthly|quarterly|half-year|year|every \d+ days?)$/, { message: 'expected "monthly", "quarterly", "half-year", "year" or "every N days"' })
  .refine((s) => {
    const m = EVERY.exec(s);
    return !m || (Number(m[1]) >= 1 && Number(m[1]) <= 3660);
  }, { message: '"every N days" takes 1 ≤ N ≤ 3660' });

export function parseCadence(s: string): Cadence {
  const m = EVERY.exec(s);
  if (m) return { days: Number(m[1]) };
  const months = CALENDAR[s];
  if (!months) throw new RangeError(`unknown cadence "${s}"`);
  return { months };
}

export interface Slot {
  startMs: number;
  endMs: number;
}

type Org = Pick<OrganisationConfig, 'timeZone' | 'fiscalYearStartMonth'>;

/** The calendar slot of `months` length containing `ms`. */
function calendarSlotAt(ms: number, months: number, org: Org): Slot {
  const local = DateTime.fromMillis(ms, { zone: org.timeZone });
  const fiscal = (org.fiscalYearStartMonth ?? 1) - 1;
  const offset = (local.month - 1 - fiscal + 12) % 12;
  const start = local.startOf('month').minus({ months: offset % months });
  return { startMs: start.toMillis(), endMs: start.plus({ months }).toMillis() };
}

/**
 * The slots from the one holding `fromMs` (or, when later, the first starting at or after
 * `since`) through the one holding `toMs`, plus the slot after it.
 */
export function slotsBetween(c: Cadence, fromMs: number, toMs: number, org: Org, since?: string): Slot[] {
  const zone = org.timeZone;
  const sinceMs = since ? dayStart(since, zone) : undefined;
  const out: Slot[] = [];
  if ('days' in c) {
    if (sinceMs === undefined) throw new RangeError('an "every N days" cadence needs `since`');
    let k = Math.max(0, Math.floor((fromMs - sinceMs) / (c.days * 86_400_000)) - 1);
    for (;;) {
      const startMs = plusDays(sinceMs, k * c.days, zone);
      const endMs = plusDays(sinceMs, (k + 1) * c.days, zone);
      k++;
      if (endMs <= fromMs) continue;
      out.push({ startMs, endMs });
      if (startMs > toMs) return out;
    }
  }
  let s = calendarSlotAt(fromMs, c.months, org);
  if (sinceMs !== undefined) {
    // The first slot counted is the first that starts on or after `since`.
    while (s.startMs < sinceMs) s = calendarSlotAt(s.endMs, c.months, org);
  }
  for (;;) {
    out.push(s);
    if (s.startMs > toMs) return out;
    s = calendarSlotAt(s.endMs, c.months, org);
  }
}
