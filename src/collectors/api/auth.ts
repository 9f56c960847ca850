/**
 * Where an API source's credentials come from, and how they become request headers.
 *
 * Secrets are only ever read from the variables the source names (`tokenEnv`, `clientIdEnv`,
 * `clientSecretEnv`: read once by the config loader into `config.env.secrets`) or from the
 * files such a variable names (`privateKeyFileEnv`, `serviceAccountKeyFileEnv`). Every value is
 * handed to the client to hide, so no message ever shows it.
 *
 * Token kinds:
 * - a static header (Okta `SSWS <token>`, GoPhish `Bearer <api key>`);
 * - OAuth 2.0 client credentials (RFC 6749 §4.4) with a client secret (HTTP Basic) or a
 *   private-key JWT client assertion (RFC 7523; what Okta requires of service apps);
 * - Google's service-account JWT bearer grant (RFC 7523 §2.1) with domain-wide delegation.
 * Tokens are cached until a minute before they expire, and fetched again after a 401.
 */
import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, EvidenceInputError } from '../../errors.ts';
import type { Config } from '../../config/types.ts';
import type { ApiClient, Authenticator } from './http.ts';

/** A secret from a variable the source names; a config error naming the field when unset. */
export function secretFrom(config: Config, sourceId: string, field: string, envName: string | undefined): string {
  const v = envName ? config.env.secrets[envName] : undefined;
  if (v === undefined) {
    throw new ConfigError([{ file: config.file, path: `sources.${sourceId}.${field}`, message: envName ? `environment variable ${envName} is not set` : `${field} is required for this format` }]);
  }
  return v;
}

/** The text of a file whose path a variable holds (a private key, a service-account key). */
export function secretFile(config: Config, sourceId: string, field: string, envName: string | undefined): string {
  const file = secretFrom(config, sourceId, field, envName);
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    // The path is not secret; the content is, and is never shown.
    throw new ConfigError([{ file: config.file, path: `sources.${sourceId}.${field}`, message: `cannot read the file named by ${envName}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}` }], { cause });
  }
}

export function staticAuth(name: string, value: string): Authenticator {
  return { headers: async () => ({ [name]: value }) };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A compact JWS signed with an RSA (RS256) or EC P-256 (ES256) private key. */
export function signJwt(claims: Record<string, unknown>, key: KeyObject, kid?: string, extraHeader: Record<string, string> = {}): string {
  const ec = key.asymmetricKeyType === 'ec';
  if (!ec && key.asymmetricKeyType !== 'rsa') throw new Error(`unsupported key type ${key.asymmetricKeyType ?? '?'} (expected RSA or EC P-256)`);
  const header = { alg: ec ? 'ES256' : 'RS256', typ: 'JWT', ...(kid ? { kid } : {}), ...extraHeader };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = sign('sha256', Buffer.from(input), ec ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${b64url(sig)}`;
}

export function privateKey(pem: string, what: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new EvidenceInputError(what, `not a PEM private key: ${(e as Error).message.replace(/-----[^]*-----/g, '')}`);
  }
}

export interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  scope?: string;
  token_type?: string;
}

/** A bearer token fetched with `fetchToken`, cached until a minute before it expires. */
class CachedToken implements Authenticator {
  private token?: { value: string; expires: number; scope?: string };
  private pending?: Promise<string>;

  constructor(
    private readonly client: ApiClient,
    private readonly fetchToken: () => Promise<TokenResponse>,
  ) {}

  async headers(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.value()}` };
  }

  refresh(): boolean {
    this.token = undefined;
    return true;
  }

  /** Scopes the token was granted (as the token endpoint said), for `collect --check`. */
  async scopes(): Promise<string[]> {
    await this.value();
    return this.token?.scope?.split(/\s+/).filter(Boolean) ?? [];
  }

  async value(): Promise<string> {
    if (this.token && this.client.now() < this.token.expires) return this.token.value;
    this.pending ??= this.fetchToken()
      .then((r) => {
        if (!r.access_token) throw new EvidenceInputError(this.client.api, 'the token endpoint answered without an access_token');
        this.client.hide(r.access_token);
        const life = typeof r.expires_in === 'number' && r.expires_in > 0 ? r.expires_in : 3600;
        this.token = { value: r.access_token, expires: this.client.now() + Math.max(30, life - 60) * 1000, scope: r.scope };
        return r.access_token;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

export type TokenAuth = Authenticator & { scopes(): Promise<string[]>; value(): Promise<string> };

async function postToken(client: ApiClient, tokenUrl: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenResponse> {
  const res = await client.request({
    url: tokenUrl,
    method: 'POST',
    auth: false,
    label: 'the token request',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form),
  });
  return client.parse<TokenResponse>(res, 'the token request');
}

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  /** A client secret (sent with HTTP Basic)… */
  clientSecret?: string;
  /** … or a private key for a `private_key_jwt` client assertion. */
  key?: KeyObject;
  keyId?: string;
  /** Extra JOSE header fields of the assertion (Entra wants the certificate's `x5t`). */
  assertionHeader?: Record<string, string>;
  scope?: string;
  /** Extra form fields (Keycloak needs none; Graph wants `scope=…/.default`). */
  extra?: Record<string, string>;
}

/** OAuth 2.0 client credentials, with a secret or a signed client assertion. */
export function clientCredentials(client: ApiClient, c: ClientCredentials): TokenAuth {
  client.hide(c.clientSecret);
  return new CachedToken(client, () => {
    const form: Record<string, string> = { grant_type: 'client_credentials', ...(c.scope ? { scope: c.scope } : {}), ...c.extra };
    const headers: Record<string, string> = {};
    if (c.key) {
      const now = Math.floor(client.now() / 1000);
      const assertion = signJwt({ iss: c.clientId, sub: c.clientId, aud: c.tokenUrl, iat: now, exp: now + 300, jti: randomUUID(), nbf: now }, c.key, c.keyId, c.assertionHeader);
      client.hide(assertion);
      Object.assign(form, { client_id: c.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
    } else {
      const basic = Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret ?? '')}`).toString('base64');
      client.hide(basic);
      headers.authorization = `Basic ${basic}`;
    }
    return postToken(client, c.tokenUrl, form, headers);
  });
}

/** A Google service-account key file (the JSON the Cloud console downloads). */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

export function parseServiceAccountKey(text: string, what: string): ServiceAccountKey {
  let k: Partial<ServiceAccountKey>;
  try {
    k = JSON.parse(text) as Partial<ServiceAccountKey>;
  } catch {
    throw new EvidenceInputError(what, 'the service-account key file is not JSON');
  }
  if (typeof k.client_email !== 'string' || typeof k.private_key !== 'string') throw new EvidenceInputError(what, 'the service-account key file has no client_email or private_key');
  return k as ServiceAccountKey;
}

/** Google's JWT bearer grant for a service account acting as `subject` (domain-wide delegation). */
export function serviceAccount(client: ApiClient, key: ServiceAccountKey, scope: string, subject: string): TokenAuth {
  const pk = privateKey(key.private_key, 'the service-account key');
  const tokenUrl = key.token_uri ?? 'https://oauth2.googleapis.com/token';
  return new CachedToken(client, () => {
    const now = Math.floor(client.now() / 1000);
    const assertion = signJwt({ iss: key.client_email, scope, aud: tokenUrl, sub: subject, iat: now, exp: now + 3600 }, pk, key.private_key_id);
    client.hide(assertion);
    return postToken(client, tokenUrl, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  });
}

/** The claims of a JWT access token (Graph, Keycloak), unverified: only for `--check`'s report. */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
