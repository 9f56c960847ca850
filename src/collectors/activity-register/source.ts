/**
 * The `activity-register` source kind: the register of recurring controls done (CSV), a
 * snapshot — "monthly log review done 2026-10-03 by 佐藤, ticket OPS-123". Each row is one
 * performance of a named activity; activity-cadence-rate checks them against each activity's
 * cadence.
 */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import type { PerformanceSource } from '../../evidence/performances.ts';
import { defineSourceKind } from '../source-kind.ts';
export type { ActivityRecord } from './records.ts';

export const activityRegisterSourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('activity-register'),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
});
export type ActivityRegisterSourceConfig = z.output<typeof activityRegisterSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'activity-register': ActivityRegisterSourceConfig;
  }
}


/** Each row performs its named activity. */
export const activityPerformances: PerformanceSource<'activity'> = {
  read: 'current',
  performance: (r) => ({ at: r.performedAt, activity: r.activity, ...(r.performer ? { by: r.performer } : {}), ...(r.evidence ? { evidence: r.evidence } : {}) }),
};

export const activityRegisterSourceKind = defineSourceKind({
  kind: 'activity-register',
  summary: 'register of recurring activities done (CSV): activity, performed at, performer, evidence',
  config: activityRegisterSourceSchema,
  records: 'activity',
  semantics: 'snapshot',
  recordsFromFileOnly: true,
  performances: activityPerformances,
  load: async () => (await import('./collector.ts')).activityRegisterCollector,
});
