/**
 * A Google Admin SDK Directory double, from Google's documented shapes: the OAuth token endpoint
 * takes `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>` (the double
 * verifies the RS256 signature with the service account's public key and the claims iss,
 * scope, aud, sub, iat/exp); `GET /admin/directory/v1/users?customer=my_customer&maxResults=…
 * &pageToken=…` answers `{"kind": "admin#directory#users", "etag", "users": [...],
 * "nextPageToken"}`; errors are `{"error": {"code", "message", "errors": [{"reason"}], "status"}}`
 * (quota: 403 with reason rateLimitExceeded).
 */
import { verify, type KeyObject } from 'node:crypto';
import { formOf, startDouble, type Double, type Logged, type Reply } from './server.ts';

export interface GoogleDoubleOptions {
  clientEmail: string;
  publicKey: KeyObject;
  admin: string;
  users: readonly unknown[];
  /** The first N user-list requests answer 403 rateLimitExceeded. */
  quota?: number;
}

const googleError = (code: number, status: string, message: string, reason: string): Reply => ({
  status: code,
  body: { error: { code, message, errors: [{ message, domain: 'global', reason }], status } },
});

export async function startGoogle(o: GoogleDoubleOptions): Promise<Double & { tokenUri: string }> {
  const tokens = new Set<string>();
  let quota = 0;
  const d = (await startDouble(handle)) as Double & { tokenUri: string };
  d.tokenUri = `${d.url}/token`;

  function token(req: Logged): Reply {
    const f = formOf(req);
    if (f.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' } };
    const [h, p, s] = (f.get('assertion') ?? '').split('.');
    if (!h || !p || !s || !verify('sha256', Buffer.from(`${h}.${p}`), o.publicKey, Buffer.from(s, 'base64url'))) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
    const c = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    if (c.iss !== o.clientEmail || c.aud !== d.tokenUri || typeof c.iat !== 'number' || c.exp !== (c.iat as number) + 3600) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT: claims.' } };
    if (c.sub !== o.admin) return { status: 401, body: { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.' } };
    if (c.scope !== 'https://www.googleapis.com/auth/admin.directory.user.readonly') return { status: 400, body: { error: 'invalid_scope', error_description: 'Bad scope' } };
    const t = `ya29.double-${tokens.size}`;
    tokens.add(t);
    return { body: { access_token: t, expires_in: 3599, token_type: 'Bearer' } };
  }

  function handle(req: Logged): Reply {
    if (req.method === 'POST' && req.url.pathname === '/token') return token(req);
    const auth = req.headers.authorization ?? '';
    if (!tokens.has(auth.replace(/^Bearer /, ''))) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'authError');
    if (req.url.pathname !== '/admin/directory/v1/users') return googleError(404, 'NOT_FOUND', 'Not Found', 'notFound');
    if (quota < (o.quota ?? 0)) {
      quota++;
      return googleError(403, 'PERMISSION_DENIED', 'Quota exceeded for quota metric', 'rateLimitExceeded');
    }
    if (req.url.searchParams.get('customer') !== 'my_customer') return googleError(400, 'INVALID_ARGUMENT', 'Bad Request', 'badRequest');
    const max = Math.min(500, Number(req.url.searchParams.get('maxResults') ?? 100));
    const start = Number(req.url.searchParams.get('pageToken')?.replace('tok-', '') ?? 0);
    const users = o.users.slice(start, start + max);
    return {
      body: {
        kind: 'admin#directory#users',
        etag: '"double"',
        ...(users.length > 0 ? { users } : {}),
        ...(start + max < o.users.length ? { nextPageToken: `tok-${start + max}` } : {}),
      },
    };
  }
  return d;
}
