/**
 * A Keycloak double, from Keycloak's documented admin REST shapes: the realm's OpenID Connect
 * token endpoint (`POST /realms/{realm}/protocol/openid-connect/token`, client credentials)
 * answers `{access_token, expires_in, token_type, scope}` with a JWT whose claims carry
 * `azp`, `preferred_username` (`service-account-<client>`) and `resource_access`;
 * `GET /admin/realms/{realm}/users?first=&max=&briefRepresentation=false` answers an array of
 * UserRepresentation; `/users/{id}/credentials` an array of CredentialRepresentation;
 * `/users/count` a number. A token without `view-users` gets 403 `{"error": "HTTP 403 Forbidden"}`.
 */
import { startDouble, type Double, type Logged, type Reply } from './server.ts';

export interface KeycloakDoubleOptions {
  realm: string;
  clientId: string;
  clientSecret: string;
  users: readonly Record<string, unknown>[];
  credentials?: (id: string) => unknown[];
  roles?: string[];
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export async function startKeycloak(o: KeycloakDoubleOptions): Promise<Double> {
  const tokens = new Set<string>();
  const roles = o.roles ?? ['view-users'];
  const d = await startDouble(handle);
  const base = `/admin/realms/${o.realm}/users`;

  function handle(req: Logged): Reply {
    if (req.method === 'POST' && req.url.pathname === `/realms/${o.realm}/protocol/openid-connect/token`) {
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      if (basic !== `${o.clientId}:${o.clientSecret}`) return { status: 401, body: { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' } };
      const t = `${b64({ alg: 'RS256' })}.${b64({ azp: o.clientId, preferred_username: `service-account-${o.clientId}`, scope: 'profile email', resource_access: { 'realm-management': { roles } } })}.s${tokens.size}`;
      tokens.add(t);
      return { body: { access_token: t, expires_in: 300, refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0, scope: 'profile email' } };
    }
    if (!tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) return { status: 401, body: { error: 'HTTP 401 Unauthorized' } };
    if (!roles.includes('view-users')) return { status: 403, body: { error: 'HTTP 403 Forbidden' } };
    const path = req.url.pathname;
    if (path === `${base}/count`) return { body: String(o.users.length) };
    const cred = new RegExp(`^${base}/([^/]+)/credentials$`).exec(path);
    if (cred) return { body: o.credentials?.(decodeURIComponent(cred[1]!)) ?? [] };
    if (path !== base) return { status: 404, body: { error: 'RESTEASY003210: Could not find resource for full path' } };
    const first = Number(req.url.searchParams.get('first') ?? 0);
    const max = Number(req.url.searchParams.get('max') ?? 100);
    return { body: o.users.slice(first, first + max) };
  }
  return d;
}
