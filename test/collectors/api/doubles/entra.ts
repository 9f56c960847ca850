/**
 * A Microsoft Graph double, from Graph's documented shapes: the identity platform's token
 * endpoint (`POST /{tenant}/oauth2/v2.0/token`, client credentials, scope
 * `https://graph.microsoft.com/.default`) answers `{token_type, expires_in, access_token}`;
 * `GET /v1.0/users` and `GET /v1.0/reports/authenticationMethods/userRegistrationDetails` answer
 * `{"@odata.context", "value": [...], "@odata.nextLink"}`, paged by `$top` and an opaque
 * `$skiptoken`; throttling is 429 with `Retry-After` (seconds); errors are
 * `{"error": {"code", "message", "innerError"}}`.
 */
import { formOf, startDouble, type Double, type Logged, type Reply } from './server.ts';

export interface EntraDoubleOptions {
  tenant: string;
  clientId: string;
  clientSecret: string;
  users: readonly Record<string, unknown>[];
  /** `isMfaRegistered` by user id, served by userRegistrationDetails. */
  registered?: ReadonlyMap<string, boolean>;
  /** The application permissions (token `roles`). */
  roles?: string[];
  /** The first N requests for /v1.0/users answer 429 with this Retry-After. */
  throttle?: { times: number; retryAfter: string; status?: 429 | 503 };
  /** A page size the server caps `$top` at. */
  maxTop?: number;
}

const graphError = (status: number, code: string, message: string): Reply => ({
  status,
  body: { error: { code, message, innerError: { date: '2026-11-19T00:00:00', 'request-id': 'double', 'client-request-id': 'double' } } },
});

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export async function startEntra(o: EntraDoubleOptions): Promise<Double> {
  const tokens = new Set<string>();
  let throttled = 0;
  const d = await startDouble(handle);

  function page(req: Logged, items: readonly unknown[], path: string, context: string): Reply {
    const top = Math.min(Number(req.url.searchParams.get('$top') ?? 100), o.maxTop ?? 999);
    const skip = Number(req.url.searchParams.get('$skiptoken') ?? 0);
    const slice = items.slice(skip, skip + top);
    const next = new URL(`${d.url}${path}`);
    for (const [k, v] of req.url.searchParams) if (k !== '$skiptoken') next.searchParams.set(k, v);
    next.searchParams.set('$skiptoken', String(skip + top));
    return { body: { '@odata.context': context, value: slice, ...(skip + top < items.length ? { '@odata.nextLink': next.href } : {}) } };
  }

  function handle(req: Logged): Reply {
    if (req.method === 'POST' && req.url.pathname === `/${o.tenant}/oauth2/v2.0/token`) {
      const f = formOf(req);
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (basic !== `${o.clientId}:${o.clientSecret}`) {
        return { status: 401, body: { error: 'invalid_client', error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: x" } };
      }
      if (f.get('grant_type') !== 'client_credentials' || !f.get('scope')?.endsWith('/.default')) return { status: 400, body: { error: 'invalid_scope', error_description: 'AADSTS1002012: The provided value for scope is not valid.' } };
      const token = `${b64({ alg: 'none' })}.${b64({ appid: o.clientId, app_displayname: 'isms-kpi', roles: o.roles ?? ['User.Read.All', 'AuditLog.Read.All'] })}.sig${tokens.size}`;
      tokens.add(token);
      return { body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
    }
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const path = req.url.pathname;
    if (path === '/v1.0/users/$count') {
      if (req.headers.consistencylevel !== 'eventual') return graphError(400, 'Request_BadRequest', 'Count is not currently supported.');
      return { body: String(o.users.length) };
    }
    if (path === '/v1.0/users') {
      if (o.throttle && throttled < o.throttle.times) {
        throttled++;
        return { ...graphError(o.throttle.status ?? 429, 'TooManyRequests', 'Too many requests'), headers: { 'retry-after': o.throttle.retryAfter } };
      }
      const select = (req.url.searchParams.get('$select') ?? '').split(',');
      if (!['accountEnabled', 'signInActivity', 'userType', 'createdDateTime'].every((f) => select.includes(f))) return graphError(400, 'BadRequest', 'missing $select');
      return page(req, o.users, path, 'https://graph.microsoft.com/v1.0/$metadata#users');
    }
    if (path === '/v1.0/reports/authenticationMethods/userRegistrationDetails') {
      if (!(o.roles ?? ['AuditLog.Read.All']).includes('AuditLog.Read.All')) return graphError(403, 'Authentication_RequestFromUnsupportedUserRole', 'Insufficient privileges to complete the operation.');
      const rows = o.users.map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, isMfaRegistered: o.registered?.get(String(u.id)) ?? false, isMfaCapable: false, methodsRegistered: [] }));
      return page(req, rows, path, 'https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails');
    }
    return graphError(404, 'Request_ResourceNotFound', `Resource '${path}' does not exist.`);
  }
  return d;
}
