/**
 * The `removable-media-approvals` source kind: the register of approved requests to use
 * removable storage (CSV), a snapshot — approval id, person, device (a serial, or
 * `vendor:product` with `*` for any serial), valid from, valid to.
 */
import { z } from 'zod';
import { columnsField, commonSourceFields, dateFormatField, pathField, snapshotSourceFields } from '../../config/fields.ts';
import { defineSourceKind } from '../source-kind.ts';
export type { MediaApprovalRecord } from './records.ts';

export const mediaApprovalsSourceSchema = z.strictObject({
  ...commonSourceFields,
  ...snapshotSourceFields,
  kind: z.literal('removable-media-approvals'),
  path: pathField,
  delimiter: z.string().optional(),
  columns: columnsField.default({}),
  dateFormat: dateFormatField,
});
export type MediaApprovalsSourceConfig = z.output<typeof mediaApprovalsSourceSchema>;

declare module '../../config/source-kinds.ts' {
  interface SourceConfigs {
    'removable-media-approvals': MediaApprovalsSourceConfig;
  }
}

export const mediaApprovalsSourceKind = defineSourceKind({
  kind: 'removable-media-approvals',
  summary: 'removable-media approvals register (CSV): approval id, person, device serial or vendor:product, valid from / to',
  config: mediaApprovalsSourceSchema,
  records: 'media-approval',
  semantics: 'snapshot',
  recordsFromFileOnly: true,
  load: async () => (await import('./collector.ts')).mediaApprovalsCollector,
});
