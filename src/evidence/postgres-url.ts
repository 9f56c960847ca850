/**
 * The database URL is a secret (it carries the password): messages and logs show it only
 * redacted, and any text that reaches a person is scrubbed of the password as well.
 */

/** `postgres://user:***@host:port/db` (no password, no query), or a placeholder if unparseable. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** The password of a URL (decoded and as written), to scrub from messages. */
export function secretsOf(url: string): string[] {
  try {
    const u = new URL(url);
    const out = new Set<string>();
    if (u.password) out.add(u.password).add(decodeURIComponent(u.password));
    for (const [k, v] of u.searchParams) if (/pass|secret|key|token/i.test(k) && v) out.add(v);
    return [...out].filter((s) => s.length > 0);
  } catch {
    return [url];
  }
}

/** The text with the URL and its secrets replaced. */
export function scrub(text: string, url: string): string {
  let out = text.split(url).join(redactDatabaseUrl(url));
  for (const s of secretsOf(url)) out = out.split(s).join('***');
  return out;
}

/** Whether the URL names a PostgreSQL server. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}
