/** One asset inventory row → an asset. Pure. */
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { parseDate } from '../time.ts';
import type { AssetRecord } from './records.ts';

export type AssetField = 'assetId' | 'hostnames' | 'addresses' | 'owner' | 'department' | 'activeFrom' | 'activeTo';

export const ASSET_FIELDS: FieldSpecs<AssetField> = {
  assetId: { defaults: ['assetId', 'asset id', 'asset', 'asset no', 'asset tag', 'id', '資産ID', '資産番号', '資産管理番号', '管理番号', 'hostname', 'host', 'ホスト名'], required: true },
  hostnames: { defaults: ['hostnames', 'hostname', 'host names', 'host', 'fqdn', 'names', 'aliases', 'image', 'ホスト名', '別名'] },
  addresses: { defaults: ['ip', 'ip address', 'ip addresses', 'address', 'IPアドレス'] },
  owner: { defaults: ['owner', 'owner email', 'owned by', 'user', 'assigned to', '所有者', '管理者', '管理責任者', '使用者', '利用者'] },
  department: { defaults: ['department', 'dept', 'organisation unit', '部署', '所属', '管理部署'] },
  activeFrom: { defaults: ['activeFrom', 'active from', 'in service from', 'since', 'acquired', 'start', '利用開始日', '導入日', '開始日'] },
  activeTo: { defaults: ['activeTo', 'active to', 'in service to', 'until', 'retired', 'disposed', 'end', '利用終了日', '廃棄日', '終了日'] },
};

export interface AssetRowOptions {
  zone: string;
  dateFormat?: string;
}

/** Names in one cell: separated by commas, semicolons, spaces or new lines. */
export function nameList(cell: string | undefined): string[] {
  if (!cell) return [];
  return [...new Set(cell.split(/[\s,;、]+/).map((s) => s.trim()).filter((s) => s !== ''))];
}

export function parseAssetRow(row: Partial<Record<AssetField, string>>, opts: AssetRowOptions): RowResult<AssetRecord> {
  const id = row.assetId;
  if (!id) return { ok: false, field: 'assetId', reason: 'no asset id' };
  const data: AssetRecord = { assetId: id };
  const names = [...new Set([...nameList(row.hostnames), ...nameList(row.addresses)])].filter((n) => n.toLowerCase() !== id.toLowerCase());
  if (names.length) data.hostnames = names;
  if (row.owner) data.owner = row.owner;
  if (row.department) data.department = row.department;
  for (const f of ['activeFrom', 'activeTo'] as const) {
    const raw = row[f];
    if (!raw) continue;
    const d = parseDate(raw, { zone: opts.zone, format: opts.dateFormat });
    if (!d.ok) return { ok: false, field: f, reason: `${f}: ${d.error}` };
    data[f] = d.value;
  }
  if (data.activeFrom && data.activeTo && data.activeTo < data.activeFrom) return { ok: false, field: 'activeTo', reason: `activeTo ${data.activeTo} is before activeFrom ${data.activeFrom}` };
  return { ok: true, key: id, data };
}
