/**
 * The review worksheet's columns — what `access-review start` writes and what the returned
 * sheets are read back by — and the reading of one returned row. Pure.
 *
 * Each row carries its campaign and reviewer, so a sheet is known by its content whatever its
 * file is renamed to, in CSV as in XLSX. The headers follow the organisation's language; either
 * language's headers (and the field names) are recognised on return.
 */
import type { FieldSpecs } from '../csv/columns.ts';
import { parseTimestamp } from '../time.ts';
import type { AccessReviewRecord } from './records.ts';

export type SheetField = 'campaign' | 'reviewer' | 'account' | 'owner' | 'department' | 'source' | 'status' | 'lastLogin' | 'groups' | 'decision' | 'reviewedBy' | 'reviewedAt';

/** The columns in sheet order, with their headers per language. */
export const SHEET_COLUMNS: readonly { field: SheetField; en: string; ja: string; width: number }[] = [
  { field: 'campaign', en: 'campaign', ja: '棚卸し', width: 10 },
  { field: 'reviewer', en: 'reviewer', ja: '確認担当者', width: 28 },
  { field: 'account', en: 'account', ja: 'アカウント', width: 32 },
  { field: 'owner', en: 'owner', ja: '所有者', width: 28 },
  { field: 'department', en: 'department', ja: '部署', width: 16 },
  { field: 'source', en: 'source', ja: 'ソース', width: 12 },
  { field: 'status', en: 'status', ja: '状態', width: 12 },
  { field: 'lastLogin', en: 'last login', ja: '最終ログイン', width: 18 },
  { field: 'groups', en: 'groups', ja: 'グループ', width: 24 },
  { field: 'decision', en: 'decision', ja: '判定（decision）', width: 12 },
  { field: 'reviewedBy', en: 'reviewed_by', ja: '確認者（reviewed_by）', width: 28 },
  { field: 'reviewedAt', en: 'reviewed_at', ja: '確認日時（reviewed_at）', width: 20 },
];

const REQUIRED = new Set<SheetField>(['campaign', 'reviewer', 'account', 'source', 'decision', 'reviewedBy', 'reviewedAt']);
const EXTRA: Partial<Record<SheetField, string[]>> = { reviewedBy: ['reviewed by', '確認者'], reviewedAt: ['reviewed at', '確認日時', '確認日'], decision: ['判定'] };

export const SHEET_FIELDS: FieldSpecs<SheetField> = Object.fromEntries(
  SHEET_COLUMNS.map((c) => [c.field, { defaults: [...new Set([c.field, c.en, c.ja, ...(EXTRA[c.field] ?? [])])], required: REQUIRED.has(c.field) }]),
) as unknown as FieldSpecs<SheetField>;

/** The decisions a reviewer may write (the XLSX restricts the cell to the first two). */
export const DECISIONS = ['keep', 'remove'] as const;
const SYNONYMS: Record<string, 'keep' | 'remove'> = { keep: 'keep', remove: 'remove', 継続: 'keep', 削除: 'remove' };

export function parseDecision(raw: string): 'keep' | 'remove' | undefined {
  return SYNONYMS[raw.normalize('NFKC').trim().toLowerCase()];
}

/** What one returned row decides, or why it is rejected (field and reason), or nothing (no decision). */
export type ReturnedRow =
  | { ok: true; decision: 'keep' | 'remove'; reviewedBy: string; reviewedAt: string; reviewedAtFrom: 'sheet' | 'returned-file' }
  | { ok: true; decision?: undefined }
  | { ok: false; field: SheetField; reason: string; value?: string };

export interface ReturnedRowOptions {
  zone: string;
  dateFormat?: string;
  /** The returned file's modification time (ISO), standing in for an empty reviewed_at. */
  fileTime: string;
  /** The campaign's start and the collection instant: a decision outside them is not believable. */
  startedAtMs: number;
  observedAtMs: number;
}

export function readReturnedRow(row: Partial<Record<SheetField, string>>, opts: ReturnedRowOptions): ReturnedRow {
  const raw = (row.decision ?? '').trim();
  if (raw === '') return { ok: true };
  const decision = parseDecision(raw);
  if (!decision) return { ok: false, field: 'decision', reason: 'unknown decision (expected keep or remove)', value: raw };
  const reviewedBy = (row.reviewedBy ?? '').trim();
  if (!reviewedBy) return { ok: false, field: 'reviewedBy', reason: 'a decision without reviewed_by: who reviewed it?' };
  let reviewedAt = opts.fileTime;
  let from: 'sheet' | 'returned-file' = 'returned-file';
  const at = (row.reviewedAt ?? '').trim();
  if (at !== '') {
    const t = parseTimestamp(at, { zone: opts.zone, format: opts.dateFormat });
    if (!t.ok) return { ok: false, field: 'reviewedAt', reason: `reviewed_at: ${t.error}`, value: at };
    reviewedAt = t.value;
    from = 'sheet';
  }
  const ms = Date.parse(reviewedAt);
  if (ms < opts.startedAtMs) return { ok: false, field: 'reviewedAt', reason: 'reviewed_at is before the campaign started', value: at || reviewedAt };
  if (ms > opts.observedAtMs) return { ok: false, field: 'reviewedAt', reason: 'reviewed_at is after the sheet was collected', value: at || reviewedAt };
  return { ok: true, decision, reviewedBy, reviewedAt, reviewedAtFrom: from };
}

/** The record a manifest account becomes, with its decision if any. */
export type DecisionFields = Pick<AccessReviewRecord, 'decision' | 'reviewedBy' | 'reviewedAt' | 'reviewedAtFrom' | 'sheet'>;
