/**
 * unapproved-removable-media-count — "no unapproved USB storage" (KPIS.md, A.7.10, A.8.12).
 * Count of the device-days in the period that no approval covers at their first connection;
 * see removable-media.ts for device-days, attribution and approval. No device-days is 0 when a
 * device-event source was collected inside the period (its logs showed none), else no_data.
 */
import { z } from 'zod';
import { defineKpi } from './registry-types.ts';
import { REMOVABLE_MEDIA_READS, unapprovedRemovableMediaCount } from './removable-media.ts';

export const unapprovedRemovableMediaCountKpi = defineKpi({
  id: 'unapproved-removable-media-count',
  params: z.strictObject({}),
  unit: 'count',
  defaultTarget: 0,
  defaultDirection: 'at_most',
  reads: REMOVABLE_MEDIA_READS,
  texts: {
    en: {
      name: 'Unapproved removable storage',
      definition: 'Device-days (one person, one device, one day) of removable storage in the period that no approval covered at the first connection of that day.',
    },
    ja: {
      name: '未承認の外部記憶媒体の使用',
      definition: '期間内の外部記憶媒体の使用（1人・1台・1日を1件）のうち、その日の最初の接続時点で有効な利用申請の承認がなかった件数。',
    },
  },
  evaluateStream: (bundle, facts, ctx) => unapprovedRemovableMediaCount(bundle, facts, ctx),
});
