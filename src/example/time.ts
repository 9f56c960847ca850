/**
 * Time arithmetic for the example organisation. It lives in Asia/Tokyo, which has had no
 * daylight saving since 1951, so a fixed +09:00 offset is exact and keeps generating 100,000
 * people fast (no zone database lookups per record).
 */
export const JST_OFFSET_MS = 9 * 3600_000;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Epoch ms of 00:00 JST on the JST calendar day containing `ms`. */
export function jstMidnight(ms: number): number {
  return Math.floor((ms + JST_OFFSET_MS) / DAY_MS) * DAY_MS - JST_OFFSET_MS;
}

/** `YYYY-MM-DD` of the JST calendar day containing `ms`. */
export function jstDate(ms: number): string {
  return new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 JST of a `YYYY-MM-DD` date. */
export function jstDayStart(date: string): number {
  return Date.parse(`${date}T00:00:00+09:00`);
}

/** `2026/07/15` — the way Japanese Excel writes a date. */
export function slashDate(date: string): string {
  return date.replaceAll('-', '/');
}

/** `2026/07/15 14:30` in JST, zone-less (read in the organisation's zone). */
export function jstSlashMinute(ms: number): string {
  const iso = new Date(ms + JST_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 16)}`;
}

/** `2026-07-15T14:30:05.000+09:00`. */
export function jstIso(ms: number): string {
  return `${new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 23)}+09:00`;
}

/** Okta's form: `2026-07-15T05:30:05.000Z`. */
export function utcIso(ms: number): string {
  return new Date(ms).toISOString();
}
