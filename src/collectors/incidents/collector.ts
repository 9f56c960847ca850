/** Incident register CSV → incidents (a snapshot: the register as a whole). */
import type { SourceOf } from '../../config/source-kinds.ts';
import type { Keyed } from '../../evidence/records.ts';
import { readCsvRows } from '../csv/read.ts';
import { eachRow, KeyGuard, PROGRESS_EVERY, sourcePath, sourceZone } from '../csv/source.ts';
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
    const keys = new KeyGuard(file, (r) => ctx.reject(r), 'incident id');
    let n = 0;
    const records = eachRow(
      rows,
      ({ line, record }): Keyed<'incident'> | undefined => {
        if (++n % PROGRESS_EVERY === 0) ctx.progress(n);
        const r = parseIncidentRow(record, opts);
        if (!r.ok) ctx.reject({ file, line, field: r.field, reason: r.reason });
        else if (keys.accept(r.key, line)) return { key: r.key, data: r.data };
        return undefined;
      },
      () => ctx.progress(n, n),
    );
    return { type: 'snapshot', records };
  },
};
