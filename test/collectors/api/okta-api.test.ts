/**
 * okta-api against an Okta double: the real recorded Users API response (okta-sdk-test-server's
 * list-users, 161 users, served with its own headers) and the same users paged, give exactly
 * the accounts that okta-json reads from the same file; paging, rate limits, 429, failures,
 * OAuth (client secret and private_key_jwt) and MFA factors behave as Okta documents them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdpCollector, idpCollector } from '../../../src/collectors/idp/collector.ts';
import { nextLink } from '../../../src/collectors/idp/okta-api.ts';
import { oktaMfaEnrolled } from '../../../src/collectors/idp/okta.ts';
import { EvidenceInputError, TransientError } from '../../../src/errors.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { Keyed } from '../../../src/evidence/records.ts';
import { apiContext, collectRecords, fakeClock } from './context.ts';
import { startOkta } from './doubles/okta.ts';
import { startDouble, type Double } from './doubles/server.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'idp', 'okta-real');
const BODY = readFileSync(join(FIXTURE, 'list-users.json'), 'utf8');
const HEADERS = JSON.parse(readFileSync(join(FIXTURE, 'list-users.headers.json'), 'utf8')) as Record<string, string>;
const USERS = JSON.parse(BODY) as Record<string, unknown>[];
const TOKEN = 'okta-test-token-0123456789';

const doubles: Double[] = [];
afterEach(async () => {
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});

async function okta(o: Parameters<typeof startOkta>[0]) {
  const d = await startOkta(o);
  doubles.push(d);
  return d;
}

const source = (url: string, extra: Record<string, unknown> = {}) => ({ id: 'okta', kind: 'idp' as const, format: 'okta-api' as const, baseUrl: url, tokenEnv: 'OKTA_TOKEN', ...extra });

/** The file twin: okta-json over the same recorded body. */
async function fileRecords(): Promise<Keyed<'account'>[]> {
  const { ctx } = apiContext({ sources: [{ id: 'okta', kind: 'idp', format: 'okta-json', path: join(FIXTURE, 'list-users.json') }] });
  return collectRecords<'account'>(idpCollector as never, ctx);
}

describe('okta-api gives the accounts okta-json gives', () => {
  it('the real recorded response, served with its own headers (one page: its Link is rel="self" only)', async () => {
    const d = await okta({ users: USERS, token: TOKEN, recorded: { body: BODY, headers: HEADERS } });
    const t = apiContext({ sources: [source(d.url)], secrets: { OKTA_TOKEN: TOKEN } });
    const api = await collectRecords<'account'>(createIdpCollector() as never, t.ctx);
    expect(api).toHaveLength(161); // the fixture holds 161 users (SOURCES.md)
    expect(api).toEqual(await fileRecords());
    expect(t.rejections).toEqual([]);
    expect(t.counts.apiRequests).toBe(1);
    expect(d.requests[0]!.headers.authorization).toBe(`SSWS ${TOKEN}`);
    expect(d.requests[0]!.url.searchParams.get('limit')).toBe('200');
  });

  it('the same 161 users in pages of 50, followed by Link rel="next": 4 requests (50 + 50 + 50 + 11)', async () => {
    const d = await okta({ users: USERS, token: TOKEN });
    const t = apiContext({ sources: [source(d.url, { pageSize: 50 })], secrets: { OKTA_TOKEN: TOKEN } });
    const api = await collectRecords<'account'>(createIdpCollector() as never, t.ctx);
    expect(api).toEqual(await fileRecords());
    expect(t.counts.apiRequests).toBe(4);
    expect(d.requests.map((r) => r.url.searchParams.get('after'))).toEqual([null, USERS[49]!.id, USERS[99]!.id, USERS[149]!.id]);
  });
});

describe('Okta rate limits', () => {
  it('waits for X-Rate-Limit-Reset when X-Rate-Limit-Remaining reaches 0, and never gets a 429', async () => {
    // 2 requests per 1-second window, the clock at a window's start: requests 1–2 in window 0,
    // then remaining = 0 → wait 1 s to the reset; requests 3–4 in window 1; request 4 is the
    // last page, so its remaining = 0 costs no wait. Waited: exactly 1 s.
    const clock = fakeClock();
    const d = await okta({ users: USERS, token: TOKEN, rateLimit: { limit: 2, windowSeconds: 1 }, now: clock.now });
    const t = apiContext({ sources: [source(d.url, { pageSize: 50 })], secrets: { OKTA_TOKEN: TOKEN } });
    const api = await collectRecords<'account'>(createIdpCollector({ now: clock.now, sleep: clock.sleep }) as never, t.ctx);
    expect(api).toHaveLength(161);
    expect(clock.slept).toEqual([1000]);
    expect(t.counts).toEqual({ apiRequests: 4, rateLimitWaitSeconds: 1 });
  });

  it('on a 429 waits until the reset and asks again', async () => {
    // The first page answers 429 once; the window (60 s, starting at the clock) resets 60 s on.
    const clock = fakeClock();
    const d = await okta({ users: USERS, token: TOKEN, rateLimit: { limit: 600, windowSeconds: 60 }, failPage: { page: 1, status: 429, times: 1 }, now: clock.now });
    const t = apiContext({ sources: [source(d.url, { pageSize: 50 })], secrets: { OKTA_TOKEN: TOKEN } });
    const api = await collectRecords<'account'>(createIdpCollector({ now: clock.now, sleep: clock.sleep }) as never, t.ctx);
    expect(api).toHaveLength(161);
    expect(clock.slept).toEqual([60_000]);
    expect(t.counts).toEqual({ apiRequests: 5, rateLimitWaitSeconds: 60 });
  });

  it('a reset past the run\'s time limit fails the run as transient (the queue retries later), without waiting', async () => {
    const clock = fakeClock();
    const d = await okta({ users: USERS, token: TOKEN, rateLimit: { limit: 600, windowSeconds: 3600 }, failPage: { page: 1, status: 429, times: 1 }, now: clock.now });
    const t = apiContext({ sources: [source(d.url, { timeoutSeconds: 60 })], secrets: { OKTA_TOKEN: TOKEN } });
    const err = await collectRecords<'account'>(createIdpCollector({ now: clock.now, sleep: clock.sleep }) as never, t.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/page 1 of \/api\/v1\/users .*time limit.*rate limit resets/);
    expect(clock.slept).toEqual([]);
  });
});

describe('failures', () => {
  it('a page that keeps failing ends the run naming the page, after retries with backoff; the store keeps nothing', async () => {
    const clock = fakeClock();
    const d = await okta({ users: USERS, token: TOKEN, failPage: { page: 3, status: 500, times: 99 } });
    const store = createMemoryStore();
    const t = apiContext({ sources: [source(d.url, { pageSize: 50 })], secrets: { OKTA_TOKEN: TOKEN }, store });
    const out = await createIdpCollector({ now: clock.now, sleep: clock.sleep }).collect(t.config.sources[0] as never, t.ctx);
    if (out.type !== 'snapshot') throw new Error('expected a snapshot');
    const err = await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: t.ctx.observedAt, records: out.records }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('page 3 of /api/v1/users (100 users read before it): HTTP 500: E0000009 Internal Server Error (gave up after 6 attempts)');
    // 6 attempts, 5 backoffs doubling from 1 s.
    expect(clock.slept).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(t.counts.apiRequests).toBe(2 + 6);
    // Pages 1 and 2 (100 users) were streamed into the store's read, yet nothing was written.
    expect(await store.observations('okta')).toEqual([]);
    const stored = [];
    for await (const v of store.readSnapshot('account', new Date('2100-01-01'), ['okta'])) stored.push(v);
    expect(stored).toEqual([]);
    await store.close();
  });

  it('a wrong token fails at once (one request, not retried) with Okta\'s own message, and never shows the token', async () => {
    const d = await okta({ users: USERS, token: TOKEN });
    const t = apiContext({ sources: [source(d.url)], secrets: { OKTA_TOKEN: 'wrong-token-abcdef' } });
    const err = await collectRecords<'account'>(createIdpCollector() as never, t.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect((err as Error).message).toContain('HTTP 401: E0000011 Invalid token provided');
    expect((err as Error).message).not.toContain('wrong-token-abcdef');
    expect(t.counts.apiRequests).toBe(1);
  });

  it('an API that echoes the credentials back still never puts them in a message', async () => {
    const echo = await startDouble((req) => ({ status: 403, body: { errorCode: 'E0000006', errorSummary: `You do not have permission (${req.headers.authorization})` } }));
    doubles.push(echo);
    const t = apiContext({ sources: [source(echo.url)], secrets: { OKTA_TOKEN: TOKEN } });
    const err = (await collectRecords<'account'>(createIdpCollector() as never, t.ctx).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('E0000006 You do not have permission (SSWS [redacted])');
    expect(err.message).not.toContain(TOKEN);
  });

  it('a next link to another host is not followed (the token would go there)', async () => {
    const elsewhere = await startDouble(() => ({ body: [] }));
    doubles.push(elsewhere);
    const d = await okta({ users: USERS, token: TOKEN, foreignNext: `${elsewhere.url}/api/v1/users?after=x` });
    const t = apiContext({ sources: [source(d.url, { pageSize: 50 })], secrets: { OKTA_TOKEN: TOKEN } });
    const err = (await collectRecords<'account'>(createIdpCollector() as never, t.ctx).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toMatch(/next-page link points to another host/);
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('OAuth 2.0 client credentials', () => {
  it('a private_key_jwt client assertion (what Okta requires of service apps), scope okta.users.read', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dir = mkdtempSync(join(tmpdir(), 'okta-key-'));
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const d = await okta({ users: USERS, oauth: { clientId: '0oa-service', publicKey, grant: ['okta.users.read'] } });
    const t = apiContext({
      sources: [{ id: 'okta', kind: 'idp', format: 'okta-api', baseUrl: d.url, clientIdEnv: 'OKTA_CLIENT', privateKeyFileEnv: 'OKTA_KEY', keyId: 'k1', pageSize: 100 }],
      secrets: { OKTA_CLIENT: '0oa-service', OKTA_KEY: keyFile },
    });
    const api = await collectRecords<'account'>(createIdpCollector() as never, t.ctx);
    expect(api).toEqual(await fileRecords());
    // 1 token request + 2 pages (100 + 61).
    expect(t.counts.apiRequests).toBe(3);
    const tokenReq = d.requests[0]!;
    expect(tokenReq.url.pathname).toBe('/oauth2/v1/token');
    const form = new URLSearchParams(tokenReq.body);
    expect(form.get('scope')).toBe('okta.users.read');
    const header = JSON.parse(Buffer.from(form.get('client_assertion')!.split('.')[0]!, 'base64url').toString()) as Record<string, string>;
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
    expect(d.requests[1]!.headers.authorization).toMatch(/^Bearer okta-access-1-/);
  });

  it('an access token that expires mid-run is fetched again once, and the page asked again', async () => {
    const d = await okta({ users: USERS, oauth: { clientId: 'c1', clientSecret: 's3cret-value', grant: ['okta.users.read'] }, tokenUses: 2 });
    const t = apiContext({ sources: [{ id: 'okta', kind: 'idp', format: 'okta-api', baseUrl: d.url, clientIdEnv: 'C', clientSecretEnv: 'S', pageSize: 50 }], secrets: { C: 'c1', S: 's3cret-value' } });
    expect(await collectRecords<'account'>(createIdpCollector() as never, t.ctx)).toEqual(await fileRecords());
    // token 1, pages 1–2, page 3 refused (401), token 2, pages 3–4.
    expect(d.requests.map((r) => (r.url.pathname === '/oauth2/v1/token' ? 'token' : r.url.searchParams.get('after') ?? 'first'))).toEqual([
      'token', 'first', USERS[49]!.id, USERS[99]!.id, 'token', USERS[99]!.id, USERS[149]!.id,
    ]);
    expect(t.counts.apiRequests).toBe(7);
  });

  it('a client secret (HTTP Basic); a scope the app was not granted fails with Okta\'s message', async () => {
    const d = await okta({ users: USERS.slice(0, 3), oauth: { clientId: 'c1', clientSecret: 's3cret-value', grant: ['okta.users.read'] } });
    const ok = apiContext({ sources: [{ id: 'okta', kind: 'idp', format: 'okta-api', baseUrl: d.url, clientIdEnv: 'C', clientSecretEnv: 'S' }], secrets: { C: 'c1', S: 's3cret-value' } });
    expect(await collectRecords<'account'>(createIdpCollector() as never, ok.ctx)).toHaveLength(3);
    const bad = apiContext({ sources: [{ id: 'okta', kind: 'idp', format: 'okta-api', baseUrl: d.url, clientIdEnv: 'C', clientSecretEnv: 'S', scopes: ['okta.users.manage'] }], secrets: { C: 'c1', S: 's3cret-value' } });
    const err = (await collectRecords<'account'>(createIdpCollector() as never, bad.ctx).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('invalid_scope: The following scopes are not allowed: okta.users.manage');
    expect(err.message).not.toContain('s3cret-value');
  });
});

describe('MFA from the factors endpoint', () => {
  it('oktaMfaEnrolled: an ACTIVE factor other than a security question', () => {
    const f = (factorType: string, status: string) => ({ factorType, status, provider: 'OKTA' });
    const rows: [unknown, boolean | undefined][] = [
      [[f('token:software:totp', 'ACTIVE')], true],
      [[f('push', 'ACTIVE'), f('sms', 'PENDING_ACTIVATION')], true],
      [[f('webauthn', 'ACTIVE')], true],
      [[f('question', 'ACTIVE')], false],
      [[f('sms', 'PENDING_ACTIVATION'), f('token:software:totp', 'NOT_SETUP')], false],
      [[], false],
      [undefined, undefined],
    ];
    for (const [factors, expected] of rows) expect(oktaMfaEnrolled(factors)).toBe(expected);
  });

  it('fetched when an mfa-coverage objective reads the source, at most `concurrency` at a time', async () => {
    const users = USERS.slice(0, 40);
    // User i: TOTP active when i % 3 === 0, a security question when i % 3 === 1, nothing otherwise.
    const byId = new Map(users.map((u, i) => [String(u.id), i]));
    const factors = (id: string) => {
      const i = byId.get(id)!;
      return i % 3 === 0 ? [{ factorType: 'token:software:totp', status: 'ACTIVE' }] : i % 3 === 1 ? [{ factorType: 'question', status: 'ACTIVE' }] : [];
    };
    const d = await okta({ users, token: TOKEN, factors });
    const objective = { id: 'mfa', title: 'MFA', kpi: 'mfa-coverage' as const, period: 'month' };
    const t = apiContext({ sources: [source(d.url, { pageSize: 20, concurrency: 3 })], secrets: { OKTA_TOKEN: TOKEN }, objectives: [objective] });
    const api = await collectRecords<'account'>(createIdpCollector() as never, t.ctx);
    // 2 pages + 40 factor look-ups.
    expect(t.counts.apiRequests).toBe(42);
    expect(d.maxInFlight).toBeLessThanOrEqual(3);
    expect(d.maxInFlight).toBeGreaterThan(1);
    // i = 0, 3, …, 39: 14 users enrolled (⌈40 / 3⌉); the other 26 not.
    expect(api.filter((r) => r.data.mfaEnrolled === true)).toHaveLength(14);
    expect(api.filter((r) => r.data.mfaEnrolled === false)).toHaveLength(26);
    expect(api[3]!.data.mfaEnrolled).toBe(true);
    expect(api[4]!.data.mfaEnrolled).toBe(false);

    // No objective needs MFA: no factor look-ups, and mfaEnrolled stays unknown as in okta-json.
    const plain = apiContext({ sources: [source(d.url, { pageSize: 20 })], secrets: { OKTA_TOKEN: TOKEN } });
    const without = await collectRecords<'account'>(createIdpCollector() as never, plain.ctx);
    expect(plain.counts.apiRequests).toBe(2);
    expect(without.every((r) => r.data.mfaEnrolled === undefined)).toBe(true);
  });
});

describe('a refused factor look-up', () => {
  it('fails the run naming the user by position, never by id', async () => {
    const d = await okta({ users: USERS.slice(0, 5), token: TOKEN, factorsForbidden: true });
    const t = apiContext({ sources: [source(d.url, { mfa: 'always', concurrency: 1 })], secrets: { OKTA_TOKEN: TOKEN } });
    const err = (await collectRecords<'account'>(createIdpCollector() as never, t.ctx).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain(`${d.url}/api/v1/users/{id}/factors: Okta refused the factors of user 1 (page 1 of /api/v1/users (0 users read before it)): HTTP 403: E0000006`);
    for (const u of USERS.slice(0, 5)) expect(err.message).not.toContain(String(u.id));
  });
});

describe('paging and --check', () => {
  it('nextLink reads rel="next" among several links, in either order', () => {
    expect(nextLink('<https://x/a?limit=2>; rel="self", <https://x/a?after=b&limit=2>; rel="next"')).toBe('https://x/a?after=b&limit=2');
    expect(nextLink('<https://x/n>; rel="next", <https://x/s>; rel="self"')).toBe('https://x/n');
    expect(nextLink('<https://x/a?limit=200>; rel="self"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it('check: who the token is, what it may do and how many users it sees, in two requests', async () => {
    const d = await okta({ users: USERS, token: TOKEN, me: { login: 'it-admin@example.co.jp' } });
    const t = apiContext({ sources: [source(d.url)], secrets: { OKTA_TOKEN: TOKEN } });
    const r = await createIdpCollector().check!(t.config.sources[0] as never, t.ctx);
    expect(r).toMatchObject({ principal: 'API token of it-admin@example.co.jp', visible: 161, more: false, what: 'users' });
    expect(d.requests.map((x) => x.url.pathname)).toEqual(['/api/v1/users/me', '/api/v1/users']);
  });
});
