/**
 * Okta Users API (`GET /api/v1/users`) objects → accounts.
 *
 * Enabled: ACTIVE, PROVISIONED (activated, waiting for the user to set a password — the
 * activation link still works), RECOVERY, PASSWORD_EXPIRED and LOCKED_OUT are accounts that
 * exist and can be (re)gained by their user, so a leaver's account in these states is not
 * removed. STAGED (never activated, cannot sign in), SUSPENDED and DEPROVISIONED are not enabled,
 * matching KPIS.md's "disabled, suspended, deprovisioned or deleted".
 *
 * Password: `credentials.password` present = Okta holds a password; a user of the OKTA, FEDERATION
 * or SOCIAL provider without it has none; AD/LDAP/IMPORT users' passwords live elsewhere
 * (unknown). The Users API does not say whether MFA is enrolled (that is the Factors API), so
 * `mfaEnrolled` stays undefined.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import type { RowResult } from '../csv/source.ts';
import { compact, FieldError, guard, instant, text } from './values.ts';

const ENABLED = new Set(['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']);
const KNOWN = new Set([...ENABLED, 'STAGED', 'SUSPENDED', 'DEPROVISIONED']);

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

export function parseOktaUser(u: unknown, zone: string): RowResult<AccountRecord> {
  return guard(() => {
    const user = obj(u);
    if (!user) throw new FieldError('user', 'not a JSON object');
    const id = text(user.id, 'id');
    if (!id) throw new FieldError('id', 'missing');
    const status = text(user.status, 'status');
    if (!status || !KNOWN.has(status)) throw new FieldError('status', `unknown Okta status "${status ?? ''}"`);
    const profile = obj(user.profile) ?? {};
    const login = text(profile.login, 'profile.login');
    if (!login) throw new FieldError('profile.login', 'missing');
    const credentials = obj(user.credentials);
    const provider = text(obj(credentials?.provider)?.type, 'credentials.provider.type');
    let hasPassword: boolean | undefined;
    if (credentials && 'password' in credentials) hasPassword = true;
    else if (provider === 'OKTA' || provider === 'FEDERATION' || provider === 'SOCIAL') hasPassword = false;
    const first = text(profile.firstName, 'profile.firstName');
    const last = text(profile.lastName, 'profile.lastName');
    const account: AccountRecord = compact({
      accountId: id,
      login,
      email: text(profile.email, 'profile.email')?.toLowerCase(),
      employeeId: text(profile.employeeNumber, 'profile.employeeNumber'),
      displayName: text(profile.displayName, 'profile.displayName') ?? ([first, last].filter(Boolean).join(' ') || undefined),
      enabled: ENABLED.has(status),
      rawStatus: status,
      statusChangedAt: instant(user.statusChanged, zone, 'statusChanged'),
      createdAt: instant(user.created, zone, 'created'),
      // null = never logged in (Okta's own meaning), which the KPI reads from createdAt.
      lastLoginAt: instant(user.lastLogin, zone, 'lastLogin'),
      mfaEnrolled: undefined,
      hasPassword,
      passwordChangedAt: instant(user.passwordChanged, zone, 'passwordChanged'),
      accountType: text(obj(user.type)?.id, 'type.id'),
      department: text(profile.department, 'profile.department'),
    });
    return { ok: true, key: id, data: account };
  });
}
