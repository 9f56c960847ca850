/**
 * Keycloak users through the admin REST API, the same objects as a `keycloak-json` export.
 *
 * - Token: OAuth 2.0 client credentials of a confidential client whose service account has the
 *   `realm-management` role `view-users` (a client secret, or a signed JWT assertion).
 * - Users: `GET /admin/realms/{realm}/users?first=…&max=…&briefRepresentation=false` until a
 *   page comes back shorter than `max`.
 * - MFA (when an mfa-coverage objective reads this source, or `mfa: always`): each user's
 *   credentials (`/users/{id}/credentials`, `concurrency` at a time), as a realm export holds
 *   them: an OTP or WebAuthn credential = enrolled. Otherwise the user's `totp` flag.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import { EvidenceInputError } from '../../errors.ts';
import { clientCredentials, jwtClaims, privateKey, secretFile, secretFrom, type TokenAuth } from '../api/auth.ts';
import { joinUrl, mfaWanted, runClient } from '../api/fields.ts';
import { mapLimit, type ApiClient, type HttpDeps } from '../api/http.ts';
import type { RowResult } from '../csv/source.ts';
import type { CheckResult, CollectContext } from '../types.ts';
import { parseKeycloakUser } from './keycloak.ts';
import type { KeycloakApiSource } from './formats.ts';

function connect(source: KeycloakApiSource, ctx: CollectContext, deps?: HttpDeps): { client: ApiClient; auth: TokenAuth } {
  const client = runClient('Keycloak', source, ctx, deps);
  const realm = encodeURIComponent(source.tokenRealm ?? source.realm);
  const auth = clientCredentials(client, {
    tokenUrl: source.tokenUrl ?? joinUrl(source.baseUrl, `/realms/${realm}/protocol/openid-connect/token`).href,
    clientId: secretFrom(ctx.config, source.id, 'clientIdEnv', source.clientIdEnv),
    clientSecret: source.clientSecretEnv ? secretFrom(ctx.config, source.id, 'clientSecretEnv', source.clientSecretEnv) : undefined,
    key: source.privateKeyFileEnv ? privateKey(secretFile(ctx.config, source.id, 'privateKeyFileEnv', source.privateKeyFileEnv), `sources.${source.id}.privateKeyFileEnv`) : undefined,
    keyId: source.keyId,
  });
  client.authenticate(auth);
  return { client, auth };
}

const usersPath = (source: KeycloakApiSource) => `/admin/realms/${encodeURIComponent(source.realm)}/users`;

export function keycloakEndpoint(source: KeycloakApiSource): string {
  return joinUrl(source.baseUrl, usersPath(source)).href;
}

export async function* keycloakUserPages(source: KeycloakApiSource, ctx: CollectContext, deps?: HttpDeps): AsyncGenerator<unknown[]> {
  const { client } = connect(source, ctx, deps);
  const mfa = mfaWanted(source.mfa, source.id, ctx);
  for (let page = 1, first = 0; ; page++) {
    const label = `page ${page} of ${usersPath(source)} (first=${first})`;
    const url = joinUrl(source.baseUrl, usersPath(source));
    url.searchParams.set('first', String(first));
    url.searchParams.set('max', String(source.pageSize));
    url.searchParams.set('briefRepresentation', 'false');
    const { body } = await client.getJson<unknown>(url, label);
    if (!Array.isArray(body)) throw new EvidenceInputError(keycloakEndpoint(source), `Keycloak ${label}: expected a JSON array of users`);
    if (mfa) {
      await mapLimit(body, source.concurrency, async (u, i) => {
        const id = (u as { id?: unknown } | null)?.id;
        if (typeof id !== 'string' || !id) return;
        const url = joinUrl(source.baseUrl, `${usersPath(source)}/${encodeURIComponent(id)}/credentials`);
        const shown = `${keycloakEndpoint(source)}/{id}/credentials`;
        const c = await client.getJson<unknown>(url, `the credentials of user ${first + i + 1} (${label})`, undefined, shown);
        if (Array.isArray(c.body)) (u as Record<string, unknown>).credentials = c.body;
      });
    }
    yield body;
    if (body.length < source.pageSize) return;
    first += body.length;
  }
}

export function parseKeycloakApiUser(u: unknown, zone: string): RowResult<AccountRecord> {
  return parseKeycloakUser(u, zone);
}

export async function checkKeycloak(source: KeycloakApiSource, ctx: CollectContext, deps?: HttpDeps): Promise<CheckResult> {
  const { client, auth } = connect(source, ctx, deps);
  const claims = jwtClaims(await auth.value());
  const access = (claims.resource_access as Record<string, { roles?: unknown }> | undefined)?.['realm-management']?.roles;
  const roles = Array.isArray(access) ? access.map((r) => `realm-management:${String(r)}`) : [];
  const res = await client.request({ url: joinUrl(source.baseUrl, `${usersPath(source)}/count`), label: `the user count (${usersPath(source)}/count)`, headers: { accept: 'application/json' } });
  const n = Number(res.text.trim());
  const who = typeof claims.preferred_username === 'string' ? claims.preferred_username : `client ${String(claims.azp ?? '?')}`;
  return { principal: who, scopes: [...(await auth.scopes()), ...roles], visible: Number.isFinite(n) ? n : 0, what: 'users' };
}
