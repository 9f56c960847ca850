/** HR roster CSV → people (a snapshot: each export is the whole roster). */
import type { SourceOf } from '../../config/source-kinds.ts';
import type { Keyed } from '../../evidence/records.ts';
import { readCsvRows } from '../csv/read.ts';
import { eachRow, KeyGuard, PROGRESS_EVERY, sourcePath, sourceZone } from '../csv/source.ts';
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
    const keys = new KeyGuard(file, (r) => ctx.reject(r), 'person');
    let n = 0;
    const records = eachRow(
      rows,
      ({ line, record }): Keyed<'person'> | undefined => {
        if (++n % PROGRESS_EVERY === 0) ctx.progress(n);
        const r = parsePersonRow(record, opts);
        if (!r.ok) ctx.reject({ file, line, field: r.field, reason: r.reason });
        else if (keys.accept(r.key, line)) return { key: r.key, data: r.data };
        return undefined;
      },
      () => ctx.progress(n, n),
    );
    return { type: 'snapshot', records };
  },
};
