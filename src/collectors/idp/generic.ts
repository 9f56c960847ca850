/**
 * Any IdP's account list as CSV with a column mapping. Either an `enabled` column (a boolean)
 * or a `status` column says whether the account can sign in; status texts meaning the opposite
 * are those of KPIS.md (disabled, suspended, deprovisioned, deleted) and their kin.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { bool, compact, FieldError, guard, instant, text } from './values.ts';

export type GenericAccountField =
  | 'accountId' | 'login' | 'email' | 'employeeId' | 'displayName' | 'enabled' | 'status' | 'statusChangedAt'
  | 'createdAt' | 'lastLoginAt' | 'mfaEnrolled' | 'hasPassword' | 'passwordChangedAt' | 'accountType' | 'groups' | 'department';

export const GENERIC_ACCOUNT_FIELDS: FieldSpecs<GenericAccountField> = {
  accountId: { defaults: ['accountId', 'account id', 'id', 'uid', 'object id'] },
  login: { defaults: ['login', 'username', 'user name', 'userPrincipalName', 'sAMAccountName', 'ログイン名', 'ユーザー名'], required: true },
  email: { defaults: ['email', 'mail', 'email address', 'メールアドレス'] },
  employeeId: { defaults: ['employeeId', 'employee id', 'employee number', '社員番号'] },
  displayName: { defaults: ['displayName', 'display name', 'name', 'full name', '氏名', '表示名'] },
  enabled: { defaults: ['enabled', 'accountEnabled', 'active', '有効'] },
  status: { defaults: ['status', 'state', 'ステータス', '状態'] },
  statusChangedAt: { defaults: ['statusChangedAt', 'status changed', 'statusChanged', 'disabled at', 'disabledAt'] },
  createdAt: { defaults: ['createdAt', 'created', 'creation time', 'whenCreated', '作成日時'] },
  lastLoginAt: { defaults: ['lastLoginAt', 'last login', 'lastLogin', 'last sign in', 'lastLogonTimestamp', '最終ログイン'] },
  mfaEnrolled: { defaults: ['mfaEnrolled', 'mfa', 'mfa enrolled', '2fa', '2sv enrolled', '多要素認証'] },
  hasPassword: { defaults: ['hasPassword', 'has password'] },
  passwordChangedAt: { defaults: ['passwordChangedAt', 'password changed', 'passwordChanged', 'pwdLastSet', 'パスワード変更日時'] },
  accountType: { defaults: ['accountType', 'account type', 'type', 'userType'] },
  groups: { defaults: ['groups', 'memberOf', 'グループ'] },
  department: { defaults: ['department', 'dept', '部署'] },
};

const DISABLED = new Set([
  'disabled', 'inactive', 'suspended', 'deprovisioned', 'deleted', 'locked', 'staged', 'archived', 'terminated',
  'false', 'no', '0', '無効', '停止', '削除', '削除済み', '休止',
]);

function enabledFrom(row: Partial<Record<GenericAccountField, string>>): boolean {
  const e = bool(row.enabled, 'enabled');
  if (e !== undefined) return e;
  const s = text(row.status);
  if (s === undefined) throw new FieldError('enabled', 'neither an enabled nor a status value');
  return !DISABLED.has(s.toLowerCase());
}

export function parseGenericAccountRow(row: Partial<Record<GenericAccountField, string>>, zone: string, format?: string): RowResult<AccountRecord> {
  return guard(() => {
    const login = text(row.login);
    if (!login) throw new FieldError('login', 'missing');
    const accountId = text(row.accountId) ?? login;
    const enabled = enabledFrom(row);
    const groups = row.groups ? row.groups.split(/[;|]/).map((g) => g.trim()).filter(Boolean) : [];
    const data: AccountRecord = compact({
      accountId,
      login,
      email: text(row.email)?.toLowerCase(),
      employeeId: text(row.employeeId),
      displayName: text(row.displayName),
      enabled,
      rawStatus: text(row.status) ?? String(enabled),
      statusChangedAt: instant(row.statusChangedAt, zone, 'statusChangedAt', format),
      createdAt: instant(row.createdAt, zone, 'createdAt', format),
      lastLoginAt: instant(row.lastLoginAt, zone, 'lastLoginAt', format),
      mfaEnrolled: bool(row.mfaEnrolled, 'mfaEnrolled'),
      hasPassword: bool(row.hasPassword, 'hasPassword'),
      passwordChangedAt: instant(row.passwordChangedAt, zone, 'passwordChangedAt', format),
      accountType: text(row.accountType),
      groups: groups.length ? groups : undefined,
      department: text(row.department),
    });
    return { ok: true, key: accountId, data };
  });
}
