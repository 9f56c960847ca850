/**
 * The campaign schedule: which campaign is due at an instant, by the source's `cadence`, in the
 * organisation's zone and fiscal year (April start: Oct–Dec 2026 is `2026-Q3`). Pure.
 */
import { DateTime } from 'luxon';
import type { OrganisationConfig } from '../config/fields.ts';
import { periodAt } from '../kpi/period.ts';

export type Cadence = 'monthly' | 'quarterly' | 'half-year' | 'year';

const PERIOD: Record<Cadence, string> = { monthly: 'month', quarterly: 'quarter', 'half-year': 'half-year', year: 'year' };

export interface CampaignSlot {
  /** The campaign id a campaign of this slot gets by default: `2026-Q3`, `2026-H2`, `FY2026`, `2026-10`. */
  id: string;
  startMs: number;
  /** The next slot's start. */
  endMs: number;
}

/** The slot of `cadence` containing `ms`. */
export function campaignSlot(ms: number, cadence: Cadence, org: Pick<OrganisationConfig, 'timeZone' | 'fiscalYearStartMonth'>): CampaignSlot {
  const zone = org.timeZone;
  const startMs = periodAt(PERIOD[cadence], new Date(ms), org).fromMs;
  const start = DateTime.fromMillis(startMs, { zone });
  const months = cadence === 'monthly' ? 1 : cadence === 'quarterly' ? 3 : cadence === 'half-year' ? 6 : 12;
  const endMs = start.plus({ months }).toMillis();
  const fiscal = (org.fiscalYearStartMonth ?? 1) - 1;
  const offset = (start.month - 1 - fiscal + 12) % 12;
  const fy = start.minus({ months: offset }).year;
  const n = Math.floor(offset / months) + 1;
  const id =
    cadence === 'monthly' ? start.toFormat('yyyy-MM')
    : cadence === 'quarterly' ? `${fy}-Q${n}`
    : cadence === 'half-year' ? `${fy}-H${n}`
    : `FY${fy}`;
  return { id, startMs, endMs };
}
