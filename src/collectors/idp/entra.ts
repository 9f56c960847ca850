/**
 * Microsoft Entra ID users: the portal's bulk-download CSV and Graph `users` JSON (with
 * `signInActivity`). Last login is `lastSuccessfulSignInDateTime`: `lastSignInDateTime` also
 * counts failed attempts, which would make a dormant account look used. MFA registration is
 * not part of a user object; when the export was joined with `userRegistrationDetails`
 * (`isMfaRegistered`), it is used.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { bool, compact, FieldError, guard, instant, text } from './values.ts';

export type EntraField =
  | 'objectId' | 'userPrincipalName' | 'mail' | 'displayName' | 'accountEnabled' | 'userType'
  | 'department' | 'employeeId' | 'createdDateTime' | 'lastSuccessfulSignIn' | 'lastPasswordChange' | 'mfaRegistered';

/** Bulk-download headers; the newer export's "Object Id" / "Account enabled" match after normalisation. */
export const ENTRA_FIELDS: FieldSpecs<EntraField> = {
  objectId: { defaults: ['objectId', 'id'], required: true },
  userPrincipalName: { defaults: ['userPrincipalName'], required: true },
  mail: { defaults: ['mail', 'email'] },
  displayName: { defaults: ['displayName'] },
  accountEnabled: { defaults: ['accountEnabled'], required: true },
  userType: { defaults: ['userType'] },
  department: { defaults: ['department'] },
  employeeId: { defaults: ['employeeId'] },
  createdDateTime: { defaults: ['createdDateTime', 'created'] },
  lastSuccessfulSignIn: { defaults: ['lastSuccessfulSignInDateTime', 'last successful sign-in', 'lastSuccessfulSignIn'] },
  lastPasswordChange: { defaults: ['lastPasswordChangeDateTime'] },
  mfaRegistered: { defaults: ['isMfaRegistered', 'mfa registered'] },
};

function account(v: Partial<Record<EntraField, unknown>>, zone: string, format?: string): RowResult<AccountRecord> {
  return guard(() => {
    const id = text(v.objectId);
    if (!id) throw new FieldError('objectId', 'missing');
    const login = text(v.userPrincipalName);
    if (!login) throw new FieldError('userPrincipalName', 'missing');
    const enabled = bool(v.accountEnabled, 'accountEnabled');
    if (enabled === undefined) throw new FieldError('accountEnabled', 'missing');
    const data: AccountRecord = compact({
      accountId: id,
      login,
      email: text(v.mail)?.toLowerCase(),
      employeeId: text(v.employeeId),
      displayName: text(v.displayName),
      enabled,
      rawStatus: String(enabled),
      createdAt: instant(v.createdDateTime, zone, 'createdDateTime', format),
      lastLoginAt: instant(v.lastSuccessfulSignIn, zone, 'lastSuccessfulSignInDateTime', format),
      mfaEnrolled: bool(v.mfaRegistered, 'isMfaRegistered'),
      passwordChangedAt: instant(v.lastPasswordChange, zone, 'lastPasswordChangeDateTime', format),
      accountType: text(v.userType),
      department: text(v.department),
    });
    return { ok: true, key: id, data };
  });
}

export function parseEntraRow(row: Partial<Record<EntraField, string>>, zone: string, format?: string): RowResult<AccountRecord> {
  return account(row, zone, format);
}

type Obj = Record<string, unknown>;

export function parseEntraUser(u: unknown, zone: string): RowResult<AccountRecord> {
  if (u === null || typeof u !== 'object' || Array.isArray(u)) return { ok: false, reason: 'not a JSON object' };
  const g = u as Obj;
  const sign = (g.signInActivity ?? {}) as Obj;
  return account(
    {
      objectId: g.id,
      userPrincipalName: g.userPrincipalName,
      mail: g.mail,
      displayName: g.displayName,
      accountEnabled: g.accountEnabled,
      userType: g.userType,
      department: g.department,
      employeeId: g.employeeId,
      createdDateTime: g.createdDateTime,
      lastSuccessfulSignIn: sign.lastSuccessfulSignInDateTime,
      lastPasswordChange: g.lastPasswordChangeDateTime,
      mfaRegistered: g.isMfaRegistered,
    },
    zone,
  );
}
