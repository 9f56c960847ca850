/** The `lms` source kind: course completions exported by the LMS. */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

export const lmsSourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('lms'),
  format: z.enum(['moodle-csv', 'generic-csv']),
  path: pathField,
  delimiter: z.string().optional(),
  /** Course name for a Moodle per-course export (its file has no course column). */
  course: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
});
export type LmsSourceConfig = z.output<typeof lmsSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    lms: LmsSourceConfig;
  }
}

export const lmsSourceKind = defineSourceKind({
  kind: 'lms',
  summary: 'LMS course completions (Moodle, generic CSV)',
  config: lmsSourceSchema,
  records: 'completion',
  semantics: 'snapshot',
  load: async () => (await import('./collector.ts')).lmsCollector,
});
