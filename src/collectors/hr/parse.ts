/**
 * One HR roster row → a PersonRecord. Pure: the row comes keyed by our field names (the CSV
 * layer found the columns), options carry the zone, date format and "has left" statuses.
 */
import type { PersonRecord } from '../../evidence/records.ts';
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { parseDate } from '../time.ts';

export type HrField = 'employeeId' | 'email' | 'name' | 'department' | 'status' | 'hireDate' | 'leaveDate' | 'logins' | 'departmentHead';

/** Header names recognised without a `columns` mapping (English, OrangeHRM-style and Japanese). */
export const HR_FIELDS: FieldSpecs<HrField> = {
  employeeId: { defaults: ['employeeId', 'employee id', 'employee number', 'employee no', 'emp id', 'staff id', 'id', '社員番号', '従業員番号', '社員コード', '社員ID'] },
  email: { defaults: ['email', 'e-mail', 'email address', 'work email', 'mail', 'メールアドレス', 'メール', 'Eメール'] },
  name: { defaults: ['name', 'full name', 'display name', 'employee name', '氏名', '名前', '社員名'] },
  department: { defaults: ['department', 'dept', 'division', 'organisation', 'organization', '部署', '所属', '部門', '所属部署'] },
  status: { defaults: ['status', 'employment status', 'employee status', 'ステータス', '在籍状況', '在籍区分', '状態'] },
  hireDate: { defaults: ['hireDate', 'hire date', 'hired', 'start date', 'joined date', 'joined', '入社日'] },
  leaveDate: { defaults: ['leaveDate', 'leave date', 'termination date', 'terminated', 'end date', 'last day', 'last working day', '退職日'] },
  logins: { defaults: ['logins', 'login', 'username', 'user name', 'user id', 'ログイン名', 'ログインID', 'アカウント'] },
  /** Who heads the person's department (or their manager): reviews their accounts in an access review. */
  departmentHead: { defaults: ['departmentHead', 'department head', 'head of department', 'manager', 'manager email', 'supervisor', '所属長', '部門長', '上長', '上長メールアドレス'] },
};

export interface HrRowOptions {
  zone: string;
  dateFormat?: string;
  /** Status texts meaning "has left", compared case-insensitively. */
  leftStatuses: readonly string[];
}

/** Several logins in one cell, separated by `;`, `,`, `|` or spaces. */
function splitLogins(v: string): string[] {
  return v.split(/[;,|\s]+/).filter((x) => x !== '');
}

export function parsePersonRow(row: Partial<Record<HrField, string>>, opts: HrRowOptions): RowResult<PersonRecord> {
  const employeeId = row.employeeId || undefined;
  const email = row.email ? row.email.toLowerCase() : undefined;
  if (!employeeId && !email) return { ok: false, reason: 'neither employee id nor email' };
  if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email)) return { ok: false, field: 'email', reason: 'not an email address', value: row.email! };
  const person: PersonRecord = {};
  if (employeeId) person.employeeId = employeeId;
  if (email) person.email = email;
  if (row.name) person.name = row.name;
  if (row.department) person.department = row.department;
  if (row.status) person.status = row.status;
  for (const field of ['hireDate', 'leaveDate'] as const) {
    const v = row[field];
    if (!v) continue;
    const d = parseDate(v, { zone: opts.zone, format: opts.dateFormat });
    if (!d.ok) return { ok: false, field, reason: `${field}: ${d.error}`, value: v };
    person[field] = d.value;
  }
  if (person.hireDate && person.leaveDate && person.leaveDate < person.hireDate) {
    return { ok: false, field: 'leaveDate', reason: `leave date ${person.leaveDate} is before hire date ${person.hireDate}` };
  }
  if (row.status && !person.leaveDate) {
    const s = row.status.toLowerCase();
    if (opts.leftStatuses.some((l) => l.toLowerCase() === s)) {
      // A leaver without a date cannot be placed in any period; keeping them would hide an account to remove.
      return { ok: false, field: 'leaveDate', reason: 'the status means the person left, but the leave date is empty', value: row.status };
    }
  }
  if (row.departmentHead) person.departmentHead = row.departmentHead;
  if (row.logins) {
    const logins = splitLogins(row.logins);
    if (logins.length) person.logins = logins;
  }
  return { ok: true, key: employeeId ?? email!, data: person };
}
