/**
 * An access-review campaign from start to return, in process: the plan (who reviews what), the
 * worksheets (XLSX with data validation, CSV with a BOM and formulas neutralised), reviewers
 * filling them in (an XLSX edited with exceljs, a CSV edited as text), and the collector reading
 * the returns back — rejections with file, line and field, a second return replacing the first.
 * Every expectation is worked out by hand from the people and accounts below.
 */
import { mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCampaign } from '../../src/access-review/plan.ts';
import { campaignStatuses } from '../../src/access-review/status.ts';
import { sheetFileStem, writeCampaign } from '../../src/access-review/worksheets.ts';
import { accessReviewCollector } from '../../src/collectors/access-review/collector.ts';
import type { CampaignManifest } from '../../src/collectors/access-review/manifest.ts';
import type { AccessReviewRecord } from '../../src/collectors/access-review/records.ts';
import { accessReviewPerformances } from '../../src/collectors/access-review/performances.ts';
import { collectAll, sourceOf, testContext } from '../collectors/context.ts';
import { account, disabled, hr, identity, TOKYO } from '../kpi/helpers.ts';
import { accessReviewCompletionRate } from '../../src/kpi/access-review-completion-rate.ts';
import { bundle, ctx, objective } from '../kpi/helpers.ts';

const at = (l: string) => `${l}@example.co.jp`;
const START = Date.parse('2026-10-01T09:00:00+09:00');
const DEADLINE_AT = Date.parse('2026-10-16T00:00:00+09:00'); // the end of 2026-10-15 in Tokyo

const people = [
  hr({ employeeId: 'E1', email: at('ann'), department: '営業部' }),
  hr({ employeeId: 'E2', email: at('bob'), department: '開発部', departmentHead: 'E9' }),
  hr({ employeeId: 'E9', email: at('dave'), department: '開発部', departmentHead: 'E9' }), // heads his own department
  hr({ employeeId: 'E8', email: at('eigyo.head'), department: '営業部' }), // the configured reviewer of 営業部
  hr({ employeeId: 'E4', email: at('eve'), department: '人事部', leaveDate: '2026-09-15' }), // left, account still active
  hr({ employeeId: 'E5', email: at('fay'), department: '営業部' }), // a mover: the IdP still says 開発部
];
const accounts = [
  account(at('ann'), { email: at('ann'), groups: ['+admins', 'sales'], lastLoginAt: '2026-09-30T01:00:00Z' }),
  account(at('bob'), { email: at('bob') }),
  account(at('dave'), { email: at('dave') }),
  account(at('eigyo.head'), { email: at('eigyo.head') }),
  account(at('eve'), { email: at('eve') }),
  account(at('fay'), { email: at('fay'), department: '開発部' }),
  account('svc-backup', { accountType: 'service' }),
  account(at('test01')), // matches nobody: an orphan
  account(at('gone'), {}, [['2026-09-01T00:00:00Z', disabled(at('gone'))]]), // disabled before the start: not reviewed
];
const review = { reviewers: { 営業部: at('eigyo.head') }, fallbackReviewer: at('ciso') };
const plan = (): CampaignManifest =>
  planCampaign({
    campaign: '2026-Q3', startedAtMs: START, deadline: '2026-10-15', deadlineAtMs: DEADLINE_AT, sources: ['okta'],
    people, accounts, review, organisation: TOKYO, identity: identity({ serviceAccounts: { loginPatterns: ['^svc-'], types: [] } }),
  });

describe('planning', () => {
  it('reviewers: the department\'s configured one, else its head from HR, else the fallback — never the owner', () => {
    const m = plan();
    expect(m.sheets.map((s) => [s.reviewer, s.accounts.map((a) => a.account)])).toEqual([
      // dave heads his own department and eigyo.head reviews 営業部: their own accounts go to the
      // fallback, as do the leaver's (人事部 has no reviewer and no head), the service account and the orphan.
      // In department order (by code point: 人事部, 営業部, 開発部), those without one last.
      [at('ciso'), [at('eve'), at('eigyo.head'), at('dave'), 'svc-backup', at('test01')]],
      // bob's department head in HR is E9 = dave.
      [at('dave'), [at('bob')]],
      // ann, and fay by her department in HR (営業部), not the IdP's 開発部.
      [at('eigyo.head'), [at('ann'), at('fay')]],
    ]);
    const ann = m.sheets[2]!.accounts[0]!;
    expect(ann).toEqual({ source: 'okta', accountId: `id-${at('ann')}`, account: at('ann'), owner: at('ann'), ownerKind: 'person', department: '営業部', status: 'ACTIVE', lastLogin: '2026-09-30T01:00:00Z', groups: ['+admins', 'sales'] });
    expect(m.sheets[0]!.accounts.map((a) => a.ownerKind)).toEqual(['person', 'person', 'person', 'service', 'orphan']);
    expect([m.startedAt, m.deadline, m.deadlineAt]).toEqual(['2026-10-01T09:00:00.000+09:00', '2026-10-15', '2026-10-16T00:00:00.000+09:00']);
  });
});

describe('worksheets and their return', () => {
  let dir: string;
  let campaignDir: string;
  let records: AccessReviewRecord[];
  let rejections: { file: string; line: number; field?: string; reason: string; value?: string }[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'access-review-'));
    const written = await writeCampaign(plan(), join(dir, 'campaigns'), 'ja', 'Asia/Tokyo');
    campaignDir = written.dir;
    expect([written.sheets, written.accounts]).toEqual([3, 8]);

    const returned = join(dir, 'returned');
    mkdirSync(join(returned, 'nested'), { recursive: true });
    // 営業部's head fills in the XLSX: ann kept (a date cell, 2026-10-10 14:00 as Excel shows it),
    // fay removed by fay herself, late.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(campaignDir, `${sheetFileStem(at('eigyo.head'))}.xlsx`));
    const ws = wb.worksheets[0]!;
    ws.getCell('J2').value = 'keep';
    ws.getCell('K2').value = { text: at('eigyo.head'), hyperlink: `mailto:${at('eigyo.head')}` };
    ws.getCell('L2').value = new Date(Date.UTC(2026, 9, 10, 14, 0)); // Excel's zone-less 14:00
    ws.getCell('J3').value = 'remove';
    ws.getCell('K3').value = at('fay');
    ws.getCell('L3').value = '2026-10-16 09:00';
    await wb.xlsx.writeFile(join(returned, 'nested', '営業部_棚卸し_済.xlsx'));

    // The fallback reviewer returns the CSV twice; the second (newer) replaces the first.
    const csv = readFileSync(join(campaignDir, `${sheetFileStem(at('ciso'))}.csv`), 'utf8');
    const lines = csv.split('\r\n');
    const fill = (i: number, decision: string, by: string, when: string) => {
      lines[i] = lines[i]!.replace(/,,,$/, `,${decision},${by},${when}`);
    };
    const first = [...lines];
    first[3] = first[3]!.replace(/,,,$/, `,remove,${at('ciso')},2026-10-02 10:00`);
    writeFileSync(join(returned, 'ciso-v1.csv'), first.join('\r\n'));
    utimesSync(join(returned, 'ciso-v1.csv'), new Date('2026-10-05T00:00:00Z'), new Date('2026-10-05T00:00:00Z'));
    fill(1, 'remove', '', '2026-10-03 10:00'); // eve: no reviewed_by
    fill(2, 'maybe', at('ciso'), '2026-10-03 10:00'); // eigyo.head: unknown decision
    fill(3, 'keep', at('ciso'), '2026-10-15 23:59'); // dave: on time
    fill(4, 'keep', at('ciso'), ''); // svc-backup: the file's time
    fill(5, 'remove', at('ciso'), '2026-10-01 08:00'); // test01: before the campaign started
    const extra = `2026-Q3,${at('ciso')},${at('intruder')},,,okta,ACTIVE,,,keep,${at('ciso')},2026-10-03 10:00`;
    const again = lines[3]!;
    writeFileSync(join(returned, 'ciso-v2.csv'), [...lines.slice(0, 6), extra, again, ...lines.slice(6)].join('\r\n'));
    utimesSync(join(returned, 'ciso-v2.csv'), new Date('2026-10-12T03:00:00Z'), new Date('2026-10-12T03:00:00Z'));
    // A sheet of a campaign nobody started.
    writeFileSync(join(returned, 'stray.csv'), `campaign,reviewer,account,source,decision,reviewed_by,reviewed_at\n2025-Q9,${at('ciso')},${at('ann')},okta,keep,${at('ciso')},2026-10-03\n`);
    // Not a sheet at all.
    writeFileSync(join(returned, 'notes.csv'), 'memo\nhello\n');

    const { ctx: c, rejections: rej } = testContext({ baseDir: dir });
    c.observedAt = new Date('2026-11-19T00:00:00Z');
    const src = sourceOf({ kind: 'access-review', path: 'returned', outputDir: 'campaigns', fallbackReviewer: at('ciso'), reviewers: review.reviewers });
    records = (await collectAll(accessReviewCollector, src, c)).map((r) => r.data);
    rejections = rej;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one XLSX and one CSV per reviewer and the manifest, nowhere else', () => {
    expect(readdirSync(campaignDir).sort()).toEqual([
      'campaign.json', 'ciso@example.co.jp.csv', 'ciso@example.co.jp.xlsx', 'dave@example.co.jp.csv', 'dave@example.co.jp.xlsx', 'eigyo.head@example.co.jp.csv', 'eigyo.head@example.co.jp.xlsx',
    ]);
    expect(readdirSync(join(dir, 'campaigns'))).toEqual(['2026-Q3']);
  });

  it('the XLSX: headers in the organisation\'s language, keep | remove enforced on decision, a guide', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(campaignDir, 'eigyo.head@example.co.jp.xlsx'));
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('棚卸し');
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['棚卸し', '確認担当者', 'アカウント', '所有者', '部署', 'ソース', '状態', '最終ログイン', 'グループ', '判定（decision）', '確認者（reviewed_by）', '確認日時（reviewed_at）']);
    // 2026-09-30T01:00Z is 10:00 in Tokyo.
    expect((ws.getRow(2).values as unknown[]).slice(1, 10)).toEqual(['2026-Q3', at('eigyo.head'), at('ann'), at('ann'), '営業部', 'okta', 'ACTIVE', '2026-09-30 10:00', '+admins, sales']);
    expect(ws.getCell('J2').dataValidation).toMatchObject({ type: 'list', formulae: ['"keep,remove"'] });
    expect(ws.getCell('J3').dataValidation).toMatchObject({ type: 'list' });
    expect(wb.worksheets[1]!.getCell('A1').value).toMatch(/^アカウント棚卸し 2026-Q3: .*2026-10-16 00:00/);
  });

  it('the CSV: UTF-8 with a BOM, CRLF, a formula-like cell neutralised', () => {
    const csv = readFileSync(join(campaignDir, 'eigyo.head@example.co.jp.csv'), 'utf8');
    expect(csv.startsWith('\uFEFF棚卸し,確認担当者,')).toBe(true);
    expect(csv).toContain(`\r\n2026-Q3,${at('eigyo.head')},${at('ann')},${at('ann')},営業部,okta,ACTIVE,2026-09-30 10:00,"'+admins, sales",,,\r\n`);
    expect(readFileSync(join(campaignDir, 'ciso@example.co.jp.csv'), 'utf8')).toContain(',svc-backup,（サービスアカウント）,,okta,');
  });

  it('every account of the campaign is a record; decisions as returned', () => {
    const by = new Map(records.map((r) => [r.account, r]));
    expect(records).toHaveLength(8);
    expect(by.get(at('ann'))).toMatchObject({ decision: 'keep', reviewedBy: at('eigyo.head'), reviewedAt: '2026-10-10T14:00:00.000+09:00', reviewedAtFrom: 'sheet', reviewer: at('eigyo.head'), owner: at('ann') });
    expect(by.get(at('fay'))).toMatchObject({ decision: 'remove', reviewedBy: at('fay'), reviewedAt: '2026-10-16T09:00:00.000+09:00' });
    expect(by.get(at('dave'))).toMatchObject({ decision: 'keep', reviewedAt: '2026-10-15T23:59:00.000+09:00' });
    // No reviewed_at: the returned file's modification time, 2026-10-12T03:00Z.
    expect(by.get('svc-backup')).toMatchObject({ decision: 'keep', reviewedAt: '2026-10-12T03:00:00.000Z', reviewedAtFrom: 'returned-file', ownerKind: 'service' });
    // Rejected or not returned: undecided. The first return's decision on dave was replaced.
    for (const a of [at('bob'), at('eve'), at('eigyo.head'), at('test01')]) expect(by.get(a)!.decision, a).toBeUndefined();
    expect(records.every((r) => r.closedAt === undefined)).toBe(true);
  });

  it('returned sheets with no campaigns folder where outputDir says fail the run, naming it (a typo must not empty the review)', async () => {
    const { ctx: c } = testContext({ baseDir: dir });
    const src = sourceOf({ kind: 'access-review', path: 'returned', outputDir: 'campaigns-typo', fallbackReviewer: at('ciso'), reviewers: review.reviewers });
    await expect(collectAll(accessReviewCollector, src, c)).rejects.toThrow(/campaigns-typo: .*returned sheet\(s\).*the campaigns folder \(outputDir\) does not exist/);
  });

  it('rejections name file, line and field', () => {
    const v2 = join(dir, 'returned', 'ciso-v2.csv');
    // Files in path order; a file that is no sheet at all is rejected while it is read.
    expect(rejections.map((r) => [r.file.slice(dir.length + 1), r.line, r.field ?? null, r.reason, r.value ?? null])).toEqual([
      ['returned/notes.csv', 1, null, expect.stringMatching(/^not readable as a review sheet: missing required column\(s\) campaign \(e\.g\. "campaign", "棚卸し"/) as unknown as string, null],
      ['returned/ciso-v2.csv', 2, 'reviewedBy', 'a decision without reviewed_by: who reviewed it?', null],
      ['returned/ciso-v2.csv', 3, 'decision', 'unknown decision (expected keep or remove)', 'maybe'],
      ['returned/ciso-v2.csv', 6, 'reviewedAt', 'reviewed_at is before the campaign started', '2026-10-01 08:00'],
      // The values (accounts, people) apart from the reasons.
      ['returned/ciso-v2.csv', 7, 'account', "not an account on this sheet's list: the list was changed", `${at('intruder')} (okta)`],
      ['returned/ciso-v2.csv', 8, 'account', 'the same account again (first on line 4)', at('dave')],
      ['returned/stray.csv', 2, 'campaign', 'campaign "2025-Q9" is not one that was started (no campaign.json for it)', null],
    ]);
    expect(v2).toBeTruthy();
  });

  it('status per reviewer; the KPI counts 3 of 8', () => {
    const [s] = campaignStatuses(records);
    expect(s!.reviewers.map((r) => [r.reviewer, r.accounts, r.decided, r.late, r.remove])).toEqual([
      [at('ciso'), 5, 2, 0, 0],
      [at('dave'), 1, 0, 0, 0],
      [at('eigyo.head'), 2, 2, 1, 1],
    ]);
    // ann, dave, svc-backup compliant; fay reviewed by herself (and late); bob, eve, eigyo.head, test01 undecided.
    const o = objective({ kpi: 'access-review-completion-rate' });
    const r = accessReviewCompletionRate(bundle({ people, current: { 'access-review': records } }), ctx(o, '2026-11-20T12:00:00+09:00'));
    expect([r.numerator, r.denominator]).toEqual([3, 8]);
    expect(r.failing.map((f) => [f.id, f.reason]).sort()).toEqual(
      [[at('bob'), 'no decision'], [at('eigyo.head'), 'no decision'], [at('eve'), 'no decision'], [at('fay'), 'reviewed by its own owner'], [at('test01'), 'no decision']].sort(),
    );
  });

  it('a closed campaign is one performance at its last decision; an open one none', () => {
    expect(records.map((r) => accessReviewPerformances.performance(r)).filter(Boolean)).toEqual([]);
    const closed = records.map((r) => ({ ...r, closedAt: '2026-10-16T09:00:00.000+09:00' }));
    expect(new Set(closed.map((r) => JSON.stringify(accessReviewPerformances.performance(r))))).toEqual(new Set([JSON.stringify({ at: '2026-10-16T09:00:00.000+09:00', evidence: 'access review 2026-Q3' })]));
  });

  it('a campaign already started is not overwritten', async () => {
    await expect(writeCampaign(plan(), join(dir, 'campaigns'), 'en', 'Asia/Tokyo')).rejects.toThrow(/campaign 2026-Q3 was already started/);
  });
});
