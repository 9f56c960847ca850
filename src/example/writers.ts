/**
 * The example organisation's exports, in the formats the real systems produce:
 * - HR roster: Japanese Excel CSV — Shift_JIS (CP932), CRLF, Japanese headers, `2026/07/15` dates;
 * - Okta: the `/api/v1/users` JSON array;
 * - Google Workspace: the admin console's "Download users" CSV (UTF-8), which carries 2SV enrolment
 *   (Okta's users API does not carry MFA factors);
 * - Moodle: report/completion `format=excelcsv` — UTF-16LE with BOM, TAB-separated, English
 *   site language, dates in `strftimedatetimeshort` (`15/07/26, 14:30`) in the user's zone;
 * - GoPhish: the campaign results CSV (Papa.unparse of the API's results, CRLF, times in UTC);
 * - incident register: UTF-8 with BOM (Excel), Japanese headers, zone-less `2026/07/15 14:30`.
 */
import { join } from 'node:path';
import type { Campaign, ExampleAccount, Organisation } from './model.ts';
import { FileSink, csvLine } from './sink.ts';
import { JST_OFFSET_MS, jstSlashMinute, slashDate, utcIso } from './time.ts';

export const FILES = {
  hr: 'hr-roster.csv',
  okta: 'okta-users.json',
  google: 'google-workspace-users.csv',
  moodle: 'moodle-completion.csv',
  incidents: 'incidents.csv',
} as const;

export const MOODLE_COURSE = '情報セキュリティ研修2026';
const MOODLE_VIDEO = '情報セキュリティ研修（動画）';
const MOODLE_QUIZ = '確認テスト';

export const HR_HEADERS = ['社員番号', '氏名', 'メールアドレス', '部署', '入社日', '退職日', '在籍区分'] as const;

export function writeHr(org: Organisation, dir: string): number {
  const sink = new FileSink(join(dir, FILES.hr), 'cp932');
  sink.write(csvLine(HR_HEADERS));
  for (const p of org.people) {
    sink.write(
      csvLine([
        p.employeeId,
        `${p.familyKanji}\u3000${p.givenKanji}`,
        p.email,
        p.department,
        slashDate(p.hireDate),
        p.leaveDate ? slashDate(p.leaveDate) : '',
        p.status,
      ]),
    );
  }
  sink.close();
  return sink.bytes;
}

function oktaUser(a: ExampleAccount, org: Organisation): string {
  const lastUpdated = Math.max(a.statusChanged, a.passwordChanged, a.activated);
  const profile: Record<string, string | null> = {
    firstName: a.firstName,
    lastName: a.lastName,
    mobilePhone: null,
    secondEmail: null,
    login: a.login,
    email: a.email,
    displayName: `${a.lastName} ${a.firstName}`,
  };
  if (a.department) profile.department = a.department;
  if (a.employeeNumber) profile.employeeNumber = a.employeeNumber;
  return JSON.stringify({
    id: a.id,
    status: a.status,
    created: utcIso(a.created),
    activated: utcIso(a.activated),
    statusChanged: utcIso(a.statusChanged),
    lastLogin: a.lastLogin === null ? null : utcIso(a.lastLogin),
    lastUpdated: utcIso(lastUpdated),
    passwordChanged: utcIso(a.passwordChanged),
    type: { id: 'oty1a2b3c4d5e6f7g8h9' },
    profile,
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `https://${org.domain.split('.')[0]}.okta.com/api/v1/users/${a.id}` } },
  });
}

export function writeOkta(org: Organisation, dir: string): number {
  const sink = new FileSink(join(dir, FILES.okta), 'utf8');
  sink.write('[\n');
  org.accounts.forEach((a, i) => sink.write((i === 0 ? '' : ',\n') + oktaUser(a, org)));
  sink.write('\n]\n');
  sink.close();
  return sink.bytes;
}

export const GOOGLE_HEADERS = [
  'First Name [Required]',
  'Last Name [Required]',
  'Email Address [Required]',
  'Password [Required]',
  'Password Hash Function [UPLOAD ONLY]',
  'Org Unit Path [Required]',
  'New Primary Email [UPLOAD ONLY]',
  'Status [READ ONLY]',
  'Last Sign In [READ ONLY]',
  'Employee ID',
  'Department',
  '2sv Enrolled [READ ONLY]',
  '2sv Enforced [READ ONLY]',
] as const;

/** Google's admin console writes sign-in times as `2026/11/18 09:12:33` in the admin's zone. */
function googleTime(ms: number): string {
  const iso = new Date(ms + JST_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 19)}`;
}

export function writeGoogle(org: Organisation, dir: string): number {
  const sink = new FileSink(join(dir, FILES.google), 'utf8');
  sink.write(csvLine(GOOGLE_HEADERS));
  for (const a of org.accounts) {
    if (!a.google) continue;
    const dept = a.department ?? '';
    sink.write(
      csvLine([
        a.firstName,
        a.lastName,
        a.google.email,
        '****',
        '',
        dept ? `/${dept}` : '/',
        '',
        a.status === 'ACTIVE' ? 'Active' : 'Suspended',
        a.lastLogin === null ? 'Never logged in' : googleTime(a.lastLogin),
        a.employeeNumber ?? '',
        dept,
        a.google.mfa ? 'True' : 'False',
        'False',
      ]),
    );
  }
  sink.close();
  return sink.bytes;
}

/** Moodle's English `strftimedatetimeshort` (`%d/%m/%y, %H:%M`) in Asia/Tokyo. */
export function moodleDate(ms: number): string {
  const iso = new Date(ms + JST_OFFSET_MS).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)}, ${iso.slice(11, 16)}`;
}

export const MOODLE_HEADERS = ['ID', 'Name', 'Email address', MOODLE_VIDEO, `${MOODLE_VIDEO} - Completion date`, MOODLE_QUIZ, `${MOODLE_QUIZ} - Completion date`, 'Course complete'] as const;

export function writeMoodle(org: Organisation, dir: string): number {
  const sink = new FileSink(join(dir, FILES.moodle), 'utf16le-bom');
  const tab = '\t';
  sink.write(csvLine(MOODLE_HEADERS, tab, '\n'));
  let userId = 2; // Moodle's ids 1 and 2 are the guest and the admin.
  const rows: { name: string; email: string; done?: number; videoAt?: number }[] = [];
  for (const p of org.people) {
    if (!p.enrolled) continue;
    const email = p.lmsUpperCase ? p.email.toUpperCase() : p.email;
    rows.push({ name: `${p.familyKanji} ${p.givenKanji}`, email, done: p.completedAt, videoAt: p.completedAt !== undefined ? p.completedAt - 25 * 60_000 : undefined });
  }
  for (const g of org.lmsGuests) rows.push({ name: g.name, email: g.email });
  for (const r of rows) {
    userId += 1;
    const done = r.done !== undefined;
    sink.write(
      csvLine(
        [
          String(userId),
          r.name,
          r.email,
          done ? 'Completed' : 'Not completed',
          done && r.videoAt !== undefined ? moodleDate(r.videoAt) : '',
          done ? 'Completed (achieved pass grade)' : 'Not completed',
          done ? moodleDate(r.done!) : '',
          done ? moodleDate(r.done!) : '',
        ],
        tab,
        '\n',
      ),
    );
  }
  sink.close();
  return sink.bytes;
}

export const GOPHISH_HEADERS = ['id', 'status', 'ip', 'latitude', 'longitude', 'send_date', 'reported', 'modified_date', 'email', 'first_name', 'last_name', 'position'] as const;

/** Go's RFC 3339 with microseconds, as GoPhish's JSON (and so its CSV) writes times. */
function goTime(ms: number, micro: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micro).padStart(6, '0')}Z`;
}

export function campaignFile(c: Campaign): string {
  return `${c.key}.csv`;
}

export function writeCampaign(c: Campaign, dir: string): number {
  const sink = new FileSink(join(dir, campaignFile(c)), 'utf8');
  sink.write(csvLine(GOPHISH_HEADERS));
  c.results.forEach((r, i) => {
    const touched = r.status !== 'Email Sent' && r.status !== 'Error Sending Email';
    sink.write(
      csvLine([
        r.rid,
        r.status,
        touched ? `203.0.113.${(i % 250) + 1}` : '',
        '0',
        '0',
        goTime(r.sendDate, (i * 7919) % 1_000_000),
        r.reported ? 'true' : 'false',
        goTime(r.modifiedDate, (i * 104_729) % 1_000_000),
        r.email,
        r.firstName,
        r.lastName,
        r.position,
      ]),
    );
  });
  sink.close();
  return sink.bytes;
}

/** 分類 (the incident's category, for incident-count) was added last, after the columns existing registers have. */
export const INCIDENT_HEADERS = ['インシデント番号', '件名', '重大度', '検知日時', '報告日時', 'ステータス', '分類'] as const;

export function writeIncidents(org: Organisation, dir: string): number {
  const sink = new FileSink(join(dir, FILES.incidents), 'utf8-bom');
  sink.write(csvLine(INCIDENT_HEADERS));
  for (const i of org.incidents) {
    sink.write(csvLine([i.id, i.title, i.severity, jstSlashMinute(i.detectedAt), i.reportedAt === null ? '' : jstSlashMinute(i.reportedAt), i.state, i.category]));
  }
  sink.close();
  return sink.bytes;
}
