/** One incident register row → an incident. Pure. */
import type { IncidentRecord } from '../../evidence/records.ts';
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { parseTimestamp } from '../time.ts';

export type IncidentField = 'id' | 'detectedAt' | 'reportedAt' | 'severity' | 'title' | 'category';

export const INCIDENT_FIELDS: FieldSpecs<IncidentField> = {
  id: { defaults: ['id', 'incidentId', 'incident id', 'incident no', 'ticket', 'インシデントID', 'インシデント番号', '管理番号', '番号'], required: true },
  detectedAt: { defaults: ['detectedAt', 'detected at', 'detected', 'detection time', 'occurred at', '検知日時', '発見日時', '発生日時', '検知日'], required: true },
  reportedAt: { defaults: ['reportedAt', 'reported at', 'reported', 'report time', '報告日時', '報告日'] },
  severity: { defaults: ['severity', 'priority', 'level', '重大度', '深刻度', '重要度', 'レベル'] },
  title: { defaults: ['title', 'summary', 'subject', 'description', '件名', '概要', 'タイトル'] },
  /** Optional: the kind of incident (誤送信, 紛失, …), for incident-count's `categories`. */
  category: { defaults: ['category', 'incident type', 'classification', '分類', 'カテゴリ', 'カテゴリー', '種別', 'インシデント種別', '事象分類'] },
};

export interface IncidentRowOptions {
  zone: string;
  dateFormat?: string;
}

export function parseIncidentRow(row: Partial<Record<IncidentField, string>>, opts: IncidentRowOptions): RowResult<IncidentRecord> {
  const id = row.id;
  if (!id) return { ok: false, field: 'id', reason: 'no incident id' };
  if (!row.detectedAt) return { ok: false, field: 'detectedAt', reason: 'no detection time' };
  const detected = parseTimestamp(row.detectedAt, { zone: opts.zone, format: opts.dateFormat });
  if (!detected.ok) return { ok: false, field: 'detectedAt', reason: `detectedAt: ${detected.error}` };
  const data: IncidentRecord = { incidentId: id, detectedAt: detected.value };
  if (row.reportedAt) {
    const reported = parseTimestamp(row.reportedAt, { zone: opts.zone, format: opts.dateFormat });
    if (!reported.ok) return { ok: false, field: 'reportedAt', reason: `reportedAt: ${reported.error}` };
    data.reportedAt = reported.value;
  }
  if (row.severity) data.severity = row.severity;
  if (row.title) data.title = row.title;
  if (row.category) data.category = row.category;
  return { ok: true, key: id, data };
}
