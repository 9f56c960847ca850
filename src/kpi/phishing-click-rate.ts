/** phishing-click-rate — "fewer people fall for phishing" (KPIS.md, A.6.3). */
import type { EvidenceBundle } from './bundle.ts';
import { evaluatePhishing, type Recipient } from './phishing-recipients.ts';
import type { KpiDefinition } from './registry-types.ts';
import type { KpiContext, KpiResult } from './types.ts';

/** Recipients who clicked the link or submitted data / recipients. */
export function phishingClickRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const failed = (r: Recipient): boolean => r.clicked || r.submitted;
  return evaluatePhishing('phishing-click-rate', bundle, ctx, failed, (r) => (r.submitted ? 'submitted data' : r.clicked ? 'clicked the link' : undefined));
}

export const phishingClickRateKpi: KpiDefinition = {
  id: 'phishing-click-rate',
  needs: ['person', 'phishing'],
  evaluate: phishingClickRate,
};
