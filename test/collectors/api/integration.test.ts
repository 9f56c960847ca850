/**
 * Opt-in integration tests against real tenants: each block runs ONLY when its variables are set
 * (`describe.runIf`); without them vitest lists it as skipped — no tenant was asked for, nothing
 * is missing. They only read (the same read-only scopes the README lists), store into a memory
 * store, and check what holds for any tenant: `--check` authenticates and sees users, a full
 * collection ends with every page read, at least as many accounts as the check saw on its first
 * page (or exactly the count the API reports), and no secret in any message.
 *
 *   ISMS_TEST_OKTA_URL=https://dev-123.okta.com ISMS_TEST_OKTA_TOKEN=… npx vitest run test/collectors/api/integration.test.ts
 *
 * Variables: Okta ISMS_TEST_OKTA_URL + ISMS_TEST_OKTA_TOKEN; Entra ISMS_TEST_ENTRA_TENANT +
 * ISMS_TEST_ENTRA_CLIENT_ID + ISMS_TEST_ENTRA_CLIENT_SECRET; Google ISMS_TEST_GOOGLE_KEY_FILE +
 * ISMS_TEST_GOOGLE_ADMIN; Keycloak ISMS_TEST_KEYCLOAK_URL + ISMS_TEST_KEYCLOAK_REALM +
 * ISMS_TEST_KEYCLOAK_CLIENT_ID + ISMS_TEST_KEYCLOAK_CLIENT_SECRET; GoPhish ISMS_TEST_GOPHISH_URL
 * + ISMS_TEST_GOPHISH_KEY; Moodle ISMS_TEST_MOODLE_URL + ISMS_TEST_MOODLE_TOKEN +
 * ISMS_TEST_MOODLE_COURSES (course ids, comma-separated).
 */
import { describe, expect, it } from 'vitest';
import { createIdpCollector } from '../../../src/collectors/idp/collector.ts';
import { createLmsCollector } from '../../../src/collectors/lms/collector.ts';
import { createPhishingCollector } from '../../../src/collectors/phishing/collector.ts';
import type { Collector } from '../../../src/collectors/types.ts';
import { apiContext, collectRecords } from './context.ts';

const env = process.env;
const all = (...names: string[]) => names.every((n) => (env[n] ?? '').trim() !== '');

async function realTenant(collector: Collector<never, never>, source: Record<string, unknown>, secrets: Record<string, string>, exact: boolean) {
  const t = apiContext({ sources: [{ id: 'real', ...source } as never], secrets });
  const check = await collector.check!(t.config.sources[0] as never, t.ctx);
  expect(check.principal).not.toBe('');
  const records = await collectRecords(collector, t.ctx);
  if (exact) expect(records.length + t.rejections.length).toBe(check.visible);
  else expect(records.length + t.rejections.length).toBeGreaterThanOrEqual(check.visible);
  expect(t.counts.apiRequests).toBeGreaterThan(0);
  const text = JSON.stringify({ check, rejections: t.rejections, logs: t.logs });
  for (const s of Object.values(secrets)) if (s.length >= 8) expect(text).not.toContain(s);
  return { records, check };
}

describe.runIf(all('ISMS_TEST_OKTA_URL', 'ISMS_TEST_OKTA_TOKEN'))('okta-api against a real Okta org', () => {
  it('checks, then reads every page of /api/v1/users', async () => {
    await realTenant(createIdpCollector() as never, { kind: 'idp', format: 'okta-api', baseUrl: env.ISMS_TEST_OKTA_URL, tokenEnv: 'T' }, { T: env.ISMS_TEST_OKTA_TOKEN! }, false);
  }, 600_000);
});

describe.runIf(all('ISMS_TEST_ENTRA_TENANT', 'ISMS_TEST_ENTRA_CLIENT_ID', 'ISMS_TEST_ENTRA_CLIENT_SECRET'))('entra-api against a real Entra tenant', () => {
  it('checks, then reads every page of /v1.0/users (as many as /users/$count says)', async () => {
    await realTenant(createIdpCollector() as never, { kind: 'idp', format: 'entra-api', tenantId: env.ISMS_TEST_ENTRA_TENANT, clientIdEnv: 'I', clientSecretEnv: 'S' }, { I: env.ISMS_TEST_ENTRA_CLIENT_ID!, S: env.ISMS_TEST_ENTRA_CLIENT_SECRET! }, true);
  }, 600_000);
});

describe.runIf(all('ISMS_TEST_GOOGLE_KEY_FILE', 'ISMS_TEST_GOOGLE_ADMIN'))('google-api against a real Workspace domain', () => {
  it('checks, then reads every page of users.list', async () => {
    await realTenant(createIdpCollector() as never, { kind: 'idp', format: 'google-api', serviceAccountKeyFileEnv: 'K', impersonate: env.ISMS_TEST_GOOGLE_ADMIN }, { K: env.ISMS_TEST_GOOGLE_KEY_FILE! }, false);
  }, 600_000);
});

describe.runIf(all('ISMS_TEST_KEYCLOAK_URL', 'ISMS_TEST_KEYCLOAK_REALM', 'ISMS_TEST_KEYCLOAK_CLIENT_ID', 'ISMS_TEST_KEYCLOAK_CLIENT_SECRET'))('keycloak-api against a real Keycloak', () => {
  it('checks, then reads every page (as many as /users/count says)', async () => {
    await realTenant(createIdpCollector() as never, { kind: 'idp', format: 'keycloak-api', baseUrl: env.ISMS_TEST_KEYCLOAK_URL, realm: env.ISMS_TEST_KEYCLOAK_REALM, clientIdEnv: 'I', clientSecretEnv: 'S' }, { I: env.ISMS_TEST_KEYCLOAK_CLIENT_ID!, S: env.ISMS_TEST_KEYCLOAK_CLIENT_SECRET! }, true);
  }, 600_000);
});

describe.runIf(all('ISMS_TEST_GOPHISH_URL', 'ISMS_TEST_GOPHISH_KEY'))('gophish-api against a real GoPhish', () => {
  it('checks, then reads every campaign\'s results', async () => {
    const t = apiContext({ sources: [{ id: 'real', kind: 'phishing', format: 'gophish-api', baseUrl: env.ISMS_TEST_GOPHISH_URL!, apiKeyEnv: 'K' }], secrets: { K: env.ISMS_TEST_GOPHISH_KEY! } });
    const c = createPhishingCollector();
    const check = await c.check!(t.config.sources[0] as never, t.ctx);
    const records = await collectRecords(c as never, t.ctx);
    // One summary request and one results request per campaign.
    expect(t.counts.apiRequests).toBe(1 + check.visible);
    expect(JSON.stringify({ records, check })).not.toContain(env.ISMS_TEST_GOPHISH_KEY!);
  }, 600_000);
});

describe.runIf(all('ISMS_TEST_MOODLE_URL', 'ISMS_TEST_MOODLE_TOKEN', 'ISMS_TEST_MOODLE_COURSES'))('moodle-api against a real Moodle', () => {
  it('checks, then reads every enrolled user\'s completion status', async () => {
    const courses = env.ISMS_TEST_MOODLE_COURSES!.split(',').map(Number);
    const t = apiContext({ sources: [{ id: 'real', kind: 'lms', format: 'moodle-api', baseUrl: env.ISMS_TEST_MOODLE_URL!, tokenEnv: 'T', courses }], secrets: { T: env.ISMS_TEST_MOODLE_TOKEN! } });
    const c = createLmsCollector();
    const check = await c.check!(t.config.sources[0] as never, t.ctx);
    expect(check.scopes).toContain('core_completion_get_course_completion_status');
    const records = await collectRecords(c as never, t.ctx);
    expect(records.length).toBeLessThanOrEqual(check.more ? Number.MAX_SAFE_INTEGER : check.visible * courses.length);
    expect(JSON.stringify({ records, rejections: t.rejections })).not.toContain(env.ISMS_TEST_MOODLE_TOKEN!);
  }, 600_000);
});
