/**
 * Named calendar periods for reports and trends, in the organisation's zone, with quarters and
 * halves counted from its fiscal-year start month.
 *
 * Naming rule: a fiscal year is named by the calendar year in which it starts. With an April
 * start, FY2026 is 2026-04-01 … 2027-03-31 (the Japanese 2026年度), `2026-Q1` is April–June 2026,
 * `2026-Q4` is January–March 2027, `2026-H2` is October 2026 – March 2027. With a January start
 * the fiscal year is the calendar year. `2026-09` is always the calendar month September 2026.
 */
import { DateTime } from 'luxon';
import type { OrganisationConfig } from '../config/fields.ts';
import { UsageError } from '../errors.ts';

export type PeriodKind = 'month' | 'quarter' | 'half-year' | 'year';

type Org = Pick<OrganisationConfig, 'timeZone' | 'fiscalYearStartMonth'>;

/** A whole named period: [fromMs, endMs). */
export interface NamedPeriod {
  kind: PeriodKind;
  /** `2026-09`, `2026-Q2`, `2026-H1`, `FY2026`. */
  name: string;
  /** The fiscal year it belongs to (for a month: the fiscal year holding it). */
  fiscalYear: number;
  /** 1-based quarter, half or month-of-fiscal-year; 1 for a year. */
  index: number;
  fromMs: number;
  /** The first instant after the period. */
  endMs: number;
}

const MONTHS: Record<PeriodKind, number> = { month: 1, quarter: 3, 'half-year': 6, year: 12 };

function fiscalStartMonth(org: Org): number {
  return org.fiscalYearStartMonth ?? 1;
}

/** The start of fiscal year `fy` in the organisation's zone. */
function fiscalYearStart(fy: number, org: Org): DateTime {
  return DateTime.fromObject({ year: fy, month: fiscalStartMonth(org), day: 1 }, { zone: org.timeZone });
}

/** The fiscal year holding an instant. */
export function fiscalYearOf(ms: number, org: Org): number {
  const local = DateTime.fromMillis(ms, { zone: org.timeZone });
  return local.month >= fiscalStartMonth(org) ? local.year : local.year - 1;
}

function build(kind: PeriodKind, fy: number, index: number, org: Org): NamedPeriod {
  const len = MONTHS[kind];
  const from = fiscalYearStart(fy, org).plus({ months: (index - 1) * len });
  const end = from.plus({ months: len });
  const name =
    kind === 'year' ? `FY${fy}` : kind === 'half-year' ? `${fy}-H${index}` : kind === 'quarter' ? `${fy}-Q${index}` : from.toFormat('yyyy-MM');
  return { kind, name, fiscalYear: fy, index, fromMs: from.toMillis(), endMs: end.toMillis() };
}

/** The period of `kind` holding an instant. */
export function periodHolding(kind: PeriodKind, ms: number, org: Org): NamedPeriod {
  const fy = fiscalYearOf(ms, org);
  const local = DateTime.fromMillis(ms, { zone: org.timeZone });
  const monthOfYear = (local.month - fiscalStartMonth(org) + 12) % 12; // 0..11
  return build(kind, fy, Math.floor(monthOfYear / MONTHS[kind]) + 1, org);
}

/** The period just before `p`, of the same kind. */
export function previousPeriod(p: NamedPeriod, org: Org): NamedPeriod {
  return periodHolding(p.kind, p.fromMs - 1, org);
}

/** The last period of `kind` that has ended at or before `ms` (what a scheduled report covers). */
export function lastEndedPeriod(kind: PeriodKind, ms: number, org: Org): NamedPeriod {
  const current = periodHolding(kind, ms, org);
  return current.endMs <= ms ? current : previousPeriod(current, org);
}

/** Parse `2026-09`, `2026-Q2`, `2026-H1` or `FY2026` (see the naming rule above). */
export function parsePeriodName(spec: string, org: Org): NamedPeriod {
  const s = spec.trim();
  let m: RegExpExecArray | null;
  if ((m = /^FY(\d{4})$/i.exec(s))) return build('year', Number(m[1]), 1, org);
  if ((m = /^(\d{4})-H([12])$/i.exec(s))) return build('half-year', Number(m[1]), Number(m[2]), org);
  if ((m = /^(\d{4})-Q([1-4])$/i.exec(s))) return build('quarter', Number(m[1]), Number(m[2]), org);
  if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
    const month = Number(m[2]);
    if (month >= 1 && month <= 12) {
      const from = DateTime.fromObject({ year: Number(m[1]), month, day: 1 }, { zone: org.timeZone });
      return periodHolding('month', from.toMillis(), org);
    }
  }
  throw new UsageError(`--period: expected a month (2026-09), a fiscal quarter (2026-Q2), a fiscal half (2026-H1) or a fiscal year (FY2026), got "${spec}"`);
}

/**
 * The instants a trend is drawn at: the end (last millisecond) of every month from the start of
 * the previous fiscal year up to `at`, then `at` itself — unless `at` is such an end already.
 */
export function trendInstants(at: Date, org: Org): Date[] {
  const T = at.getTime();
  const start = fiscalYearStart(fiscalYearOf(T, org) - 1, org);
  const out: Date[] = [];
  for (let m = start; ; m = m.plus({ months: 1 })) {
    const end = m.plus({ months: 1 }).toMillis() - 1;
    if (end > T) break;
    out.push(new Date(end));
  }
  if (out.length === 0 || out[out.length - 1]!.getTime() !== T) out.push(new Date(T));
  return out;
}
