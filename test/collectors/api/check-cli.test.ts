/**
 * `isms-kpi collect SOURCE --check` as a person runs it: one small request, "authenticated as X
 * with scopes Y, N users visible" in the organisation's language, nothing stored (no data
 * directory is even created), exit 1 with the API's message (and no token) when refused.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOkta } from './doubles/okta.ts';
import type { Double } from './doubles/server.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');
const USERS = JSON.parse(readFileSync(join(REPO, 'test', 'fixtures', 'idp', 'okta-real', 'list-users.json'), 'utf8')) as Record<string, unknown>[];
const run = promisify(execFile);
const TOKEN = 'cli-check-token-0123456789';

let okta: Double;
const dir = mkdtempSync(join(tmpdir(), 'check-cli-'));

function config(language: 'en' | 'ja'): string {
  const file = join(dir, `${language}.yaml`);
  writeFileSync(file, `organisation: { name: X, internalDomains: [example.co.jp], language: ${language} }
sources:
  - { id: okta, kind: idp, format: okta-api, baseUrl: '${okta.url}', tokenEnv: OKTA_TOKEN, pageSize: 100 }
storage: { dataDir: data-${language} }
`);
  return file;
}

async function check(file: string, token: string) {
  // The compiled CLI, as `npx isms-kpi` runs it (test/global-setup.ts rebuilds dist/ when stale).
  return run(process.execPath, [join(REPO, 'bin', 'isms-kpi.js'), 'collect', 'okta', '--check', '-c', file], { cwd: REPO, env: { ...process.env, OKTA_TOKEN: token } })
    .then((r) => ({ code: 0, ...r }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
}

beforeAll(async () => {
  okta = await startOkta({ users: USERS, token: TOKEN, me: { login: 'it-admin@example.co.jp' } });
});
afterAll(async () => {
  await okta.close();
});

describe('collect --check', () => {
  it('says who the token is and how many users it sees (161 users in pages of 100: the first page, and more)', async () => {
    const r = await check(config('en'), TOKEN);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('okta: authenticated as API token of it-admin@example.co.jp with scopes (an API token has the roles of the admin who created it), 100+ users visible (first page); nothing stored\n');
    expect(existsSync(join(dir, 'data-en'))).toBe(false);
  }, 30_000);

  it('in Japanese for a Japanese organisation', async () => {
    const r = await check(config('ja'), TOKEN);
    expect(r.stdout).toContain('okta: API token of it-admin@example.co.jp として認証しました。');
    expect(r.stdout).toContain('見えるユーザー: 100+ 件（最初のページ）。何も保存していません');
  }, 30_000);

  it('a refused token: exit 1, Okta\'s message, never the token', async () => {
    const r = await check(config('en'), 'a-wrong-token-xyz123');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('okta: check failed: ');
    expect(r.stderr).toContain('HTTP 401: E0000011 Invalid token provided');
    expect(`${r.stdout}${r.stderr}`).not.toContain('a-wrong-token-xyz123');
  }, 30_000);
});
