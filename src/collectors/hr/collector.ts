/** HR roster CSV → people (a snapshot: each export is the whole roster). */
import type { SourceOf } from '../../config/source-kinds.ts';
import type { Keyed } from '../../evidence/records.ts';
import { readCsvRows } from '../csv/read.ts';
import { eachRow, PROGRESS_EVERY, sourcePath, sourceZone } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { keyEmployments, type EmploymentRow } from './employments.ts';
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
    let n = 0;
    // Every row is read before keys are given: a re-hire's key depends on its person's other rows.
    // Memory grows with people, as the store's write of the snapshot does anyway.
    const employments: EmploymentRow[] = [];
    const parsed = eachRow(
      rows,
      ({ line, record }): EmploymentRow | undefined => {
        if (++n % PROGRESS_EVERY === 0) ctx.progress(n);
        const r = parsePersonRow(record, opts);
        if (!r.ok) ctx.reject({ file, line, field: r.field, reason: r.reason, ...(r.value !== undefined ? { value: r.value } : {}) });
        else return { line, key: r.key, data: r.data };
        return undefined;
      },
      () => ctx.progress(n, n),
    );
    async function* records(): AsyncIterable<Keyed<'person'>> {
      for await (const e of parsed) employments.push(e);
      yield* keyEmployments(employments, (row, first) =>
        ctx.reject({ file, line: row.line, reason: `the same employment as line ${first} (same person key and ${row.data.hireDate ? 'hire date' : 'leave date'})`, value: row.key }),
      );
    }
    return { type: 'snapshot', records: records() };
  },
};
