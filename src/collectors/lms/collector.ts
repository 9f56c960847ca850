/** LMS completion exports → completions (a snapshot of every completion the export lists). */
import path from 'node:path';
import type { SourceOf } from '../../config/source-kinds.ts';
import { readCsvRows, type CsvRow } from '../csv/read.ts';
import { snapshotRecords, sourcePath, sourceZone } from '../csv/source.ts';
import { UsageError } from '../../errors.ts';
import type { HttpDeps } from '../api/http.ts';
import type { CheckResult, CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { GENERIC_LMS_FIELDS, MOODLE_FIELDS, parseGenericLmsRow, parseMoodleRow } from './parse.ts';

/** @param deps the HTTP layer's fetch, sleep and clock (tests make waits instant). */
export function createLmsCollector(deps?: HttpDeps): Collector<'lms', 'completion'> {
  return {
    sourceKind: 'lms',
    recordKind: 'completion',
    async collect(source: SourceOf<'lms'>, ctx: CollectContext): Promise<SnapshotOutput<'completion'>> {
      if (source.format === 'moodle-api') {
        const { moodleRecords } = await import('./moodle-api.ts');
        return { type: 'snapshot', records: await moodleRecords(source, ctx, deps) };
      }
      return collectFile(source, ctx);
    },
    async check(source: SourceOf<'lms'>, ctx: CollectContext): Promise<CheckResult> {
      if (source.format !== 'moodle-api') throw new UsageError(`source "${source.id}" reads a file (${source.format}); --check is for API formats`);
      const { checkMoodle } = await import('./moodle-api.ts');
      return checkMoodle(source, ctx, deps);
    },
  };
}

export const lmsCollector = createLmsCollector();

async function collectFile(source: Extract<SourceOf<'lms'>, { path: string }>, ctx: CollectContext): Promise<SnapshotOutput<'completion'>> {
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
  const records = snapshotRecords(rows, { file, ctx, what: 'completion', parse: (record) => (moodle ? parseMoodleRow(record, opts) : parseGenericLmsRow(record, opts)) });
  return { type: 'snapshot', records };
}
