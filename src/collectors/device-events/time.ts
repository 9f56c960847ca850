/** ISO-8601 in a zone, for device-day times (a thin wrapper kept here so the parsers need no KPI module). */
import { DateTime } from 'luxon';

export function isoInZoneFast(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: false }) ?? new Date(ms).toISOString();
}
