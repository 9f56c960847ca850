/**
 * How people-facing command output is shown: in the organisation's language and time zone, fitted
 * to the terminal when there is one. The formatters take a `View` and stay pure.
 */
import type { Language } from '../i18n/catalogue.ts';
import { isoInZone } from '../kpi/time.ts';

export interface View {
  language: Language;
  timeZone: string;
  /** Terminal width in cells; undefined when the output is piped (nothing is cut then). */
  width?: number;
}

/** The view for `config` on `stream` (stdout): its columns only when it is a terminal. */
export function viewFor(config: { organisation: { language: Language; timeZone: string } }, stream: { isTTY?: boolean; columns?: number } = process.stdout): View {
  const width = stream.isTTY && stream.columns ? stream.columns : undefined;
  return { language: config.organisation.language, timeZone: config.organisation.timeZone, ...(width ? { width } : {}) };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** An ISO-8601 instant as `2026-11-20 12:00` in `zone`; anything else unchanged. */
export function localMinute(iso: string, zone: string): string {
  const ms = INSTANT.test(iso) ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? iso : isoInZone(ms, zone).slice(0, 16).replace('T', ' ');
}

/** An ISO-8601 instant as its date (`2026-11-20`) in `zone`. */
export function localDate(iso: string, zone: string): string {
  return localMinute(iso, zone).slice(0, 10);
}

/** An ISO-8601 instant in full, with the offset of `zone` (lossless, for CSV). */
export function zonedIso(iso: string, zone: string): string {
  const ms = INSTANT.test(iso) ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? iso : isoInZone(ms, zone);
}

/** An instant as `2026-11-20 12:00:03 +09:00` in `zone` (for banners and logs people read). */
export function localSecond(ms: number, zone: string): string {
  const iso = isoInZone(ms, zone);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${iso.endsWith('Z') ? '+00:00' : iso.slice(-6)}`;
}
