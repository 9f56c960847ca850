/** Incident register CSV → incidents (a snapshot: the register as a whole). */
import type { SourceOf } from '../../config/source-kinds.ts';
import { readCsvRows } from '../csv/read.ts';
import { snapshotRecords, sourcePath, sourceZone } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { INCIDENT_FIELDS, parseIncidentRow } from './parse.ts';

export const incidentsCollector: Collector<'incidents', 'incident'> = {
  sourceKind: 'incidents',
  recordKind: 'incident',
  async collect(source: SourceOf<'incidents'>, ctx: CollectContext): Promise<SnapshotOutput<'incident'>> {
    const file = sourcePath(source, ctx);
    const { rows } = await readCsvRows(file, {
      encoding: source.encoding,
      delimiter: source.delimiter,
      fields: INCIDENT_FIELDS,
      columns: source.columns,
      reject: (r) => ctx.reject(r),
    });
    const opts = { zone: sourceZone(source, ctx), dateFormat: source.dateFormat };
    const records = snapshotRecords(rows, { file, ctx, what: 'incident id', parse: (record) => parseIncidentRow(record, opts) });
    return { type: 'snapshot', records };
  },
};
