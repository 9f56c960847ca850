/** Activity register CSV → performances (a snapshot: the register as a whole). */
import type { SourceOf } from '../../config/source-kinds.ts';
import { readCsvRows } from '../csv/read.ts';
import { snapshotRecords, sourcePath, sourceZone } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { ACTIVITY_FIELDS, parseActivityRow } from './parse.ts';

export const activityRegisterCollector: Collector<'activity-register', 'activity'> = {
  sourceKind: 'activity-register',
  recordKind: 'activity',
  async collect(source: SourceOf<'activity-register'>, ctx: CollectContext): Promise<SnapshotOutput<'activity'>> {
    const file = sourcePath(source, ctx);
    const { rows } = await readCsvRows(file, { encoding: source.encoding, delimiter: source.delimiter, fields: ACTIVITY_FIELDS, columns: source.columns, reject: (r) => ctx.reject(r) });
    const opts = { zone: sourceZone(source, ctx), dateFormat: source.dateFormat };
    return { type: 'snapshot', records: snapshotRecords(rows, { file, ctx, what: 'performance (activity, time, performer)', parse: (record) => parseActivityRow(record, opts) }) };
  },
};
