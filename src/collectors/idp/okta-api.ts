/**
 * Okta Users API (`GET /api/v1/users`), the same objects as an `okta-json` export, page by page.
 *
 * - Credentials: an API token (`tokenEnv`, sent as `SSWS …`), or OAuth 2.0 client credentials of
 *   a service app (`clientIdEnv` with `privateKeyFileEnv` — the private_key_jwt assertion Okta
 *   requires of service apps — or `clientSecretEnv`) with the scope `okta.users.read`.
 * - Paging: `limit` (at most 200) and the `Link: <…>; rel="next"` header, only ever to the
 *   configured host (a link elsewhere would receive the token).
 * - Rate limits: when `X-Rate-Limit-Remaining` reaches 0 the next request waits until
 *   `X-Rate-Limit-Reset` (epoch seconds, read against the response's own `Date` when the clocks
 *   disagree); a 429 waits until the reset too.
 * - MFA: the users list does not carry it. When an mfa-coverage objective reads this source
 *   (`mfa: auto`), or `mfa: always`, each page's users' factors are fetched
 *   (`/api/v1/users/{id}/factors`, `concurrency` at a time) and `mfaEnrolled` is set from them.
 */
import type { AccountRecord } from '../../evidence/records.ts';
import { EvidenceInputError } from '../../errors.ts';
import { clientCredentials, privateKey, secretFile, secretFrom, staticAuth, type TokenAuth } from '../api/auth.ts';
import { joinUrl, mfaWanted, runClient, sameOrigin } from '../api/fields.ts';
import { mapLimit, retryAfterMs, type ApiClient, type ApiResponse, type HttpDeps, type Verdict } from '../api/http.ts';
import type { RowResult } from '../csv/source.ts';
import type { CheckResult, CollectContext } from '../types.ts';
import { compact } from './values.ts';
import { oktaMfaEnrolled, parseOktaUser } from './okta.ts';
import type { OktaApiSource } from './formats.ts';

/** The URL of `rel="next"` in a Link header (several links, comma-separated, in any order). */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?/i.test(m[2]!)) return m[1];
  }
  return undefined;
}

/** How long until Okta's rate-limit window resets, on Okta's clock when ours is off by more than 2 s. */
export function untilReset(res: ApiResponse, now: number): number | undefined {
  const reset = Number(res.headers.get('x-rate-limit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const date = Date.parse(res.headers.get('date') ?? '');
  const base = !Number.isNaN(date) && Math.abs(date - now) > 2000 ? date : now;
  return Math.max(0, reset * 1000 - base);
}

function oktaClassify(res: ApiResponse, now: number): Verdict | undefined {
  if (res.status !== 429) return undefined;
  const wait = untilReset(res, now) ?? retryAfterMs(res.headers.get('retry-after'), now);
  // Told "now" while still limited: a short pause rather than a tight loop.
  return { kind: 'rate-limited', waitMs: wait === undefined ? undefined : Math.max(wait, 250) };
}

function oktaPace(res: ApiResponse, now: number): number | undefined {
  const remaining = res.headers.get('x-rate-limit-remaining');
  if (remaining === null || Number(remaining) > 0) return undefined;
  return untilReset(res, now);
}

function oktaMessage(res: ApiResponse): string | undefined {
  try {
    const b = JSON.parse(res.text) as { errorCode?: string; errorSummary?: string; error?: string; error_description?: string };
    if (b.errorSummary) return `${b.errorCode ? `${b.errorCode} ` : ''}${b.errorSummary}`;
    if (b.error_description || b.error) return [b.error, b.error_description].filter(Boolean).join(': ');
  } catch {
    /* not JSON: the default message */
  }
  return undefined;
}

interface OktaRun {
  client: ApiClient;
  oauth?: TokenAuth;
}

function connect(source: OktaApiSource, ctx: CollectContext, deps?: HttpDeps): OktaRun {
  const client = runClient('Okta', source, ctx, deps, { classify: oktaClassify, pace: oktaPace, message: oktaMessage });
  if (source.tokenEnv) {
    const token = secretFrom(ctx.config, source.id, 'tokenEnv', source.tokenEnv);
    client.hide(token);
    client.authenticate(staticAuth('authorization', `SSWS ${token}`));
    return { client };
  }
  const clientId = secretFrom(ctx.config, source.id, 'clientIdEnv', source.clientIdEnv);
  const oauth = clientCredentials(client, {
    tokenUrl: source.tokenUrl ?? joinUrl(source.baseUrl, '/oauth2/v1/token').href,
    clientId,
    clientSecret: source.clientSecretEnv ? secretFrom(ctx.config, source.id, 'clientSecretEnv', source.clientSecretEnv) : undefined,
    key: source.privateKeyFileEnv ? privateKey(secretFile(ctx.config, source.id, 'privateKeyFileEnv', source.privateKeyFileEnv), `sources.${source.id}.privateKeyFileEnv`) : undefined,
    keyId: source.keyId,
    scope: source.scopes.join(' '),
  });
  client.authenticate(oauth);
  return { client, oauth };
}

function usersUrl(source: OktaApiSource): URL {
  const url = joinUrl(source.baseUrl, '/api/v1/users');
  url.searchParams.set('limit', String(source.pageSize));
  return url;
}

/**
 * The users, one page at a time, each page's users with their factors when MFA is wanted. The
 * next page is asked for as soon as its link is known, while this one is parsed and stored, so
 * Okta's response time and ours overlap; at most two pages are held at once.
 */
export async function* oktaUserPages(source: OktaApiSource, ctx: CollectContext, deps?: HttpDeps): AsyncGenerator<unknown[]> {
  const { client } = connect(source, ctx, deps);
  const mfa = mfaWanted(source.mfa, source.id, ctx);
  let read = 0;
  interface Page {
    body: unknown[];
    label: string;
    next?: URL;
  }
  const fetchPage = async (url: URL, page: number): Promise<Page> => {
    const label = `page ${page} of /api/v1/users (${read} users read before it)`;
    const { body, res } = await client.getJson<unknown>(url, label);
    if (!Array.isArray(body)) throw new EvidenceInputError(url.origin + url.pathname, `Okta ${label}: expected a JSON array of users`);
    const link = nextLink(res.headers.get('link'));
    return { body, label, next: link ? sameOrigin(link, source.baseUrl, `Okta ${label}`) : undefined };
  };
  let pending: Promise<Page> | undefined = fetchPage(usersUrl(source), 1);
  for (let page = 1; pending; page++) {
    const { body, label, next }: Page = await pending;
    read += body.length;
    pending = next ? fetchPage(next, page + 1) : undefined;
    // A failure of the page ahead surfaces when its turn comes, not as an unhandled rejection.
    pending?.catch(() => {});
    if (mfa) {
      const before = read - body.length;
      await mapLimit(body, source.concurrency, async (u, i) => {
        const id = (u as { id?: unknown } | null)?.id;
        if (typeof id !== 'string' || !id) return;
        // Messages name the user by position, never by id.
        const url = joinUrl(source.baseUrl, `/api/v1/users/${encodeURIComponent(id)}/factors`);
        const f = await client.getJson<unknown>(url, `the factors of user ${before + i + 1} (${label})`, undefined, `${oktaEndpoint(source)}/{id}/factors`);
        (u as Record<symbol, unknown>)[FACTORS] = f.body;
      });
    }
    yield body;
  }
}

/** Where the fetched factors ride on a user object until it is parsed (never stored). */
const FACTORS = Symbol('okta factors');

/** An Okta user (with its factors when fetched) → an account, as `okta-json` parses it. */
export function parseOktaApiUser(u: unknown, zone: string): RowResult<AccountRecord> {
  const r = parseOktaUser(u, zone);
  if (!r.ok || u === null || typeof u !== 'object' || !(FACTORS in u)) return r;
  return { ...r, data: compact({ ...r.data, mfaEnrolled: oktaMfaEnrolled((u as Record<symbol, unknown>)[FACTORS]) }) };
}

export function oktaEndpoint(source: OktaApiSource): string {
  return joinUrl(source.baseUrl, '/api/v1/users').href;
}

export async function checkOkta(source: OktaApiSource, ctx: CollectContext, deps?: HttpDeps): Promise<CheckResult> {
  const { client, oauth } = connect(source, ctx, deps);
  let principal: string;
  let scopes: string[];
  if (oauth) {
    scopes = await oauth.scopes();
    principal = `OAuth service app ${secretFrom(ctx.config, source.id, 'clientIdEnv', source.clientIdEnv)}`;
  } else {
    const me = (await client.getJson<{ profile?: { login?: string } }>(joinUrl(source.baseUrl, '/api/v1/users/me'), 'the token\'s own user (/api/v1/users/me)')).body;
    principal = `API token of ${me.profile?.login ?? 'an unnamed admin'}`;
    scopes = ['(an API token has the roles of the admin who created it)'];
  }
  const { body, res } = await client.getJson<unknown[]>(usersUrl(source), 'the first page of /api/v1/users');
  return { principal, scopes, visible: Array.isArray(body) ? body.length : 0, more: nextLink(res.headers.get('link')) !== undefined, what: 'users' };
}
