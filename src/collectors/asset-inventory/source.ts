/**
 * The `asset-inventory` source kind: the organisation's asset register (CSV), a snapshot. Each
 * row is one asset — a server, a laptop, a container image, an application — with who owns it
 * and when it is in service. Kept generic: scan-coverage-rate reads it as the population of
 * assets to scan, and the removable-media KPIs (issue 14) read it to find a host's owner.
 */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';
export type { AssetRecord } from './records.ts';

export const assetInventorySourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('asset-inventory'),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
});
export type AssetInventorySourceConfig = z.output<typeof assetInventorySourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'asset-inventory': AssetInventorySourceConfig;
  }
}


export const assetInventorySourceKind = defineSourceKind({
  kind: 'asset-inventory',
  summary: 'asset inventory (CSV): asset id, other names, owner, department, in service from / to',
  config: assetInventorySourceSchema,
  records: 'asset',
  semantics: 'snapshot',
  recordsFromFileOnly: true,
  load: async () => (await import('./collector.ts')).assetInventoryCollector,
});
