/**
 * entra-api, google-api and keycloak-api against doubles built from each API's documented
 * shapes: each gives exactly the accounts (and the rejections) its file twin gives for the same
 * users, whatever the page size; throttling, quota and permission errors behave as documented.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdpCollector, idpCollector } from '../../../src/collectors/idp/collector.ts';
import { parseKeycloakUser } from '../../../src/collectors/idp/keycloak.ts';
import { EvidenceInputError } from '../../../src/errors.ts';
import { apiContext, collectRecords, fakeClock } from './context.ts';
import { startEntra } from './doubles/entra.ts';
import { startGoogle } from './doubles/google.ts';
import { startKeycloak } from './doubles/keycloak.ts';
import type { Double } from './doubles/server.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'idp');
const json = <T>(f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as T;
const tmp = mkdtempSync(join(tmpdir(), 'idp-apis-'));
const MFA = [{ id: 'mfa', title: 'MFA', kpi: 'mfa-coverage' as const, period: 'month' }];

const doubles: Double[] = [];
afterEach(async () => {
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});
const keep = <D extends Double>(d: D) => (doubles.push(d), d);

/** A file twin's records and rejections (the file written to a temporary folder when given as data). */
async function twin(format: string, data: unknown, name: string) {
  const file = join(tmp, name);
  writeFileSync(file, JSON.stringify(data));
  const t = apiContext({ sources: [{ id: 'src', kind: 'idp', format, path: file }] });
  const records = await collectRecords<'account'>(idpCollector as never, t.ctx);
  return { records, rejections: t.rejections.map((r) => ({ line: r.line, field: r.field, reason: r.reason })) };
}

async function viaApi(source: Record<string, unknown>, secrets: Record<string, string>, objectives: typeof MFA = [], deps?: Parameters<typeof createIdpCollector>[0]) {
  const t = apiContext({ sources: [{ id: 'src', kind: 'idp', ...source }], secrets, objectives });
  const records = await collectRecords<'account'>(createIdpCollector(deps) as never, t.ctx);
  return { records, rejections: t.rejections.map((r) => ({ line: r.line, field: r.field, reason: r.reason })), counts: t.counts, files: t.rejections.map((r) => r.file) };
}

describe('entra-api (Microsoft Graph)', () => {
  const doc = json<{ value: Record<string, unknown>[] }>('entra-users.json');
  const creds = { tenantId: 'contoso', clientIdEnv: 'GRAPH_ID', clientSecretEnv: 'GRAPH_SECRET' };
  const secrets = { GRAPH_ID: 'app-1', GRAPH_SECRET: 'graph-secret-value' };
  const entra = (o: Partial<Parameters<typeof startEntra>[0]> = {}) => startEntra({ tenant: 'contoso', clientId: 'app-1', clientSecret: 'graph-secret-value', users: doc.value, ...o }).then(keep);
  const src = (d: Double, extra: Record<string, unknown> = {}) => ({ format: 'entra-api', baseUrl: d.url, tokenUrl: `${d.url}/contoso/oauth2/v2.0/token`, ...creds, ...extra });

  it('pages of 2 by @odata.nextLink give entra-json\'s accounts and rejections (user 3 has no userPrincipalName)', async () => {
    const d = await entra();
    const api = await viaApi(src(d, { pageSize: 2 }), secrets);
    const file = await twin('entra-json', doc, 'entra.json');
    expect(api.records).toEqual(file.records);
    expect(api.rejections).toEqual(file.rejections);
    expect(api.rejections).toEqual([{ line: 3, field: 'userPrincipalName', reason: 'userPrincipalName: missing' }]);
    // 1 token + 2 pages (2 + 1 users).
    expect(api.counts.apiRequests).toBe(3);
    expect(api.files).toEqual([`${d.url}/v1.0/users`]);
  });

  it('MFA registration joined from userRegistrationDetails equals an export joined the same way', async () => {
    const registered = new Map([['aaaaaaaa-0000-0000-0000-000000000001', true]]);
    const d = await entra({ registered });
    const api = await viaApi(src(d, { pageSize: 2 }), secrets, MFA);
    const joined = { value: doc.value.map((u) => ({ ...u, isMfaRegistered: registered.get(String(u.id)) ?? false })) };
    expect(api.records).toEqual((await twin('entra-json', joined, 'entra-mfa.json')).records);
    expect(api.records.map((r) => r.data.mfaEnrolled)).toEqual([true, false]);
  });

  it('429 with Retry-After (seconds) waits as asked; so does 503 with Retry-After', async () => {
    for (const status of [429, 503] as const) {
      const clock = fakeClock();
      const d = await entra({ throttle: { times: 2, retryAfter: '7', status } });
      const api = await viaApi(src(d), secrets, [], { now: clock.now, sleep: clock.sleep });
      expect(api.records).toHaveLength(2);
      expect(clock.slept).toEqual([7000, 7000]);
      expect(api.counts).toEqual({ apiRequests: 1 + 3, rateLimitWaitSeconds: 14 });
    }
  });

  it('a wrong client secret fails at once with the identity platform\'s message, without the secret', async () => {
    const d = await entra({ clientSecret: 'the-real-one' });
    const err = (await viaApi(src(d), secrets).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('HTTP 401: AADSTS7000215: Invalid client secret provided.');
    expect(err.message).not.toContain('graph-secret-value');
  });

  it('a missing AuditLog.Read.All fails with Graph\'s own code and message', async () => {
    const d = await entra({ roles: ['User.Read.All'] });
    const err = (await viaApi(src(d), secrets, MFA).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('HTTP 403: Authentication_RequestFromUnsupportedUserRole: Insufficient privileges to complete the operation.');
  });

  it('check: the app, its application permissions and the user count', async () => {
    const d = await entra();
    const t = apiContext({ sources: [{ id: 'src', kind: 'idp', ...src(d) }], secrets });
    expect(await createIdpCollector().check!(t.config.sources[0] as never, t.ctx)).toEqual({ principal: 'app isms-kpi app-1', scopes: ['User.Read.All', 'AuditLog.Read.All'], visible: 3, what: 'users' });
  });
});

describe('google-api (Admin SDK Directory, service account with domain-wide delegation)', () => {
  const doc = json<{ users: unknown[] }>('google-users.json');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  async function setup(o: { quota?: number; admin?: string } = {}) {
    const d = keep(await startGoogle({ clientEmail: 'isms@proj.iam.gserviceaccount.com', publicKey, admin: 'admin@example.co.jp', users: doc.users, quota: o.quota }));
    const keyFile = join(tmp, `sa-${d.url.split(':').at(-1)}.json`);
    writeFileSync(keyFile, JSON.stringify({ type: 'service_account', client_email: 'isms@proj.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), private_key_id: 'kid-1', token_uri: d.tokenUri }));
    const source = { format: 'google-api', baseUrl: d.url, serviceAccountKeyFileEnv: 'GOOGLE_KEY', impersonate: o.admin ?? 'admin@example.co.jp', pageSize: 1 };
    return { d, source, secrets: { GOOGLE_KEY: keyFile } };
  }

  it('pages of 1 by nextPageToken give google-json\'s accounts', async () => {
    const { source, secrets } = await setup();
    const api = await viaApi(source, secrets);
    const file = await twin('google-json', doc, 'google.json');
    expect(api.records).toEqual(file.records);
    expect(api.rejections).toEqual(file.rejections);
    expect(api.counts.apiRequests).toBe(1 + doc.users.length);
  });

  it('403 rateLimitExceeded is a quota, retried with backoff; not a permission error', async () => {
    const clock = fakeClock();
    const { source, secrets } = await setup({ quota: 2 });
    const api = await viaApi(source, secrets, [], { now: clock.now, sleep: clock.sleep });
    expect(api.records).toHaveLength((await twin('google-json', doc, 'google.json')).records.length);
    // No Retry-After: a backoff doubling with each refusal in a row, from 1 s.
    expect(clock.slept).toEqual([1000, 2000]);
    expect(api.counts.rateLimitWaitSeconds).toBe(3);
  });

  it('a service account not delegated for the admin fails at once with Google\'s message', async () => {
    const { source, secrets } = await setup({ admin: 'someone-else@example.co.jp' });
    const err = (await viaApi(source, secrets).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('HTTP 401: unauthorized_client: Client is unauthorized to retrieve access tokens');
    expect(err.message).not.toMatch(/PRIVATE KEY|eyJ/);
  });
});

describe('keycloak-api (admin REST)', () => {
  const users = json<Record<string, unknown>[]>('keycloak-users.json');
  const secrets = { KC_ID: 'isms-kpi', KC_SECRET: 'kc-secret-value' };
  const kc = (o: Partial<Parameters<typeof startKeycloak>[0]> = {}) => startKeycloak({ realm: 'corp', clientId: 'isms-kpi', clientSecret: 'kc-secret-value', users, ...o }).then(keep);
  const src = (d: Double, extra: Record<string, unknown> = {}) => ({ format: 'keycloak-api', baseUrl: d.url, realm: 'corp', clientIdEnv: 'KC_ID', clientSecretEnv: 'KC_SECRET', pageSize: 2, ...extra });

  it('first/max pages of 2 give keycloak-json\'s accounts and rejections', async () => {
    const d = await kc();
    const api = await viaApi(src(d), secrets);
    const file = await twin('keycloak-json', users, 'kc.json');
    expect(api.records).toEqual(file.records);
    expect(api.rejections).toEqual(file.rejections);
    // 5 users in pages of 2: 2 + 2 + 1, the short page ends it; plus the token.
    expect(d.requests.filter((r) => r.url.pathname.endsWith('/users')).map((r) => r.url.searchParams.get('first'))).toEqual(['0', '2', '4']);
  });

  it('with MFA wanted, each user\'s credentials are read, as a realm export carries them', async () => {
    const credentials = (id: string) => (id === 'kc-4' ? [{ type: 'password', createdDate: 1720000000000 }, { type: 'webauthn', createdDate: 1720000000000 }] : id === 'kc-1' ? [{ type: 'password', createdDate: 1710000000000 }] : []);
    const d = await kc({ credentials });
    const api = await viaApi(src(d), secrets, MFA);
    const file = await twin('keycloak-json', users.map((u) => ({ ...u, credentials: credentials(String(u.id)) })), 'kc-creds.json');
    expect(api.records).toEqual(file.records);
    // kc-1: a password only → not enrolled (its totp flag no longer decides); kc-4: WebAuthn → enrolled.
    expect(Object.fromEntries(api.records.map((r) => [r.key, r.data.mfaEnrolled]))).toEqual({ 'kc-1': false, 'kc-2': false, 'kc-3': false, 'kc-4': true });
  });

  it('createdTimestamp before 2001-09-09 has 12 digits and is still epoch milliseconds', () => {
    // 760496400000 ms = 1994-02-06T01:00:00Z = 10:00 in Tokyo.
    const r = parseKeycloakUser({ id: 'k', username: 'u', enabled: true, createdTimestamp: 760496400000 }, 'Asia/Tokyo');
    expect(r.ok && r.data.createdAt).toBe('1994-02-06T10:00:00.000+09:00');
  });

  it('a service account without view-users gets Keycloak\'s 403, at once', async () => {
    const d = await kc({ roles: ['view-clients'] });
    const err = (await viaApi(src(d), secrets).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect(err.message).toContain('HTTP 403: HTTP 403 Forbidden');
  });

  it('check: the service account, its realm-management roles and the user count', async () => {
    const d = await kc();
    const t = apiContext({ sources: [{ id: 'src', kind: 'idp', ...src(d) }], secrets });
    expect(await createIdpCollector().check!(t.config.sources[0] as never, t.ctx)).toEqual({ principal: 'service-account-isms-kpi', scopes: ['profile', 'email', 'realm-management:view-users'], visible: 5, what: 'users' });
  });
});
