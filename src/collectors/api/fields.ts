/**
 * Config fields every API format shares, spread into the API branch of a kind's schema (the
 * kinds' own files add what their API needs: realm, courses, tenantId, …). Secrets are never
 * fields: each `…Env` field names an environment variable holding the value (or, for
 * `…FileEnv`, a file's path).
 */
import { z } from 'zod';
import { noCredentialsUrl } from '../../config/fields.ts';
import { EvidenceInputError } from '../../errors.ts';
import { ApiClient, shownUrl, type HttpDeps } from './http.ts';
import type { CollectContext } from '../types.ts';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** An https URL (plain http only to this machine: tests, a local proxy); no credentials in it. */
export const baseUrlField = noCredentialsUrl.refine(
  (u) => {
    try {
      const url = new URL(u);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
    } catch {
      return false;
    }
  },
  { message: 'expected an https:// URL (http:// only for localhost): a token must not cross the network in clear' },
);

export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' });

/** Fields of every API format. */
export const apiFields = {
  /** Items per page asked of the API (each API caps it; see the README). */
  pageSize: z.number().int().min(1).max(1000).optional(),
  /** Requests in flight at once for per-user look-ups (MFA factors, completion status). */
  concurrency: z.number().int().min(1).max(32).default(4),
  /** The whole run's time limit: retries and rate-limit waits never go past it. */
  timeoutSeconds: z.number().int().min(10).max(86_400).default(1800),
  /** One request's time limit. */
  requestTimeoutSeconds: z.number().int().min(1).max(600).default(60),
};

/** Whether per-user MFA look-ups run: `auto` = when an mfa-coverage objective reads this source. */
export const mfaField = z.enum(['auto', 'always', 'never']).default('auto');

export interface ApiSourceFields {
  id: string;
  timeoutSeconds: number;
  requestTimeoutSeconds: number;
  concurrency: number;
  pageSize?: number;
}

/** True when some objective's mfa-coverage reads this source (its scope names it, or names none). */
export function mfaWanted(mode: 'auto' | 'always' | 'never', sourceId: string, ctx: CollectContext): boolean {
  if (mode !== 'auto') return mode === 'always';
  return ctx.config.objectives.some((o) => o.kpi === 'mfa-coverage' && (!o.scope.sources || o.scope.sources.includes(sourceId)));
}

/** The HTTP client of one run of an API source. */
export function runClient(
  api: string,
  source: ApiSourceFields,
  ctx: CollectContext,
  deps: HttpDeps | undefined,
  extra: Partial<ConstructorParameters<typeof ApiClient>[0]> = {},
): ApiClient {
  const now = deps?.now ?? Date.now;
  return new ApiClient({
    api,
    deadline: now() + source.timeoutSeconds * 1000,
    requestTimeoutMs: source.requestTimeoutSeconds * 1000,
    count: (name, n) => ctx.count?.(name, n),
    signal: ctx.signal,
    deps,
    ...extra,
  });
}

/** Same origin as the configured base URL: a next-page link elsewhere would receive the token. */
export function sameOrigin(next: string, base: string, what: string): URL {
  const url = new URL(next, base);
  if (url.origin !== new URL(base).origin) {
    throw new EvidenceInputError(shownUrl(base), `${what}: the next-page link points to another host (${url.origin}); the credentials are not sent there`);
  }
  return url;
}

/** `{base}/{path}` with the base's own path kept (`https://host/keycloak` + `/admin/…`). */
export function joinUrl(base: string, path: string): URL {
  return new URL(base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
}
