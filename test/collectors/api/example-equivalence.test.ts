/**
 * The same evidence whichever way it arrives, on the example organisation: its exports served
 * through API doubles (okta-users.json through the Okta double; the Google Workspace CSV, the
 * Moodle report and the three GoPhish CSVs turned into the Directory, Moodle and GoPhish
 * responses that carry the same facts) give the accounts, completions and phishing results the
 * file formats give, and the KPIs worked out by hand in test/fixtures/example-expected.md.
 * Entra ID and Keycloak versions of the Okta users, as a file and through their APIs, give
 * identical KPIs too.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/collectors/types.ts';
import { loadConfig, parseConfig } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { EvidenceStore, RunRecord } from '../../../src/evidence/store.ts';
import { runCollection } from '../../../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../../../src/kpi/evaluate.ts';
import type { KpiResult } from '../../../src/kpi/types.ts';
import { startEntra } from './doubles/entra.ts';
import { startGophish, type GophishCampaign } from './doubles/gophish.ts';
import { startGoogle } from './doubles/google.ts';
import { startKeycloak } from './doubles/keycloak.ts';
import { startMoodle, type MoodleUser } from './doubles/moodle.ts';
import { startOkta } from './doubles/okta.ts';
import type { Double } from './doubles/server.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');
const CONFIG = join(REPO, 'config', 'example.yaml');
const DATA = join(REPO, 'config', 'example-data');
const EXPORTED = new Date('2026-11-19T09:00:00+09:00');
const T = new Date('2026-11-20T12:00:00+09:00');
const ZONE = 'Asia/Tokyo';
const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} };
const tmp = mkdtempSync(join(tmpdir(), 'example-api-'));

/** Hand-computed in example-expected.md (as in test/example/expected-kpis.test.ts). */
const EXPECTED: Record<string, [number, number, string]> = {
  'stale-accounts': [12, 26, 'missed'],
  'security-training': [250, 264, 'missed'],
  'phishing-drill': [33, 445, 'met'],
  mfa: [267, 276, 'missed'],
  'incident-reporting': [10, 12, 'at_risk'],
  'attachment-encryption': [3, 6, 'missed'],
};

type Raw = Record<string, unknown>;
const OKTA_USERS = JSON.parse(readFileSync(join(DATA, 'okta-users.json'), 'utf8')) as Raw[];
const exampleYaml = parseYaml(readFileSync(CONFIG, 'utf8')) as { sources: Raw[]; storage?: unknown };
const fileSource = (id: string) => {
  const s = exampleYaml.sources.find((x) => x.id === id)!;
  // A source reads one `path` or a list of `paths` (access logs, scan reports); the access
  // review's campaigns folder is a path too.
  const outputDir = s.outputDir ? { outputDir: join(REPO, 'config', String(s.outputDir)) } : {};
  if (Array.isArray(s.paths)) return { ...s, paths: (s.paths as string[]).map((p) => join(REPO, 'config', p)), ...outputDir };
  return { ...s, path: join(REPO, 'config', String(s.path)), ...outputDir };
};
const REPLACED = ['okta', 'google-workspace', 'moodle', 'gophish-2026-03', 'gophish-2026-06', 'gophish-2026-10'];

/** The example config with its IdP, LMS and phishing sources replaced; the others stay files, at absolute paths. */
function configWith(sources: Raw[], secrets: Record<string, string>, name: string): Config {
  const kept = exampleYaml.sources.filter((x) => !REPLACED.includes(String(x.id))).map((x) => fileSource(String(x.id)));
  const doc = { ...exampleYaml, sources: [...kept, ...sources], storage: { dataDir: join(tmp, name) } };
  const file = join(tmp, `${name}.yaml`);
  const text = toYaml(doc);
  writeFileSync(file, text);
  return parseConfig(text, file, secrets);
}

async function collect(config: Config): Promise<{ store: EvidenceStore; runs: Map<string, RunRecord>; results: KpiResult[] }> {
  const store = createMemoryStore();
  const runs = new Map<string, RunRecord>();
  for (const s of config.sources) runs.set(s.id, await runCollection({ config, store, log: quiet }, s.id, { observedAt: EXPORTED }));
  return { store, runs, results: await evaluateObjectives(store, config, T) };
}

async function records(store: EvidenceStore, kind: 'account' | 'completion' | 'phishing', source: string) {
  const out: Record<string, unknown> = {};
  for await (const v of store.readSnapshot(kind, T, [source])) if (v.current) out[v.key] = v.current;
  return out;
}

const summary = (rs: KpiResult[]) =>
  Object.fromEntries(rs.map((r) => [r.objective, { numerator: r.numerator, denominator: r.denominator, value: r.value, status: r.status, failing: r.failing.map((f) => f.id).sort() }]));

// --- The example's files turned into API responses carrying the same facts ---------------------

const csvRows = (file: string, opts: { encoding?: BufferEncoding; delimiter?: string } = {}) =>
  parseCsv(readFileSync(join(DATA, file), opts.encoding ?? 'utf8').replace(/^\uFEFF/, ''), { columns: true, delimiter: opts.delimiter ?? ',', bom: true }) as Record<string, string>[];

/** Google Workspace CSV rows → Directory API users (the fields the CSV has). */
function directoryUsers(): Raw[] {
  return csvRows('google-workspace-users.csv').map((r) => {
    const status = r['Status [READ ONLY]']!;
    const signIn = r['Last Sign In [READ ONLY]'];
    return {
      kind: 'admin#directory#user',
      primaryEmail: r['Email Address [Required]'],
      name: { givenName: r['First Name [Required]'], familyName: r['Last Name [Required]'], fullName: `${r['First Name [Required]']} ${r['Last Name [Required]']}` },
      suspended: status === 'Suspended',
      archived: status === 'Archived',
      ...(signIn ? { lastLoginTime: DateTime.fromFormat(signIn, 'yyyy/MM/dd HH:mm:ss', { zone: ZONE }).toUTC().toISO() } : { lastLoginTime: '1970-01-01T00:00:00.000Z' }),
      isEnrolledIn2Sv: r['2sv Enrolled [READ ONLY]'] === 'True',
      isEnforcedIn2Sv: r['2sv Enforced [READ ONLY]'] === 'True',
      orgUnitPath: r['Org Unit Path [Required]'],
      ...(r['Employee ID'] ? { externalIds: [{ value: r['Employee ID'], type: 'organization' }] } : {}),
      ...(r.Department ? { organizations: [{ department: r.Department, primary: true }] } : {}),
    };
  });
}

/** Moodle's completion report (UTF-16LE, TAB) → enrolled users with the times their two criteria were met. */
function moodleUsers(): MoodleUser[] {
  const epoch = (cell: string | undefined) => (cell ? DateTime.fromFormat(cell, 'dd/MM/yy, HH:mm', { zone: ZONE }).toSeconds() : undefined);
  return csvRows('moodle-completion.csv', { encoding: 'utf16le', delimiter: '\t' }).map((r) => ({
    id: Number(r.ID),
    email: r['Email address']!,
    fullname: r.Name!,
    criteria: [epoch(r['情報セキュリティ研修（動画） - Completion date']), epoch(r['確認テスト - Completion date'])],
  }));
}

/** The three GoPhish CSV exports → campaigns with their configured names and launch times. */
function gophishCampaigns(): GophishCampaign[] {
  return ['gophish-2026-03', 'gophish-2026-06', 'gophish-2026-10'].map((id, i) => {
    const s = exampleYaml.sources.find((x) => x.id === id)!;
    const launch = new Date(String(s.launchedAt));
    return {
      id: i + 1,
      name: String(s.campaign),
      status: 'Completed',
      created_date: launch.toISOString(),
      launch_date: launch.toISOString(),
      completed_date: new Date(launch.getTime() + 14 * 86_400_000).toISOString(),
      results: csvRows(`${id}.csv`).map((r) => ({ ...r, latitude: Number(r.latitude), longitude: Number(r.longitude), reported: r.reported === 'true' })),
    };
  });
}

const OKTA_ENABLED = new Set(['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']);
const profileOf = (u: Raw) => u.profile as Record<string, string | undefined>;

/** The Okta users as Graph users (what an Entra tenant holding the same people would list). */
const graphUsers = (): Raw[] =>
  OKTA_USERS.map((u) => ({
    id: u.id, userPrincipalName: profileOf(u).login, mail: profileOf(u).email, displayName: profileOf(u).displayName, accountEnabled: OKTA_ENABLED.has(String(u.status)),
    userType: 'Member', employeeId: profileOf(u).employeeNumber, department: profileOf(u).department, createdDateTime: u.created, lastPasswordChangeDateTime: u.passwordChanged,
    ...(u.lastLogin ? { signInActivity: { lastSuccessfulSignInDateTime: u.lastLogin, lastSignInDateTime: u.lastLogin } } : {}),
  }));

/** The Okta users as Keycloak UserRepresentations. */
const keycloakUsers = (): Raw[] =>
  OKTA_USERS.map((u) => ({
    id: u.id, username: profileOf(u).login, email: profileOf(u).email, firstName: profileOf(u).firstName, lastName: profileOf(u).lastName, enabled: OKTA_ENABLED.has(String(u.status)),
    createdTimestamp: Date.parse(String(u.created)), attributes: { ...(profileOf(u).department ? { department: [profileOf(u).department] } : {}), ...(profileOf(u).employeeNumber ? { employeeId: [profileOf(u).employeeNumber] } : {}) },
    requiredActions: [],
  }));

// ------------------------------------------------------------------------------------------------

const doubles: Double[] = [];
let files: Awaited<ReturnType<typeof collect>>;
let apis: Awaited<ReturnType<typeof collect>>;
let twins: Awaited<ReturnType<typeof collect>>;

beforeAll(async () => {
  const okta = await startOkta({ users: OKTA_USERS, token: 'okta-token' });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const google = await startGoogle({ clientEmail: 'isms@example.iam.gserviceaccount.com', publicKey, admin: 'admin@example.co.jp', users: directoryUsers() });
  const keyFile = join(tmp, 'sa.json');
  writeFileSync(keyFile, JSON.stringify({ client_email: 'isms@example.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }), token_uri: google.tokenUri }));
  const moodle = await startMoodle({ token: 'moodle-token', courses: [{ id: 2026, fullname: '情報セキュリティ研修2026', shortname: 'sec2026', aggregation: 1, users: moodleUsers() }] });
  const campaigns = gophishCampaigns();
  const gophish = await startGophish({ key: 'gophish-key', campaigns: () => campaigns });
  doubles.push(okta, google, moodle, gophish);

  files = await collect(loadConfig(CONFIG, {}));
  apis = await collect(configWith([
    { id: 'okta', kind: 'idp', format: 'okta-api', baseUrl: okta.url, tokenEnv: 'OKTA_TOKEN' },
    { id: 'google-workspace', kind: 'idp', format: 'google-api', baseUrl: google.url, serviceAccountKeyFileEnv: 'GOOGLE_KEY', impersonate: 'admin@example.co.jp' },
    { id: 'moodle', kind: 'lms', format: 'moodle-api', baseUrl: moodle.url, tokenEnv: 'MOODLE_TOKEN', courses: [2026] },
    { id: 'gophish', kind: 'phishing', format: 'gophish-api', baseUrl: gophish.url, apiKeyEnv: 'GOPHISH_KEY' },
  ], { OKTA_TOKEN: 'okta-token', GOOGLE_KEY: keyFile, MOODLE_TOKEN: 'moodle-token', GOPHISH_KEY: 'gophish-key' }, 'apis'));

  // The JSON twins of the converted sources: the same objects the doubles served, as files.
  const googleFile = join(tmp, 'google.json');
  writeFileSync(googleFile, JSON.stringify({ kind: 'admin#directory#users', users: directoryUsers() }));
  const gophishFile = join(tmp, 'gophish.json');
  writeFileSync(gophishFile, JSON.stringify(campaigns));
  twins = await collect(configWith([
    fileSource('okta'),
    { id: 'google-workspace', kind: 'idp', format: 'google-json', path: googleFile },
    fileSource('moodle'),
    { id: 'gophish', kind: 'phishing', format: 'gophish-json', path: gophishFile },
  ], {}, 'twins'));
}, 60_000);

afterAll(async () => {
  await Promise.all(doubles.map((d) => d.close()));
  for (const x of [files, apis, twins]) await x?.store.close();
});

describe('the example organisation through the APIs', () => {
  it('every API source collects without a rejection; Okta\'s 308 users take 2 requests (200 a page)', () => {
    for (const [id, run] of apis.runs) expect({ id, result: run.result, rejected: run.rejected }).toEqual({ id, result: 'success', rejected: 0 });
    expect(apis.runs.get('okta')!.api).toEqual({ requests: 2, rateLimitWaitSeconds: 0 });
    // File sources make no requests and record no API counters.
    expect(apis.runs.get('hr')!.api).toBeUndefined();
  });

  it('the same accounts, completions and phishing results as the file formats', async () => {
    expect(await records(apis.store, 'account', 'okta')).toEqual(await records(files.store, 'account', 'okta'));
    expect(await records(apis.store, 'account', 'google-workspace')).toEqual(await records(twins.store, 'account', 'google-workspace'));
    expect(await records(apis.store, 'completion', 'moodle')).toEqual(await records(files.store, 'completion', 'moodle'));
    expect(await records(apis.store, 'phishing', 'gophish')).toEqual(await records(twins.store, 'phishing', 'gophish'));
    expect(Object.keys(await records(apis.store, 'account', 'okta'))).toHaveLength(308);
    expect(Object.keys(await records(apis.store, 'completion', 'moodle'))).toHaveLength(265);
  });

  it('the KPIs worked out by hand, identical to the files\' objective by objective (failing subjects too)', () => {
    const got = summary(apis.results);
    for (const [id, [n, d, status]] of Object.entries(EXPECTED)) expect({ id, ...got[id], failing: undefined, value: undefined }).toEqual({ id, numerator: n, denominator: d, status, failing: undefined, value: undefined });
    expect(got).toEqual(summary(files.results));
    expect(summary(twins.results)).toEqual(summary(files.results));
  });
});

describe('Entra ID and Keycloak holding the example\'s people: file and API give identical KPIs', () => {
  for (const variant of ['entra', 'keycloak'] as const) {
    it(variant, async () => {
      const users = variant === 'entra' ? graphUsers() : keycloakUsers();
      const file = join(tmp, `${variant}.json`);
      writeFileSync(file, JSON.stringify(variant === 'entra' ? { value: users } : users));
      const d = variant === 'entra'
        ? await startEntra({ tenant: 'example', clientId: 'app', clientSecret: 'app-secret', users })
        : await startKeycloak({ realm: 'example', clientId: 'isms-kpi', clientSecret: 'kc-secret', users });
      doubles.push(d);
      const api = variant === 'entra'
        ? { id: 'okta', kind: 'idp', format: 'entra-api', tenantId: 'example', baseUrl: d.url, tokenUrl: `${d.url}/example/oauth2/v2.0/token`, clientIdEnv: 'ID', clientSecretEnv: 'SECRET', pageSize: 100 }
        : { id: 'okta', kind: 'idp', format: 'keycloak-api', baseUrl: d.url, realm: 'example', clientIdEnv: 'ID', clientSecretEnv: 'SECRET', pageSize: 100 };
      const rest = [fileSource('google-workspace'), fileSource('moodle'), fileSource('gophish-2026-03'), fileSource('gophish-2026-06'), fileSource('gophish-2026-10')];
      const viaFile = await collect(configWith([{ id: 'okta', kind: 'idp', format: `${variant}-json`, path: file }, ...rest], {}, `${variant}-file`));
      const viaApi = await collect(configWith([api, ...rest], { ID: variant === 'entra' ? 'app' : 'isms-kpi', SECRET: variant === 'entra' ? 'app-secret' : 'kc-secret' }, `${variant}-api`));
      expect(viaApi.runs.get('okta')).toMatchObject({ result: 'success', accepted: 308 });
      // 1 token + ⌈308 / 100⌉ = 4 pages.
      expect(viaApi.runs.get('okta')!.api!.requests).toBe(5);
      expect(await records(viaApi.store, 'account', 'okta')).toEqual(await records(viaFile.store, 'account', 'okta'));
      expect(summary(viaApi.results)).toEqual(summary(viaFile.results));
      // Not a trivial agreement: the leaver objective has a population to disagree on.
      expect(summary(viaApi.results)['stale-accounts']!.denominator).toBeGreaterThan(0);
      await viaFile.store.close();
      await viaApi.store.close();
    });
  }
});
