/**
 * One row of the removable-media approvals register → an approval. Pure.
 *
 * The device cell is one of: a serial (`4C530001230405117063`); `vendor:product` (any serial of
 * that model; `vendor:product:*` says the same); `vendor:product:serial`; or `*` (any device).
 * Vendor and product are USB ids (`0781:5567`) or names (`SanDisk:Cruzer Blade`, as Windows and
 * Defender name them). A register with a separate serial column may leave the device cell empty.
 */
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { parseDate, parseTimestamp } from '../time.ts';
import type { ApprovedDevice, MediaApprovalRecord } from './records.ts';

export type ApprovalField = 'approvalId' | 'person' | 'device' | 'serial' | 'validFrom' | 'validTo';

export const APPROVAL_FIELDS: FieldSpecs<ApprovalField> = {
  approvalId: { defaults: ['approvalId', 'approval id', 'approval', 'request id', 'request', 'id', '申請番号', '承認番号', '申請ID', '管理番号'], required: true },
  person: { defaults: ['person', 'user', 'email', 'employee', 'applicant', 'requester', '申請者', '使用者', '利用者', 'メールアドレス', '社員番号'], required: true },
  device: { defaults: ['device', 'device id', 'media', 'usb', '媒体', 'デバイス', '機器', 'USBメモリ'] },
  serial: { defaults: ['serial', 'serial number', 'device serial', 'シリアル番号', 'シリアル', '製造番号'] },
  validFrom: { defaults: ['validFrom', 'valid from', 'from', 'start', 'approved from', '開始日', '有効期間開始', '許可開始日', '利用開始日'], required: true },
  validTo: { defaults: ['validTo', 'valid to', 'valid until', 'to', 'until', 'end', 'expires', '終了日', '有効期間終了', '許可終了日', '利用終了日', '有効期限'] },
};

export interface ApprovalRowOptions {
  zone: string;
  dateFormat?: string;
}

/** The device cell (and serial cell) → what it covers, or why it cannot be read. */
export function parseApprovedDevice(cell: string | undefined, serialCell?: string): ApprovedDevice | string {
  // (Errors name the problem, not the cell: rejected values are kept apart from reasons.)
  const raw = (cell ?? '').trim();
  const serial = (serialCell ?? '').trim();
  if (raw === '') {
    if (serial === '') return 'no device: give a serial, vendor:product (with :* for any serial) or *';
    return serial === '*' ? { any: true } : { serial: serial.toUpperCase() };
  }
  if (raw === '*') return { any: true };
  if (!raw.includes(':')) return { serial: raw.toUpperCase() };
  const parts = raw.split(':').map((p) => p.trim());
  if (parts.length > 3 || parts.slice(0, 2).some((p) => p === '')) return 'not a serial, vendor:product or vendor:product:serial';
  const [vendor, product, s] = parts as [string, string, string | undefined];
  const out: ApprovedDevice = { vendor, product };
  const sn = s ?? (serial === '' ? undefined : serial);
  if (sn !== undefined && sn !== '*' && sn !== '') out.serial = sn.toUpperCase();
  return out;
}

/** The zone's offset at a date's midnight, from the timestamp parser (which resolves zones). */
function offsetMs(date: string, zone: string): number {
  const t = parseTimestamp(date, { zone });
  return t.ok ? Date.parse(`${date}T00:00:00Z`) - Date.parse(t.value) : 0;
}

/** A date stays a date (a whole day); a value with a time is an instant. */
function dateOrInstant(raw: string, opts: ApprovalRowOptions): { ok: true; value: string } | { ok: false; error: string } {
  const hasTime = /\d{1,2}:\d{2}/.test(raw);
  return hasTime ? parseTimestamp(raw, { zone: opts.zone, format: opts.dateFormat }) : parseDate(raw, { zone: opts.zone, format: opts.dateFormat });
}

export function parseApprovalRow(row: Partial<Record<ApprovalField, string>>, opts: ApprovalRowOptions): RowResult<MediaApprovalRecord> {
  const approvalId = row.approvalId;
  if (!approvalId) return { ok: false, field: 'approvalId', reason: 'no approval id' };
  if (!row.person) return { ok: false, field: 'person', reason: 'no person' };
  const device = parseApprovedDevice(row.device, row.serial);
  if (typeof device === 'string') return { ok: false, field: 'device', reason: device, ...(row.device ? { value: row.device } : {}) };
  if (!row.validFrom) return { ok: false, field: 'validFrom', reason: 'no start of validity' };
  const from = dateOrInstant(row.validFrom, opts);
  if (!from.ok) return { ok: false, field: 'validFrom', reason: `validFrom: ${from.error}`, value: row.validFrom };
  const data: MediaApprovalRecord = { approvalId, person: row.person, device, validFrom: from.value };
  if (row.validTo) {
    const to = dateOrInstant(row.validTo, opts);
    if (!to.ok) return { ok: false, field: 'validTo', reason: `validTo: ${to.error}`, value: row.validTo };
    // A date runs from its start through its end (a day's length is close enough to order them).
    const start = (v: string) => (v.length === 10 ? Date.parse(`${v}T00:00:00Z`) - offsetMs(v, opts.zone) : Date.parse(v));
    if ((to.value.length === 10 ? start(to.value) + 86_400_000 - 1 : start(to.value)) < start(from.value)) {
      return { ok: false, field: 'validTo', reason: `validTo ${to.value} is before validFrom ${from.value}` };
    }
    data.validTo = to.value;
  }
  return { ok: true, key: approvalId, data };
}
