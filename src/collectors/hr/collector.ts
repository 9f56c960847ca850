/** HR roster CSV → people (a snapshot: each export is the whole roster). */
import type { SourceOf } from '../../config/source-kinds.ts';
import { readCsvRows } from '../csv/read.ts';
import { snapshotRecords, sourcePath, sourceZone } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { HR_FIELDS, parsePersonRow } from './parse.ts';

export const hrCollector: Collector<'hr-roster', 'person'> = {
  sourceKind: 'hr-roster',
  recordKind: 'person',
  async collect(source: SourceOf<'hr-roster'>, ctx: CollectContext): Promise<SnapshotOutput<'person'>> {
    const file = sourcePath(source, ctx);
    const { rows } = await readCsvRows(file, {
      encoding: source.encoding,
      delimiter: source.delimiter,
      fields: HR_FIELDS,
      columns: source.columns,
      oneOf: [['employeeId', 'email']],
      reject: (r) => ctx.reject(r),
    });
    const opts = { zone: sourceZone(source, ctx), dateFormat: source.dateFormat, leftStatuses: source.leftStatuses };
    const records = snapshotRecords(rows, { file, ctx, what: 'person', parse: (record) => parsePersonRow(record, opts) });
    return { type: 'snapshot', records };
  },
};
