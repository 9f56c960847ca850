/**
 * The shared HTTP layer's own rules, case by case: which responses retry, wait or fail; how a
 * Retry-After is read; network errors retried then reported as transient; bounded concurrency;
 * JWTs signed so that the public key verifies them (RS256 and ES256).
 */
import { generateKeyPairSync, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { signJwt, jwtClaims } from '../../../src/collectors/api/auth.ts';
import { ApiClient, mapLimit, retryAfterMs, shownUrl, statusVerdict, type ApiResponse } from '../../../src/collectors/api/http.ts';
import { EvidenceInputError, TransientError } from '../../../src/errors.ts';
import { fakeClock } from './context.ts';
import { startDouble, type Double } from './doubles/server.ts';

const doubles: Double[] = [];
afterEach(async () => {
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});

const res = (status: number, headers: Record<string, string> = {}): ApiResponse => ({ status, headers: new Headers(headers), text: '', url: 'https://x/y', json: () => ({}) as never });

describe('statusVerdict', () => {
  it('2xx ok; 429 and 503-with-Retry-After wait; 5xx and 408 back off; 401/403 auth; other 4xx bad request', () => {
    const now = Date.parse('2026-11-19T00:00:00Z');
    const rows: [number, Record<string, string>, unknown][] = [
      [200, {}, { kind: 'ok' }],
      [204, {}, { kind: 'ok' }],
      [429, { 'retry-after': '30' }, { kind: 'rate-limited', waitMs: 30_000 }],
      [429, {}, { kind: 'rate-limited', waitMs: undefined }],
      [503, { 'retry-after': 'Wed, 19 Nov 2026 00:00:10 GMT' }, { kind: 'rate-limited', waitMs: 10_000 }],
      [503, {}, { kind: 'transient', waitMs: undefined }],
      [500, {}, { kind: 'transient', waitMs: undefined }],
      [408, {}, { kind: 'transient', waitMs: undefined }],
      [401, {}, { kind: 'auth' }],
      [403, {}, { kind: 'auth' }],
      [404, {}, { kind: 'bad-request' }],
      [400, {}, { kind: 'bad-request' }],
    ];
    for (const [status, headers, expected] of rows) expect({ status, v: statusVerdict(res(status, headers), now) }).toEqual({ status, v: expected });
  });

  it('retryAfterMs reads seconds and HTTP dates; shownUrl drops the query', () => {
    expect(retryAfterMs('0', 0)).toBe(0);
    expect(retryAfterMs('2', 0)).toBe(2000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
    expect(shownUrl('https://x.okta.com/api/v1/users?after=00u123&limit=200')).toBe('https://x.okta.com/api/v1/users');
  });
});

describe('ApiClient', () => {
  it('a refused connection is retried with backoff, then reported as transient naming the request', async () => {
    const d = await startDouble(() => ({ body: {} }));
    const url = d.url;
    await d.close(); // nothing listens there any more
    const clock = fakeClock();
    const counts = { apiRequests: 0, rateLimitWaitSeconds: 0 };
    const c = new ApiClient({ api: 'Test', deadline: clock.now() + 600_000, attempts: 3, deps: { now: clock.now, sleep: clock.sleep }, count: (n, v) => (counts[n] += v) });
    const err = (await c.request({ url: `${url}/x?token=abc`, label: 'page 1' }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toMatch(new RegExp(`^${url}/x: Test page 1: fetch failed \\(ECONNREFUSED\\) \\(gave up after 3 attempts\\)$`));
    expect(clock.slept).toEqual([1000, 2000]);
    expect(counts).toEqual({ apiRequests: 3, rateLimitWaitSeconds: 0 });
  });

  it('a 5xx that recovers costs retries only; a 404 fails at once as bad input', async () => {
    let n = 0;
    const d = await startDouble((req) => (req.url.pathname === '/flaky' ? (++n < 3 ? { status: 502, body: { message: 'bad gateway' } } : { body: { ok: true } }) : { status: 404, body: { message: 'no such realm' } }));
    doubles.push(d);
    const clock = fakeClock();
    const c = new ApiClient({ api: 'Test', deadline: clock.now() + 600_000, deps: { now: clock.now, sleep: clock.sleep } });
    expect((await c.getJson(`${d.url}/flaky`, 'page 1')).body).toEqual({ ok: true });
    expect(clock.slept).toEqual([1000, 2000]);
    const err = (await c.getJson(`${d.url}/missing`, 'page 1').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toBe(`${d.url}/missing: Test refused page 1: HTTP 404: no such realm`);
  });

  it('redact hides every secret it was given, wherever it appears', () => {
    const c = new ApiClient({ api: 'Test', deadline: 0, secrets: ['s3cr3t-token'] });
    c.hide('access-xyz-123');
    c.hide('abc'); // too short to be a credential: never hidden, so messages stay readable
    expect(c.redact('Bearer access-xyz-123 and s3cr3t-token, abc')).toBe('Bearer [redacted] and [redacted], abc');
  });
});

describe('mapLimit', () => {
  it('never runs more than the limit at once and keeps the order of results', async () => {
    let running = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (x) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, x));
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });
});

describe('signJwt', () => {
  for (const [type, alg] of [['rsa', 'RS256'], ['ec', 'ES256']] as const) {
    it(`${alg}: the public key verifies it, and the claims read back`, () => {
      const { privateKey, publicKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwt = signJwt({ iss: 'client', aud: 'https://idp/token', exp: 2 }, privateKey, 'k1', { x5t: 'thumb' });
      const [h, p, s] = jwt.split('.');
      expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg, typ: 'JWT', kid: 'k1', x5t: 'thumb' });
      const sig = Buffer.from(s!, 'base64url');
      expect(verify('sha256', Buffer.from(`${h}.${p}`), type === 'ec' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey, sig)).toBe(true);
      expect(jwtClaims(jwt)).toEqual({ iss: 'client', aud: 'https://idp/token', exp: 2 });
    });
  }
});
