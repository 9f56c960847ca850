/**
 * Keycloak `UserRepresentation` objects (admin API `GET /users`, or a realm export's `users`).
 * MFA: the user's credentials when exported (an `otp` or WebAuthn credential = enrolled),
 * else the `totp` flag the admin API sets, else `CONFIGURE_TOTP` among required actions
 * (= not enrolled yet); otherwise unknown. Users federated from LDAP/AD (`federationLink`)
 * keep their password there, so `hasPassword` is unknown for them.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import type { RowResult } from '../csv/source.ts';
import { bool, compact, FieldError, guard, instant, text } from './values.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

const MFA_TYPES = new Set(['otp', 'totp', 'hotp', 'webauthn', 'webauthn-passwordless']);

function firstAttribute(attrs: Obj | undefined, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = attrs?.[n];
    const s = Array.isArray(v) ? text(v[0]) : text(v);
    if (s) return s;
  }
  return undefined;
}

export function parseKeycloakUser(u: unknown, zone: string): RowResult<AccountRecord> {
  return guard(() => {
    const user = obj(u);
    if (!user) throw new FieldError('user', 'not a JSON object');
    const id = text(user.id);
    if (!id) throw new FieldError('id', 'missing');
    const login = text(user.username);
    if (!login) throw new FieldError('username', 'missing');
    const enabled = bool(user.enabled, 'enabled');
    if (enabled === undefined) throw new FieldError('enabled', 'missing');
    const creds = Array.isArray(user.credentials) ? (user.credentials as unknown[]).map(obj) : undefined;
    const required = Array.isArray(user.requiredActions) ? (user.requiredActions as unknown[]).map(String) : [];
    let mfaEnrolled: boolean | undefined;
    if (creds) mfaEnrolled = creds.some((c) => MFA_TYPES.has(String(c?.type).toLowerCase()));
    else if (typeof user.totp === 'boolean') mfaEnrolled = user.totp;
    else if (required.includes('CONFIGURE_TOTP')) mfaEnrolled = false;
    const password = creds?.find((c) => c?.type === 'password');
    const federated = text(user.federationLink) !== undefined;
    const attrs = obj(user.attributes);
    const data: AccountRecord = compact({
      accountId: id,
      login,
      email: text(user.email)?.toLowerCase(),
      employeeId: firstAttribute(attrs, 'employeeId', 'employeeNumber', 'employee_id'),
      displayName: [text(user.firstName), text(user.lastName)].filter(Boolean).join(' ') || undefined,
      enabled,
      rawStatus: String(enabled),
      createdAt: instant(user.createdTimestamp, zone, 'createdTimestamp'),
      mfaEnrolled,
      hasPassword: creds && !federated ? password !== undefined : undefined,
      passwordChangedAt: password ? instant(password.createdDate, zone, 'credentials.createdDate') : undefined,
      department: firstAttribute(attrs, 'department'),
    });
    return { ok: true, key: id, data };
  });
}
