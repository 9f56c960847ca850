/**
 * The one HTTP layer of the API sources (Okta, Microsoft Graph, Google Directory, Keycloak,
 * GoPhish, Moodle), on Node's built-in fetch (undici).
 *
 * - Transient failures (network errors, timeouts, 5xx, 429, and what an API's own `classify`
 *   calls a rate limit) are retried with exponential backoff, or after the wait the API asks for
 *   (`Retry-After`, Okta's `X-Rate-Limit-Reset`), as long as the run's deadline
 *   (`timeoutSeconds`) allows; past it the run fails as a TransientError, so the queue tries the
 *   job again later.
 * - 401 and 403 fail at once, with the API's own message, as bad input (EvidenceInputError →
 *   BullMQ UnrecoverableError): a wrong token or a missing scope does not fix itself. So does
 *   any other 4xx (a wrong realm, a wrong base URL).
 * - Every request and every second spent waiting for a rate limit is counted (`ctx.count`), so
 *   the run record and `/metrics` show them.
 * - Secrets never reach a message: every value the client was given to hide (tokens, client
 *   secrets, assertions) is replaced by `[redacted]`, and URLs are shown without their query
 *   (Okta's `after` cursor is an account id, Moodle's old-style URLs carry the token).
 */
import { EvidenceInputError, TransientError } from '../../errors.ts';
import type { RunCounter } from '../types.ts';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The body as text (JSON APIs: parse with `json()`). */
  text: string;
  url: string;
  json<T = unknown>(): T;
}

/** What a response means for the retry loop (an API may override the defaults by status). */
export type Verdict =
  | { kind: 'ok' }
  /** Wait (ms, when the API said how long) and try again; counted as a rate-limit wait. */
  | { kind: 'rate-limited'; waitMs?: number }
  /** A passing server fault: back off and try again. */
  | { kind: 'transient'; waitMs?: number }
  /** Wrong credentials or missing permission: fail at once. */
  | { kind: 'auth' }
  /** Any other refusal: fail at once. */
  | { kind: 'bad-request' };

export interface RequestSpec {
  url: string | URL;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  /** Where in the run this request is, for messages: `page 37 (7,200 users read)`. */
  label: string;
  /** Send the source's credentials (default true; token requests carry their own). */
  auth?: boolean;
  /** The URL as messages show it, when its path holds an account id (`/users/{id}/factors`). */
  shown?: string;
}

export interface HttpDeps {
  fetch?: typeof fetch;
  /** Waits (tests can make them instant; the default honours the abort signal). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock for deadlines and rate-limit resets (ms). */
  now?: () => number;
}

/** Adds the credentials to a request; `refresh` drops a cached token after a 401. */
export interface Authenticator {
  headers(): Promise<Record<string, string>>;
  /** True when a fresh token was obtained, so one more attempt is worth it. */
  refresh?(): boolean;
}

export interface ApiClientOptions {
  /** The API's name for messages: `Okta`, `Microsoft Graph`, … */
  api: string;
  /** The run's deadline (epoch ms): no request or wait goes past it. */
  deadline: number;
  /** One request's time limit. @defaultValue 60000 */
  requestTimeoutMs?: number;
  count?: (name: RunCounter, n: number) => void;
  signal?: AbortSignal;
  /** Values that must never appear in a message (tokens, secrets); more can be added later. */
  secrets?: string[];
  /** How the API says "slow down" or "not allowed" beyond the status code (Google's 403 rateLimitExceeded). */
  classify?: (res: ApiResponse, now: number) => Verdict | undefined;
  /** Wait before the next request, from a successful response's headers (Okta's remaining = 0). */
  pace?: (res: ApiResponse, now: number) => number | undefined;
  /** The API's own error message in a refused response. */
  message?: (res: ApiResponse) => string | undefined;
  /** Transient failures retried per request before giving up (429s are bounded by the deadline only). @defaultValue 6 */
  attempts?: number;
  /** First backoff; doubles each retry, at most 60 s. @defaultValue 1000 */
  backoffMs?: number;
  deps?: HttpDeps;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A URL for messages: origin and path, never the query (cursors, tokens). */
export function shownUrl(u: string | URL): string {
  try {
    const url = new URL(String(u));
    return `${url.origin}${url.pathname}`;
  } catch {
    return String(u).replace(/[?#].*$/, '');
  }
}

/** Seconds of a `Retry-After` header (seconds or an HTTP date), as ms from `now`. */
export function retryAfterMs(h: string | null, now: number): number | undefined {
  if (!h) return undefined;
  const s = Number(h.trim());
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(h);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** The usual places JSON APIs put their error text. */
export function defaultMessage(res: ApiResponse): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(res.text);
  } catch {
    return res.text.trim().slice(0, 300) || undefined;
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const o = doc as Record<string, unknown>;
  const err = o.error;
  const nested = err && typeof err === 'object' ? (err as Record<string, unknown>).message : undefined;
  for (const v of [o.errorSummary, o.error_description, nested, o.errorMessage, o.message, typeof err === 'string' ? err : undefined]) {
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}

export class ApiClient {
  private notBefore = 0;
  private readonly secrets: string[];
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
  private auth?: Authenticator;

  constructor(private readonly o: ApiClientOptions) {
    this.secrets = [...(o.secrets ?? [])];
    this.fetch = o.deps?.fetch ?? fetch;
    this.sleep = o.deps?.sleep ?? defaultSleep;
    this.now = o.deps?.now ?? Date.now;
  }

  get api(): string {
    return this.o.api;
  }

  /** Credentials for requests with `auth` (set once the token source is known). */
  authenticate(auth: Authenticator): void {
    this.auth = auth;
  }

  /** Never show this value (a token obtained during the run). */
  hide(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.push(secret);
  }

  /** A text with every secret replaced. */
  redact(s: string): string {
    let out = s;
    for (const v of this.secrets) if (v) out = out.split(v).join('[redacted]');
    return out;
  }

  /** GET a JSON document. */
  async getJson<T = unknown>(url: string | URL, label: string, headers?: Record<string, string>, shown?: string): Promise<{ body: T; res: ApiResponse }> {
    const res = await this.request({ url, label, shown, headers: { accept: 'application/json', ...headers } });
    return { body: this.parse<T>(res, label), res };
  }

  parse<T>(res: ApiResponse, label: string): T {
    try {
      return res.json<T>();
    } catch (e) {
      throw new EvidenceInputError(shownUrl(res.url).replace(/\/users\/[^/]+\//, '/users/{id}/'), `${this.o.api} ${label}: the response is not JSON: ${this.redact((e as Error).message)}`);
    }
  }

  /** One request with retries, rate-limit waits and counting; returns a 2xx response. */
  async request(spec: RequestSpec): Promise<ApiResponse> {
    const where = spec.shown ?? shownUrl(spec.url);
    const attempts = this.o.attempts ?? 6;
    const backoff = this.o.backoffMs ?? 1000;
    let failures = 0;
    let limited = 0;
    let refreshed = false;
    let last = '';
    for (;;) {
      await this.waitUntil(this.notBefore, spec, where, last, true);
      const headers: Record<string, string> = { 'user-agent': 'isms-kpi', ...spec.headers };
      if (spec.auth !== false && this.auth) Object.assign(headers, await this.auth.headers());
      let res: ApiResponse;
      try {
        res = await this.send(spec, headers);
      } catch (err) {
        this.o.signal?.throwIfAborted();
        last = this.redact(errorText(err));
        if (++failures >= attempts) throw new TransientError(`${where}: ${this.o.api} ${spec.label}: ${last} (gave up after ${failures} attempts)`, { cause: err });
        await this.waitUntil(this.now() + Math.min(60_000, backoff * 2 ** (failures - 1)), spec, where, last, false);
        continue;
      }
      const verdict = this.o.classify?.(res, this.now()) ?? statusVerdict(res, this.now());
      if (verdict.kind === 'ok') {
        const pause = this.o.pace?.(res, this.now());
        if (pause !== undefined && pause > 0) this.notBefore = Math.max(this.notBefore, this.now() + pause);
        return res;
      }
      const msg = this.redact(this.o.message?.(res) ?? defaultMessage(res) ?? '');
      last = `HTTP ${res.status}${msg ? `: ${msg}` : ''}`;
      if (verdict.kind === 'auth') {
        if (res.status === 401 && !refreshed && this.auth?.refresh?.()) {
          refreshed = true;
          continue;
        }
        throw new EvidenceInputError(where, `${this.o.api} refused ${spec.label}: ${last} (check the credentials and that they grant the read scope the README names)`);
      }
      if (verdict.kind === 'bad-request') throw new EvidenceInputError(where, `${this.o.api} refused ${spec.label}: ${last}`);
      if (verdict.kind === 'rate-limited') {
        // Told how long: that; otherwise a backoff that doubles with each refusal in a row.
        const wait = verdict.waitMs ?? Math.min(60_000, backoff * 2 ** limited);
        limited++;
        this.notBefore = Math.max(this.notBefore, this.now() + wait);
        continue;
      }
      if (++failures >= attempts) throw new TransientError(`${where}: ${this.o.api} ${spec.label}: ${last} (gave up after ${failures} attempts)`);
      await this.waitUntil(this.now() + (verdict.waitMs ?? Math.min(60_000, backoff * 2 ** (failures - 1))), spec, where, last, false);
    }
  }

  private async send(spec: RequestSpec, headers: Record<string, string>): Promise<ApiResponse> {
    const remaining = this.o.deadline - this.now();
    const timeout = AbortSignal.timeout(Math.max(1, Math.min(this.o.requestTimeoutMs ?? 60_000, remaining)));
    const signal = this.o.signal ? AbortSignal.any([this.o.signal, timeout]) : timeout;
    this.o.count?.('apiRequests', 1);
    const r = await this.fetch(spec.url, { method: spec.method ?? 'GET', headers, body: spec.body, signal, redirect: 'error' });
    const text = await r.text();
    return { status: r.status, headers: r.headers, text, url: String(spec.url), json: <T>() => JSON.parse(text) as T };
  }

  /** Wait until `t` (a rate-limit reset or a backoff) unless that passes the deadline. */
  private async waitUntil(t: number, spec: RequestSpec, where: string, last: string, rateLimit: boolean): Promise<void> {
    const wait = t - this.now();
    if (wait <= 0) return;
    if (t > this.o.deadline) {
      throw new TransientError(
        `${where}: ${this.o.api} ${spec.label}: the run's time limit (timeoutSeconds) ends before ${rateLimit ? 'the rate limit resets' : 'the next retry'}${last ? ` (last: ${last})` : ''}`,
      );
    }
    await this.sleep(wait, this.o.signal);
    if (rateLimit) this.o.count?.('rateLimitWaitSeconds', wait / 1000);
  }
}

/** The verdict from the status alone: 429 and 5xx retry, 401/403 are auth, other 4xx bad input. */
export function statusVerdict(res: ApiResponse, now: number): Verdict {
  const s = res.status;
  if (s >= 200 && s < 300) return { kind: 'ok' };
  const after = retryAfterMs(res.headers.get('retry-after'), now);
  if (s === 429) return { kind: 'rate-limited', waitMs: after };
  if (s === 503 && after !== undefined) return { kind: 'rate-limited', waitMs: after };
  if (s >= 500 || s === 408) return { kind: 'transient', waitMs: after };
  if (s === 401 || s === 403) return { kind: 'auth' };
  return { kind: 'bad-request' };
}

function errorText(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'the request timed out';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}

/** Run `fn` over `items` with at most `limit` at once, in order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
  return out;
}
