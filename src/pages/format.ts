/**
 * How values read on pages and in reports: KPI values by the KPI's unit, instants in the
 * organisation's zone, failing subjects' details with the catalogue's labels and units.
 * Pure; the language and zone are parameters.
 */
import { messages, type Language } from '../i18n/catalogue.ts';
import { kpiUnit } from '../kpi/registry.ts';
import { offsetMinutes } from '../kpi/time.ts';
import type { Direction } from '../kpi/types.ts';

/** A KPI value: a ratio as a percentage with one decimal, a count as a number; null as a dash. */
export function formatKpiValue(kpi: string, v: number | null): string {
  if (v === null || Number.isNaN(v)) return '—';
  if (kpiUnit(kpi) === 'count') return String(Math.round(v * 100) / 100);
  return `${(Math.round(v * 1000) / 10).toFixed(1)}%`;
}

export function targetPhrase(kpi: string, direction: Direction, target: number, lang: Language): string {
  return messages(lang).pages.targetPhrase(direction, formatKpiValue(kpi, target));
}

/**
 * `2026-11-20 12:00` in the zone. Pages format thousands of these per request, so it goes
 * through the zone-offset cache of kpi/time.ts rather than a luxon DateTime each time.
 */
export function formatInstant(at: string | number | Date, zone: string): string {
  const ms = typeof at === 'string' ? Date.parse(at) : typeof at === 'number' ? at : at.getTime();
  if (Number.isNaN(ms)) return String(at);
  const local = new Date(ms + offsetMinutes(ms, zone) * 60_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** `2026-11-20` in the zone. */
export function formatDay(at: string | number | Date, zone: string): string {
  return formatInstant(at, zone).slice(0, 10);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Units of detail keys whose numbers are durations (shown as `4日` / `4 days`). */
const DETAIL_UNITS: Readonly<Record<string, 'days' | 'hours'>> = { daysOverdue: 'days', lateHours: 'hours', hoursOverdue: 'hours' };

export type DetailValue = string | number | boolean | null | undefined | readonly string[];

/** One detail of a failing subject as a person reads it. */
export function formatDetail(key: string, v: DetailValue, lang: Language, zone: string): string {
  const t = messages(lang);
  if (v === null || v === undefined || v === '') return t.pages.empty;
  if (typeof v === 'boolean') return v ? t.pages.yes : t.pages.no;
  if (typeof v === 'number') {
    const unit = DETAIL_UNITS[key];
    return unit === 'days' ? t.common.days(v) : unit === 'hours' ? t.common.hours(v) : String(v);
  }
  if (Array.isArray(v)) return v.map((x) => formatDetail(key, x, lang, zone)).join(lang === 'ja' ? '、' : ', ');
  const s = v as string;
  if (ISO_INSTANT.test(s)) return formatInstant(s, zone);
  return t.pages.value[s] ?? s;
}

/** The catalogue's label of a detail key, or the key as the KPI gives it. */
export function detailLabel(key: string, lang: Language): string {
  return messages(lang).pages.detail[key] ?? key;
}

/** A period in words: `当四半期初から評価時点まで（2026-10-01 00:00 〜 2026-11-20 12:00）`. */
export function periodWords(spec: string, from: string, to: string, lang: Language, zone: string): string {
  const p = messages(lang).pages.periods;
  const rolling = /^rolling (\d+) days?$/.exec(spec);
  const words = rolling ? p.rolling(Number(rolling[1])) : (p as unknown as Record<string, string>)[spec] ?? spec;
  return p.span(words, formatInstant(from, zone), formatInstant(to, zone));
}
