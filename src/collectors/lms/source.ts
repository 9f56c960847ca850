/**
 * The `lms` source kind: course completions, from the LMS's export or pulled from Moodle's web
 * services on a schedule (`moodle-api`).
 */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { apiFields, baseUrlField, envName } from '../api/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

const common = { ...commonSourceFields, ...snapshotSourceFields, kind: z.literal('lms') };

const fileSchema = z.strictObject({
  ...common,
  format: z.enum(['moodle-csv', 'generic-csv']),
  path: pathField,
  delimiter: z.string().optional(),
  /** Course name for a Moodle per-course export (its file has no course column). */
  course: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
});

const moodleApiSchema = z.strictObject({
  ...common,
  format: z.literal('moodle-api'),
  /** The site, e.g. `https://lms.example.co.jp` (web services are under /webservice/rest/server.php). */
  baseUrl: baseUrlField,
  tokenEnv: envName.describe('Variable holding the web-services token of the service user.'),
  /** Moodle course ids (the `id=` of course/view.php); records carry each course's full name. */
  courses: z.array(z.number().int().positive()).min(1),
  ...apiFields,
  pageSize: z.number().int().min(1).max(1000).default(200),
});

export const lmsSourceSchema = z.discriminatedUnion('format', [fileSchema, moodleApiSchema]);
export type LmsSourceConfig = z.output<typeof lmsSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    lms: LmsSourceConfig;
  }
}

export const lmsSourceKind = defineSourceKind({
  kind: 'lms',
  summary: 'LMS course completions (Moodle, generic CSV; or Moodle web services)',
  config: lmsSourceSchema,
  records: 'completion',
  semantics: 'snapshot',
  recordsFromFileOnly: true,
  load: async () => (await import('./collector.ts')).lmsCollector,
});
