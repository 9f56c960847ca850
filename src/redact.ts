/**
 * Credentials out of every text a person or a log reads: `scheme://user:password@host` and
 * `scheme://token@host` lose their user part, and query parameters that carry a secret
 * (`token`, `api_key`, …) their value; `Authorization:` header values go too. Applied to every
 * error of the IsmsError family, to what the CLI prints, to run records and to log lines.
 * Pure, no imports: everything may use it.
 */

/** Query parameter names whose value is a secret (compared case-insensitively). */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  'token', 'access_token', 'id_token', 'refresh_token', 'auth', 'auth_token', 'api_key', 'apikey', 'api-key', 'key',
  'secret', 'client_secret', 'password', 'passwd', 'pwd', 'sig', 'signature', 'x-amz-signature', 'x-goog-signature', 'code',
];

const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
// A value ends at the next parameter, the fragment, a space or quote, or a `:`/`)`/`,` that
// closes the sentence around the URL.
const QUERY = new RegExp(`([?&;](?:${SECRET_QUERY_PARAMS.map((p) => p.replace(/[-]/g, '\\-')).join('|')})=)[^&#\\s"'<>]*?(?=$|[&#\\s"'<>]|[:),.;](?:\\s|$))`, 'gi');
const AUTH_HEADER = /(\bauthorization["']?\s*[:=]\s*["']?(?:bearer|basic|apikey|token)\s+)[^\s"',;]+/gi;

export const REDACTED = '[redacted]';

/** The text with credentials in URLs and authorization headers replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  if (!text.includes('://') && !text.includes('=') && !/authorization/i.test(text)) return text;
  return text.replace(USERINFO, (m, scheme: string) => (/^[^:]*:\*\*\*@$/.test(m.slice(scheme.length)) ? m : `${scheme}${REDACTED}@`)).replace(QUERY, `$1${REDACTED}`).replace(AUTH_HEADER, `$1${REDACTED}`);
}

/** The names of the secret-carrying query parameters of a URL (empty when it has none or is no URL). */
export function secretQueryParams(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [];
  }
  const secret = new Set(SECRET_QUERY_PARAMS);
  return [...new Set([...u.searchParams.keys()].filter((k) => secret.has(k.toLowerCase())))];
}
