/** The `incidents` source kind: the incident register (CSV). */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';

export const incidentSourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('incidents'),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
});
export type IncidentSourceConfig = z.output<typeof incidentSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    incidents: IncidentSourceConfig;
  }
}

export const incidentsSourceKind = defineSourceKind({
  kind: 'incidents',
  summary: 'incident register (CSV): detected and reported times, severity',
  config: incidentSourceSchema,
  records: 'incident',
  semantics: 'snapshot',
  recordsFromFileOnly: true,
  load: async () => (await import('./collector.ts')).incidentsCollector,
});
