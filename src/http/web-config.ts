/**
 * The Prometheus exporter-toolkit web configuration file (`--web.config.file`), the one format
 * every Prometheus exporter reads for TLS and basic authentication, so operators configure
 * isms-kpi as they configure node_exporter:
 *
 *   tls_server_config:
 *     cert_file: server.crt        # relative to this file
 *     key_file: server.key
 *     client_auth_type: RequireAndVerifyClientCert   # optional, with client_ca_file
 *     client_ca_file: ca.crt
 *     min_version: TLS12
 *   http_server_config:
 *     headers: { Strict-Transport-Security: max-age=31536000 }
 *   basic_auth_users:
 *     ciso: $2y$10$…                # bcrypt hashes (htpasswd -nBC 10 ciso)
 *
 * Strict like the toolkit (unknown keys are errors); keys of the format this build does not
 * implement are refused by name rather than ignored.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.ts';

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
type TlsVersion = (typeof TLS_VERSIONS)[keyof typeof TLS_VERSIONS];

const notSupported = (what: string) => z.any().refine(() => false, { message: `${what} is not supported by isms-kpi (remove it; Node's TLS defaults apply)` });

const schema = z.strictObject({
  tls_server_config: z
    .strictObject({
      cert_file: z.string().min(1).optional(),
      key_file: z.string().min(1).optional(),
      /** Inline PEM, as newer toolkits allow. */
      cert: z.string().min(1).optional(),
      key: z.string().min(1).optional(),
      client_auth_type: z.enum(['NoClientCert', 'RequireAndVerifyClientCert']).default('NoClientCert'),
      client_ca_file: z.string().min(1).optional(),
      min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).default('TLS12'),
      max_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
      cipher_suites: notSupported('cipher_suites').optional(),
      curve_preferences: notSupported('curve_preferences').optional(),
      prefer_server_cipher_suites: notSupported('prefer_server_cipher_suites').optional(),
      client_allowed_sans: notSupported('client_allowed_sans').optional(),
    })
    .refine((t) => (t.cert_file !== undefined || t.cert !== undefined) && (t.key_file !== undefined || t.key !== undefined), {
      message: 'a TLS server needs cert_file (or cert) and key_file (or key)',
    })
    .refine((t) => t.client_auth_type === 'NoClientCert' || t.client_ca_file !== undefined, {
      message: 'client_auth_type RequireAndVerifyClientCert needs client_ca_file',
    })
    .optional(),
  http_server_config: z
    .strictObject({
      headers: z.record(z.string(), z.string()).optional(),
      http2: notSupported('http2').optional(),
    })
    .optional(),
  basic_auth_users: z
    .record(
      z.string().min(1).refine((u) => !u.includes(':'), { message: 'a user name cannot contain ":"' }),
      z.string().regex(/^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/, { message: 'expected a bcrypt hash ($2y$10$…, e.g. from htpasswd -nBC 10 USER)' }),
    )
    .optional(),
});

export interface WebConfig {
  file: string;
  tls?: { cert: string; key: string; ca?: string; requestCert: boolean; minVersion: TlsVersion; maxVersion?: TlsVersion };
  /** User → bcrypt hash. */
  users: ReadonlyMap<string, string>;
  /** Extra response headers (http_server_config.headers). */
  headers: Readonly<Record<string, string>>;
}

/** Headers the server sets itself for safety; the web config may not weaken them. */
const RESERVED_HEADERS = ['content-security-policy', 'x-content-type-options', 'cache-control', 'content-type', 'www-authenticate', 'set-cookie'];

export function loadWebConfig(path: string): WebConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError([{ file, path: '', message: `cannot read the web config: ${(cause as Error).message}` }], { cause });
  }
  return parseWebConfig(text, file);
}

export function parseWebConfig(text: string, file: string): WebConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ file, line: lc.linePos(e.pos[0]).line, path: '', message: `YAML: ${e.message.split('\n')[0]}` })));
  }
  const raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = schema.safeParse(raw);
  const at = (path: readonly PropertyKey[], message: string): ConfigIssue => {
    const keys = path.filter((p): p is string | number => typeof p !== 'symbol');
    const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lc.linePos(node.range[0]).line : undefined;
    return { file, ...(line !== undefined ? { line } : {}), path: keys.join('.'), message };
  };
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => at(i.path, i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message)));
  }
  const c = parsed.data;
  const dir = dirname(file);
  const read = (name: string, path: string[]): string => {
    try {
      return readFileSync(resolve(dir, name), 'utf8');
    } catch (cause) {
      throw new ConfigError([at(path, `cannot read ${resolve(dir, name)}: ${(cause as Error).message}`)], { cause });
    }
  };
  const headers = c.http_server_config?.headers ?? {};
  for (const h of Object.keys(headers)) {
    if (RESERVED_HEADERS.includes(h.toLowerCase())) throw new ConfigError([at(['http_server_config', 'headers', h], `the header ${h} is set by isms-kpi and cannot be overridden`)]);
  }
  const out: WebConfig = { file, users: new Map(Object.entries(c.basic_auth_users ?? {})), headers };
  const t = c.tls_server_config;
  if (t) {
    out.tls = {
      cert: t.cert ?? read(t.cert_file!, ['tls_server_config', 'cert_file']),
      key: t.key ?? read(t.key_file!, ['tls_server_config', 'key_file']),
      requestCert: t.client_auth_type === 'RequireAndVerifyClientCert',
      minVersion: TLS_VERSIONS[t.min_version],
      ...(t.max_version ? { maxVersion: TLS_VERSIONS[t.max_version] } : {}),
      ...(t.client_ca_file ? { ca: read(t.client_ca_file, ['tls_server_config', 'client_ca_file']) } : {}),
    };
  }
  return out;
}
