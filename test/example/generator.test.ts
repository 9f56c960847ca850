/**
 * The example organisation's generator: deterministic, writing the encodings real exports use,
 * and placing exactly the populations test/fixtures/example-expected.md counts on. Files are read
 * back here with plain parsing (iconv-lite, csv-parse, JSON.parse), not with the collectors.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEMO, generateOrganisation } from '../../src/example/generator.ts';

const REPO = join(import.meta.dirname, '..', '..');
const COMMITTED = join(REPO, 'config', 'example-data');
const E = Date.parse('2026-11-19T09:00:00+09:00');
const T = Date.parse('2026-11-20T12:00:00+09:00');
const DAY = 86_400_000;

let dir: string;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'isms-example-'));
const cleanup: string[] = [];

beforeAll(() => {
  dir = tmp();
  cleanup.push(dir);
  generateOrganisation({ ...DEMO, outDir: dir });
});
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

const bytes = (d: string, f: string): Buffer => readFileSync(join(d, f));
/** Every file below `d` (the mail journal is a Maildir folder), as relative paths. */
const filesUnder = (d: string): string[] => (readdirSync(d, { recursive: true }) as string[]).filter((f) => statSync(join(d, f)).isFile()).sort();

function hrRows(d: string): Record<string, string>[] {
  return parse(iconv.decode(bytes(d, 'hr-roster.csv'), 'cp932'), { columns: true }) as Record<string, string>[];
}

interface OktaUser {
  id: string;
  status: string;
  statusChanged: string;
  lastLogin: string | null;
  created: string;
  profile: { login: string; email: string; employeeNumber?: string };
}
const okta = (d: string): OktaUser[] => JSON.parse(bytes(d, 'okta-users.json').toString('utf8')) as OktaUser[];
const csvUtf8 = (d: string, f: string): Record<string, string>[] =>
  parse(bytes(d, f).toString('utf8'), { columns: true, bom: true }) as Record<string, string>[];

describe('determinism', () => {
  it('writes identical bytes for the same seed, and different ones for another seed', () => {
    const again = tmp();
    const other = tmp();
    cleanup.push(again, other);
    generateOrganisation({ ...DEMO, outDir: again });
    generateOrganisation({ ...DEMO, seed: DEMO.seed + 1, outDir: other });
    const files = filesUnder(dir);
    expect(files.filter((f) => f.startsWith('mail-journal/cur/'))).toHaveLength(11);
    expect(filesUnder(again)).toEqual(files);
    for (const f of files) expect(bytes(again, f).equals(bytes(dir, f)), f).toBe(true);
    expect(bytes(other, 'hr-roster.csv').equals(bytes(dir, 'hr-roster.csv'))).toBe(false);
  });

  it('the committed demo data is exactly what `npm run example:generate` writes', () => {
    const files = filesUnder(dir);
    expect(filesUnder(COMMITTED)).toEqual(files);
    for (const f of files) expect(bytes(COMMITTED, f).equals(bytes(dir, f)), f).toBe(true);
  });

  it('refuses an organisation too small for its design', () => {
    expect(() => generateOrganisation({ ...DEMO, people: 59, outDir: join(dir, 'never') })).toThrow(RangeError);
  });
});

describe('encodings as the real systems write them', () => {
  it('HR roster: Shift_JIS without BOM, CRLF, Japanese headers, 2026/07/15 dates', () => {
    const b = bytes(dir, 'hr-roster.csv');
    expect([b[0], b[1], b[2]]).not.toEqual([0xef, 0xbb, 0xbf]);
    // 社 in CP932 is 0x8E 0xD0; in UTF-8 it would be E7 A4 BE.
    expect([b[0], b[1]]).toEqual([0x8e, 0xd0]);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(b)).toThrow();
    const text = iconv.decode(b, 'cp932');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('社員番号,氏名,メールアドレス,部署,入社日,退職日,在籍区分');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const r of hrRows(dir)) {
      expect(r['入社日']).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
      if (r['退職日']) expect(r['退職日']).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
    }
  });

  it('Moodle: UTF-16LE with BOM, TAB-separated, Course complete as 15/07/26, 14:30', () => {
    const b = bytes(dir, 'moodle-completion.csv');
    expect([b[0], b[1]]).toEqual([0xff, 0xfe]);
    const text = b.subarray(2).toString('utf16le');
    const [header, first] = text.split('\n');
    expect(header!.split('\t')).toEqual([
      'ID', 'Name', 'Email address', '情報セキュリティ研修（動画）', '情報セキュリティ研修（動画） - Completion date', '確認テスト', '確認テスト - Completion date', 'Course complete',
    ]);
    expect(first!.split('\t')[7]).toMatch(/^(\d{2}\/\d{2}\/\d{2}, \d{2}:\d{2})?$/);
  });

  it('mail journal: a Maildir (cur/) of 11 RFC 5322 messages with CRLF line ends, ASCII headers (RFC 2047 / 2231)', () => {
    const cur = join(dir, 'mail-journal', 'cur');
    const names = readdirSync(cur).sort();
    expect(names).toHaveLength(11);
    for (const n of names) {
      expect(n).toMatch(/^\d{10}\.M\d{6}P\d+Q\d+\.mail\.example\.co\.jp:2,S$/);
      const text = bytes(cur, n).toString('latin1');
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(text).toMatch(/^[\x00-\x7f]*$/);
      expect(text.split('\r\n\r\n')[0]).toMatch(/^Message-ID: <\d{14}\.[0-9A-F]{6}@mail\.example\.co\.jp>$/m);
    }
    const from = names.map((n) => /^From: .*<([^>]+)>$/m.exec(bytes(cur, n).toString('latin1'))?.[1] ?? '');
    expect(from.filter((a) => a.endsWith('@example.co.jp'))).toHaveLength(10);
  });

  it('incident register: UTF-8 with BOM; Google and GoPhish: UTF-8; Okta: a JSON array', () => {
    expect([...bytes(dir, 'incidents.csv').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes(dir, 'google-workspace-users.csv').toString('utf8').startsWith('First Name [Required],')).toBe(true);
    expect(bytes(dir, 'gophish-2026-10.csv').toString('utf8').split('\r\n')[0]).toBe(
      'id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position',
    );
    expect(Array.isArray(okta(dir))).toBe(true);
  });
});

describe('populations by construction (example-expected.md)', () => {
  const config = parseYaml(readFileSync(join(REPO, 'config', 'example.yaml'), 'utf8')) as { identity: { aliases: Record<string, string> } };
  const aliases = config.identity.aliases;
  const startOfDay = (slash: string): number => Date.parse(`${slash.replaceAll('/', '-')}T00:00:00+09:00`);

  it('the roster: 300 rows, 30 with 退職, 33 with a leave date, 16 whose accounts went stale in the quarter', () => {
    const rows = hrRows(dir);
    expect(rows).toHaveLength(300);
    expect(rows.filter((r) => r['在籍区分'] === '退職')).toHaveLength(30);
    expect(rows.filter((r) => r['退職日'] !== '')).toHaveLength(33);
    const inQuarter = rows.filter((r) => r['退職日']! >= '2026/09/30' && r['退職日']! <= '2026/11/18');
    expect(inQuarter).toHaveLength(16);
    // The re-hired person: two rows, one address.
    const byEmail = new Map<string, number>();
    for (const r of rows) byEmail.set(r['メールアドレス']!, (byEmail.get(r['メールアドレス']!) ?? 0) + 1);
    expect([...byEmail].filter(([, n]) => n > 1).map(([e]) => e)).toEqual(['ken.suzuki@example.co.jp']);
  });

  it("the in-quarter leavers' accounts: 12 disabled on time, 2 late, 3 still active (one an admin account)", () => {
    const rows = hrRows(dir).filter((r) => r['退職日']! >= '2026/09/30' && r['退職日']! <= '2026/11/18');
    const users = okta(dir);
    let onTime = 0;
    let late = 0;
    const active: string[] = [];
    for (const r of rows) {
      const deadline = startOfDay(r['退職日']!) + 2 * DAY;
      const mine = users.filter(
        (u) => u.profile.employeeNumber === r['社員番号'] || u.profile.email === r['メールアドレス'] || aliases[u.profile.login] === r['メールアドレス'],
      );
      expect(mine.length).toBeGreaterThan(0);
      for (const u of mine) {
        if (u.status === 'ACTIVE') active.push(u.profile.login);
        else if (Date.parse(u.statusChanged) <= deadline) onTime++;
        else late++;
      }
    }
    expect({ onTime, late, active: active.sort() }).toEqual({
      onTime: 12,
      late: 2,
      active: ['adm.naoki.kato@example.co.jp', 'akemi.shimizu@example.co.jp', 'yamada-t@example.co.jp'],
    });
  });

  it('Okta: 308 accounts, 3 service accounts, 4 orphans (3 active), 4 dormant active accounts', () => {
    const users = okta(dir);
    expect(users).toHaveLength(308);
    const rows = hrRows(dir);
    const emails = new Set(rows.map((r) => r['メールアドレス']));
    const ids = new Set(rows.map((r) => r['社員番号']));
    const service = users.filter((u) => /^svc-/.test(u.profile.login));
    expect(service.map((u) => u.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    const orphans = users.filter(
      (u) => !/^svc-/.test(u.profile.login) && !emails.has(u.profile.email) && !ids.has(u.profile.employeeNumber ?? '') && !(u.profile.login in aliases),
    );
    expect(orphans.map((u) => `${u.profile.login} ${u.status}`).sort()).toEqual([
      'haken.kimura@example.co.jp ACTIVE',
      'kenshu-user@example.co.jp ACTIVE',
      'old.intern@example.co.jp DEPROVISIONED',
      'test01@example.co.jp ACTIVE',
    ]);
    const dormant = users.filter((u) => {
      if (u.status !== 'ACTIVE' || /^svc-/.test(u.profile.login)) return false;
      const last = Date.parse(u.lastLogin ?? u.created);
      return last < T - 90 * DAY;
    });
    expect(dormant.map((u) => u.profile.login).sort()).toEqual([
      'aya.hashimoto@example.co.jp',
      'hiroshi.yamashita@example.co.jp',
      'megumi.sato@example.co.jp',
      'yumi.nakamura@example.co.jp',
    ]);
    // Every other active account logged in (or was created) well within 90 days (the oldest: the
    // carry-over leaver, last seen on their last day 66 days before T).
    const recent = users.filter((u) => u.status === 'ACTIVE' && !/^svc-/.test(u.profile.login) && !dormant.includes(u));
    for (const u of recent) expect(Date.parse(u.lastLogin ?? u.created)).toBeGreaterThan(T - 75 * DAY);
    // No login after the export was taken.
    for (const u of users) if (u.lastLogin) expect(Date.parse(u.lastLogin)).toBeLessThan(E);
  });

  it('Google Workspace: 303 mailboxes, 276 active, 9 of them without 2-step verification', () => {
    const rows = csvUtf8(dir, 'google-workspace-users.csv');
    expect(rows).toHaveLength(303);
    const active = rows.filter((r) => r['Status [READ ONLY]'] === 'Active');
    expect(active).toHaveLength(276);
    expect(active.filter((r) => r['2sv Enrolled [READ ONLY]'] === 'False')).toHaveLength(9);
  });

  it('Moodle: 2 completions just before the fiscal year, 2 addresses in capitals, one lecturer not in HR', () => {
    const text = bytes(dir, 'moodle-completion.csv').subarray(2).toString('utf16le');
    const rows = parse(text, { columns: true, delimiter: '\t' }) as Record<string, string>[];
    const done = rows.map((r) => r['Course complete']!).filter((d) => d !== '');
    // dd/mm/yy: March 2026 is ../03/26.
    expect(done.filter((d) => /^\d{2}\/03\/26,/.test(d))).toHaveLength(2);
    expect(rows.filter((r) => /[A-Z]/.test(r['Email address']!)).map((r) => r['Email address'])).toEqual([
      'TAKUYA.ITO@EXAMPLE.CO.JP',
      'KEN.TAKAHASHI@EXAMPLE.CO.JP',
    ]);
    expect(rows.filter((r) => !r['Email address']!.endsWith('@example.co.jp') && !r['Email address']!.endsWith('@EXAMPLE.CO.JP'))).toHaveLength(1);
  });

  it('GoPhish: per campaign, recipients, bounces, clicks and submissions', () => {
    const count = (f: string): Record<string, number> => {
      const out: Record<string, number> = { total: 0 };
      for (const r of csvUtf8(dir, f)) {
        out.total!++;
        out[r.status!] = (out[r.status!] ?? 0) + 1;
      }
      return out;
    };
    const pick = (c: Record<string, number>) => ({ total: c.total, error: c['Error Sending Email'] ?? 0, clicked: c['Clicked Link'] ?? 0, submitted: c['Submitted Data'] ?? 0 });
    expect(pick(count('gophish-2026-03.csv'))).toEqual({ total: 120, error: 0, clicked: 16, submitted: 4 });
    expect(pick(count('gophish-2026-06.csv'))).toEqual({ total: 200, error: 2, clicked: 13, submitted: 5 });
    expect(pick(count('gophish-2026-10.csv'))).toEqual({ total: 250, error: 3, clicked: 11, submitted: 4 });
  });

  it('incidents: 14, of which 12 detected in FY2026; one never reported, one reported after 30 h', () => {
    const rows = csvUtf8(dir, 'incidents.csv');
    expect(rows).toHaveLength(14);
    const minutes = (s: string): number => Date.parse(`${s.replace(' ', 'T').replaceAll('/', '-')}:00+09:00`) / 60_000;
    const inYear = rows.filter((r) => r['検知日時']! >= '2026/04/01');
    expect(inYear).toHaveLength(12);
    expect(inYear.filter((r) => r['報告日時'] === '').map((r) => r['インシデント番号'])).toEqual(['INC-2026-011']);
    const late = inYear.filter((r) => r['報告日時'] !== '' && minutes(r['報告日時']!) - minutes(r['検知日時']!) > 24 * 60);
    expect(late.map((r) => r['インシデント番号'])).toEqual(['INC-2026-005']);
    const exactly24h = inYear.filter((r) => r['報告日時'] !== '' && minutes(r['報告日時']!) - minutes(r['検知日時']!) === 24 * 60);
    expect(exactly24h.map((r) => r['インシデント番号'])).toEqual(['INC-2026-002']);
  });

  it('issue 13: Trivy reports of five applications, the criticals placed as example-expected.md counts them', () => {
    const reports = filesUnder(dir).filter((f) => f.startsWith('trivy/'));
    expect(reports).toHaveLength(20);
    const criticals = reports.map((f) => {
      const doc = JSON.parse(bytes(dir, f).toString('utf8')) as { SchemaVersion: number; CreatedAt: string; Results: { Vulnerabilities?: { VulnerabilityID: string; Severity: string }[] }[] };
      expect(doc.SchemaVersion).toBe(2);
      // Written at 03:00–03:30 JST on the day the file is named after.
      expect(new Date(Date.parse(doc.CreatedAt) + 9 * 3_600_000).toISOString().slice(0, 13)).toBe(`${f.slice(6, 16)}T03`);
      const ids = doc.Results.flatMap((r) => r.Vulnerabilities ?? []).filter((v) => v.Severity === 'CRITICAL').map((v) => v.VulnerabilityID);
      return ids.length ? `${f} ${ids.join(' ')}` : undefined;
    }).filter((x) => x !== undefined);
    expect(criticals).toEqual([
      'trivy/2026-06-12-batch.json CVE-2026-3001',
      'trivy/2026-06-14-legacy-crm.json CVE-2026-5001',
      'trivy/2026-07-14-legacy-crm.json CVE-2026-5001',
      'trivy/2026-09-10-web.json CVE-2026-1001',
      'trivy/2026-10-11-api.json CVE-2026-2001',
      'trivy/2026-10-12-batch.json CVE-2026-3001',
      'trivy/2026-11-10-web.json CVE-2026-1002',
      'trivy/2026-11-11-api.json CVE-2026-2001',
      'trivy/2026-11-18-api.json CVE-2026-2001',
    ]);
    const last = (app: string) => reports.filter((f) => f.endsWith(`-${app}.json`)).pop();
    expect(['web', 'api', 'batch', 'intranet', 'legacy-crm'].map(last)).toEqual([
      'trivy/2026-11-10-web.json', 'trivy/2026-11-18-api.json', 'trivy/2026-10-12-batch.json', 'trivy/2026-09-13-intranet.json', 'trivy/2026-07-14-legacy-crm.json',
    ]);
  });

  it('issue 13: the asset inventory (7 assets, one retired) and the activity register', () => {
    const assets = csvUtf8(dir, 'asset-inventory.csv');
    expect(assets.map((r) => [r['資産番号'], r['利用終了日']])).toEqual([
      ['APP-WEB', ''], ['APP-API', ''], ['APP-BATCH', ''], ['APP-INTRA', ''], ['APP-CRM', ''], ['SRV-FS01', ''], ['APP-PORTAL', '2026/03/31'],
    ]);
    const reviews = csvUtf8(dir, 'activity-register.csv').filter((r) => r['実施項目'] === '月次ログレビュー').map((r) => r['実施日時']);
    expect(reviews).toEqual(['2026/04/06 10:00', '2026/06/03 10:00', '2026/08/10 10:00', '2026/10/08 10:00', '2026/11/04 10:00']);
  });

  it('issue 13: incidents carry a category (分類, the last column); 誤送信 twice in FY2026', () => {
    const rows = csvUtf8(dir, 'incidents.csv');
    expect(Object.keys(rows[0]!).pop()).toBe('分類');
    expect(rows.filter((r) => r['分類'] === '誤送信' && r['検知日時']! >= '2026/04/01').map((r) => r['インシデント番号'])).toEqual(['INC-2026-002', 'INC-2026-010']);
  });

  it('a larger organisation repeats the design: 1,200 people hold 4 copies of each case', () => {
    const big = tmp();
    cleanup.push(big);
    generateOrganisation({ people: 1200, seed: 7, asOf: DEMO.asOf, outDir: big });
    const rows = hrRows(big);
    expect(rows).toHaveLength(1200);
    expect(rows.filter((r) => r['退職日']! >= '2026/09/30' && r['退職日']! <= '2026/11/18')).toHaveLength(64);
    expect(new Set(rows.map((r) => r['メールアドレス'])).size).toBe(1200 - 4); // 4 re-hired people
    expect(new Set(rows.map((r) => r['社員番号'])).size).toBe(1200);
    const users = okta(big);
    expect(new Set(users.map((u) => u.profile.login)).size).toBe(users.length);
  });
});

describe('issue 14 additions', () => {
  it('config/example.yaml names the department heads the generator picks as the access review\'s reviewers', async () => {
    const { buildOrganisation } = await import('../../src/example/model.ts');
    const { exampleReviewers } = await import('../../src/example/access-review.ts');
    const org = buildOrganisation({ people: DEMO.people, seed: DEMO.seed, exportedAt: Date.parse(DEMO.asOf) });
    const cfg = parseYaml(readFileSync(join(REPO, 'config', 'example.yaml'), 'utf8')) as { sources: { id: string; reviewers?: Record<string, string>; fallbackReviewer?: string }[] };
    const review = cfg.sources.find((s) => s.id === 'access-review')!;
    expect({ reviewers: review.reviewers, fallbackReviewer: review.fallbackReviewer }).toEqual(exampleReviewers(org));
  });

  it('the returned sheets are the campaign\'s sheets with the decision cells filled in: UTF-8 with BOM, CRLF', () => {
    const sheets = readdirSync(join(dir, 'access-review', 'returned')).sort();
    expect(sheets).toHaveLength(11);
    for (const f of sheets) {
      const blank = bytes(join(dir, 'access-review', 'campaigns', '2026-Q3'), f).toString('utf8').split('\r\n');
      const back = bytes(join(dir, 'access-review', 'returned'), f).toString('utf8').split('\r\n');
      expect(back[0]!.startsWith('\uFEFF棚卸し,確認担当者,アカウント')).toBe(true);
      // Same rows, same first nine columns: only decision, reviewed_by and reviewed_at differ.
      expect(back.map((l) => l.split(',').slice(0, 9).join(','))).toEqual(blank.map((l) => l.split(',').slice(0, 9).join(',')));
    }
  });
});
