/** The defaults KPIS.md names — target, direction and parameters — as an objective gets them when it gives none. */
import { describe, expect, it } from 'vitest';
import { parseObjective } from '../../../src/config/schema.ts';

const cases: [kpi: string, target: number, direction: 'at_least' | 'at_most', params: Record<string, unknown>, given?: Record<string, unknown>][] = [
  ['stale-account-deletion-rate', 1, 'at_least', { graceDays: 1 }],
  ['leaver-activity-count', 0, 'at_most', {}],
  ['encryption-miss-rate', 0, 'at_most', {}],
  ['training-completion-rate', 1, 'at_least', { newHireGraceDays: 30 }],
  ['phishing-click-rate', 0.1, 'at_most', {}],
  ['mfa-coverage', 1, 'at_least', {}],
  ['password-age-compliance', 1, 'at_least', {}],
  ['incident-report-sla-rate', 0.9, 'at_least', { slaHours: 24 }],
  ['incident-count', 0, 'at_most', {}],
  ['vulnerability-remediation-sla-rate', 1, 'at_least', { slaDays: { critical: 15, high: 30, medium: 90 } }],
  ['open-vulnerability-count', 0, 'at_most', { minSeverity: 'critical', maxScanAgeDays: 92, pastDeadlineOnly: false }],
  ['scan-coverage-rate', 1, 'at_least', { maxScanAgeDays: 92 }],
  ['activity-cadence-rate', 1, 'at_least', { graceDays: 0 }, { activities: [{ name: 'x', cadence: 'monthly' }] }],
  ['access-review-completion-rate', 1, 'at_least', {}],
  ['access-review-removal-rate', 1, 'at_least', { graceDays: 1 }],
  ['unapproved-removable-media-count', 0, 'at_most', {}],
  ['removable-media-approval-rate', 1, 'at_least', {}],
  ['phishing-repeat-clicker-count', 0, 'at_most', { minFailures: 2 }],
  ['post-click-training-rate', 1, 'at_least', { withinDays: 14 }, { courses: ['x'] }],
];

describe('KPI defaults (KPIS.md)', () => {
  for (const [kpi, target, direction, params, given] of cases) {
    it(kpi, () => {
      const o = parseObjective({ id: 'o', title: 'o', kpi, period: 'quarter', ...(given ? { params: given } : {}) });
      expect([o.target, o.direction]).toEqual([target, direction]);
      expect(o.params).toMatchObject(params);
    });
  }
});
