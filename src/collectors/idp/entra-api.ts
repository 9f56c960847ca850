/**
 * Microsoft Entra ID users through Microsoft Graph, the same objects as an `entra-json` export.
 *
 * - Token: OAuth 2.0 client credentials at `login.microsoftonline.com/{tenantId}` with the scope
 *   `https://graph.microsoft.com/.default` (a client secret, or a certificate's private key with
 *   `keyId` = the certificate's SHA-1 thumbprint as the portal shows it).
 * - Users: `GET /v1.0/users?$select=…` (accountEnabled, signInActivity, userType,
 *   createdDateTime among them; signInActivity needs AuditLog.Read.All and Entra ID P1),
 *   `$top` ≤ 999, paged by `@odata.nextLink` on the same host.
 * - Throttling: 429 and 503 with `Retry-After` wait as asked; other 5xx back off.
 * - MFA (when an mfa-coverage objective reads this source, or `mfa: always`): every user's
 *   `isMfaRegistered` from `/v1.0/reports/authenticationMethods/userRegistrationDetails`, read
 *   first (a map of id → registered), then joined to each user as the file twin expects.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import { EvidenceInputError } from '../../errors.ts';
import { clientCredentials, jwtClaims, privateKey, secretFile, secretFrom, type TokenAuth } from '../api/auth.ts';
import { joinUrl, mfaWanted, runClient, sameOrigin } from '../api/fields.ts';
import type { ApiClient, ApiResponse, HttpDeps } from '../api/http.ts';
import type { RowResult } from '../csv/source.ts';
import type { CheckResult, CollectContext } from '../types.ts';
import { parseEntraUser } from './entra.ts';
import type { EntraApiSource } from './formats.ts';

export const ENTRA_SELECT = [
  'id', 'userPrincipalName', 'mail', 'displayName', 'accountEnabled', 'userType', 'department', 'employeeId',
  'createdDateTime', 'signInActivity', 'lastPasswordChangeDateTime',
].join(',');

function graphMessage(res: ApiResponse): string | undefined {
  try {
    const b = JSON.parse(res.text) as { error?: { code?: string; message?: string } | string; error_description?: string };
    if (b.error && typeof b.error === 'object') return [b.error.code, b.error.message].filter(Boolean).join(': ');
    if (b.error_description) return b.error_description.split(/\r?\n/)[0];
  } catch {
    /* not JSON */
  }
  return undefined;
}

function thumbprintHeader(keyId: string | undefined): Record<string, string> | undefined {
  if (!keyId) return undefined;
  const hex = keyId.replace(/[^0-9a-f]/gi, '');
  return hex.length === 40 ? { x5t: Buffer.from(hex, 'hex').toString('base64url') } : { kid: keyId };
}

function connect(source: EntraApiSource, ctx: CollectContext, deps?: HttpDeps): { client: ApiClient; auth: TokenAuth } {
  const client = runClient('Microsoft Graph', source, ctx, deps, { message: graphMessage });
  const auth = clientCredentials(client, {
    tokenUrl: source.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(source.tenantId)}/oauth2/v2.0/token`,
    clientId: secretFrom(ctx.config, source.id, 'clientIdEnv', source.clientIdEnv),
    clientSecret: source.clientSecretEnv ? secretFrom(ctx.config, source.id, 'clientSecretEnv', source.clientSecretEnv) : undefined,
    key: source.privateKeyFileEnv ? privateKey(secretFile(ctx.config, source.id, 'privateKeyFileEnv', source.privateKeyFileEnv), `sources.${source.id}.privateKeyFileEnv`) : undefined,
    assertionHeader: thumbprintHeader(source.keyId),
    scope: `${new URL(source.baseUrl).origin}/.default`,
  });
  client.authenticate(auth);
  return { client, auth };
}

interface GraphPage {
  value?: unknown;
  '@odata.nextLink'?: unknown;
}

/** Every page of a Graph collection, by `@odata.nextLink`. */
async function* graphPages(client: ApiClient, source: EntraApiSource, first: URL, what: string): AsyncGenerator<unknown[]> {
  let url: URL | undefined = first;
  let read = 0;
  for (let page = 1; url; page++) {
    const label = `page ${page} of ${what} (${read} read before it)`;
    const { body }: { body: GraphPage } = await client.getJson<GraphPage>(url, label);
    if (!body || !Array.isArray(body.value)) throw new EvidenceInputError(first.origin + first.pathname, `Microsoft Graph ${label}: expected an object with a "value" array`);
    read += body.value.length;
    yield body.value;
    const next: unknown = body['@odata.nextLink'];
    url = typeof next === 'string' && next ? sameOrigin(next, source.baseUrl, `Microsoft Graph ${label}`) : undefined;
  }
}

export function entraEndpoint(source: EntraApiSource): string {
  return joinUrl(source.baseUrl, '/v1.0/users').href;
}

export async function* entraUserPages(source: EntraApiSource, ctx: CollectContext, deps?: HttpDeps): AsyncGenerator<unknown[]> {
  const { client } = connect(source, ctx, deps);
  let mfa: Map<string, unknown> | undefined;
  if (mfaWanted(source.mfa, source.id, ctx)) {
    mfa = new Map();
    const url = joinUrl(source.baseUrl, '/v1.0/reports/authenticationMethods/userRegistrationDetails');
    for await (const page of graphPages(client, source, url, '/reports/authenticationMethods/userRegistrationDetails')) {
      for (const d of page) {
        const o = d as { id?: unknown; isMfaRegistered?: unknown } | null;
        if (typeof o?.id === 'string') mfa.set(o.id, o.isMfaRegistered);
      }
    }
  }
  const url = joinUrl(source.baseUrl, '/v1.0/users');
  url.searchParams.set('$select', ENTRA_SELECT);
  url.searchParams.set('$top', String(source.pageSize));
  for await (const page of graphPages(client, source, url, '/v1.0/users')) {
    if (mfa) {
      for (const u of page) {
        const o = u as Record<string, unknown> | null;
        // A user missing from the registration report stays unknown (counted against the KPI).
        if (o && typeof o === 'object' && typeof o.id === 'string' && mfa.has(o.id)) o.isMfaRegistered = mfa.get(o.id);
      }
    }
    yield page;
  }
}

export function parseEntraApiUser(u: unknown, zone: string): RowResult<AccountRecord> {
  return parseEntraUser(u, zone);
}

export async function checkEntra(source: EntraApiSource, ctx: CollectContext, deps?: HttpDeps): Promise<CheckResult> {
  const { client, auth } = connect(source, ctx, deps);
  const claims = jwtClaims(await auth.value());
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  const app = [claims.app_displayname, claims.appid ?? claims.azp].filter((x) => typeof x === 'string').join(' ');
  const res = await client.request({ url: joinUrl(source.baseUrl, '/v1.0/users/$count'), label: 'the user count (/v1.0/users/$count)', headers: { ConsistencyLevel: 'eventual', accept: 'text/plain' } });
  const n = Number(res.text.trim());
  return { principal: `app ${app || '(unnamed)'}`, scopes: roles.length > 0 ? roles : await auth.scopes(), visible: Number.isFinite(n) ? n : 0, what: 'users' };
}
