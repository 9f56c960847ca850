/** phishing-click-rate — "fewer people fall for phishing" (KPIS.md, A.6.3). */
import type { EvidenceBundle } from './bundle.ts';
import { evaluatePhishing, type Recipient } from './phishing-recipients.ts';
import { z } from 'zod';
import { departmentsParam } from './param-fields.ts';
import { defineKpi } from './registry-types.ts';
import type { KpiContext, KpiResult } from './types.ts';

/** Recipients who clicked the link or submitted data / recipients. */
export function phishingClickRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  const failed = (r: Recipient): boolean => r.clicked || r.submitted;
  return evaluatePhishing('phishing-click-rate', bundle, ctx, failed, (r) => (r.submitted ? 'phishingSubmitted' : r.clicked ? 'phishingClicked' : undefined));
}

export const phishingClickRateKpi = defineKpi({
  id: 'phishing-click-rate',
  params: z.strictObject({ ...departmentsParam }),
  unit: 'ratio',
  defaultTarget: 0.1,
  defaultDirection: 'at_most',
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'phishing', as: 'current' },
  ],
  texts: {
    en: { name: 'Phishing drill click rate', definition: 'Recipients of the drill campaigns launched in the period who clicked the link or submitted data (bounced sends excluded).' },
    ja: { name: '標的型メール訓練クリック率', definition: '期間内に実施した訓練メールの受信者（不達を除く）のうち、リンクをクリックまたは情報を入力した者の割合。' },
  },
  evaluate: phishingClickRate,
});
