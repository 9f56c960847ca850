/**
 * The example organisation as plain data: people, IdP accounts, LMS completions, phishing-drill
 * results and incidents. Pure and deterministic (seeded); the writers turn it into exports.
 *
 * The organisation is built *by construction*: every population a KPI counts is a fixed number
 * of people placed in a named case (on-time leaver, dormant account, …) at dates relative to
 * the export instant, so its KPI values can be computed by hand (test/fixtures/example-expected.md).
 * Only names, ids and times inside safe windows are random. A larger organisation repeats the
 * 300-people design `scale` times and fills the rest with regular employees.
 */
import { DEPARTMENTS, DEPARTMENT_WEIGHTS, FAMILY_NAMES, GIVEN_NAMES } from './names.ts';
import { mulberry32, type Rng } from './prng.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, jstDate, jstDayStart, jstMidnight } from './time.ts';

/** Why a person is in the roster: the case of the design they illustrate. */
export type PersonCase =
  | 'regular'
  | 'new-hire'
  | 'boundary-hire'
  | 'mover'
  | 'dormant'
  | 'alias'
  | 'it-admin'
  | 'future-leaver'
  | 'leaver-today'
  | 'leaver-on-time'
  | 'leaver-on-time-admin-left-active'
  | 'leaver-late'
  | 'leaver-active'
  | 'leaver-alias-active'
  | 'leaver-carry-over-active'
  | 'leaver-late-before-period'
  | 'leaver-late-in-period'
  | 'leaver-earlier'
  | 'rehire-old'
  | 'rehire-new';

export interface ExamplePerson {
  employeeId: string;
  familyKanji: string;
  givenKanji: string;
  familyRomaji: string;
  givenRomaji: string;
  email: string;
  department: string;
  /** Department as the IdP still has it (differs for movers). */
  idpDepartment: string;
  hireDate: string;
  leaveDate?: string;
  status: '在籍' | '退職';
  case: PersonCase;
  /** Completion of the required course (epoch ms), if any. */
  completedAt?: number;
  /** The LMS shows the email in capitals (case-insensitive matching). */
  lmsUpperCase?: boolean;
  /** Listed in the LMS course (enrolled). */
  enrolled: boolean;
}

export type OktaStatus = 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED';
export type AccountKind = 'person' | 'admin' | 'service' | 'orphan';

export interface ExampleAccount {
  id: string;
  login: string;
  email: string;
  employeeNumber?: string;
  firstName: string;
  lastName: string;
  department?: string;
  status: OktaStatus;
  created: number;
  activated: number;
  statusChanged: number;
  lastLogin: number | null;
  passwordChanged: number;
  kind: AccountKind;
  /** The matching Google Workspace account, when there is one. */
  google?: { email: string; mfa: boolean };
}

export type GophishStatus = 'Email Sent' | 'Email Opened' | 'Clicked Link' | 'Submitted Data' | 'Error Sending Email';

export interface PhishingResult {
  rid: string;
  email: string;
  firstName: string;
  lastName: string;
  position: string;
  status: GophishStatus;
  sendDate: number;
  modifiedDate: number;
  reported: boolean;
}

export interface Campaign {
  /** File stem: `gophish-2026-10`. */
  key: string;
  name: string;
  launchedAt: number;
  results: PhishingResult[];
}

export interface Incident {
  id: string;
  title: string;
  severity: '高' | '中' | '低';
  detectedAt: number;
  reportedAt: number | null;
  state: '対応中' | '完了';
  /** The register's classification (incident-count's `categories`). */
  category: string;
}

export interface Organisation {
  domain: string;
  /** The instant the exports are taken. */
  exportedAt: number;
  /** Start (ms) of the fiscal year (April) containing the export. */
  fiscalYearStart: number;
  scale: number;
  people: ExamplePerson[];
  accounts: ExampleAccount[];
  /** Enrolled LMS users that HR does not know (an outside lecturer). */
  lmsGuests: { name: string; email: string }[];
  campaigns: Campaign[];
  incidents: Incident[];
  /** login → person email, for the config's identity.aliases. */
  aliases: Record<string, string>;
}

export interface ModelOptions {
  /** Rows of the HR roster (the demo: 300). At least 60. */
  people: number;
  seed: number;
  /** The instant the exports are taken. */
  exportedAt: number;
  domain?: string;
}

/** People of the 300-people design besides regular employees. */
export const SPECIAL_PEOPLE = 49;

/** Days before the export date of the leave dates of the sixteen leavers whose accounts became stale in the quarter. */
const IN_PERIOD_LEAVERS: readonly { days: number; outcome: 'on-time' | 'on-time-admin' | 'late' | 'active' | 'alias-active' }[] = [
  { days: 50, outcome: 'on-time' }, // last day 09-30: stale from the very start of the quarter
  { days: 49, outcome: 'on-time' },
  { days: 45, outcome: 'on-time' },
  { days: 42, outcome: 'on-time-admin' },
  { days: 38, outcome: 'on-time' },
  { days: 35, outcome: 'alias-active' },
  { days: 31, outcome: 'on-time' },
  { days: 28, outcome: 'on-time' },
  { days: 24, outcome: 'on-time' },
  { days: 21, outcome: 'on-time' },
  { days: 17, outcome: 'on-time' },
  { days: 14, outcome: 'on-time' },
  { days: 10, outcome: 'late' },
  { days: 7, outcome: 'late' },
  { days: 3, outcome: 'active' },
  { days: 1, outcome: 'on-time' }, // disabled the next morning, just before the export
];

/** Days before the export date of the leave dates of earlier leavers disabled on time. */
const EARLIER_LEAVERS: readonly number[] = [100, 125, 150, 175, 200, 225, 250, 280, 310, 350];

/** Incidents: days before the export date, time of detection, minutes until reported (null: never). */
const INCIDENTS: readonly { days: number; hhmm: string; reportMin: number | null; title: string; severity: Incident['severity']; category: string }[] = [
  { days: 230, hhmm: '10:15', reportMin: 120, title: 'ノートPCの紛失（営業部）', category: '紛失', severity: '高' },
  { days: 200, hhmm: '14:00', reportMin: 1440, title: 'メール誤送信（顧客リスト添付）', category: '誤送信', severity: '中' },
  { days: 180, hhmm: '09:30', reportMin: 300, title: 'マルウェア検知（開発部端末）', category: 'マルウェア', severity: '中' },
  { days: 150, hhmm: '16:45', reportMin: 60, title: '不審なログイン試行の多発', category: '不正アクセス', severity: '低' },
  { days: 120, hhmm: '11:00', reportMin: 1800, title: 'USBメモリの紛失', category: '紛失', severity: '中' },
  { days: 100, hhmm: '08:20', reportMin: 45, title: '標的型メールの添付ファイル開封', category: '標的型攻撃', severity: '高' },
  { days: 80, hhmm: '13:10', reportMin: 600, title: 'クラウドストレージの公開設定ミス', category: '設定ミス', severity: '高' },
  { days: 60, hhmm: '22:40', reportMin: 660, title: '夜間バッチの不正アクセス検知', category: '不正アクセス', severity: '中' },
  { days: 40, hhmm: '10:00', reportMin: 90, title: '書類の誤廃棄', category: '誤廃棄', severity: '低' },
  { days: 20, hhmm: '15:30', reportMin: 240, title: 'FAX誤送信', category: '誤送信', severity: '低' },
  { days: 9, hhmm: '09:00', reportMin: null, title: '退職者アカウントによるログイン', category: '不正アクセス', severity: '高' },
  { days: 3, hhmm: '17:20', reportMin: 20, title: 'フィッシングサイトへの認証情報入力', category: 'フィッシング', severity: '中' },
];

const CAMPAIGNS: readonly { name: string; month: string; day: string; size: number; errors: number; clicked: number; submitted: number; reported: number }[] = [
  // Launched in the previous fiscal year: outside a fiscal-year period.
  { name: '2026年3月 標的型メール訓練（宅配不在通知）', month: '03', day: '05', size: 120, errors: 0, clicked: 16, submitted: 4, reported: 20 },
  { name: '2026年6月 標的型メール訓練（賞与明細）', month: '06', day: '10', size: 200, errors: 2, clicked: 13, submitted: 5, reported: 40 },
  { name: '2026年10月 標的型メール訓練（パスワード期限切れ）', month: '10', day: '20', size: 250, errors: 3, clicked: 11, submitted: 4, reported: 60 },
];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomId(rng: Rng, prefix: string, length: number): string {
  let s = prefix;
  for (let i = 0; i < length; i++) s += BASE62[rng.int(0, 61)];
  return s;
}

function weightedDepartment(rng: Rng): string {
  const total = DEPARTMENT_WEIGHTS.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let i = 0; i < DEPARTMENTS.length; i++) {
    r -= DEPARTMENT_WEIGHTS[i] ?? 0;
    if (r < 0) return DEPARTMENTS[i]!;
  }
  return DEPARTMENTS[0]!;
}

/** The fiscal year (April start) containing the JST date of `ms`. */
function fiscalYearStartOf(ms: number): number {
  const d = jstDate(ms);
  const y = Number(d.slice(0, 4));
  const m = Number(d.slice(5, 7));
  return jstDayStart(`${m >= 4 ? y : y - 1}-04-01`);
}

interface Name {
  familyKanji: string;
  givenKanji: string;
  familyRomaji: string;
  givenRomaji: string;
  local: string;
}

/** Fixed people of the first copy of the design, named so the config's aliases can name them. */
const FIXED: Partial<Record<PersonCase, Omit<Name, 'local'>>> = {
  alias: { familyKanji: '佐藤', givenKanji: '浩', familyRomaji: 'sato', givenRomaji: 'hiroshi' },
  'leaver-alias-active': { familyKanji: '山田', givenKanji: '太郎', familyRomaji: 'yamada', givenRomaji: 'taro' },
  'it-admin': { familyKanji: '伊藤', givenKanji: '誠', familyRomaji: 'ito', givenRomaji: 'makoto' },
  'leaver-on-time-admin-left-active': { familyKanji: '加藤', givenKanji: '直樹', familyRomaji: 'kato', givenRomaji: 'naoki' },
  'rehire-old': { familyKanji: '鈴木', givenKanji: '健', familyRomaji: 'suzuki', givenRomaji: 'ken' },
};

export function buildOrganisation(opts: ModelOptions): Organisation {
  if (!Number.isInteger(opts.people) || opts.people < 60) throw new RangeError(`people must be an integer ≥ 60 (got ${opts.people})`);
  const rng = mulberry32(opts.seed);
  const domain = opts.domain ?? 'example.co.jp';
  const E = opts.exportedAt;
  const D = jstMidnight(E); // 00:00 JST of the export date
  const fyStart = fiscalYearStartOf(E);
  const scale = Math.max(1, Math.floor(opts.people / 300));
  const regularCount = opts.people - SPECIAL_PEOPLE * scale;
  const day = (n: number): string => jstDate(D - n * DAY_MS + 12 * HOUR_MS);

  const usedLocals = new Set<string>(['test01', 'haken.kimura', 'kenshu-user', 'old.intern', 'svc-backup', 'svc-jenkins', 'svc-scanner']);
  // Namesakes get 2, 3, …; remembering each base's next number keeps 100,000 people linear.
  const nextSuffix = new Map<string, number>();
  const uniqueLocal = (base: string): string => {
    let local = base;
    let n = nextSuffix.get(base) ?? 2;
    while (usedLocals.has(local)) local = `${base}${n++}`;
    nextSuffix.set(base, n);
    usedLocals.add(local);
    return local;
  };
  // The fixed names are reserved first, so random people never take their addresses.
  const fixedLocals = new Map<PersonCase, string>();
  for (const [c, n] of Object.entries(FIXED) as [PersonCase, Omit<Name, 'local'>][]) fixedLocals.set(c, uniqueLocal(`${n.givenRomaji}.${n.familyRomaji}`));

  const nameFor = (c: PersonCase, copy: number): Name => {
    const fixed = copy === 0 ? FIXED[c] : undefined;
    if (fixed) return { ...fixed, local: fixedLocals.get(c)! };
    const [familyKanji, familyRomaji] = rng.pick(FAMILY_NAMES);
    const [givenKanji, givenRomaji] = rng.pick(GIVEN_NAMES);
    return { familyKanji, givenKanji, familyRomaji, givenRomaji, local: uniqueLocal(`${givenRomaji}.${familyRomaji}`) };
  };

  const people: ExamplePerson[] = [];
  const accounts: ExampleAccount[] = [];
  const aliases: Record<string, string> = {};

  /** A hire date long enough ago: mostly 1 April (Japanese new-graduate intake). */
  const pastHire = (maxDaysAgo: number, minDaysAgo: number): string => {
    const ms = D - rng.int(minDaysAgo, maxDaysAgo) * DAY_MS;
    if (rng.chance(0.7)) {
      const y = Number(jstDate(ms).slice(0, 4));
      const april = `${y}-04-01`;
      if (jstDayStart(april) <= D - minDaysAgo * DAY_MS) return april;
      return `${y - 1}-04-01`;
    }
    return jstDate(ms);
  };
  /** Some time in the last `days` days before the export, during office hours. */
  const recentLogin = (days: number): number => {
    const t = D - rng.int(0, days) * DAY_MS + rng.int(8 * 60, 19 * 60) * MINUTE_MS;
    return t < E ? t : E - rng.int(5, 120) * MINUTE_MS;
  };
  const atTime = (date: string, h: number, m = 0): number => jstDayStart(date) + h * HOUR_MS + m * MINUTE_MS;

  const addPerson = (c: PersonCase, copy: number, fields: { hireDate: string; leaveDate?: string; department?: string }): ExamplePerson => {
    const n = nameFor(c, copy);
    const department = fields.department ?? weightedDepartment(rng);
    const p: ExamplePerson = {
      employeeId: '',
      familyKanji: n.familyKanji,
      givenKanji: n.givenKanji,
      familyRomaji: n.familyRomaji,
      givenRomaji: n.givenRomaji,
      email: `${n.local}@${domain}`,
      department,
      idpDepartment: department,
      hireDate: fields.hireDate,
      status: fields.leaveDate && jstDayStart(fields.leaveDate) + DAY_MS <= E ? '退職' : '在籍',
      case: c,
      enrolled: true,
    };
    if (fields.leaveDate) p.leaveDate = fields.leaveDate;
    people.push(p);
    return p;
  };

  const addAccount = (
    p: { email: string; familyKanji: string; givenKanji: string; idpDepartment?: string; hireDate?: string },
    fields: { login?: string; email?: string; kind?: AccountKind; status: OktaStatus; statusChanged?: number; lastLogin: number | null; created?: number; google?: boolean; mfa?: boolean; employeeNumberOf?: ExamplePerson },
  ): ExampleAccount => {
    const created = fields.created ?? (p.hireDate ? jstDayStart(p.hireDate) - 7 * DAY_MS + 10 * HOUR_MS : D - 400 * DAY_MS);
    const activated = created + rng.int(5, 90) * MINUTE_MS;
    const a: ExampleAccount = {
      id: randomId(rng, '00u', 17),
      login: fields.login ?? p.email,
      email: fields.email ?? fields.login ?? p.email,
      firstName: p.givenKanji,
      lastName: p.familyKanji,
      status: fields.status,
      created,
      activated,
      statusChanged: fields.statusChanged ?? activated,
      lastLogin: fields.lastLogin,
      passwordChanged: Math.max(activated, E - rng.int(1, 300) * DAY_MS),
      kind: fields.kind ?? 'person',
    };
    if (a.passwordChanged > E) a.passwordChanged = activated;
    if (p.idpDepartment) a.department = p.idpDepartment;
    if (fields.employeeNumberOf) a.employeeNumber = ''; // filled once employee ids are assigned
    if (fields.google !== false && (a.kind === 'person' || a.kind === 'orphan')) a.google = { email: p.email, mfa: fields.mfa ?? true };
    accounts.push(a);
    if (fields.employeeNumberOf) employeeNumberOwners.set(a, fields.employeeNumberOf);
    return a;
  };
  const employeeNumberOwners = new Map<ExampleAccount, ExamplePerson>();

  const activeAccount = (p: ExamplePerson, extra: { mfa?: boolean; lastLogin?: number | null; login?: string; created?: number } = {}): ExampleAccount =>
    addAccount(p, {
      created: extra.created,
      status: 'ACTIVE',
      lastLogin: extra.lastLogin === undefined ? recentLogin(20) : extra.lastLogin,
      mfa: extra.mfa ?? true,
      login: extra.login,
      employeeNumberOf: extra.login ? undefined : p,
    });

  /** A leaver's account disabled `when` (ms), as Okta shows it. */
  const disabledAccount = (p: ExamplePerson, when: number, lastLogin: number): ExampleAccount =>
    addAccount(p, { status: rng.chance(0.5) ? 'DEPROVISIONED' : 'SUSPENDED', statusChanged: when, lastLogin, employeeNumberOf: p });

  const lastWorkingLogin = (leaveDate: string): number => atTime(leaveDate, rng.int(9, 17), rng.int(0, 59));

  for (let copy = 0; copy < scale; copy++) {
    // Leavers whose accounts became stale in the quarter.
    for (const l of IN_PERIOD_LEAVERS) {
      const leaveDate = day(l.days);
      const hireDate = pastHire(6000, 400);
      const staleSince = jstDayStart(leaveDate) + DAY_MS;
      const c: PersonCase =
        l.outcome === 'on-time' ? 'leaver-on-time'
        : l.outcome === 'on-time-admin' ? 'leaver-on-time-admin-left-active'
        : l.outcome === 'late' ? 'leaver-late'
        : l.outcome === 'active' ? 'leaver-active'
        : 'leaver-alias-active';
      const p = addPerson(c, copy, { hireDate, leaveDate, department: c === 'leaver-on-time-admin-left-active' ? '情報システム部' : undefined });
      const last = lastWorkingLogin(leaveDate);
      if (l.outcome === 'on-time' || l.outcome === 'on-time-admin') {
        // Either on the last day after hours, or the next morning: both before the deadline.
        // The first (stale from the quarter's first instant) is disabled inside the quarter, so
        // it belongs to the population whichever way the period's start is read.
        const when =
          l.days === 1 ? staleSince + 8 * HOUR_MS + 30 * MINUTE_MS
          : l.days === 50 ? staleSince + 10 * HOUR_MS
          : rng.chance(0.5) ? atTime(leaveDate, 18, rng.int(0, 59))
          : staleSince + rng.int(9, 11) * HOUR_MS;
        disabledAccount(p, when, last);
        if (l.outcome === 'on-time-admin') {
          addAccount(p, { login: `adm.${p.email}`, email: p.email, kind: 'admin', status: 'ACTIVE', lastLogin: last - 2 * DAY_MS, employeeNumberOf: p });
        }
      } else if (l.outcome === 'late') {
        disabledAccount(p, staleSince + 4 * DAY_MS + 10 * HOUR_MS, last);
      } else if (l.outcome === 'active') {
        activeAccount(p, { lastLogin: last });
      } else {
        const login = copy === 0 ? `${p.familyRomaji}-${p.givenRomaji[0]}@${domain}` : undefined;
        if (login) aliases[login] = p.email;
        activeAccount(p, { lastLogin: last, login });
      }
    }
    // Left before the quarter, still active: carried over into it.
    {
      const p = addPerson('leaver-carry-over-active', copy, { hireDate: pastHire(5000, 400), leaveDate: day(65) });
      activeAccount(p, { lastLogin: lastWorkingLogin(p.leaveDate!) });
    }
    // Left before the quarter, disabled late but also before it: not in the quarter's population.
    {
      const p = addPerson('leaver-late-before-period', copy, { hireDate: pastHire(5000, 400), leaveDate: day(80) });
      disabledAccount(p, atTime(day(70), 10), lastWorkingLogin(p.leaveDate!));
    }
    // Left before the quarter, disabled late within it.
    {
      const p = addPerson('leaver-late-in-period', copy, { hireDate: pastHire(5000, 400), leaveDate: day(60) });
      disabledAccount(p, atTime(day(45), 10), lastWorkingLogin(p.leaveDate!));
    }
    for (const days of EARLIER_LEAVERS) {
      const p = addPerson('leaver-earlier', copy, { hireDate: pastHire(7000, days + 200), leaveDate: day(days) });
      disabledAccount(p, jstDayStart(p.leaveDate!) + DAY_MS + 10 * HOUR_MS, lastWorkingLogin(p.leaveDate!));
    }
    // Last working day is the export date: stale from tomorrow, deadline after T.
    {
      const p = addPerson('leaver-today', copy, { hireDate: pastHire(5000, 400), leaveDate: day(0) });
      activeAccount(p, { lastLogin: E - rng.int(10, 50) * MINUTE_MS });
    }
    for (const days of [-11, -42]) {
      const p = addPerson('future-leaver', copy, { hireDate: pastHire(5000, 400), leaveDate: day(days) });
      activeAccount(p);
    }
    // Re-hired: left, came back under a new employee number, same mailbox, same (reactivated) Okta account.
    {
      const oldRow = addPerson('rehire-old', copy, { hireDate: pastHire(6000, 1500), leaveDate: jstDate(fyStart - 275 * DAY_MS) });
      const newHire = jstDate(fyStart + 61 * DAY_MS);
      const p = addPerson('rehire-new', copy, { hireDate: newHire, department: oldRow.department });
      // Same human: the roster repeats name and address under the new number.
      Object.assign(p, { familyKanji: oldRow.familyKanji, givenKanji: oldRow.givenKanji, familyRomaji: oldRow.familyRomaji, givenRomaji: oldRow.givenRomaji, email: oldRow.email });
      oldRow.enrolled = false;
      addAccount(p, { status: 'ACTIVE', created: jstDayStart(oldRow.hireDate) - 7 * DAY_MS + 10 * HOUR_MS, statusChanged: atTime(newHire, 9, 12), lastLogin: recentLogin(10), employeeNumberOf: p });
    }
    // Hired within 30 days of T: outside the training population.
    const newHireDays = [28, 21, 14, 7, 3];
    newHireDays.forEach((days, i) => {
      const p = addPerson('new-hire', copy, { hireDate: day(days) });
      p.enrolled = i % 2 === 0;
      activeAccount(p, { mfa: i >= 3, lastLogin: i === 4 || i === 1 ? null : recentLogin(Math.max(0, days - 1)) });
    });
    {
      const p = addPerson('boundary-hire', copy, { hireDate: day(29) });
      activeAccount(p, { lastLogin: recentLogin(20) });
    }
    for (let i = 0; i < 3; i++) {
      const p = addPerson('mover', copy, { hireDate: pastHire(6000, 400) });
      const to = DEPARTMENTS.filter((d) => d !== p.department);
      p.idpDepartment = p.department;
      p.department = rng.pick(to);
      activeAccount(p, { mfa: i !== 0 });
    }
    // Dormant: last logins (days before the export) long enough ago, one never logged in.
    const dormant: (number | null)[] = [130, 110, 183, null];
    dormant.forEach((days, i) => {
      const p = addPerson('dormant', copy, { hireDate: days === null ? day(157) : pastHire(6000, 400) });
      activeAccount(p, {
        mfa: i >= 2,
        lastLogin: days === null ? null : D - days * DAY_MS + rng.int(9, 18) * HOUR_MS,
        // Never logged in: dormant from its creation on the first working day.
        created: days === null ? jstDayStart(p.hireDate) + 10 * HOUR_MS : undefined,
      });
    });
    {
      const p = addPerson('alias', copy, { hireDate: pastHire(6000, 400) });
      const login = copy === 0 ? `${p.familyRomaji}-${p.givenRomaji[0]}@${domain}` : undefined;
      if (login) aliases[login] = p.email;
      activeAccount(p, { login });
    }
    {
      const p = addPerson('it-admin', copy, { hireDate: pastHire(6000, 400), department: '情報システム部' });
      activeAccount(p);
      addAccount(p, { login: `adm.${p.email}`, email: p.email, kind: 'admin', status: 'ACTIVE', lastLogin: recentLogin(5), employeeNumberOf: p });
    }
  }

  const firstRegular = people.length;
  for (let i = 0; i < regularCount; i++) {
    const p = addPerson('regular', 1, { hireDate: pastHire(12000, 60) });
    activeAccount(p, { mfa: i >= scale });
  }

  // Orphans: accounts no roster row owns. Service accounts: not people's accounts at all.
  const orphan = (local: string, family: string, given: string, status: OktaStatus, mfa: boolean): void => {
    addAccount(
      { email: `${local}@${domain}`, familyKanji: family, givenKanji: given },
      { kind: 'orphan', status, lastLogin: status === 'ACTIVE' ? recentLogin(15) : D - 300 * DAY_MS, statusChanged: status === 'ACTIVE' ? undefined : D - 290 * DAY_MS, created: D - 700 * DAY_MS, mfa },
    );
  };
  orphan('test01', 'テスト', '01', 'ACTIVE', false);
  orphan('haken.kimura', '木村', '派遣', 'ACTIVE', true);
  orphan('kenshu-user', '研修', '共用', 'ACTIVE', false);
  orphan('old.intern', '旧', 'インターン', 'DEPROVISIONED', false);
  for (const [local, lastDays] of [['svc-backup', 0], ['svc-jenkins', 1], ['svc-scanner', 200]] as const) {
    addAccount({ email: `${local}@${domain}`, familyKanji: 'サービス', givenKanji: local }, { kind: 'service', status: 'ACTIVE', lastLogin: D - lastDays * DAY_MS + 3 * HOUR_MS, created: D - 900 * DAY_MS });
  }

  // Employee numbers follow hire order, as a Japanese roster's do.
  const byHire = people.map((p, i) => ({ p, i })).sort((a, b) => (a.p.hireDate < b.p.hireDate ? -1 : a.p.hireDate > b.p.hireDate ? 1 : a.i - b.i));
  byHire.forEach(({ p }, i) => {
    p.employeeId = `E${String(i + 1).padStart(6, '0')}`;
  });
  for (const [a, p] of employeeNumberOwners) a.employeeNumber = p.employeeId;
  const accountsOut = accounts.slice().sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));

  assignTraining(people, firstRegular, scale, rng, { D, E, fyStart });
  const campaigns = buildCampaigns(people, scale, rng, { D, fyStart });
  const incidents = buildIncidents(scale, rng, { D, fyStart });

  return {
    domain,
    exportedAt: E,
    fiscalYearStart: fyStart,
    scale,
    people: byHire.map(({ p }) => p),
    accounts: accountsOut,
    lmsGuests: [{ name: '外部 講師', email: 'lecturer@training-partner.example' }],
    campaigns,
    incidents,
    aliases,
  };
}

/**
 * Completions of the required course. Per copy of the design: every regular completes except 7,
 * plus 2 who completed before the fiscal year began and 2 shown in capitals by the LMS; all
 * dormant people and the boundary hire have not completed; movers, the alias person, the IT
 * admin, the future leavers and the re-hired person have.
 */
function assignTraining(people: ExamplePerson[], firstRegular: number, scale: number, rng: Rng, t: { D: number; E: number; fyStart: number }): void {
  const span = Math.max(1, Math.floor((t.D - t.fyStart) / DAY_MS) - 12);
  const inYear = (): number => t.fyStart + rng.int(10, 10 + span - 1) * DAY_MS + rng.int(9 * 60, 18 * 60) * MINUTE_MS;
  const beforeYear = (): number => t.fyStart - 7 * DAY_MS + rng.int(10 * 60, 17 * 60) * MINUTE_MS;
  for (let i = 0; i < firstRegular; i++) {
    const p = people[i]!;
    switch (p.case) {
      case 'mover':
      case 'alias':
      case 'it-admin':
      case 'future-leaver':
      case 'leaver-today':
        p.completedAt = inYear();
        break;
      case 'rehire-new':
        p.completedAt = Math.max(inYear(), jstDayStart(p.hireDate) + 20 * DAY_MS);
        break;
      case 'dormant':
      case 'boundary-hire':
      case 'new-hire':
        break;
      default:
        // Leavers: half had completed; it does not matter, they are not in the population.
        if (p.leaveDate && rng.chance(0.5) && jstDayStart(p.leaveDate) > t.fyStart + 20 * DAY_MS) {
          p.completedAt = Math.min(inYear(), jstDayStart(p.leaveDate) + 15 * HOUR_MS);
          if (p.completedAt < t.fyStart) delete p.completedAt;
        }
    }
  }
  const regulars = rng.shuffle(people.slice(firstRegular).map((_, i) => firstRegular + i));
  const notCompleted = 7 * scale;
  const before = 2 * scale;
  const upper = 2 * scale;
  regulars.forEach((idx, k) => {
    const p = people[idx]!;
    if (k < notCompleted) return;
    if (k < notCompleted + before) p.completedAt = beforeYear();
    else {
      p.completedAt = inYear();
      if (k < notCompleted + before + upper) p.lmsUpperCase = true;
    }
  });
}

function buildCampaigns(people: ExamplePerson[], scale: number, rng: Rng, t: { D: number; fyStart: number }): Campaign[] {
  const fyYear = Number(jstDate(t.fyStart).slice(0, 4));
  return CAMPAIGNS.map((c) => {
    // March of the fiscal year's first calendar year lies in the previous fiscal year.
    const launchedAt = jstDayStart(`${fyYear}-${c.month}-${c.day}`) + 10 * HOUR_MS;
    const launchDate = jstDate(launchedAt);
    const eligible = people.filter((p) => p.case !== 'rehire-old' && p.hireDate <= launchDate && (!p.leaveDate || p.leaveDate >= launchDate));
    const size = Math.min(eligible.length, c.size * scale);
    const chosen = rng.shuffle(eligible).slice(0, size);
    const outcomes: GophishStatus[] = [];
    for (let i = 0; i < c.errors * scale; i++) outcomes.push('Error Sending Email');
    for (let i = 0; i < c.clicked * scale; i++) outcomes.push('Clicked Link');
    for (let i = 0; i < c.submitted * scale; i++) outcomes.push('Submitted Data');
    while (outcomes.length < size) outcomes.push(rng.chance(0.45) ? 'Email Opened' : 'Email Sent');
    let reportBudget = c.reported * scale;
    const results: PhishingResult[] = chosen.map((p, i) => {
      const status = outcomes[i]!;
      const sendDate = launchedAt + Math.floor(i / 50) * MINUTE_MS + rng.int(0, 59) * 1000;
      const reported = status !== 'Error Sending Email' && reportBudget > 0 && (i % 3 === 0 || status === 'Email Opened');
      if (reported) reportBudget--;
      const modifiedDate = status === 'Email Sent' || status === 'Error Sending Email' ? sendDate : sendDate + rng.int(2, 600) * MINUTE_MS;
      return { rid: randomId(rng, '', 7), email: p.email, firstName: p.givenKanji, lastName: p.familyKanji, position: p.department, status, sendDate, modifiedDate, reported };
    });
    // GoPhish lists results in the order the group's targets were added.
    results.sort((a, b) => (a.email < b.email ? -1 : 1));
    return { key: `gophish-${fyYear}-${c.month}`, name: c.name, launchedAt, results };
  });
}

function buildIncidents(scale: number, rng: Rng, t: { D: number; fyStart: number }): Incident[] {
  const out: Incident[] = [];
  const fy = Number(jstDate(t.fyStart).slice(0, 4));
  for (let copy = 0; copy < scale; copy++) {
    // Before the fiscal year: one detected 30 minutes before it began (reported inside it), one in February.
    out.push({ id: '', title: 'ランサムウェア感染の疑い', severity: '高', detectedAt: t.fyStart - 30 * MINUTE_MS, reportedAt: t.fyStart + 8 * HOUR_MS, state: '完了', category: 'マルウェア' });
    out.push({ id: '', title: '委託先からの情報漏えい報告', severity: '中', detectedAt: t.fyStart - 46 * DAY_MS + 10 * HOUR_MS, reportedAt: t.fyStart - 43 * DAY_MS + 10 * HOUR_MS, state: '完了', category: '情報漏えい' });
    for (const i of INCIDENTS) {
      const [hh, mm] = i.hhmm.split(':').map(Number) as [number, number];
      const detectedAt = t.D - i.days * DAY_MS + hh * HOUR_MS + mm * MINUTE_MS + (copy > 0 ? rng.int(-30, 30) * MINUTE_MS : 0);
      const reportedAt = i.reportMin === null ? null : detectedAt + i.reportMin * MINUTE_MS;
      out.push({ id: '', title: i.title, severity: i.severity, detectedAt, reportedAt, state: reportedAt === null || i.days < 15 ? '対応中' : '完了', category: i.category });
    }
  }
  out.sort((a, b) => a.detectedAt - b.detectedAt);
  const counters = new Map<number, number>();
  for (const inc of out) {
    const y = jstDayStart(`${fy}-04-01`) <= inc.detectedAt ? fy : fy - 1;
    const n = (counters.get(y) ?? 0) + 1;
    counters.set(y, n);
    inc.id = `INC-${y}-${String(n).padStart(scale > 1 ? 5 : 3, '0')}`;
  }
  return out;
}
