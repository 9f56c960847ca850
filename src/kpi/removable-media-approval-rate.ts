/**
 * removable-media-approval-rate — "USB use requests 100 %" (KPIS.md, A.7.10, A.8.12): approved
 * device-days / all removable-storage device-days in the period (see removable-media.ts).
 */
import { z } from 'zod';
import { defineKpi } from './registry-types.ts';
import { REMOVABLE_MEDIA_READS, removableMediaApprovalRate } from './removable-media.ts';

export const removableMediaApprovalRateKpi = defineKpi({
  id: 'removable-media-approval-rate',
  params: z.strictObject({}),
  unit: 'ratio',
  defaultTarget: 1,
  defaultDirection: 'at_least',
  reads: REMOVABLE_MEDIA_READS,
  texts: {
    en: {
      name: 'Removable storage used with an approval',
      definition: 'Device-days (one person, one device, one day) of removable storage in the period covered by an approval valid at the first connection of that day.',
    },
    ja: {
      name: '外部記憶媒体の利用申請承認率',
      definition: '期間内の外部記憶媒体の使用（1人・1台・1日を1件）のうち、その日の最初の接続時点で有効な承認があったものの割合。',
    },
  },
  evaluateStream: (bundle, facts, ctx) => removableMediaApprovalRate(bundle, facts, ctx),
});
