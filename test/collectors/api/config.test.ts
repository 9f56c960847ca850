/**
 * The API formats in the config: a choice by `format` inside each kind, strict on both sides,
 * secrets only by variable (and every variable an API source names must be set), https only
 * (http to localhost alone), and an unknown format named with the allowed ones.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { ConfigError } from '../../../src/errors.ts';

const HEAD = `organisation: { name: X, internalDomains: [example.co.jp] }
sources:
`;

function issues(sources: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(`${HEAD}${sources}`, '/tmp/c.yaml', env);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.issues.map((i) => `${i.line ?? '?'}: ${i.path}: ${i.message}`);
  }
}

describe('API source config', () => {
  it('accepts an API format without a path, with its variables set', () => {
    expect(issues(`  - { id: okta, kind: idp, format: okta-api, baseUrl: 'https://example.okta.com', tokenEnv: OKTA_TOKEN }\n`, { OKTA_TOKEN: 't' })).toEqual([]);
  });

  it('refuses a file field on an API format, and an API field on a file format', () => {
    expect(issues(`  - { id: okta, kind: idp, format: okta-api, baseUrl: 'https://example.okta.com', tokenEnv: T, path: users.json }\n`, { T: 't' })).toEqual([
      expect.stringMatching(/^3: sources\[0\]\.path: unknown field "path"/),
    ]);
    expect(issues(`  - { id: okta, kind: idp, format: okta-json, path: users.json, tokenEnv: T }\n`, { T: 't' })).toEqual([
      expect.stringMatching(/^3: sources\[0\]\.tokenEnv: unknown field "tokenEnv"/),
    ]);
    expect(issues(`  - { id: okta, kind: idp, format: okta-json }\n`)).toEqual([expect.stringMatching(/sources\[0\]\.path: expected string \(missing\)/)]);
  });

  it('an unset variable of an API source is an error at validate, naming the variable', () => {
    expect(issues(`  - { id: m, kind: lms, format: moodle-api, baseUrl: 'https://lms.example.co.jp', tokenEnv: MOODLE_TOKEN, courses: [12] }\n`)).toEqual([
      '3: sources[0].tokenEnv: environment variable MOODLE_TOKEN is not set',
    ]);
  });

  it('a token in the file has no field to go in; a token in the URL is refused; http only to localhost', () => {
    expect(issues(`  - { id: g, kind: phishing, format: gophish-api, baseUrl: 'https://gophish.example.co.jp:3333/?api_key=abc', apiKeyEnv: K }\n`, { K: 'k' })[0]).toMatch(/a token or key must not be written in the config/);
    expect(issues(`  - { id: g, kind: phishing, format: gophish-api, baseUrl: 'http://gophish.example.co.jp:3333', apiKeyEnv: K }\n`, { K: 'k' })[0]).toMatch(/expected an https:\/\/ URL \(http:\/\/ only for localhost\)/);
    expect(issues(`  - { id: g, kind: phishing, format: gophish-api, baseUrl: 'http://127.0.0.1:3333', apiKeyEnv: K }\n`, { K: 'k' })).toEqual([]);
  });

  it('Okta takes an API token or client credentials, not both; client credentials need exactly one of secret and key', () => {
    const base = `  - { id: o, kind: idp, format: okta-api, baseUrl: 'https://example.okta.com'`;
    const env = { T: 't', C: 'c', S: 's', K: '/k.pem' };
    expect(issues(`${base}, tokenEnv: T, clientIdEnv: C }\n`, env)).toEqual([expect.stringMatching(/sources\[0\]\.clientIdEnv: use either tokenEnv \(API token\) or OAuth client credentials, not both/)]);
    expect(issues(`${base}, clientIdEnv: C }\n`, env)).toEqual([expect.stringMatching(/sources\[0\]\.clientSecretEnv: expected exactly one of clientSecretEnv and privateKeyFileEnv/)]);
    expect(issues(`${base}, clientIdEnv: C, clientSecretEnv: S, privateKeyFileEnv: K }\n`, env)).toEqual([expect.stringMatching(/exactly one of clientSecretEnv and privateKeyFileEnv/)]);
    expect(issues(`${base} }\n`, env)).toEqual([expect.stringMatching(/sources\[0\]\.clientIdEnv: expected clientIdEnv \(or tokenEnv\)/)]);
    expect(issues(`${base}, clientIdEnv: C, privateKeyFileEnv: K, pageSize: 500 }\n`, env)).toEqual([expect.stringMatching(/sources\[0\]\.pageSize: expected a number ≤ 200/)]);
  });

  it('an unknown format is named with the kind\'s formats and a suggestion', () => {
    expect(issues(`  - { id: o, kind: idp, format: okta-apl, baseUrl: 'https://example.okta.com' }\n`)).toEqual([
      expect.stringMatching(/sources\[0\]\.format: unknown format "okta-apl" \(did you mean "okta-api"\?\) \(expected one of: okta-json, entra-csv, .*okta-api, entra-api, google-api, keycloak-api\)/),
    ]);
  });
});
