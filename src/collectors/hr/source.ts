/** The `hr-roster` source kind: HR's roster export (CSV), one row per employment. */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

export const hrSourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('hr-roster'),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
  /** Status values meaning "has left" (besides a leave date in the past). */
  leftStatuses: z.array(z.string()).default(['left', 'terminated', 'inactive', '退職']),
});
export type HrSourceConfig = z.output<typeof hrSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'hr-roster': HrSourceConfig;
  }
}

export const hrSourceKind = defineSourceKind({
  kind: 'hr-roster',
  summary: 'HR roster export (CSV): people, departments, hire and leave dates',
  config: hrSourceSchema,
  records: 'person',
  semantics: 'snapshot',
  recordsFromFileOnly: true,
  load: async () => (await import('./collector.ts')).hrCollector,
});
