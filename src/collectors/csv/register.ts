/**
 * A CSV register as a snapshot source: the shape the incident register, the asset inventory, the
 * activity register and the removable-media approvals share. The file is read with the source's
 * encoding, delimiter and column mapping; each row is parsed with the source's zone and date
 * format; the shared row loop (snapshotRecords) rejects bad rows and duplicate keys.
 */
import type { SourceKind, SourceOf } from '../../config/source-kinds.ts';
import type { RecordKind, RecordKinds } from '../../evidence/records.ts';
import type { FieldSpecs } from './columns.ts';
import { readCsvRows } from './read.ts';
import { snapshotRecords, sourcePath, sourceZone, type RowResult } from './source.ts';
import type { Collector } from '../types.ts';

/** What a register's row parser is given besides the row. */
export interface RegisterRowOptions {
  zone: string;
  dateFormat?: string;
}

type RegisterSource = { path: string; encoding?: string; delimiter?: string; columns?: Readonly<Record<string, string>>; timeZone?: string; dateFormat?: string };

export function csvRegisterCollector<S extends SourceKind, K extends RecordKind, F extends string>(d: {
  sourceKind: S;
  recordKind: K;
  fields: FieldSpecs<F>;
  /** What one record is, for the duplicate-key rejection ("duplicate incident id"). */
  what: string;
  parse: (row: Partial<Record<F, string>>, opts: RegisterRowOptions) => RowResult<RecordKinds[K]>;
}): Collector<S, K> {
  return {
    sourceKind: d.sourceKind,
    recordKind: d.recordKind,
    async collect(source: SourceOf<S>, ctx) {
      const s = source as unknown as RegisterSource;
      const file = sourcePath(s, ctx);
      const { rows } = await readCsvRows(file, { encoding: s.encoding, delimiter: s.delimiter, fields: d.fields, columns: s.columns, reject: (r) => ctx.reject(r) });
      const opts: RegisterRowOptions = { zone: sourceZone(s, ctx), dateFormat: s.dateFormat };
      return { type: 'snapshot', records: snapshotRecords(rows, { file, ctx, what: d.what, parse: (record) => d.parse(record, opts) }) };
    },
  };
}
