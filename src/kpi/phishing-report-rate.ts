/** phishing-report-rate — recipients who reported the drill email (KPIS.md, A.6.3). */
import type { EvidenceBundle } from './bundle.ts';
import { evaluatePhishing } from './phishing-recipients.ts';
import type { KpiDefinition } from './registry-types.ts';
import type { KpiContext, KpiResult } from './types.ts';

/** Recipients who reported the email / recipients. */
export function phishingReportRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  return evaluatePhishing('phishing-report-rate', bundle, ctx, (r) => r.reported, (r) => (r.reported ? undefined : 'did not report the email'));
}

export const phishingReportRateKpi: KpiDefinition = {
  id: 'phishing-report-rate',
  needs: ['person', 'phishing'],
  evaluate: phishingReportRate,
};
