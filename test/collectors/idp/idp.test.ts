import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { idpCollector } from '../../../src/collectors/idp/collector.ts';
import { parseOktaUser } from '../../../src/collectors/idp/okta.ts';
import type { Keyed } from '../../../src/evidence/records.ts';
import { EvidenceInputError } from '../../../src/errors.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

const REAL = '/work/shared/fixtures/real/idp/okta';
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/idp');

async function collect(baseDir: string, source: Record<string, unknown>) {
  const t = testContext({ baseDir });
  const records = await collectAll(idpCollector, sourceOf({ kind: 'idp', ...source }), t.ctx);
  return { records, rejections: t.rejections };
}

const byKey = (records: Keyed<'account'>[]) => new Map(records.map((r) => [r.key, r.data]));

describe('okta-json on the real okta-sdk-test-server users list', () => {
  it('reads all 161 users; STAGED and SUSPENDED are not enabled, LOCKED_OUT / PASSWORD_EXPIRED / PROVISIONED are', async () => {
    const { records, rejections } = await collect(REAL, { format: 'okta-json', path: 'list-users.json' });
    expect(rejections).toEqual([]);
    expect(records).toHaveLength(161);
    // Statuses in the file: ACTIVE 107, STAGED 48, PROVISIONED 2, PASSWORD_EXPIRED 2, LOCKED_OUT 1, SUSPENDED 1.
    expect(records.filter((r) => r.data.enabled)).toHaveLength(107 + 2 + 2 + 1);
    // 122 users carry credentials.password; 30 more are OKTA-provider users without one; 9 are AD-mastered.
    expect(records.filter((r) => r.data.hasPassword === true)).toHaveLength(122);
    expect(records.filter((r) => r.data.hasPassword === false)).toHaveLength(30);
    expect(records.filter((r) => r.data.hasPassword === undefined)).toHaveLength(9);
    // lastLogin is null (never) for all but 28.
    expect(records.filter((r) => r.data.lastLoginAt !== undefined)).toHaveLength(28);
    expect(records.every((r) => r.data.mfaEnrolled === undefined)).toBe(true);

    const m = byKey(records);
    expect(m.get('00ua8j1q9t7ifPv040h7')).toEqual({
      accountId: '00ua8j1q9t7ifPv040h7',
      login: 'sachin.tendulkar@corp.oktatest.com',
      email: 'vijet.mahabaleshwar@okta.com',
      displayName: 'Sachin Tendulkar',
      enabled: false,
      rawStatus: 'STAGED',
      createdAt: '2017-04-21T18:49:47.000Z',
    });
    expect(m.get('00uarkjuo5qwEAYs30h7')).toEqual({
      accountId: '00uarkjuo5qwEAYs30h7',
      login: 'Jane_Doe@example.com',
      email: 'jane_doe@example.com',
      displayName: 'Lavinia Balistreri',
      enabled: true,
      rawStatus: 'LOCKED_OUT',
      statusChangedAt: '2017-06-27T20:57:30.000Z',
      createdAt: '2017-06-09T17:01:35.000Z',
      lastLoginAt: '2017-06-27T20:56:25.000Z',
      hasPassword: true,
      passwordChangedAt: '2017-06-09T17:01:35.000Z',
    });
    expect(m.get('00uanby8gdGTuKDFk0h7')).toMatchObject({ rawStatus: 'PROVISIONED', enabled: true, hasPassword: false, lastLoginAt: '2017-05-30T20:01:59.000Z' });
  });

  it('suspended users are not enabled and keep the status-changed time', async () => {
    const { records } = await collect(REAL, { format: 'okta-json', path: 'list-users-suspended.json' });
    expect(records.map((r) => [r.key, r.data.enabled, r.data.rawStatus])).toEqual([
      ['00uabmvhl7oYQ7u1z0h7', false, 'SUSPENDED'],
      ['00ub64p34kMZWO32j0h7', false, 'SUSPENDED'],
    ]);
    expect(records[0]!.data.statusChangedAt).toBe('2017-05-30T18:29:59.000Z');
  });

  it('rejects a user with an unknown status or no login', () => {
    expect(parseOktaUser({ id: 'x', status: 'ON_HOLIDAY', profile: { login: 'a' } }, 'UTC')).toEqual({ ok: false, field: 'status', reason: 'status: unknown Okta status "ON_HOLIDAY"' });
    expect(parseOktaUser({ id: 'x', status: 'ACTIVE', profile: {} }, 'UTC')).toEqual({ ok: false, field: 'profile.login', reason: 'profile.login: missing' });
    expect(parseOktaUser('nope', 'UTC')).toMatchObject({ ok: false });
  });
});

describe('entra', () => {
  it('entra-csv: accountEnabled True/False; a row with another value is rejected', async () => {
    const { records, rejections } = await collect(FIXTURES, { format: 'entra-csv', path: 'entra-users.csv' });
    expect(records).toEqual([
      {
        key: '11111111-1111-1111-1111-111111111111',
        data: {
          accountId: '11111111-1111-1111-1111-111111111111', login: 'ken.ito@example.co.jp', email: 'ken.ito@example.co.jp', displayName: 'Ken Ito',
          enabled: true, rawStatus: 'true', accountType: 'Member', department: 'Sales',
        },
      },
      {
        key: '22222222-2222-2222-2222-222222222222',
        data: {
          accountId: '22222222-2222-2222-2222-222222222222', login: 'guest_x#EXT#@example.onmicrosoft.com', email: 'x@partner.example',
          displayName: 'Guest X', enabled: false, rawStatus: 'false', accountType: 'Guest',
        },
      },
    ]);
    expect(rejections).toEqual([{ file: path.join(FIXTURES, 'entra-users.csv'), line: 4, field: 'accountEnabled', reason: 'accountEnabled: expected true or false, found "maybe"' }]);
  });

  it('entra-json: last login is the last successful sign-in, not the last attempt', async () => {
    const { records, rejections } = await collect(FIXTURES, { format: 'entra-json', path: 'entra-users.json' });
    expect(records).toEqual([
      {
        key: 'aaaaaaaa-0000-0000-0000-000000000001',
        data: {
          accountId: 'aaaaaaaa-0000-0000-0000-000000000001', login: 'ken.ito@example.co.jp', email: 'ken.ito@example.co.jp', employeeId: '1001',
          displayName: 'Ken Ito', enabled: true, rawStatus: 'true', createdAt: '2024-04-01T00:00:00.000Z', lastLoginAt: '2026-07-19T23:00:00.000Z',
          passwordChangedAt: '2026-01-10T03:00:00.000Z', accountType: 'Member',
        },
      },
      {
        key: 'aaaaaaaa-0000-0000-0000-000000000002',
        data: {
          accountId: 'aaaaaaaa-0000-0000-0000-000000000002', login: 'left@example.co.jp', displayName: 'Left User', enabled: false, rawStatus: 'false',
          createdAt: '2023-04-01T00:00:00.000Z', accountType: 'Member',
        },
      },
    ]);
    expect(rejections).toEqual([{ file: path.join(FIXTURES, 'entra-users.json'), line: 3, field: 'userPrincipalName', reason: 'userPrincipalName: missing' }]);
  });
});

describe('google', () => {
  it('google-csv: Admin console headers; "Never logged in"; zone-less sign-in read in the source zone', async () => {
    const { records, rejections } = await collect(FIXTURES, { format: 'google-csv', path: 'google-users.csv', timeZone: 'UTC' });
    expect(records).toEqual([
      {
        key: 'ken.ito@example.co.jp',
        data: {
          accountId: 'ken.ito@example.co.jp', login: 'ken.ito@example.co.jp', email: 'ken.ito@example.co.jp', displayName: 'Ken Ito', enabled: true,
          rawStatus: 'Active', lastLoginAt: '2026-07-20T09:15:00.000Z', mfaEnrolled: true, groups: ['/Sales'],
        },
      },
      {
        key: 'hanako@example.co.jp',
        data: {
          accountId: 'hanako@example.co.jp', login: 'hanako@example.co.jp', email: 'hanako@example.co.jp', displayName: 'Hanako Sato', enabled: false,
          rawStatus: 'Suspended', mfaEnrolled: false, groups: ['/'],
        },
      },
    ]);
    expect(rejections).toEqual([
      { file: path.join(FIXTURES, 'google-users.csv'), line: 4, field: 'status', reason: 'status: expected Active, Suspended or Archived, found "Gone"' },
    ]);
  });

  it('google-json: archived is not enabled; a 1970 lastLoginTime means never', async () => {
    const { records, rejections } = await collect(FIXTURES, { format: 'google-json', path: 'google-users.json' });
    expect(records).toEqual([
      {
        key: 'ken.ito@example.co.jp',
        data: {
          accountId: 'ken.ito@example.co.jp', login: 'ken.ito@example.co.jp', email: 'ken.ito@example.co.jp', employeeId: '1001', displayName: 'Ken Ito',
          enabled: true, rawStatus: 'ACTIVE', createdAt: '2020-04-01T00:00:00.000Z', lastLoginAt: '2026-07-20T00:15:00.000Z', mfaEnrolled: true,
          groups: ['/Sales'], department: 'Sales',
        },
      },
      {
        key: 'new@example.co.jp',
        data: {
          accountId: 'new@example.co.jp', login: 'new@example.co.jp', email: 'new@example.co.jp', displayName: 'New Hire', enabled: false,
          rawStatus: 'ARCHIVED', createdAt: '2026-07-01T00:00:00.000Z', mfaEnrolled: false, groups: ['/'],
        },
      },
    ]);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([[3, 'primaryEmail: missing']]);
  });
});

describe('keycloak-json', () => {
  it('epoch-ms creation, MFA from credentials, totp or required actions, else unknown', async () => {
    const { records, rejections } = await collect(FIXTURES, { format: 'keycloak-json', path: 'keycloak-users.json', timeZone: 'UTC' });
    expect(records).toEqual([
      {
        key: 'kc-1',
        data: {
          accountId: 'kc-1', login: 'ken.ito', email: 'ken.ito@example.co.jp', employeeId: '1001', displayName: 'Ken Ito', enabled: true, rawStatus: 'true',
          // 1 712 000 000 000 ms
          createdAt: '2024-04-01T19:33:20.000Z', mfaEnrolled: true,
        },
      },
      { key: 'kc-2', data: { accountId: 'kc-2', login: 'svc-backup', enabled: false, rawStatus: 'false', createdAt: '2023-11-14T22:13:20.000Z', mfaEnrolled: false } },
      {
        key: 'kc-3',
        data: {
          accountId: 'kc-3', login: 'hanako', enabled: true, rawStatus: 'true', createdAt: '2024-04-01T19:33:20.000Z', mfaEnrolled: true, hasPassword: true,
          passwordChangedAt: '2024-07-03T09:46:40.000Z',
        },
      },
      { key: 'kc-4', data: { accountId: 'kc-4', login: 'nobody', enabled: true, rawStatus: 'true' } },
    ]);
    expect(rejections.map((r) => [r.line, r.field])).toEqual([[5, 'username']]);
  });
});

describe('generic-csv', () => {
  it('semicolons, Japanese headers through the mapping, status words for enabled', async () => {
    const source = {
      format: 'generic-csv',
      path: 'generic-accounts.csv',
      columns: { accountId: 'uid', login: 'ログイン名', email: 'メール', status: '状態', lastLoginAt: '最終ログイン', mfaEnrolled: 'MFA' },
    };
    const { records, rejections } = await collect(FIXTURES, source);
    expect(records).toEqual([
      {
        key: 'a1',
        data: { accountId: 'a1', login: 'ken.ito', email: 'ken.ito@example.co.jp', enabled: true, rawStatus: '有効', lastLoginAt: '2026-07-20T09:00:00.000+09:00', mfaEnrolled: true },
      },
      { key: 'a2', data: { accountId: 'a2', login: 'old.user', enabled: false, rawStatus: '停止', mfaEnrolled: false } },
    ]);
    expect(rejections.map((r) => [r.line, r.field])).toEqual([[4, 'lastLoginAt']]);
  });
});

describe('okta-json envelopes', () => {
  it('a Graph-style {"value": [...]} page reads like the bare array, with positions as lines', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idp-env-'));
    const users = '[{"id":"a","status":"ACTIVE","profile":{"login":"a@x"}},{"id":"b","status":"NOPE","profile":{"login":"b@x"}}]';
    writeFileSync(path.join(dir, 'bare.json'), users);
    writeFileSync(path.join(dir, 'wrapped.json'), `{"value": ${users}}`);
    for (const file of ['bare.json', 'wrapped.json']) {
      const { records, rejections } = await collect(dir, { format: 'okta-json', path: file });
      expect(records).toEqual([{ key: 'a', data: { accountId: 'a', login: 'a@x', enabled: true, rawStatus: 'ACTIVE' } }]);
      expect(rejections.map((r) => [r.line, r.field])).toEqual([[2, 'status']]);
    }
  });
});

describe('bad files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idp-bad-'));
  writeFileSync(path.join(dir, 'broken.json'), '[{"id": "x",');
  writeFileSync(path.join(dir, 'object.json'), '{"id": "x"}');
  // The array splits into elements, but the second is not JSON: the whole file is refused.
  writeFileSync(path.join(dir, 'bad-element.json'), '[{"id":"a","status":"ACTIVE","profile":{"login":"a"}},{"id": tru}]');
  // Users on lines 2 and 3 are fine; the third, on line 4, is cut short.
  writeFileSync(path.join(dir, 'bad-third.json'), '[\n{"id":"a","status":"ACTIVE","profile":{"login":"a"}},\n{"id":"b","status":"ACTIVE","profile":{"login":"b"}},\n{"id":"c","status":}\n]');
  writeFileSync(path.join(dir, 'entra.csv'), 'displayName,mail\nx,y\n');

  it.each([
    ['okta-json', 'broken.json', /broken\.json: not valid JSON/],
    ['okta-json', 'object.json', /object\.json: expected a JSON array of users/],
    ['okta-json', 'bad-element.json', /bad-element\.json: not valid JSON: user 2 \(line 1\)/],
    ['okta-json', 'bad-third.json', /bad-third\.json: not valid JSON: user 3 \(line 4\)/],
    ['entra-csv', 'entra.csv', /entra\.csv: missing required column\(s\) objectId .*userPrincipalName .*accountEnabled/],
    ['okta-json', 'absent.json', /absent\.json: file not found/],
  ])('%s %s → EvidenceInputError', async (format, file, message) => {
    const run = collect(dir, { format, path: file });
    await expect(run).rejects.toBeInstanceOf(EvidenceInputError);
    await expect(run).rejects.toThrow(message);
  });
});
