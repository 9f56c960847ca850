/**
 * Google Workspace users through the Admin SDK Directory API (`users.list`), the same objects
 * as a `google-json` export.
 *
 * - Token: a service account with domain-wide delegation signs a JWT (RS256, node:crypto) for
 *   the scope `admin.directory.user.readonly`, acting as the admin `impersonate`; Google's token
 *   endpoint (the key file's `token_uri`) exchanges it for an access token.
 * - Paging: `maxResults` (≤ 500) and `nextPageToken` → `pageToken`.
 * - Quotas: 429, 5xx, and Google's 403 `rateLimitExceeded` / `userRateLimitExceeded` /
 *   `quotaExceeded` back off and retry; any other 403 is a permission error and fails at once.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import { EvidenceInputError } from '../../errors.ts';
import { parseServiceAccountKey, secretFile, serviceAccount, type TokenAuth } from '../api/auth.ts';
import { joinUrl, runClient } from '../api/fields.ts';
import type { ApiClient, ApiResponse, HttpDeps, Verdict } from '../api/http.ts';
import type { RowResult } from '../csv/source.ts';
import type { CheckResult, CollectContext } from '../types.ts';
import { parseGoogleUser } from './google.ts';
import type { GoogleApiSource } from './formats.ts';

export const GOOGLE_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';
const QUOTA_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded']);

interface GoogleError {
  error?: { code?: number; message?: string; status?: string; errors?: { reason?: string; message?: string }[] } | string;
  error_description?: string;
}

function googleError(res: ApiResponse): GoogleError | undefined {
  try {
    return JSON.parse(res.text) as GoogleError;
  } catch {
    return undefined;
  }
}

function googleClassify(res: ApiResponse): Verdict | undefined {
  if (res.status !== 403) return undefined;
  const e = googleError(res)?.error;
  if (e && typeof e === 'object' && (e.status === 'RESOURCE_EXHAUSTED' || e.errors?.some((x) => QUOTA_REASONS.has(x.reason ?? '')))) return { kind: 'rate-limited' };
  return undefined;
}

function googleMessage(res: ApiResponse): string | undefined {
  const b = googleError(res);
  if (!b) return undefined;
  if (b.error && typeof b.error === 'object') return [b.error.status, b.error.message].filter(Boolean).join(': ');
  return [b.error, b.error_description].filter(Boolean).join(': ') || undefined;
}

function connect(source: GoogleApiSource, ctx: CollectContext, deps?: HttpDeps): { client: ApiClient; auth: TokenAuth; email: string } {
  const client = runClient('Google Directory', source, ctx, deps, { classify: googleClassify, message: googleMessage });
  const what = `sources.${source.id}.serviceAccountKeyFileEnv`;
  const key = parseServiceAccountKey(secretFile(ctx.config, source.id, 'serviceAccountKeyFileEnv', source.serviceAccountKeyFileEnv), what);
  client.hide(key.private_key);
  const auth = serviceAccount(client, key, GOOGLE_SCOPE, source.impersonate);
  client.authenticate(auth);
  return { client, auth, email: key.client_email };
}

function usersUrl(source: GoogleApiSource, pageSize: number, pageToken?: string): URL {
  const url = joinUrl(source.baseUrl, '/admin/directory/v1/users');
  url.searchParams.set('customer', source.customer);
  url.searchParams.set('maxResults', String(pageSize));
  if (pageToken) url.searchParams.set('pageToken', pageToken);
  return url;
}

export function googleEndpoint(source: GoogleApiSource): string {
  return joinUrl(source.baseUrl, '/admin/directory/v1/users').href;
}

export async function* googleUserPages(source: GoogleApiSource, ctx: CollectContext, deps?: HttpDeps): AsyncGenerator<unknown[]> {
  const { client } = connect(source, ctx, deps);
  let token: string | undefined;
  let read = 0;
  for (let page = 1; ; page++) {
    const label = `page ${page} of users.list (${read} users read before it)`;
    const url = usersUrl(source, source.pageSize, token);
    const { body } = await client.getJson<{ users?: unknown; nextPageToken?: unknown }>(url, label);
    const users = body?.users ?? [];
    // A domain without users answers without `users`.
    if (!Array.isArray(users)) throw new EvidenceInputError(googleEndpoint(source), `Google Directory ${label}: "users" is not an array`);
    read += users.length;
    yield users;
    token = typeof body.nextPageToken === 'string' && body.nextPageToken ? body.nextPageToken : undefined;
    if (!token) return;
  }
}

export function parseGoogleApiUser(u: unknown, zone: string): RowResult<AccountRecord> {
  return parseGoogleUser(u, zone);
}

export async function checkGoogle(source: GoogleApiSource, ctx: CollectContext, deps?: HttpDeps): Promise<CheckResult> {
  const { client, auth, email } = connect(source, ctx, deps);
  const scopes = await auth.scopes();
  const { body } = await client.getJson<{ users?: unknown[]; nextPageToken?: string }>(usersUrl(source, source.pageSize), 'the first page of users.list');
  return {
    principal: `service account ${email} acting as ${source.impersonate}`,
    scopes: scopes.length > 0 ? scopes : [GOOGLE_SCOPE],
    visible: Array.isArray(body.users) ? body.users.length : 0,
    more: Boolean(body.nextPageToken),
    what: 'users',
  };
}
