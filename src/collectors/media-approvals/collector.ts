/** Removable-media approvals register (CSV) → approvals (a snapshot: the register as a whole). */
import type { SourceOf } from '../../config/source-kinds.ts';
import { readCsvRows } from '../csv/read.ts';
import { snapshotRecords, sourcePath, sourceZone } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { APPROVAL_FIELDS, parseApprovalRow } from './parse.ts';

export const mediaApprovalsCollector: Collector<'removable-media-approvals', 'media-approval'> = {
  sourceKind: 'removable-media-approvals',
  recordKind: 'media-approval',
  async collect(source: SourceOf<'removable-media-approvals'>, ctx: CollectContext): Promise<SnapshotOutput<'media-approval'>> {
    const file = sourcePath(source, ctx);
    const { rows } = await readCsvRows(file, {
      encoding: source.encoding,
      delimiter: source.delimiter,
      fields: APPROVAL_FIELDS,
      columns: source.columns,
      reject: (r) => ctx.reject(r),
    });
    const opts = { zone: sourceZone(source, ctx), dateFormat: source.dateFormat };
    return { type: 'snapshot', records: snapshotRecords(rows, { file, ctx, what: 'approval id', parse: (record) => parseApprovalRow(record, opts) }) };
  },
};
