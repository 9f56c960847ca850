/**
 * E2E audit (KPIS.md "mfa-coverage", "password-age-compliance", "training-completion-rate",
 * "access-review-completion-rate" with "access-review-removal-rate"): HR roster, IdP exports
 * (Google Workspace admin CSV, Entra bulk CSV, a generic directory CSV, the real Okta Users API
 * sample), LMS exports (Moodle "excelcsv" = UTF-16LE + BOM + TAB, a generic CSV in UTC) and
 * access-review sheets returned as CSV and XLSX → the real CLI (collect, access-review start,
 * evaluate, evidence). Organisation Asia/Tokyo (no DST), fiscal year from April.
 *
 * ── 1. Accounts (mfa-coverage, password-age-compliance) ────────────────────────────────────────
 * T = 2026-06-30T12:00+09:00; exports observed 2026-06-30T09:00+09:00.
 *   google (admin CSV)  G1 ann  /Sales Active    2sv True
 *                       G2 bob  /Sales Active    2sv False
 *                       G3 cy   /Dev   Suspended 2sv True      → not active: out
 *                       G4 dan  /Dev   Active    2sv True
 *   entra (bulk CSV)    E1 cy   enabled  MFA True   pwd 2025-06-30T03:00:00Z = T − 365 d exactly
 *                       E2 dan  enabled  MFA False  pwd 2025-06-30T02:59:59Z = T − 365 d − 1 s
 *                       E3 eve  disabled MFA True                               → out
 *                       E4 svc-backup enabled, MFA empty (export does not say), no pwd time
 *   ldap (generic CSV, source zone UTC, times without a zone)
 *                       L1 ann.l  active  mfa yes groups admins;vpn  pwd "2025-06-30 03:00:00" UTC = T − 365 d
 *                       L2 bob.l  active  mfa no  groups vpn         pwd "2025-06-30 02:59:59" UTC = T − 365 d − 1 s
 *                       L3 kiosk  active  mfa no  groups kiosk       hasPassword false
 *                       L4 old.l  disabled                                      → out
 *   (read in the organisation's zone instead, L1's "03:00" would be 2025-06-29T18:00Z: too old.)
 * mfa-coverage, every source: active = G1 G2 G4 E1 E2 E4 L1 L2 L3 = 9; enrolled G1 G4 E1 L1 = 4 → 4/9.
 *   groups [/Sales, admins]: G1 ✓ G2 ✗ L1 ✓ (L4 disabled) → 2/3. groups [/Dev]: G4 ✓ (G3 suspended) → 1/1 met.
 *   groups [contractors]: no active account → no_data, no value.
 * password-age-compliance (maxAgeDays 365) on entra + ldap: population = active with a password =
 *   E1 E2 E4 L1 L2 (L3 has none; E3, L4 disabled) = 5; within 365 d: E1 (exactly), L1 (exactly) → 2/5.
 *   E4 has no password time at all (and no creation time): not shown compliant.
 *   At T + 1 s both exact ones are one second too old → 0/5.
 *
 * ── 1b. The real Okta sample (okta-sdk-test-server list-users.json, 161 users) ───────────────
 * Counted in the file: ACTIVE 107, STAGED 48, PROVISIONED 2, PASSWORD_EXPIRED 2, LOCKED_OUT 1,
 * SUSPENDED 1. Able to sign in (product: ACTIVE, PROVISIONED, PASSWORD_EXPIRED, LOCKED_OUT;
 * STAGED never activated, SUSPENDED out) = 112. The Users API says nothing about MFA →
 * mfa-coverage 0/112 (no evidence of enrolment is not enrolment).
 * Passwords: the 2 PROVISIONED users (OKTA provider, no credentials.password) have none → out;
 * the 2 ACTIVE_DIRECTORY users have no passwordChanged (product: unknown counts as having one and
 * the creation time stands in, documented in src/kpi/password-age-compliance.ts) → population 110.
 * T = 2017-07-20T00:00Z, maxAgeDays 90 → changed ≥ 2017-04-21T00:00Z: only the two users whose
 * password changed on 2017-04-18 fail (the AD users were created 2017-04-21 19:03/19:07) → 108/110.
 *
 * ── 2. Training (training-completion-rate) ─────────────────────────────────────────────────────
 * T = 2026-09-30T12:00+09:00; half-year (fiscal April) = H1 [2026-04-01T00:00+09:00, T];
 * quarter = fiscal Q2 [2026-07-01T00:00+09:00, T]. Courses "Security 2026" (Moodle per-course
 * export, JST, dd/MM/yy, HH:mm), "Privacy 2026" and "Security 2026 (EN)" (generic CSV, UTC).
 *   person        dept   hired / left        Security (Moodle)      Privacy (generic, UTC)       Sec (EN)
 *   ann  E101     Sales  2020-04-01          10/05/26 10:00 ✓H1     by E101 06-01 01:00Z ✓
 *   bob  E102     Sales  2020-04-01          20/07/26 09:00 ✓H1 ✓Q2 —
 *   cy   E103     Dev    2019-04-01          31/03/26 23:59 ✗ (before H1)  03-31 15:00:00Z = 04-01 00:00 JST ✓   03-31 14:59:59Z = 23:59:59 JST ✗
 *   dan  E104     Dev    hired 2026-08-31    "Not completed"        —   (30 d from the hire day's start = 09-30 00:00 ≤ T: in)
 *   eve  E105     Dev    hired 2026-09-05    —                      —   (within the 30-day grace: out)
 *   fay  E106     Sales  leaves 2026-09-30   30/09/26 12:00 = T ✓   by E106 07-15 ✓   (active through her leave date)
 *   gus  E107     Sales  left 2026-09-29     01/09/26 ✓             ✓   (left: out)
 *   hal  E108     Dev    2018-04-01          30/09/26 12:01 > T ✗   by E108 08-02 ✓              by E108 08-01 ✓
 *   ivy  E109     Sales  2015-04-01          as IVY@Corp.Example 01/04/26 00:00 ✓H1 (✗Q2)   by E109 09-30 02:59:59Z = 11:59:59 JST ✓
 *   zed@corp.example (nobody in HR) Security 01/06/26 → not a person: a note, no effect.
 *   HR already shows fay and gus with status 退職 (a "left" status): the leave date decides, and fay
 *   is active through hers.
 * all of [Security 2026, Privacy 2026], H1: population ann bob cy dan fay hal ivy = 7;
 *   complete ann fay ivy → 3/7; failing bob [Privacy], cy [Security], dan [both], hal [Security].
 * anyOf [Security 2026, Security 2026 (EN)], H1: ann bob fay hal ivy → 5/7 (cy, dan fail).
 * newHireGraceDays 25: eve's 09-05 + 25 d = 09-30 00:00 ≤ T → in, nothing done → 3/8.
 * [Security 2026], Q2, departments [Sales]: ann (05-10 ✗) bob ✓ fay ✓ ivy (04-01 ✗) → 2/4.
 * departments [Legal]: nobody → no_data.
 *
 * ── 3. Access review ───────────────────────────────────────────────────────────────────────────
 * HR: ann, bob (Sales, departmentHead E9 = hd), hd (Sales, no head), cy, dan, lee (Dev), eve (Ops),
 * ciso (Security). Config reviewers { Dev: lee }, fallback ciso. IdP (generic CSV) accounts of
 * ann bob cy dan eve lee hd, the orphan zzz, and old (disabled).
 * Campaigns (`access-review start`):
 *   2026-Q1 started 06-15, deadline 2026-06-30 (the whole day: in fiscal Q1) — never returned
 *   2026-Q2 started 2026-09-01T09:00+09:00, deadline 2026-09-15 (whole day, i.e. until 09-16 00:00 JST)
 *   2026-Q3 started 09-25, deadline 2026-10-05 (after T)
 * Reviewers of 2026-Q2 by hand: ann, bob → Sales has no configured reviewer → their head hd;
 *   cy, dan → Dev's configured lee; lee's own account → lee is its owner → no head → fallback ciso;
 *   hd (no head), eve (Ops: none), zzz (orphan) → ciso.
 * Returned: hd's CSV: ann keep 09-15 23:59 ✓; bob remove 09-10 10:00 ✓.
 *           lee's CSV: cy keep 09-03 ✓; dan left blank → "no decision".
 *           ciso's XLSX (Excel date cells): hd keep by "E9" (= hd, its own owner) ✗; lee remove
 *           09-16 00:01 → late ✗; eve keep 09-14 ✓; zzz remove 09-12 10:00 ✓.
 * T = 2026-09-30T12:00+09:00, quarter = fiscal Q2 [07-01, T]: only 2026-Q2 counts (Q1's deadline day
 * is in Q1, Q3's deadline is after T) → completion 5/8 (ann bob cy eve zzz).
 * Removals (graceDays 1) of bob, zzz, lee:
 *   bob: export of 09-11 12:00 shows SUSPENDED with statusChanged 09-11 10:00 = decided + 1 d exactly ✓
 *   zzz: still active at 09-11; export of 09-14 12:00 shows it disabled, no status time → disabled
 *        at that observation > 09-13 10:00 → late ✗
 *   lee: decided 09-16 00:01 (late, still counts), gone from the export of 09-16 18:00 ≤ 09-17 00:01 ✓
 *   → 2/3.
 * departments [Dev] (the department at the campaign's start): cy ✓, dan ✗, lee ✗ → 1/3.
 * Active accounts (mfa-coverage denominator; the export has no MFA column) by observation: 8 up to
 * the 09-11 12:00 export (bob's status time 10:00 is not yet known at 11:00), then 7, 6 (09-14), 5 (09-16).
 * Over the fiscal half-year [04-01, T] 2026-Q1 (8 accounts active at 06-15, none decided) counts as
 * well → 5/16; removals unchanged 2/3.
 * At T2 = 2026-10-10T12:00+09:00 (fiscal Q3 [10-01, T2]): only 2026-Q3, listing the accounts active
 * at 09-25 (ann cy dan eve hd; bob, zzz disabled and lee gone by then), nothing returned → 0/5;
 * no remove decision → removal no_data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objective, Workspace } from './harness.ts';

let ws: Workspace;
afterAll(() => ws.dispose());
beforeAll(() => {
  ws = new Workspace();
});

const byId = (failing: { id: string }[]) => failing.map((f) => f.id).sort();

describe('mfa-coverage and password-age-compliance end to end (Google, Entra, generic CSV)', () => {
  const T = '2026-06-30T12:00:00+09:00';
  let cfg: string;
  beforeAll(() => {
    ws.write('acc/hr.csv', 'employeeId,email,name,department,hireDate\nE1,ann@corp.example,Ann,Sales,2020-04-01\nE2,bob@corp.example,Bob,Sales,2020-04-01\nE3,cy@corp.example,Cy,Dev,2020-04-01\nE4,dan@corp.example,Dan,Dev,2020-04-01\nE5,eve@corp.example,Eve,Dev,2020-04-01\n');
    ws.write(
      'acc/google.csv',
      'First Name [Required],Last Name [Required],Email Address [Required],Password [Required],Password Hash Function [UPLOAD ONLY],Org Unit Path [Required],New Primary Email [UPLOAD ONLY],Status [READ ONLY],Last Sign In [READ ONLY],2sv Enrolled [READ ONLY],2sv Enforced [READ ONLY]\r\n' +
        'Ann,Abe,ann@corp.example,****,,/Sales,,Active,Never logged in,True,True\r\n' +
        'Bob,Baba,bob@corp.example,****,,/Sales,,Active,Never logged in,False,False\r\n' +
        'Cy,Chiba,cy@corp.example,****,,/Dev,,Suspended,Never logged in,True,True\r\n' +
        'Dan,Doi,dan@corp.example,****,,/Dev,,Active,Never logged in,True,False\r\n',
    );
    ws.write(
      'acc/entra.csv',
      'userPrincipalName,displayName,surname,mail,givenName,objectId,userType,jobTitle,department,accountEnabled,isMfaRegistered,lastPasswordChangeDateTime\n' +
        'cy@corp.example,Cy Chiba,Chiba,cy@corp.example,Cy,o-cy,Member,,Dev,True,True,2025-06-30T03:00:00Z\n' +
        'dan@corp.example,Dan Doi,Doi,dan@corp.example,Dan,o-dan,Member,,Dev,True,False,2025-06-30T02:59:59Z\n' +
        'eve@corp.example,Eve Endo,Endo,eve@corp.example,Eve,o-eve,Member,,Dev,False,True,2026-06-01T00:00:00Z\n' +
        'svc-backup@corp.example,Backup,,,,o-svc,Member,,,True,,\n',
    );
    ws.write(
      'acc/ldap.csv',
      'login,email,status,mfaEnrolled,groups,hasPassword,passwordChanged\n' +
        'ann.l,ann@corp.example,active,yes,admins;vpn,true,2025-06-30 03:00:00\n' +
        'bob.l,bob@corp.example,active,no,vpn,true,2025-06-30 02:59:59\n' +
        'kiosk,,active,no,kiosk,false,\n' +
        'old.l,old@corp.example,disabled,yes,admins,true,2026-01-01 00:00:00\n',
    );
    const PWD = '    scope: { sources: [entra, ldap] }\n';
    cfg = ws.config(
      `  - { id: hr, kind: hr-roster, path: acc/hr.csv }
  - { id: google, kind: idp, format: google-csv, path: acc/google.csv }
  - { id: entra, kind: idp, format: entra-csv, path: acc/entra.csv }
  - { id: ldap, kind: idp, format: generic-csv, path: acc/ldap.csv, timeZone: UTC }`,
      [
        objective('mfa', 'mfa-coverage', 'quarter'),
        objective('mfa-groups', 'mfa-coverage', 'quarter', '{ groups: [/Sales, admins] }'),
        objective('mfa-dev', 'mfa-coverage', 'quarter', '{ groups: [/Dev] }'),
        objective('mfa-none', 'mfa-coverage', 'quarter', '{ groups: [contractors] }'),
        objective('pwd', 'password-age-compliance', 'quarter', '', PWD),
        objective('pwd-365', 'password-age-compliance', 'quarter', '{ maxAgeDays: 365 }', PWD),
      ].join(''),
    );
    ws.collect(cfg, { observedAt: '2026-06-30T09:00:00+09:00' });
  });

  it('mfa-coverage: 4 of the 9 active accounts of three IdPs are enrolled; disabled and suspended ones are out', () => {
    const o = ws.evaluate(cfg, T).mfa!;
    expect([o.numerator, o.denominator, o.status]).toEqual([4, 9, 'missed']);
    expect(o.value).toBeCloseTo(4 / 9, 12);
    const ev = ws.evidence(cfg, 'mfa', T).failing;
    expect(byId(ev)).toEqual(['bob.l', 'bob@corp.example', 'dan@corp.example', 'kiosk', 'svc-backup@corp.example']);
    // Owners through the identity keys: bob.l's email is bob's; kiosk has no owner.
    expect(ev.find((f) => f.id === 'bob.l')!.details).toMatchObject({ source: 'ldap', owner: 'bob@corp.example', department: 'Sales' });
    expect(ev.find((f) => f.id === 'kiosk')!.details).toMatchObject({ owner: null });
    expect(ev.find((f) => f.id === 'dan@corp.example')!.details).toMatchObject({ source: 'entra' });
  });

  it('mfa-coverage with groups: [/Sales, admins] 2/3, [/Dev] 1/1, no member → no_data', () => {
    const r = ws.evaluate(cfg, T);
    expect([r['mfa-groups']!.numerator, r['mfa-groups']!.denominator]).toEqual([2, 3]);
    expect([r['mfa-dev']!.numerator, r['mfa-dev']!.denominator, r['mfa-dev']!.value, r['mfa-dev']!.status]).toEqual([1, 1, 1, 'met']);
    expect([r['mfa-none']!.denominator, r['mfa-none']!.value, r['mfa-none']!.status]).toEqual([0, null, 'no_data']);
    expect(byId(ws.evidence(cfg, 'mfa-groups', T).failing)).toEqual(['bob@corp.example']);
  });

  it('password-age-compliance: exactly 365 days is within, one second more is not; no password is out; zone of the source', () => {
    const r = ws.evaluate(cfg, T);
    for (const id of ['pwd', 'pwd-365']) expect([r[id]!.numerator, r[id]!.denominator], id).toEqual([2, 5]);
    expect(byId(ws.evidence(cfg, 'pwd', T).failing)).toEqual(['bob.l', 'dan@corp.example', 'svc-backup@corp.example']);
    const later = ws.evaluate(cfg, '2026-06-30T12:00:01+09:00');
    expect([later.pwd!.numerator, later.pwd!.denominator]).toEqual([0, 5]);
  });

  it('before any export was observed there is no evidence: no_data', () => {
    const r = ws.evaluate(cfg, '2026-06-30T08:59:59+09:00');
    expect([r.mfa!.status, r.mfa!.value, r.pwd!.status]).toEqual(['no_data', null, 'no_data']);
  });
});

describe('mfa-coverage and password-age-compliance on the real Okta Users API sample', () => {
  const T = '2017-07-20T00:00:00Z';
  let cfg: string;
  beforeAll(() => {
    ws.write('okta/list-users.json', readFileSync(join(import.meta.dirname, 'fixtures', 'okta_list-users.json')));
    cfg = ws.config(
      '  - { id: okta, kind: idp, format: okta-json, path: okta/list-users.json }',
      [objective('mfa', 'mfa-coverage', 'quarter'), objective('pwd90', 'password-age-compliance', 'quarter', '{ maxAgeDays: 90 }')].join(''),
    );
    ws.collect(cfg, { observedAt: '2017-07-14T00:00:00Z' });
  });

  it('112 accounts can sign in; the export says nothing about MFA → 0/112', () => {
    const o = ws.evaluate(cfg, T).mfa!;
    expect([o.numerator, o.denominator, o.value, o.status]).toEqual([0, 112, 0, 'missed']);
  });

  it('password age 90 days: 110 accounts with a password, the two changed on 2017-04-18 fail → 108/110', () => {
    const o = ws.evaluate(cfg, T).pwd90!;
    expect([o.numerator, o.denominator]).toEqual([108, 110]);
    const ev = ws.evidence(cfg, 'pwd90', T).failing;
    expect(ev.map((f) => String(f.details.passwordChangedAt).slice(0, 10))).toEqual(['2017-04-19', '2017-04-19']); // 2017-04-18 18:46 / 20:31 UTC = the 19th in Tokyo
  });
});

describe('training-completion-rate end to end (HR roster, Moodle excelcsv, generic LMS CSV in UTC)', () => {
  const T = '2026-09-30T12:00:00+09:00';
  let cfg: string;
  beforeAll(() => {
    ws.write(
      'tr/hr.csv',
      'employeeId,email,name,department,status,hireDate,leaveDate\n' +
        'E101,Ann@Corp.Example,Ann,Sales,在籍,2020-04-01,\n' +
        'E102,bob@corp.example,Bob,Sales,在籍,2020-04-01,\n' +
        'E103,cy@corp.example,Cy,Dev,在籍,2019-04-01,\n' +
        'E104,dan@corp.example,Dan,Dev,在籍,2026-08-31,\n' +
        'E105,eve@corp.example,Eve,Dev,在籍,2026-09-05,\n' +
        'E106,fay@corp.example,Fay,Sales,退職,2020-04-01,2026-09-30\n' +
        'E107,gus@corp.example,Gus,Sales,退職,2020-04-01,2026-09-29\n' +
        'E108,hal@corp.example,Hal,Dev,在籍,2018-04-01,\n' +
        'E109,ivy@corp.example,Ivy,Sales,在籍,2015-04-01,\n',
    );
    // Moodle report/completion "Download in Excel-compatible format": UTF-16LE with a BOM, TAB.
    const moodle = [
      ['ID', 'Name', 'Email address', 'Quiz 1', 'Quiz 1 - Completion date', 'Course complete'],
      ['11', 'Ann Abe', 'ann@corp.example', 'Completed', '10/05/26, 09:00', '10/05/26, 10:00'],
      ['12', 'Bob Baba', 'bob@corp.example', 'Completed', '20/07/26, 08:00', '20/07/26, 09:00'],
      ['13', 'Cy Chiba', 'cy@corp.example', 'Completed', '31/03/26, 23:00', '31/03/26, 23:59'],
      ['14', 'Dan Doi', 'dan@corp.example', 'Not completed', '', 'Not completed'],
      ['16', 'Fay Fujii', 'fay@corp.example', 'Completed', '30/09/26, 11:00', '30/09/26, 12:00'],
      ['17', 'Gus Goto', 'gus@corp.example', 'Completed', '01/09/26, 10:00', '01/09/26, 10:00'],
      ['18', 'Hal Hara', 'hal@corp.example', 'Completed', '30/09/26, 12:00', '30/09/26, 12:01'],
      ['19', 'Ivy Ito', 'IVY@Corp.Example', 'Completed', '01/04/26, 00:00', '01/04/26, 00:00'],
      ['20', 'Zed Zen', 'zed@corp.example', 'Completed', '01/06/26, 10:00', '01/06/26, 10:00'],
    ]
      .map((r) => r.join('\t'))
      .join('\r\n');
    ws.write('tr/moodle-security.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(moodle + '\r\n', 'utf16le')]));
    ws.write(
      'tr/lms.csv',
      'user,training,date completed,status\n' +
        'E101,Privacy 2026,2026-06-01 01:00:00,Completed\n' +
        'cy@corp.example,Privacy 2026,2026-03-31 15:00:00,Completed\n' +
        'cy@corp.example,Security 2026 (EN),2026-03-31 14:59:59,Completed\n' +
        'E104,Privacy 2026,,Not started\n' +
        'E106,Privacy 2026,2026-07-15 00:00:00,Completed\n' +
        'E107,Privacy 2026,2026-07-15 00:00:00,Completed\n' +
        'E108,Security 2026 (EN),2026-08-01 00:00:00,Completed\n' +
        'E108,Privacy 2026,2026-08-02 00:00:00,Completed\n' +
        'E109,Privacy 2026,2026-09-30 02:59:59,Completed\n',
    );
    const ALL = '{ courses: [Security 2026, Privacy 2026] }';
    cfg = ws.config(
      `  - { id: hr, kind: hr-roster, path: tr/hr.csv }
  - { id: moodle, kind: lms, format: moodle-csv, path: tr/moodle-security.csv, course: Security 2026, dateFormat: 'dd/MM/yy, HH:mm' }
  - { id: lms, kind: lms, format: generic-csv, path: tr/lms.csv, timeZone: UTC }`,
      [
        objective('all', 'training-completion-rate', 'half-year', ALL),
        objective('any', 'training-completion-rate', 'half-year', '{ anyOf: [Security 2026, Security 2026 (EN)] }'),
        objective('grace25', 'training-completion-rate', 'half-year', '{ courses: [Security 2026, Privacy 2026], newHireGraceDays: 25 }'),
        objective('sales-q', 'training-completion-rate', 'quarter', '{ courses: [Security 2026], departments: [Sales] }'),
        objective('legal', 'training-completion-rate', 'quarter', '{ courses: [Security 2026], departments: [Legal] }'),
      ].join(''),
    );
    ws.collect(cfg, { observedAt: '2026-09-30T11:00:00+09:00' });
  });

  it('all required courses over the fiscal first half: 3 of 7', () => {
    const o = ws.evaluate(cfg, T).all!;
    expect([o.numerator, o.denominator, o.status]).toEqual([3, 7, 'missed']);
    expect(o.period.from).toBe('2026-04-01T00:00:00.000+09:00');
    const ev = ws.evidence(cfg, 'all', T).failing;
    expect(Object.fromEntries(ev.map((f) => [f.id, f.details.missing]))).toEqual({
      'bob@corp.example': ['Privacy 2026'],
      'cy@corp.example': ['Security 2026'],
      'dan@corp.example': ['Security 2026', 'Privacy 2026'],
      'hal@corp.example': ['Security 2026'],
    });
    // zed's completion matches nobody in HR: noted, not counted.
    expect((ws.evidence(cfg, 'all', T).notes as { id: string }[]).map((n) => n.id)).toEqual(['zed@corp.example']);
  });

  it('anyOf: one of the two security courses suffices → 5 of 7', () => {
    const o = ws.evaluate(cfg, T).any!;
    expect([o.numerator, o.denominator]).toEqual([5, 7]);
    expect(byId(ws.evidence(cfg, 'any', T).failing)).toEqual(['cy@corp.example', 'dan@corp.example']);
  });

  it('newHireGraceDays 25 brings in the person hired on 09-05 → 3 of 8', () => {
    const o = ws.evaluate(cfg, T).grace25!;
    expect([o.numerator, o.denominator]).toEqual([3, 8]);
  });

  it('fiscal Q2 and the Sales department: 2 of 4; a department of nobody is no_data', () => {
    const r = ws.evaluate(cfg, T);
    expect([r['sales-q']!.numerator, r['sales-q']!.denominator]).toEqual([2, 4]);
    expect(r['sales-q']!.period.from).toBe('2026-07-01T00:00:00.000+09:00');
    expect(byId(ws.evidence(cfg, 'sales-q', T).failing)).toEqual(['ann@corp.example', 'ivy@corp.example']);
    expect([r.legal!.denominator, r.legal!.value, r.legal!.status]).toEqual([0, null, 'no_data']);
  });
});

describe('access-review-completion-rate and access-review-removal-rate end to end (start, CSV and XLSX returns)', () => {
  const T = '2026-09-30T12:00:00+09:00';
  let cfg: string;
  const idpHeader = 'login,email,status,statusChanged\n';
  const row = (n: string, status = 'active', changed = '') => `${n}@corp.example,${n}@corp.example,${status},${changed}\n`;
  const everyone = ['ann', 'bob', 'cy', 'dan', 'eve', 'lee', 'hd', 'zzz'];
  let manifest: { sheets: { reviewer: string; accounts: { account: string; owner: string | null; department: string | null }[] }[] };

  function start(campaign: string, at: string, deadline: string): void {
    const r = ws.cli(['access-review', 'start', '-c', cfg, '--campaign', campaign, '--deadline', deadline, '--at', at]);
    if (r.code !== 0) throw new Error(`access-review start exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  /** The generated CSV sheet of a reviewer, with decisions filled in by account. */
  function fillCsv(reviewer: string, decisions: Record<string, [string, string, string]>): string {
    const text = readFileSync(join(ws.dir, 'ar/campaigns/2026-Q2', `${reviewer}.csv`), 'utf8');
    const rows = parse(text, { bom: true }) as string[][];
    for (const r of rows.slice(1)) {
      const d = decisions[r[2]!];
      if (d) [r[9], r[10], r[11]] = d;
    }
    return '\uFEFF' + stringify(rows, { record_delimiter: 'windows' });
  }

  beforeAll(async () => {
    ws.write(
      'ar/hr.csv',
      'employeeId,email,name,department,departmentHead,hireDate\n' +
        'E1,ann@corp.example,Ann,Sales,E9,2020-04-01\n' +
        'E2,bob@corp.example,Bob,Sales,E9,2020-04-01\n' +
        'E3,cy@corp.example,Cy,Dev,,2020-04-01\n' +
        'E4,dan@corp.example,Dan,Dev,,2020-04-01\n' +
        'E5,eve@corp.example,Eve,Ops,,2020-04-01\n' +
        'E8,lee@corp.example,Lee,Dev,,2019-04-01\n' +
        'E9,hd@corp.example,Hd,Sales,,2019-04-01\n' +
        'E10,ciso@corp.example,Ciso,Security,,2019-04-01\n',
    );
    ws.write('ar/idp.csv', idpHeader + everyone.map((n) => row(n)).join('') + row('old', 'disabled'));
    cfg = ws.config(
      `  - { id: hr, kind: hr-roster, path: ar/hr.csv }
  - { id: idp, kind: idp, format: generic-csv, path: ar/idp.csv }
  - id: review
    kind: access-review
    path: ar/returned
    outputDir: ar/campaigns
    accounts: [idp]
    hr: [hr]
    reviewers: { Dev: lee@corp.example }
    fallbackReviewer: ciso@corp.example`,
      [
        objective('review', 'access-review-completion-rate', 'quarter'),
        objective('removal', 'access-review-removal-rate', 'quarter'),
        objective('review-h1', 'access-review-completion-rate', 'half-year'),
        objective('removal-h1', 'access-review-removal-rate', 'half-year'),
        objective('review-dev', 'access-review-completion-rate', 'quarter', '{ departments: [Dev] }'),
        objective('active', 'mfa-coverage', 'quarter'),
      ].join(''),
    );
    ws.collect(cfg, { observedAt: '2026-06-01T09:00:00+09:00', sources: ['hr', 'idp'] });
    start('2026-Q1', '2026-06-15T09:00:00+09:00', '2026-06-30');
    ws.collect(cfg, { observedAt: '2026-09-01T08:00:00+09:00', sources: ['hr', 'idp'] });
    start('2026-Q2', '2026-09-01T09:00:00+09:00', '2026-09-15');
    manifest = JSON.parse(readFileSync(join(ws.dir, 'ar/campaigns/2026-Q2/campaign.json'), 'utf8'));

    // bob suspended 09-11 10:00 (the IdP says so), seen at 12:00.
    ws.write('ar/idp.csv', idpHeader + everyone.map((n) => (n === 'bob' ? row(n, 'suspended', '2026-09-11T10:00:00+09:00') : row(n))).join('') + row('old', 'disabled'));
    ws.collect(cfg, { observedAt: '2026-09-11T12:00:00+09:00', sources: ['idp'] });
    // zzz disabled, first seen so at 09-14 12:00 (no status time).
    const v3 = (skip: string[]) => idpHeader + everyone.filter((n) => !skip.includes(n)).map((n) => (n === 'bob' ? row(n, 'suspended', '2026-09-11T10:00:00+09:00') : n === 'zzz' ? row(n, 'disabled') : row(n))).join('') + row('old', 'disabled');
    ws.write('ar/idp.csv', v3([]));
    ws.collect(cfg, { observedAt: '2026-09-14T12:00:00+09:00', sources: ['idp'] });
    // lee deleted: gone from the export of 09-16 18:00.
    ws.write('ar/idp.csv', v3(['lee']));
    ws.collect(cfg, { observedAt: '2026-09-16T18:00:00+09:00', sources: ['idp'] });

    ws.write('ar/returned/sales.csv', fillCsv('hd@corp.example', {
      'ann@corp.example': ['keep', 'hd@corp.example', '2026-09-15 23:59'],
      'bob@corp.example': ['remove', 'hd@corp.example', '2026-09-10 10:00'],
    }));
    ws.write('ar/returned/dev.csv', fillCsv('lee@corp.example', { 'cy@corp.example': ['keep', 'lee@corp.example', '2026-09-03 10:00'] }));
    // The fallback reviewer returns the XLSX; Excel keeps dates without a zone (as if UTC).
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(ws.dir, 'ar/campaigns/2026-Q2/ciso@corp.example.xlsx'));
    const sheet = wb.worksheets[0]!;
    const xl: Record<string, [string, string, Date]> = {
      'hd@corp.example': ['keep', 'E9', new Date(Date.UTC(2026, 8, 5, 10, 0))],
      'lee@corp.example': ['remove', 'ciso@corp.example', new Date(Date.UTC(2026, 8, 16, 0, 1))],
      'eve@corp.example': ['keep', 'ciso@corp.example', new Date(Date.UTC(2026, 8, 14, 10, 0))],
      'zzz@corp.example': ['remove', 'ciso@corp.example', new Date(Date.UTC(2026, 8, 12, 10, 0))],
    };
    sheet.eachRow((r, n) => {
      if (n === 1) return;
      const d = xl[String(r.getCell(3).value)];
      if (!d) return;
      r.getCell(10).value = d[0];
      r.getCell(11).value = d[1];
      r.getCell(12).value = d[2];
    });
    ws.write('ar/returned/ciso.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    ws.collect(cfg, { observedAt: '2026-09-20T00:00:00+09:00', sources: ['review'] });
    start('2026-Q3', '2026-09-25T09:00:00+09:00', '2026-10-05');
    ws.collect(cfg, { observedAt: '2026-10-06T00:00:00+09:00', sources: ['review'] });
  }, 120_000);

  it('reviewers: the department\'s configured reviewer, else the head from HR, else the fallback — never the owner', () => {
    const sheets = Object.fromEntries(manifest.sheets.map((s) => [s.reviewer, s.accounts.map((a) => a.account).sort()]));
    expect(sheets).toEqual({
      'ciso@corp.example': ['eve@corp.example', 'hd@corp.example', 'lee@corp.example', 'zzz@corp.example'],
      'hd@corp.example': ['ann@corp.example', 'bob@corp.example'],
      'lee@corp.example': ['cy@corp.example', 'dan@corp.example'],
    });
  });

  it('completion in fiscal Q2: only the campaign due 09-15; 5 of 8 decided on time by someone other than the owner', () => {
    const o = ws.evaluate(cfg, T).review!;
    expect([o.numerator, o.denominator, o.status]).toEqual([5, 8, 'missed']);
    const ev = ws.evidence(cfg, 'review', T).failing;
    expect(Object.fromEntries(ev.map((f) => [f.id, [f.details.campaign, f.details.reviewer, f.reason]]))).toEqual({
      'dan@corp.example': ['2026-Q2', 'lee@corp.example', 'no decision'],
      'hd@corp.example': ['2026-Q2', 'ciso@corp.example', 'reviewed by its own owner'],
      'lee@corp.example': ['2026-Q2', 'ciso@corp.example', 'decided late, 1 day(s) after the deadline'],
    });
    const text = JSON.stringify(ev);
    expect(text).not.toContain('2026-Q1');
  });

  it('removal: disabled exactly at decided + 1 day and deleted within the day are done; disabled later is not → 2 of 3', () => {
    const o = ws.evaluate(cfg, T).removal!;
    expect([o.numerator, o.denominator, o.status]).toEqual([2, 3, 'missed']);
    const ev = ws.evidence(cfg, 'removal', T).failing;
    expect(byId(ev)).toEqual(['zzz@corp.example']);
    expect(ev[0]!.details).toMatchObject({ decidedAt: '2026-09-12T10:00:00.000+09:00', disabledAt: '2026-09-14T12:00:00.000+09:00' });
  });

  it('departments [Dev]: cy ✓, dan no decision, lee late → 1 of 3', () => {
    const o = ws.evaluate(cfg, T)['review-dev']!;
    expect([o.numerator, o.denominator]).toEqual([1, 3]);
  });

  it('active accounts at T are those of the export observed by T, not the IdP\'s later status time', () => {
    // The generic export says nothing about MFA: every active account fails, so the denominator
    // is the count of active accounts. bob's suspension (IdP time 09-11 10:00) is first observed
    // at 12:00; zzz is disabled in the 09-14 export; lee is gone from the 09-16 18:00 one.
    const active = (at: string) => ws.evaluate(cfg, at).active!.denominator;
    expect(active('2026-09-11T11:00:00+09:00')).toBe(8);
    expect(active('2026-09-11T12:00:00+09:00')).toBe(7);
    expect(active('2026-09-14T12:00:00+09:00')).toBe(6);
    expect(active('2026-09-16T18:00:00+09:00')).toBe(5);
  });

  it('over the fiscal first half the 2026-Q1 campaign (due 06-30, never returned) counts too: 5 of 16', () => {
    const r = ws.evaluate(cfg, T);
    expect([r['review-h1']!.numerator, r['review-h1']!.denominator]).toEqual([5, 16]);
    expect([r['removal-h1']!.numerator, r['removal-h1']!.denominator]).toEqual([2, 3]);
  });

  it('in fiscal Q3 only the campaign due 10-05 counts: its 5 accounts undecided; no removal → no_data', () => {
    const r = ws.evaluate(cfg, '2026-10-10T12:00:00+09:00');
    expect([r.review!.numerator, r.review!.denominator]).toEqual([0, 5]);
    expect([r.removal!.denominator, r.removal!.status]).toEqual([0, 'no_data']);
    // Before 10-05's deadline has passed nothing of fiscal Q3 is due yet.
    const early = ws.evaluate(cfg, '2026-10-05T12:00:00+09:00');
    expect([early.review!.denominator, early.review!.status]).toEqual([0, 'no_data']);
  });
});
