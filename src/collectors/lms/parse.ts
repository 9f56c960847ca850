/**
 * LMS completion rows → completions. Pure.
 *
 * Moodle's course completion report (report/completion, CSV or "excelcsv" = UTF-16LE + TAB)
 * has `ID, Name, <identity fields>, <criteria…>, Course complete`, and the "Course complete"
 * cell holds the completion date (userdate, strftimedatetimeshort: `15/07/25, 09:30` in
 * English) or is empty. Some versions and the progress report write the state instead
 * (`Completed`, `Not completed`), possibly followed by the date; a state without a date
 * cannot be placed in a period and is rejected.
 *
 * A completion written as a date without a time (`2026/05/10`, 完了日) is kept as that date,
 * `YYYY-MM-DD`: KPIS.md reads such a date as the whole day in the organisation's zone, so a
 * course completed on the day of a drill failure may have been completed after it.
 */
import type { CompletionRecord } from '../../evidence/records.ts';
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { parseDate, parseTimestamp, type TimeResult } from '../time.ts';

export type MoodleField = 'person' | 'course' | 'completed';

export const MOODLE_FIELDS: FieldSpecs<MoodleField> = {
  person: { defaults: ['Email address', 'Email', 'ID number', 'Username', 'メールアドレス', 'IDナンバー', 'ユーザ名'], required: true },
  course: { defaults: ['Course', 'Course name', 'Course full name', 'コース', 'コース名'] },
  completed: { defaults: ['Course complete', 'Course completion', 'Completion date', 'コース完了'], required: true },
};

export type GenericLmsField = 'person' | 'course' | 'completedAt' | 'status';

export const GENERIC_LMS_FIELDS: FieldSpecs<GenericLmsField> = {
  person: { defaults: ['person', 'email', 'email address', 'employeeId', 'employee id', 'user', 'username', 'login', 'メールアドレス', '社員番号'], required: true },
  course: { defaults: ['course', 'course name', 'course id', 'training', 'コース', 'コース名', '研修名'] },
  completedAt: { defaults: ['completedAt', 'completed at', 'completion date', 'completed', 'date completed', '完了日', '完了日時', '修了日'], required: true },
  status: { defaults: ['status', 'completion status', 'state', '状態', 'ステータス'] },
};

export interface LmsRowOptions {
  zone: string;
  dateFormat?: string;
  /** Course of a per-course export whose rows carry no course. */
  course?: string;
}

const NOT_COMPLETED = /^(not completed|not complete|incomplete|in progress|not started|未完了|未修了|未受講|受講中)$/i;
const COMPLETED_PREFIX = /^(completed(?:\s*\([^)]*\))?|complete|done|passed|完了|修了|受講済み?)\s*[:：-]?\s*/i;

function person(v: string | undefined): string | undefined {
  if (!v) return undefined;
  return v.includes('@') ? v.toLowerCase() : v;
}

export function completion(who: string, course: string, at: string): RowResult<CompletionRecord> {
  return { ok: true, key: `${course}\u001f${who}\u001f${at}`, data: { person: who, course, completedAt: at } };
}

/** A Moodle row; `{ ok: true, data: undefined }`-like "not completed" rows come back as `null`. */
export function parseMoodleRow(row: Partial<Record<MoodleField, string>>, opts: LmsRowOptions): RowResult<CompletionRecord> | null {
  const cell = row.completed ?? '';
  if (cell === '' || NOT_COMPLETED.test(cell)) return null;
  const who = person(row.person);
  if (!who) return { ok: false, field: 'person', reason: 'no person identifier (email address)' };
  const course = row.course || opts.course;
  if (!course) return { ok: false, field: 'course', reason: 'no course: set `course` on the source for a per-course export' };
  const date = cell.replace(COMPLETED_PREFIX, '');
  if (date === '') return { ok: false, field: 'completed', reason: `"${cell}" without a completion date` };
  const t = completionTime(date, opts);
  if (!t.ok) return { ok: false, field: 'completed', reason: `course completion: ${t.error}` };
  return completion(who, course, t.value);
}

/** A generic row; a row whose status says "not completed" is no completion (`null`). */
export function parseGenericLmsRow(row: Partial<Record<GenericLmsField, string>>, opts: LmsRowOptions): RowResult<CompletionRecord> | null {
  if (row.status && NOT_COMPLETED.test(row.status)) return null;
  const who = person(row.person);
  if (!who) return { ok: false, field: 'person', reason: 'no person' };
  const course = row.course || opts.course;
  if (!course) return { ok: false, field: 'course', reason: 'no course: map a course column or set `course` on the source' };
  if (!row.completedAt) return { ok: false, field: 'completedAt', reason: 'no completion date' };
  const t = completionTime(row.completedAt, opts);
  if (!t.ok) return { ok: false, field: 'completedAt', reason: `completedAt: ${t.error}` };
  return completion(who, course, t.value);
}

/** Written without a time: no `h:mm` and not an epoch number. */
const TIMED = /\d:\d|^\s*\d{10}(?:\d{3})?\s*$/;

/** A completion's time: the date as written (`YYYY-MM-DD`) when it has no time, else the instant. */
function completionTime(text: string, opts: LmsRowOptions): TimeResult {
  if (!TIMED.test(text)) {
    const d = parseDate(text, { zone: opts.zone, format: opts.dateFormat });
    if (d.ok) return d;
  }
  return parseTimestamp(text, { zone: opts.zone, format: opts.dateFormat });
}
