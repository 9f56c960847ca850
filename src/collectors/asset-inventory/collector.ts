/** Asset inventory CSV → assets (a snapshot: the inventory as a whole). */
import type { SourceOf } from '../../config/source-kinds.ts';
import { readCsvRows } from '../csv/read.ts';
import { snapshotRecords, sourcePath, sourceZone } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { ASSET_FIELDS, parseAssetRow } from './parse.ts';

export const assetInventoryCollector: Collector<'asset-inventory', 'asset'> = {
  sourceKind: 'asset-inventory',
  recordKind: 'asset',
  async collect(source: SourceOf<'asset-inventory'>, ctx: CollectContext): Promise<SnapshotOutput<'asset'>> {
    const file = sourcePath(source, ctx);
    const { rows } = await readCsvRows(file, { encoding: source.encoding, delimiter: source.delimiter, fields: ASSET_FIELDS, columns: source.columns, reject: (r) => ctx.reject(r) });
    const opts = { zone: sourceZone(source, ctx), dateFormat: source.dateFormat };
    return { type: 'snapshot', records: snapshotRecords(rows, { file, ctx, what: 'asset id', parse: (record) => parseAssetRow(record, opts) }) };
  },
};
