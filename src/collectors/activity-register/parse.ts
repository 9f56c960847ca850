/** One activity register row → a performance. Pure. */
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { parseTimestamp } from '../time.ts';
import type { ActivityRecord } from './records.ts';

export type ActivityField = 'activity' | 'performedAt' | 'performer' | 'evidence';

export const ACTIVITY_FIELDS: FieldSpecs<ActivityField> = {
  activity: { defaults: ['activity', 'control', 'task', 'activity name', '活動', '作業', '実施項目', '作業名', '項目'], required: true },
  performedAt: { defaults: ['performedAt', 'performed at', 'performed', 'done at', 'date', 'performed on', '実施日時', '実施日', '作業日', '日付'], required: true },
  performer: { defaults: ['performer', 'performed by', 'by', 'done by', 'operator', '実施者', '作業者', '担当者'] },
  evidence: { defaults: ['evidence', 'evidence reference', 'reference', 'ref', 'ticket', 'record', '証跡', 'エビデンス', '記録', '参照'] },
};

export interface ActivityRowOptions {
  zone: string;
  dateFormat?: string;
}

export function parseActivityRow(row: Partial<Record<ActivityField, string>>, opts: ActivityRowOptions): RowResult<ActivityRecord> {
  if (!row.activity) return { ok: false, field: 'activity', reason: 'no activity' };
  if (!row.performedAt) return { ok: false, field: 'performedAt', reason: 'no performance time' };
  const at = parseTimestamp(row.performedAt, { zone: opts.zone, format: opts.dateFormat });
  if (!at.ok) return { ok: false, field: 'performedAt', reason: `performedAt: ${at.error}` };
  const data: ActivityRecord = { activity: row.activity, performedAt: at.value };
  if (row.performer) data.performer = row.performer;
  if (row.evidence) data.evidence = row.evidence;
  return { ok: true, key: `${row.activity}\u001f${at.value}\u001f${row.performer ?? ''}`, data };
}
