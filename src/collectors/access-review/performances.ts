/**
 * A closed access-review campaign as a performance of a recurring activity ("the quarterly
 * account inventory", KPIS.md activity-cadence-rate with `from: <access-review source id>`):
 * performed at its closing — the last decision, once every account has one. Every record of a
 * campaign carries the same `closedAt`, so the campaign is one performance however many records
 * stand for it. An open campaign performs nothing yet.
 * The source kind's descriptor offers it (`performances`), so an activity-cadence-rate objective can
 * name an access-review source in `from:`.
 */
import type { PerformanceSource } from '../../evidence/performances.ts';

export const accessReviewPerformances: PerformanceSource<'access-review'> = {
  read: 'current',
  performance: (r) => (r.closedAt ? { at: r.closedAt, evidence: `access review ${r.campaign}` } : undefined),
};
