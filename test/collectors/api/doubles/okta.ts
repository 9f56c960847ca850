/**
 * An Okta double, built from Okta's documented Users API shapes: `GET /api/v1/users` returns a
 * JSON array, paged by `limit` and an opaque `after` cursor that the `Link: <…>; rel="next"`
 * header carries (Okta sends `self` and `next` as two Link headers); every response has
 * `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (epoch seconds), and a request past the limit
 * gets 429 with error E0000047. Auth: `SSWS <token>`, or a bearer token from
 * `POST /oauth2/v1/token` (client credentials; a client secret with HTTP Basic, or a
 * private_key_jwt assertion the double verifies with the client's public key). Errors have
 * Okta's shape `{errorCode, errorSummary, errorLink, errorId, errorCauses}`.
 */
import { verify, type KeyObject } from 'node:crypto';
import { formOf, startDouble, type Double, type Logged, type Reply } from './server.ts';

export interface OktaDoubleOptions {
  users: readonly Record<string, unknown>[];
  /** Accepted API token (SSWS). */
  token?: string;
  oauth?: { clientId: string; clientSecret?: string; publicKey?: KeyObject; grant: string[] };
  /** Requests per window of `windowSeconds` (all endpoints share it, as a conservative org limit). */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Factors of a user (by id). */
  factors?: (id: string) => unknown[];
  /** Serve page N (1-based) with this status, `times` times. */
  failPage?: { page: number; status: number; times: number };
  /** A recorded response served as is for the first page (body text, headers). */
  recorded?: { body: string; headers: Record<string, string> };
  /** The double's clock (ms), also sent as the `Date` header. */
  now?: () => number;
  /** A Link to another host on page 2 (the collector must refuse to follow it). */
  foreignNext?: string;
  me?: { login: string };
  /** An access token stops working after this many API requests (it expired). */
  tokenUses?: number;
  /** Refuse factor look-ups (a token without the permission). */
  factorsForbidden?: boolean;
}

const oktaError = (status: number, code: string, summary: string): Reply => ({
  status,
  body: { errorCode: code, errorSummary: summary, errorLink: code, errorId: 'oae-double', errorCauses: [] },
});

export async function startOkta(o: OktaDoubleOptions): Promise<Double & { pages: number }> {
  const now = o.now ?? Date.now;
  const index = new Map(o.users.map((u, i) => [String(u.id), i]));
  const issued = new Map<string, number>();
  let window = -1;
  let used = 0;
  let failures = 0;
  const d = (await startDouble(handle)) as Double & { pages: number };
  d.pages = 0;

  function rate(): { headers: Record<string, string>; limited: boolean } {
    const t = now();
    const headers: Record<string, string> = { date: new Date(t).toUTCString() };
    if (!o.rateLimit) return { headers, limited: false };
    const w = Math.floor(t / 1000 / o.rateLimit.windowSeconds);
    if (w !== window) {
      window = w;
      used = 0;
    }
    used++;
    const reset = (w + 1) * o.rateLimit.windowSeconds;
    headers['x-rate-limit-limit'] = String(o.rateLimit.limit);
    headers['x-rate-limit-remaining'] = String(Math.max(0, o.rateLimit.limit - used));
    headers['x-rate-limit-reset'] = String(reset);
    return { headers, limited: used > o.rateLimit.limit };
  }

  function authorised(req: Logged): boolean {
    const a = req.headers.authorization ?? '';
    if (o.token && a === `SSWS ${o.token}`) return true;
    if (!a.startsWith('Bearer ')) return false;
    const uses = issued.get(a.slice(7));
    if (uses === undefined || (o.tokenUses !== undefined && uses >= o.tokenUses)) return false;
    issued.set(a.slice(7), uses + 1);
    return true;
  }

  function token(req: Logged): Reply {
    const f = formOf(req);
    const c = o.oauth;
    if (!c || f.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported.' } };
    const assertion = f.get('client_assertion');
    if (assertion && c.publicKey) {
      const [h, p, s] = assertion.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
      const ok = verify('sha256', Buffer.from(`${h}.${p}`), c.publicKey, Buffer.from(s!, 'base64url'));
      if (!ok || claims.iss !== c.clientId || claims.sub !== c.clientId || claims.aud !== `${d.url}/oauth2/v1/token` || f.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        return { status: 401, body: { error: 'invalid_client', error_description: 'The client_assertion signature is invalid.' } };
      }
    } else {
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (!c.clientSecret || basic !== `${c.clientId}:${c.clientSecret}`) return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
    }
    const asked = (f.get('scope') ?? '').split(' ').filter(Boolean);
    const denied = asked.filter((s) => !c.grant.includes(s));
    if (denied.length > 0) return { status: 400, body: { error: 'invalid_scope', error_description: `The following scopes are not allowed: ${denied.join(', ')}` } };
    const t = `okta-access-${issued.size + 1}-${Math.random().toString(36).slice(2)}`;
    issued.set(t, 0);
    return { body: { token_type: 'Bearer', expires_in: 3600, access_token: t, scope: asked.join(' ') } };
  }

  function handle(req: Logged): Reply {
    if (req.url.pathname === '/oauth2/v1/token') return token(req);
    const r = rate();
    if (r.limited) return { ...oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'), headers: r.headers };
    if (!authorised(req)) return { ...oktaError(401, 'E0000011', 'Invalid token provided'), headers: r.headers };
    const path = req.url.pathname;
    if (path === '/api/v1/users/me') return { body: { id: '00u-admin', profile: { login: o.me?.login ?? 'admin@example.co.jp' } }, headers: r.headers };
    const factors = /^\/api\/v1\/users\/([^/]+)\/factors$/.exec(path);
    if (factors) {
      const id = decodeURIComponent(factors[1]!);
      if (o.factorsForbidden) return { ...oktaError(403, 'E0000006', 'You do not have permission to perform the requested action'), headers: r.headers };
      if (!index.has(id)) return { ...oktaError(404, 'E0000007', `Not found: Resource not found: ${id} (User)`), headers: r.headers };
      return { body: o.factors?.(id) ?? [], headers: r.headers };
    }
    if (path !== '/api/v1/users') return { ...oktaError(404, 'E0000022', 'The endpoint does not support the provided HTTP method'), headers: r.headers };
    const limit = Math.min(200, Number(req.url.searchParams.get('limit') ?? 200));
    const after = req.url.searchParams.get('after');
    const start = after ? (index.get(after) ?? -1) + 1 : 0;
    const page = Math.floor(start / limit) + 1;
    d.pages++;
    if (o.failPage && page === o.failPage.page && failures < o.failPage.times) {
      failures++;
      return { ...oktaError(o.failPage.status, 'E0000009', 'Internal Server Error'), headers: r.headers };
    }
    if (o.recorded && !after) return { body: o.recorded.body, headers: { ...o.recorded.headers, ...r.headers, 'content-type': o.recorded.headers['content-type'] ?? 'application/json' } };
    const slice = o.users.slice(start, start + limit);
    const self = `<${d.url}/api/v1/users?limit=${limit}${after ? `&after=${after}` : ''}>; rel="self"`;
    const links = [self];
    if (start + limit < o.users.length) {
      const next = page === 2 && o.foreignNext ? o.foreignNext : `${d.url}/api/v1/users?after=${encodeURIComponent(String(slice.at(-1)!.id))}&limit=${limit}`;
      links.push(`<${next}>; rel="next"`);
    }
    return { body: slice, headers: { ...r.headers, link: links } };
  }

  return d;
}
