/** phishing-report-rate — recipients who reported the drill email (KPIS.md, A.6.3). */
import type { EvidenceBundle } from './bundle.ts';
import { evaluatePhishing } from './phishing-recipients.ts';
import { z } from 'zod';
import { departmentsParam } from './param-fields.ts';
import { defineKpi } from './registry-types.ts';
import type { KpiContext, KpiResult } from './types.ts';

/** Recipients who reported the email / recipients. */
export function phishingReportRate(bundle: EvidenceBundle, ctx: KpiContext): KpiResult {
  return evaluatePhishing('phishing-report-rate', bundle, ctx, (r) => r.reported, (r) => (r.reported ? undefined : 'phishingNotReported'));
}

export const phishingReportRateKpi = defineKpi({
  id: 'phishing-report-rate',
  params: z.strictObject({ ...departmentsParam }),
  unit: 'ratio',
  defaultDirection: 'at_least',
  reads: [
    { kind: 'person', as: 'history' },
    { kind: 'phishing', as: 'current' },
  ],
  texts: {
    en: { name: 'Phishing drills reported', definition: 'Recipients of the drill campaigns launched in the period who reported the email.' },
    ja: { name: '標的型メール訓練報告率', definition: '期間内に実施した訓練メールの受信者のうち、メールを報告した者の割合。' },
  },
  evaluate: phishingReportRate,
});
