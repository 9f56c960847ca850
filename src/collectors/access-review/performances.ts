/**
 * A closed access-review campaign as a performance of a recurring activity ("the quarterly
 * account inventory", KPIS.md activity-cadence-rate with `from: <access-review source id>`):
 * performed at its closing — the last decision, once every account has one. Every record of a
 * campaign carries the same `closedAt`, so the campaign is one performance however many records
 * stand for it. An open campaign performs nothing yet.
 *
 * Shaped as the activity-cadence KPI's `PerformanceSource` (`read: 'current'`, `performance(record)`
 * → `{ at, activity?, by?, evidence? }`), so the source kind's descriptor can offer it once that
 * KPI is on the branch: `performances: accessReviewPerformances`.
 */
import type { AccessReviewRecord } from './records.ts';

export const accessReviewPerformances = {
  read: 'current' as const,
  performance(r: AccessReviewRecord): { at: string; evidence: string } | undefined {
    return r.closedAt ? { at: r.closedAt, evidence: `access review ${r.campaign}` } : undefined;
  },
};
