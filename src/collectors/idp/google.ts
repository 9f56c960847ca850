/**
 * Google Workspace users: the Admin console's CSV download and Directory API `users` JSON.
 * The account id is the primary email (lower-cased), the one identifier both exports carry.
 * Enabled = neither suspended nor archived. A `lastLoginTime` of the Unix epoch means never.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import type { FieldSpecs } from '../csv/columns.ts';
import type { RowResult } from '../csv/source.ts';
import { bool, compact, FieldError, guard, instant, text } from './values.ts';

export type GoogleField = 'email' | 'firstName' | 'lastName' | 'status' | 'lastSignIn' | 'enrolled2sv' | 'orgUnit' | 'employeeId' | 'department';

export const GOOGLE_FIELDS: FieldSpecs<GoogleField> = {
  email: { defaults: ['Email Address [Required]', 'Email Address', 'primaryEmail'], required: true },
  firstName: { defaults: ['First Name [Required]', 'First Name'] },
  lastName: { defaults: ['Last Name [Required]', 'Last Name'] },
  status: { defaults: ['Status [READ ONLY]', 'Status'], required: true },
  lastSignIn: { defaults: ['Last Sign In [READ ONLY]', 'Last Sign In'] },
  enrolled2sv: { defaults: ['2sv Enrolled [READ ONLY]', '2sv Enrolled'] },
  orgUnit: { defaults: ['Org Unit Path [Required]', 'Org Unit Path'] },
  employeeId: { defaults: ['Employee ID'] },
  department: { defaults: ['Department'] },
};

export function parseGoogleRow(row: Partial<Record<GoogleField, string>>, zone: string, format?: string): RowResult<AccountRecord> {
  return guard(() => {
    const email = text(row.email)?.toLowerCase();
    if (!email) throw new FieldError('email', 'missing');
    const status = text(row.status);
    if (!status) throw new FieldError('status', 'missing');
    const s = status.toLowerCase();
    if (s !== 'active' && s !== 'suspended' && s !== 'archived') throw new FieldError('status', `expected Active, Suspended or Archived, found "${status}"`);
    const data: AccountRecord = compact({
      accountId: email,
      login: email,
      email,
      employeeId: text(row.employeeId),
      displayName: [text(row.firstName), text(row.lastName)].filter(Boolean).join(' ') || undefined,
      enabled: s === 'active',
      rawStatus: status,
      lastLoginAt: instant(row.lastSignIn, zone, 'Last Sign In', format),
      mfaEnrolled: bool(row.enrolled2sv, '2sv Enrolled'),
      groups: row.orgUnit ? [row.orgUnit] : undefined,
      department: text(row.department),
    });
    return { ok: true, key: email, data };
  });
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

export function parseGoogleUser(u: unknown, zone: string): RowResult<AccountRecord> {
  return guard(() => {
    const user = obj(u);
    if (!user) throw new FieldError('user', 'not a JSON object');
    const email = text(user.primaryEmail)?.toLowerCase();
    if (!email) throw new FieldError('primaryEmail', 'missing');
    const suspended = bool(user.suspended, 'suspended') ?? false;
    const archived = bool(user.archived, 'archived') ?? false;
    const orgs = Array.isArray(user.organizations) ? (user.organizations as unknown[]).map(obj) : [];
    const primaryOrg = orgs.find((o) => o?.primary === true) ?? orgs[0];
    const extIds = Array.isArray(user.externalIds) ? (user.externalIds as unknown[]).map(obj) : [];
    const data: AccountRecord = compact({
      accountId: email,
      login: email,
      email,
      employeeId: text(extIds.find((x) => x?.type === 'organization')?.value),
      displayName: text(obj(user.name)?.fullName),
      enabled: !suspended && !archived,
      rawStatus: suspended ? 'SUSPENDED' : archived ? 'ARCHIVED' : 'ACTIVE',
      createdAt: instant(user.creationTime, zone, 'creationTime'),
      lastLoginAt: instant(user.lastLoginTime, zone, 'lastLoginTime'),
      mfaEnrolled: bool(user.isEnrolledIn2Sv, 'isEnrolledIn2Sv'),
      groups: text(user.orgUnitPath) ? [String(user.orgUnitPath)] : undefined,
      department: text(primaryOrg?.department),
    });
    return { ok: true, key: email, data };
  });
}
