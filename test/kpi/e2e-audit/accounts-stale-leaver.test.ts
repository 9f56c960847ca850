/**
 * E2E audit (KPIS.md "stale-account-deletion-rate", "leaver-activity-count"): an HR roster, an
 * Okta Users API export (okta-json), a generic directory CSV and three access logs (combined web
 * log, sshd syslog, ECS JSON lines) → the real CLI (collect at several --observed-at instants,
 * evaluate, evidence). Every number below is worked out by hand from KPIS.md.
 *
 * Organisation Asia/Tokyo (UTC+9, no DST), fiscal year from April, defaultLoginDomain corp.example,
 * identity keys default (email, employee id, login), alias yamada-t@corp.example → gus@corp.example,
 * service accounts by login pattern ^svc-.
 * A leave date D is the last working day: stale-since = D+1 00:00 JST; deadline = stale-since + 1 d.
 *
 * HR roster (constant):       leave date   stale-since (JST)   deadline (graceDays 1)
 *   E1 ann  ann@corp.example  2026-05-14   05-15 00:00         05-16 00:00
 *   E2 bob                    2026-05-14   05-15 00:00         05-16 00:00
 *   E3 cy                     2026-05-14   05-15 00:00         05-16 00:00
 *   E4 dan                    2026-05-14   05-15 00:00         05-16 00:00
 *   E5 eve  (HR login e.kato) 2026-05-14   05-15 00:00         05-16 00:00
 *   E7 gus                    2026-05-31   06-01 00:00         06-02 00:00
 *   E8 hal                    2026-03-20   03-21 00:00         03-22 00:00
 *   E9 ivy                    2026-02-27   02-28 00:00         03-01 00:00
 *   E10 jun                   2026-06-29   06-30 00:00         07-01 00:00 (> T)
 *   E11 kai                   2026-06-28   06-29 00:00         06-30 00:00 (≤ T = 12:00)
 *   E12 lee, E13 mia, E14 nao, E15 oli: employed.
 *
 * Exports of okta and dir observed at A 03-01 09:00, B 05-01 09:00, C 05-15 18:00, D 05-20 09:00,
 * E 06-20 09:00 (all JST):
 *   okta Ann@Corp.Example (mixed case → ann by email)   ACTIVE A–C; SUSPENDED D,E statusChanged
 *        2026-05-15T14:59:59Z = 05-15 23:59:59 JST (between C and D, so believed) → 1 s before ✓
 *   okta bob   ACTIVE A–C; DEPROVISIONED D,E statusChanged 05-15T15:00:00Z = the deadline exactly ✓
 *   okta cy    ACTIVE A–C; SUSPENDED D,E statusChanged 05-15T15:00:01Z → 1 s late ✗, 1 day overdue
 *   okta yamada-t@corp.example (alias → gus) ACTIVE throughout ✗
 *   okta ivy   SUSPENDED from A, statusChanged 02-28T03:00Z (12:00 JST) ✓ (FY2025 Q4 only)
 *   okta jun, kai ACTIVE throughout; lee, mia, nao ACTIVE (employed)
 *   okta oli   ACTIVE A–D; SUSPENDED E statusChanged 2026-05-21T00:00Z (09:00 JST)
 *   okta zed@corp.example: no such person → orphan, ACTIVE from A (stale since A = 03-01 09:00)
 *   okta svc-backup@corp.example: service account (pattern) → never in the population
 *   dir  e.kato (no email, no id → eve by HR login name) present A,B; absent from C → deleted at
 *        C = 05-15 18:00 ≤ 05-16 00:00 ✓
 *   dir  dan.d (employeeId E4 → dan) present A–D; absent from E → deleted at E 06-20 09:00 ✗
 *   dir  hal.h (email HAL@CORP.EXAMPLE, employeeId E2 = bob's: email is the first key → hal)
 *        active A–C; "disabled" at D, no status time → disabled at D 05-20 09:00 ✗
 *
 * ── stale-account-deletion-rate, T = 2026-06-30T12:00+09:00, fiscal Q1 [04-01 00:00, T] ───────
 *   ann ✓ bob ✓ cy ✗ (1) e.kato ✓
 *   dan.d ✗ overdue ⌈06-20 09:00 − 05-16 00:00⌉ = ⌈35 d 9 h⌉ = 36
 *   yamada-t ✗ still enabled ⌈T − 06-02 00:00⌉ = ⌈28 d 12 h⌉ = 29
 *   kai ✗ ⌈T − 06-30 00:00⌉ = ⌈12 h⌉ = 1
 *   hal.h: stale 03-21 before Q1 but not disabled at Q1's start → carried over ✗
 *          ⌈05-20 09:00 − 03-22 00:00⌉ = ⌈59 d 9 h⌉ = 60 (owner hal, not bob: bob's deadline would give 5)
 *   zed (orphan) carried over ✗ ⌈T − 03-02 09:00⌉ = ⌈120 d 3 h⌉ = 121 (KPIS.md kind 3: an active
 *       orphan is in the population, stale since first seen; product: first observation seen enabled)
 *   out: ivy (stale and disabled before Q1), jun (deadline 07-01 > T), svc-backup, employed people
 *   → 3/9, missed.
 * graceDays 3 (deadlines + 3 d): ann bob cy e.kato ✓; dan.d, hal.h, gus (06-04 ≤ T), zed ✗;
 *   kai's deadline 07-02 > T → out → 4/8.
 * At T = 2026-05-20T12:00+09:00 (obs A–D known): ann bob e.kato ✓, cy ✗ 1, dan.d still enabled ✗
 *   ⌈4 d 12 h⌉ = 5, hal.h ✗ 60, zed ✗ ⌈79 d 3 h⌉ = 80; gus, kai, jun not yet leavers → 3/7.
 * At T = 2026-03-31T12:00+09:00 (FY2025 Q4 [01-01, T], obs A only): ivy ✓, hal.h ✗ still enabled
 *   ⌈9 d 12 h⌉ = 10, zed ✗ ⌈29 d 3 h⌉ = 30 → 1/3.
 *
 * includeDormant, dormantDays 30, scope [hr, okta, web] (okta's lastLogin; web log successes):
 *   lee  lastLogin 05-01T00:00Z = 09:00 JST → stale 05-31 09:00, deadline 06-01 09:00 ✗ ⌈29 d 3 h⌉ = 30
 *   mia  lastLogin 04-01 (dormant by the IdP alone) but web success 06-20 10:00 JST → 07-20 > T: out
 *   nao  never logged in, created 2026-01-10T00:00Z → stale 02-09 09:00, deadline 02-10 09:00,
 *        carried over ✗ ⌈140 d 3 h⌉ = 141
 *   oli  lastLogin 04-20T00:00Z → stale 05-20 09:00, deadline 05-21 09:00; suspended at exactly
 *        05-21 09:00 (statusChanged) ✓
 *   leavers' okta accounts logged in recently (dormancy later than their leave): ann bob ✓, cy gus kai ✗;
 *   zed ✗ (orphan, logged in 06-25: not dormant, still orphan); dir accounts out of scope
 *   → 3/9.
 *
 * ── leaver-activity-count ──────────────────────────────────────────────────────────────────────
 * Logs collected at 05-20 12:00 (part 1) and at T = 06-30 12:00 (part 2 appended):
 *   web part 1: ann 200 05-14 23:59:59 (before stale-since: no), ann 200 05-15 00:00:00 (1),
 *               hal 200 03-31 23:00 (before Q1: no), hal 200 04-01 00:00 (1), `-` 200 (no user),
 *               ann 401 and ann 403 05-16 (not successes), eve 401 only (a failure: no subject),
 *               Ann@Corp.Example 302 05-20 10:00 (1)
 *   ssh part 1 (RFC 3164, year from the file time): cy Accepted 05-14 23:59:59 (no);
 *               bob Accepted 05-16 09:00 (1) + "message repeated 3 times: [ Accepted … ]" (3);
 *               bob Failed + repeated 2 times Failed (failures, no)
 *   ecs part 1: cy failure 05-18, cy session/start success (not authentication) → no
 *   web part 2: mia 200 06-20 (employed: no), kai 200 06-30 11:59:59 (1), kai 200 06-30 12:00:01 (> T: no)
 *   ssh part 2 (ISO time): yamada-t Accepted 06-02 08:00 (bare + default domain + alias → gus) (1)
 *   ecs part 2: cy success 05-31T15:00Z = 06-01 00:00 JST (1); kai 4624 06-28T14:59:59Z =
 *               23:59:59 JST (no); kai 4624 06-29T01:00Z (1); kai 4625 failure (no)
 * Q1 at T: ann 2, hal 1, bob 4, cy 1, gus 1, kai 2 → 11, missed. (gus's bare `yamada-t` was lost
 * until identity.ts looked an alias keyed with the default domain up under the bare name too.)
 * Q1 at 05-20 12:00 (part 1 only): ann 2, hal 1, bob 4 → 7.
 * rolling 30 days at T = (05-31 12:00, T]: gus 1, cy 1 (06-01 00:00), kai 2 → 4.
 * At 05-20 11:59:59 nothing has been collected from the logs → no_data.
 * Denominator (product's documented choice, src/kpi/leaver-activity-count.ts: the distinct log
 * names with any authentication in the period; `-` is no user, a 403 and a non-authentication
 * ECS event are no authentication): Q1 at T {ann, Ann@Corp.Example, hal, eve, mia, kai, cy, bob,
 * yamada-t} = 9; at 05-20 12:00 {ann, Ann@Corp.Example, hal, eve, cy (05-14 23:59:59 success and
 * the 05-18 failure are in Q1), bob} = 6.
 */
import { utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objective, Workspace } from './harness.ts';

let ws: Workspace;
let cfg: string;
const T = '2026-06-30T12:00:00+09:00';
const T_MAY = '2026-05-20T12:00:00+09:00';
const T_Q4 = '2026-03-31T12:00:00+09:00';

const OBS = ['A', 'B', 'C', 'D', 'E'] as const;
type Obs = (typeof OBS)[number];
const OBSERVED: Record<Obs, string> = {
  A: '2026-03-01T09:00:00+09:00',
  B: '2026-05-01T09:00:00+09:00',
  C: '2026-05-15T18:00:00+09:00',
  D: '2026-05-20T09:00:00+09:00',
  E: '2026-06-20T09:00:00+09:00',
};

interface OktaSpec {
  id: string;
  login: string;
  email?: string;
  created?: string;
  lastLogin: string | null;
  /** Status per observation (absent: ACTIVE), with its statusChanged. */
  status?: Partial<Record<Obs, [string, string]>>;
}

const okta: OktaSpec[] = [
  { id: '00u-ann', login: 'Ann@Corp.Example', email: 'Ann@Corp.Example', lastLogin: '2026-05-10T00:00:00.000Z', status: { D: ['SUSPENDED', '2026-05-15T14:59:59.000Z'], E: ['SUSPENDED', '2026-05-15T14:59:59.000Z'] } },
  { id: '00u-bob', login: 'bob@corp.example', lastLogin: '2026-05-10T00:00:00.000Z', status: { D: ['DEPROVISIONED', '2026-05-15T15:00:00.000Z'], E: ['DEPROVISIONED', '2026-05-15T15:00:00.000Z'] } },
  { id: '00u-cy', login: 'cy@corp.example', lastLogin: '2026-05-10T00:00:00.000Z', status: { D: ['SUSPENDED', '2026-05-15T15:00:01.000Z'], E: ['SUSPENDED', '2026-05-15T15:00:01.000Z'] } },
  { id: '00u-gus', login: 'yamada-t@corp.example', lastLogin: '2026-05-25T00:00:00.000Z' },
  {
    id: '00u-ivy',
    login: 'ivy@corp.example',
    lastLogin: '2026-02-20T00:00:00.000Z',
    status: Object.fromEntries(OBS.map((o) => [o, ['SUSPENDED', '2026-02-28T03:00:00.000Z']])) as OktaSpec['status'],
  },
  { id: '00u-jun', login: 'jun@corp.example', lastLogin: '2026-06-20T00:00:00.000Z' },
  { id: '00u-kai', login: 'kai@corp.example', lastLogin: '2026-06-20T00:00:00.000Z' },
  { id: '00u-lee', login: 'lee@corp.example', lastLogin: '2026-05-01T00:00:00.000Z' },
  { id: '00u-mia', login: 'mia@corp.example', lastLogin: '2026-04-01T00:00:00.000Z' },
  { id: '00u-nao', login: 'nao@corp.example', created: '2026-01-10T00:00:00.000Z', lastLogin: null },
  { id: '00u-oli', login: 'oli@corp.example', lastLogin: '2026-04-20T00:00:00.000Z', status: { E: ['SUSPENDED', '2026-05-21T00:00:00.000Z'] } },
  { id: '00u-zed', login: 'zed@corp.example', lastLogin: '2026-06-25T00:00:00.000Z' },
  { id: '00u-svc', login: 'svc-backup@corp.example', lastLogin: null },
];

function oktaExport(o: Obs): string {
  return JSON.stringify(
    okta.map((u) => {
      const [status, changed] = u.status?.[o] ?? ['ACTIVE', '2025-01-01T00:00:00.000Z'];
      const [first, ...rest] = u.login.split('@')[0]!.split(/[.-]/);
      return {
        id: u.id,
        status,
        created: u.created ?? '2024-04-01T00:00:00.000Z',
        activated: u.created ?? '2024-04-01T00:00:00.000Z',
        statusChanged: changed,
        lastLogin: u.lastLogin,
        lastUpdated: changed,
        passwordChanged: '2025-01-01T00:00:00.000Z',
        type: { id: 'oty-default' },
        profile: { firstName: first, lastName: rest.join(' ') || 'X', email: u.email ?? u.login, login: u.login, secondEmail: null, mobilePhone: null },
        credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
        _links: { self: { href: `https://corp.okta.example/api/v1/users/${u.id}` } },
      };
    }),
  );
}

function dirExport(o: Obs): string {
  const rows = ['login,email,employeeId,status'];
  if (o === 'A' || o === 'B') rows.push('e.kato,,,active');
  if (o !== 'E') rows.push('dan.d,,E4,active');
  rows.push(`hal.h,HAL@CORP.EXAMPLE,E2,${o === 'D' || o === 'E' ? 'disabled' : 'active'}`);
  return rows.join('\n') + '\n';
}

const web = (user: string, time: string, status: number) => `192.0.2.10 - ${user} [${time}] "GET /portal/ HTTP/1.1" ${status} 512 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"`;
const ecs = (ts: string, user: string, outcome: string, extra: Record<string, unknown> = {}, category = ['authentication']) =>
  JSON.stringify({ '@timestamp': ts, event: { category, type: outcome === 'success' ? ['start', 'authentication_success'] : ['start', 'authentication_failure'], outcome, action: 'ssh_login' }, user: { name: user }, source: { ip: '198.51.100.7', port: 52000 }, host: { hostname: 'bastion' }, ...extra });
const win = (ts: string, user: string, code: '4624' | '4625') =>
  JSON.stringify({
    '@timestamp': ts,
    event: { code, kind: 'event', category: ['authentication'], type: ['start'], outcome: code === '4624' ? 'success' : 'failure', action: code === '4624' ? 'logged-in' : 'logon-failed' },
    winlog: { event_id: code, channel: 'Security', event_data: { TargetUserName: user, TargetDomainName: 'CORP', LogonType: '10', IpAddress: '198.51.100.8' } },
    user: { name: user, domain: 'CORP' },
    host: { name: 'PC-11' },
  });

const WEB1 = [
  web('ann', '14/May/2026:23:59:59 +0900', 200),
  web('ann', '15/May/2026:00:00:00 +0900', 200),
  web('hal', '31/Mar/2026:23:00:00 +0900', 200),
  web('hal', '01/Apr/2026:00:00:00 +0900', 200),
  web('-', '16/May/2026:10:00:00 +0900', 200),
  web('ann', '16/May/2026:10:00:00 +0900', 401),
  web('ann', '16/May/2026:10:01:00 +0900', 403),
  web('eve', '16/May/2026:11:00:00 +0900', 401),
  web('Ann@Corp.Example', '20/May/2026:10:00:00 +0900', 302),
];
const WEB2 = [web('mia', '20/Jun/2026:10:00:00 +0900', 200), web('kai', '30/Jun/2026:11:59:59 +0900', 200), web('kai', '30/Jun/2026:12:00:01 +0900', 200)];
const SSH1 = [
  'May 14 23:59:59 bastion sshd[990]: Accepted password for cy from 198.51.100.5 port 50990 ssh2',
  'May 16 09:00:00 bastion sshd[1000]: Accepted publickey for bob from 198.51.100.5 port 51000 ssh2: ED25519 SHA256:Qm9iS2V5Rm9yVGVzdGluZ09ubHkxMjM0NTY3ODkw',
  'May 16 09:00:30 bastion sshd[1000]: message repeated 3 times: [ Accepted publickey for bob from 198.51.100.5 port 51000 ssh2: ED25519 SHA256:Qm9iS2V5Rm9yVGVzdGluZ09ubHkxMjM0NTY3ODkw]',
  'May 16 09:10:00 bastion sshd[1001]: Failed password for bob from 198.51.100.5 port 51001 ssh2',
  'May 16 09:10:05 bastion sshd[1001]: message repeated 2 times: [ Failed password for bob from 198.51.100.5 port 51001 ssh2]',
  'May 16 09:11:00 bastion CRON[1002]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
];
const SSH2 = ['2026-06-02T08:00:00.000000+09:00 bastion sshd[2000]: Accepted keyboard-interactive/pam for yamada-t from 198.51.100.6 port 52000 ssh2'];
const ECS1 = [ecs('2026-05-18T01:00:00.000Z', 'cy', 'failure'), ecs('2026-05-18T01:00:05.000Z', 'cy', 'success', {}, ['session'])];
const ECS2 = [
  ecs('2026-05-31T15:00:00.000Z', 'cy', 'success'),
  win('2026-06-28T14:59:59.000Z', 'kai', '4624'),
  win('2026-06-29T01:00:00.000Z', 'kai', '4624'),
  win('2026-06-29T01:05:00.000Z', 'kai', '4625'),
];

function writeLogs(web: string[], ssh: string[], ecsLines: string[], sshMtime: string): void {
  ws.write('logs/access.log', web.join('\n') + '\n');
  const auth = ws.write('logs/auth.log', ssh.join('\n') + '\n');
  // RFC 3164 lines carry no year: the file's modification time dates them (2026).
  const m = new Date(sshMtime);
  utimesSync(auth, m, m);
  ws.write('logs/auth.ndjson', ecsLines.join('\n') + '\n');
}

beforeAll(() => {
  ws = new Workspace();
  ws.write(
    'hr.csv',
    'employeeId,email,name,department,hireDate,leaveDate,logins\n' +
      [
        'E1,ann@corp.example,Ann Abe,Sales,2020-04-01,2026-05-14,',
        'E2,bob@corp.example,Bob Baba,Sales,2020-04-01,2026-05-14,',
        'E3,cy@corp.example,Cy Chiba,Dev,2020-04-01,2026-05-14,',
        'E4,dan@corp.example,Dan Doi,Dev,2020-04-01,2026-05-14,',
        'E5,eve@corp.example,Eve Kato,Dev,2020-04-01,2026-05-14,e.kato',
        'E7,gus@corp.example,Gus Yamada,Ops,2020-04-01,2026-05-31,',
        'E8,hal@corp.example,Hal Hara,Ops,2020-04-01,2026-03-20,',
        'E9,ivy@corp.example,Ivy Ito,Ops,2020-04-01,2026-02-27,',
        'E10,jun@corp.example,Jun Jo,Ops,2020-04-01,2026-06-29,',
        'E11,kai@corp.example,Kai Kudo,Ops,2020-04-01,2026-06-28,',
        'E12,lee@corp.example,Lee Li,Ops,2020-04-01,,',
        'E13,mia@corp.example,Mia Mori,Ops,2020-04-01,,',
        'E14,nao@corp.example,Nao Noda,Ops,2026-01-10,,',
        'E15,oli@corp.example,Oli Ono,Ops,2020-04-01,,',
      ].join('\n') +
      '\n',
  );
  cfg = ws.config(
    `  - { id: hr, kind: hr-roster, path: hr.csv }
  - { id: okta, kind: idp, format: okta-json, path: okta.json }
  - { id: dir, kind: idp, format: generic-csv, path: dir.csv }
  - { id: web, kind: access-log, format: combined, paths: [logs/access.log] }
  - { id: ssh, kind: access-log, format: sshd, paths: [logs/auth.log] }
  - { id: ecs, kind: access-log, format: ecs-json, paths: [logs/auth.ndjson] }`,
    [
      objective('stale', 'stale-account-deletion-rate', 'quarter'),
      objective('stale-g3', 'stale-account-deletion-rate', 'quarter', '{ graceDays: 3 }'),
      objective('stale-dormant', 'stale-account-deletion-rate', 'quarter', '{ includeDormant: true, dormantDays: 30 }', '    scope: { sources: [hr, okta, web] }\n'),
      objective('leaver', 'leaver-activity-count', 'quarter'),
      objective('leaver-30d', 'leaver-activity-count', 'rolling 30 days'),
    ].join(''),
    "timeZone: Asia/Tokyo\n  fiscalYearStartMonth: 4\n  internalDomains: [corp.example]\n  defaultLoginDomain: corp.example\nidentity:\n  aliases: { yamada-t@corp.example: gus@corp.example }\n  serviceAccounts: { loginPatterns: ['^svc-'] }",
  );
  for (const o of OBS) {
    ws.write('okta.json', oktaExport(o));
    ws.write('dir.csv', dirExport(o));
    ws.collect(cfg, { observedAt: OBSERVED[o], sources: ['hr', 'okta', 'dir'] });
  }
  writeLogs(WEB1, SSH1, ECS1, '2026-05-20T12:00:00+09:00');
  ws.collect(cfg, { observedAt: T_MAY, sources: ['web', 'ssh', 'ecs'] });
  writeLogs([...WEB1, ...WEB2], [...SSH1, ...SSH2], [...ECS1, ...ECS2], T);
  ws.collect(cfg, { observedAt: T, sources: ['web', 'ssh', 'ecs'] });
}, 120_000);
afterAll(() => ws?.dispose());

type Failing = { id: string; details: Record<string, unknown> }[];
const overdue = (failing: Failing) => Object.fromEntries(failing.map((f) => [f.id, f.details.daysOverdue]));

describe('stale-account-deletion-rate end to end (HR, Okta, generic directory, history)', () => {
  it('fiscal Q1 at T: 3 of 9 removed by their deadline; carry-overs, orphan, deletions by absence', () => {
    const o = ws.evaluate(cfg, T).stale!;
    expect([o.numerator, o.denominator, o.status]).toEqual([3, 9, 'missed']);
    expect(o.value).toBeCloseTo(3 / 9, 12);
    expect(o.period.from.startsWith('2026-04-01T00:00:00')).toBe(true);
    const ev = ws.evidence(cfg, 'stale', T).failing;
    expect(overdue(ev)).toEqual({
      'cy@corp.example': 1,
      'dan.d': 36,
      'yamada-t@corp.example': 29,
      'kai@corp.example': 1,
      'hal.h': 60,
      'zed@corp.example': 121,
    });
    const by = (id: string) => ev.find((f) => f.id === id)!.details;
    expect(by('cy@corp.example')).toMatchObject({ owner: 'cy@corp.example', kind: 'leaver', staleSince: '2026-05-15T00:00:00.000+09:00', deadline: '2026-05-16T00:00:00.000+09:00', disabledAt: '2026-05-16T00:00:01.000+09:00', disabledAtFrom: 'idp-status-changed' });
    expect(by('dan.d')).toMatchObject({ owner: 'dan@corp.example', source: 'dir', disabledAt: '2026-06-20T09:00:00.000+09:00', disabledAtFrom: 'first-observation' });
    expect(by('yamada-t@corp.example')).toMatchObject({ owner: 'gus@corp.example', staleSince: '2026-06-01T00:00:00.000+09:00', disabledAt: null });
    expect(by('hal.h')).toMatchObject({ owner: 'hal@corp.example', staleSince: '2026-03-21T00:00:00.000+09:00', disabledAt: '2026-05-20T09:00:00.000+09:00' });
    expect(by('zed@corp.example')).toMatchObject({ owner: null, kind: 'orphan', staleSince: '2026-03-01T09:00:00.000+09:00' });
    expect(by('kai@corp.example')).toMatchObject({ deadline: '2026-06-30T00:00:00.000+09:00' });
  });

  it('graceDays 3 moves every deadline: 4 of 8 (kai not due yet)', () => {
    const o = ws.evaluate(cfg, T)['stale-g3']!;
    expect([o.numerator, o.denominator]).toEqual([4, 8]);
    expect(Object.keys(overdue(ws.evidence(cfg, 'stale-g3', T).failing)).sort()).toEqual(['dan.d', 'hal.h', 'yamada-t@corp.example', 'zed@corp.example']);
  });

  it('at 05-20 12:00 only the exports up to then count: dan.d still enabled → 3 of 7', () => {
    const o = ws.evaluate(cfg, T_MAY).stale!;
    expect([o.numerator, o.denominator]).toEqual([3, 7]);
    const ev = ws.evidence(cfg, 'stale', T_MAY).failing;
    expect(overdue(ev)).toEqual({ 'cy@corp.example': 1, 'dan.d': 5, 'hal.h': 60, 'zed@corp.example': 80 });
    expect(ev.find((f) => f.id === 'dan.d')!.details.disabledAt).toBeNull();
  });

  it('FY2025 Q4 (January–March) at 03-31 12:00: ivy on time, hal.h and the orphan not → 1 of 3', () => {
    const o = ws.evaluate(cfg, T_Q4).stale!;
    expect([o.numerator, o.denominator]).toEqual([1, 3]);
    expect(o.period.from.startsWith('2026-01-01T00:00:00')).toBe(true);
    expect(overdue(ws.evidence(cfg, 'stale', T_Q4).failing)).toEqual({ 'hal.h': 10, 'zed@corp.example': 30 });
  });

  it('includeDormant (30 days): IdP last login vs later web success, never logged in from creation → 3 of 9', () => {
    const o = ws.evaluate(cfg, T)['stale-dormant']!;
    expect([o.numerator, o.denominator]).toEqual([3, 9]);
    const ev = ws.evidence(cfg, 'stale-dormant', T).failing;
    expect(overdue(ev)).toEqual({
      'cy@corp.example': 1,
      'yamada-t@corp.example': 29,
      'kai@corp.example': 1,
      'lee@corp.example': 30,
      'nao@corp.example': 141,
      'zed@corp.example': 121,
    });
    const by = (id: string) => ev.find((f) => f.id === id)!.details;
    expect(by('lee@corp.example')).toMatchObject({ kind: 'dormant', owner: 'lee@corp.example', staleSince: '2026-05-31T09:00:00.000+09:00' });
    expect(by('nao@corp.example')).toMatchObject({ kind: 'dormant', staleSince: '2026-02-09T09:00:00.000+09:00', deadline: '2026-02-10T09:00:00.000+09:00' });
  });

  it('the service account stays outside and is listed apart; jun (deadline after T) is not counted', () => {
    for (const id of ['stale', 'stale-dormant']) {
      const ev = ws.evidence(cfg, id, T) as { failing: Failing; notes?: { id: string; details: Record<string, unknown> }[] };
      expect(ev.failing.map((f) => f.id)).not.toContain('svc-backup@corp.example');
      expect(ev.failing.map((f) => f.id)).not.toContain('jun@corp.example');
      expect(ev.notes?.filter((n) => n.details.kind === 'service').map((n) => n.id)).toEqual(['svc-backup@corp.example']);
    }
  });
});

const countsByOwner = (failing: Failing) => {
  const out: Record<string, number> = {};
  for (const f of failing) out[String(f.details.owner)] = (out[String(f.details.owner)] ?? 0) + Number(f.details.count);
  return out;
};

describe('leaver-activity-count end to end (combined web log, sshd, ECS)', () => {
  it('fiscal Q1 at T: web, sshd (repeated) and ECS successes at or after stale-since, per owner', () => {
    const o = ws.evaluate(cfg, T).leaver!;
    expect([o.denominator, o.status]).toEqual([9, 'missed']);
    const ev = ws.evidence(cfg, 'leaver', T).failing;
    const { 'gus@corp.example': _gus, ...others } = countsByOwner(ev);
    expect(ev.map((f) => f.id)).not.toContain('-');
    expect(others).toEqual({
      'ann@corp.example': 2,
      'hal@corp.example': 1,
      'bob@corp.example': 4,
      'cy@corp.example': 1,
      'kai@corp.example': 2,
    });
    const kai = ev.find((f) => f.details.owner === 'kai@corp.example')!;
    expect(kai.details).toMatchObject({ staleSince: '2026-06-29T00:00:00.000+09:00', lastEvent: '2026-06-30T11:59:59.000+09:00', count: 2 });
    const bob = ev.find((f) => f.details.owner === 'bob@corp.example')!;
    expect(bob.details).toMatchObject({ source: 'ssh', lastEvent: '2026-05-16T09:00:30.000+09:00' });
    expect(ev.find((f) => f.details.owner === 'cy@corp.example')!.details).toMatchObject({ source: 'ecs', lastEvent: '2026-06-01T00:00:00.000+09:00' });
    expect(ev.find((f) => f.details.owner === 'hal@corp.example')!.details).toMatchObject({ lastEvent: '2026-04-01T00:00:00.000+09:00' });
  });

  // The alias is keyed 'yamada-t@corp.example' (as config/example.yaml writes them) and the sshd
  // line names the bare 'yamada-t': with the default domain the two are one name, so the alias
  // applies to both (this login was lost before, giving 10 and 3 over 30 days).
  it('fiscal Q1 at T: 11, including gus\'s sshd login as the bare alias name yamada-t', () => {
    expect(ws.evaluate(cfg, T).leaver!.value).toBe(11);
    const gus = ws.evidence(cfg, 'leaver', T).failing.find((f) => f.details.owner === 'gus@corp.example')!;
    expect(gus.details).toMatchObject({ count: 1, staleSince: '2026-06-01T00:00:00.000+09:00', lastEvent: '2026-06-02T08:00:00.000+09:00' });
  });

  it('at 05-20 12:00 only the first collection of the logs is known: 7', () => {
    const o = ws.evaluate(cfg, T_MAY).leaver!;
    expect([o.value, o.denominator, o.status]).toEqual([7, 6, 'missed']);
    expect(countsByOwner(ws.evidence(cfg, 'leaver', T_MAY).failing)).toEqual({ 'ann@corp.example': 2, 'hal@corp.example': 1, 'bob@corp.example': 4 });
  });

  it('rolling 30 days (05-31 12:00, T]: cy 1 (06-01 00:00), kai 2', () => {
    const { 'gus@corp.example': _gus, ...others } = countsByOwner(ws.evidence(cfg, 'leaver-30d', T).failing);
    expect(others).toEqual({ 'cy@corp.example': 1, 'kai@corp.example': 2 });
  });

  // gus's 06-02 login is in the window.
  it('rolling 30 days: 4 with gus', () => {
    expect(ws.evaluate(cfg, T)['leaver-30d']!.value).toBe(4);
  });

  it('before the logs were first collected there is no evidence: no_data', () => {
    const o = ws.evaluate(cfg, '2026-05-20T11:59:59+09:00').leaver!;
    expect([o.value, o.status]).toEqual([null, 'no_data']);
  });
});
