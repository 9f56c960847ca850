/**
 * How far before an instant T an evaluation at T can look: its period's start, less the days a
 * KPI's parameters reach back from there (grace, dormancy, maximum ages, SLA hours). Retention
 * keeps every change after "window start − lookback", so an evaluation anywhere inside the
 * retention window reads the same evidence as before pruning.
 */
import type { ObjectiveConfig } from '../config/schema.ts';

const DAY_MS = 86_400_000;
const ROLLING = /^rolling (\d+) days?$/;
/** The longest each calendar period can be, in days (a year may hold a leap day). */
const CALENDAR_DAYS: Record<string, number> = { month: 31, quarter: 92, 'half-year': 184, year: 366 };

/** The lookback of one objective, in days. */
export function objectiveLookbackDays(o: Pick<ObjectiveConfig, 'period' | 'params'>): number {
  const rolling = ROLLING.exec(o.period);
  const period = rolling ? Number(rolling[1]) : (CALENDAR_DAYS[o.period] ?? 366);
  // Summed, not the largest: a dormancy deadline can lie grace days after a last log-in that
  // lies dormancy days back.
  let reach = 0;
  for (const [name, v] of Object.entries(o.params ?? {})) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) continue;
    if (/Days$/.test(name)) reach += v;
    else if (/Hours$/.test(name)) reach += v / 24;
  }
  return period + Math.ceil(reach);
}

/**
 * The pruning cutoff for a retention window starting at `windowStart`: the start less the
 * longest lookback of the configured objectives (at least a year, for objectives added later).
 */
export function pruneCutoff(windowStart: Date, objectives: readonly Pick<ObjectiveConfig, 'period' | 'params'>[]): Date {
  const days = Math.max(366, ...objectives.map(objectiveLookbackDays));
  return new Date(windowStart.getTime() - days * DAY_MS);
}
