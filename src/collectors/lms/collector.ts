/** LMS completion exports → completions (a snapshot of every completion the export lists). */
import path from 'node:path';
import type { SourceOf } from '../../config/source-kinds.ts';
import type { Keyed } from '../../evidence/records.ts';
import { readCsvRows, type CsvRow } from '../csv/read.ts';
import { eachRow, KeyGuard, PROGRESS_EVERY, sourcePath, sourceZone } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { GENERIC_LMS_FIELDS, MOODLE_FIELDS, parseGenericLmsRow, parseMoodleRow } from './parse.ts';

export const lmsCollector: Collector<'lms', 'completion'> = {
  sourceKind: 'lms',
  recordKind: 'completion',
  async collect(source: SourceOf<'lms'>, ctx: CollectContext): Promise<SnapshotOutput<'completion'>> {
    const file = sourcePath(source, ctx);
    const moodle = source.format === 'moodle-csv';
    const csv = {
      encoding: source.encoding,
      delimiter: source.delimiter,
      columns: source.columns,
      reject: (r: Parameters<CollectContext['reject']>[0]) => ctx.reject(r),
    };
    // A Moodle per-course export has no course column: the configured course, else the file's name.
    const opts = {
      zone: sourceZone(source, ctx),
      dateFormat: source.dateFormat,
      course: source.course ?? (moodle ? path.basename(file).replace(/\.[^.]+$/, '') : undefined),
    };
    const { rows } = moodle
      ? await readCsvRows(file, { ...csv, fields: MOODLE_FIELDS })
      : await readCsvRows(file, { ...csv, fields: GENERIC_LMS_FIELDS, oneOf: source.course ? [] : [['course']] });
    const keys = new KeyGuard(file, (r) => ctx.reject(r), 'completion');
    let n = 0;
    const records = eachRow(
      rows as Iterable<CsvRow<string>> | AsyncIterable<CsvRow<string>>,
      ({ line, record }): Keyed<'completion'> | undefined => {
        if (++n % PROGRESS_EVERY === 0) ctx.progress(n);
        const r = moodle ? parseMoodleRow(record, opts) : parseGenericLmsRow(record, opts);
        if (r === null) return undefined;
        if (!r.ok) ctx.reject({ file, line, field: r.field, reason: r.reason });
        else if (keys.accept(r.key, line)) return { key: r.key, data: r.data };
        return undefined;
      },
      () => ctx.progress(n, n),
    );
    return { type: 'snapshot', records };
  },
};
