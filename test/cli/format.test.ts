/**
 * What `evaluate` and `evidence` print, from results written here by hand: columns per fact,
 * worst first, headers and statuses in the organisation's language, times in its zone, tables
 * fitted to a terminal's width, and CSV that a Japanese Excel opens safely.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { spreadsheetCsv } from '../../src/cli/csv.ts';
import { formatEvidence, groupSubjects, reasonGroup, worstFirst } from '../../src/cli/evidence-format.ts';
import { formatEvaluation } from '../../src/cli/format.ts';
import { table, truncate } from '../../src/cli/table.ts';
import { localSecond, viewFor } from '../../src/cli/view.ts';
import { parseObjective } from '../../src/config/schema.ts';
import type { FailingSubject, KpiResult } from '../../src/kpi/types.ts';

const account = (id: string, daysOverdue: number, extra: Record<string, string | null> = {}): FailingSubject => ({
  type: 'account',
  id,
  reason: `leaver's account still enabled, ${daysOverdue} day(s) past its deadline`,
  details: { source: 'okta', accountId: `00u-${id}`, owner: id, department: '営業部', kind: 'leaver', staleSince: '2026-11-01T15:00:00.000Z', deadline: '2026-11-02T15:00:00.000Z', disabledAt: null, daysOverdue, ...extra },
});

const result = (failing: FailingSubject[]): KpiResult => ({
  objective: 'stale-accounts', kpi: 'stale-account-deletion-rate', value: 0.5, numerator: 2, denominator: 4, target: 1, direction: 'at_least', status: 'missed',
  period: { from: '2026-10-01T00:00:00.000+09:00', to: '2026-11-20T12:00:00.000+09:00' }, failing, evaluatedAt: '2026-11-20T03:00:00.000Z',
});

const JA = { language: 'ja', timeZone: 'Asia/Tokyo' } as const;
const EN = { language: 'en', timeZone: 'Asia/Tokyo' } as const;
const BOM = '\uFEFF';

describe('evidence: columns an IT person can act on', () => {
  const subjects = [account('a@x.example', 3), account('b@x.example', 12, { department: '開発部' }), account('c@x.example', 3, { owner: null, kind: 'orphan' })];

  it('worst first: most days overdue, ties in the KPI order', () => {
    expect(worstFirst(subjects).map((s) => s.id)).toEqual(['b@x.example', 'a@x.example', 'c@x.example']);
  });

  it('a table with one column per fact, in English, times in the organisation zone', () => {
    const out = formatEvidence('table', result(subjects), 'Leavers', EN);
    const lines = out.split('\n');
    expect(lines[0]).toBe('stale-accounts — Leavers');
    expect(lines[1]).toBe('stale-account-deletion-rate: value 50.0% (2/4), target ≥ 100.0%, status missed');
    expect(lines[2]).toBe('period 2026-10-01 00:00 … 2026-11-20 12:00 (Asia/Tokyo)');
    expect(lines[3]).toBe('3 failing subjects');
    // accountId is for the record (CSV/JSON), disabledAt empty for all: neither is a table column.
    expect(lines[5]!.split(/\s{2,}/)).toEqual(['account', 'owner', 'department', 'kind', 'stale since', 'deadline', 'days overdue', 'source', 'reason']);
    // 2026-11-01T15:00Z is 2026-11-02 00:00 in Tokyo; the deadline a day later.
    expect(lines[7]!.split(/\s{2,}/)).toEqual(['b@x.example', 'b@x.example', '開発部', 'leaver', '2026-11-02 00:00', '2026-11-03 00:00', '12', 'okta', "leaver's account still enabled, 12 day(s) past its deadline"]);
    // The orphan has no owner: an empty cell (so the split below skips it).
    expect(lines[9]!.split(/\s{2,}/).slice(0, 4)).toEqual(['c@x.example', '営業部', 'orphan', '2026-11-02 00:00']);
  });

  it('headers, kinds and statuses in Japanese for `language: ja`', () => {
    const out = formatEvidence('table', result(subjects), '退職者アカウント削除率', JA);
    expect(out).toContain('現在値 50.0%（2/4）、目標値 ≥ 100.0%、状況 未達');
    expect(out.split('\n')[5]!.split(/\s{2,}/)).toEqual(['アカウント', '所有者', '部署', '種別', '失効日時', '期限', '超過日数', 'ソース', '理由']);
    expect(out).toContain('所有者不明');
    expect(out).toContain('退職者');
  });

  it('fits the terminal: the widest text column is cut with "…", ids, dates and numbers are not', () => {
    const out = formatEvidence('table', result(subjects), 'Leavers', { ...EN, width: 120 });
    const rows = out.split('\n').slice(5).filter((l) => l !== '');
    for (const l of rows) expect(stringWidth(l)).toBeLessThanOrEqual(120);
    expect(rows[2]).toContain('…');
    expect(rows[2]).toContain('b@x.example');
    expect(rows[2]).toContain('2026-11-03 00:00');
    // Piped (no width): nothing is cut.
    expect(formatEvidence('table', result(subjects), 'Leavers', EN).split('\n').slice(5).join('\n')).not.toContain('…');
  });

  it('--group-by department / owner / reason: counts per group, largest first, with the worst overdue', () => {
    expect(groupSubjects(subjects, 'department')).toEqual([
      { group: '営業部', count: 2, maxDaysOverdue: 3 },
      { group: '開発部', count: 1, maxDaysOverdue: 12 },
    ]);
    // One each: the worst overdue first (b, 12 days), then by name, the group without an owner last.
    expect(groupSubjects(subjects, 'owner').map((g) => [g.group, g.count])).toEqual([['b@x.example', 1], ['a@x.example', 1], [null, 1]]);
    expect(groupSubjects(subjects, 'reason')).toEqual([{ group: "leaver's account still enabled", count: 3, maxDaysOverdue: 12 }]);
    const out = formatEvidence('table', result(subjects), '退職者', JA, { groupBy: 'owner' });
    expect(out).toContain('（なし）');
    expect(out.split('\n')[5]!.split(/\s{2,}/)).toEqual(['所有者', '件数', '超過日数']);
  });

  it('reason groups drop figures and instants but keep words with digits', () => {
    expect(reasonGroup('dormant account disabled 3 day(s) after its deadline')).toBe('dormant account disabled N day(s) after its deadline');
    expect(reasonGroup('missing 情報セキュリティ研修2026')).toBe('missing 情報セキュリティ研修2026');
    expect(reasonGroup('2 successful authentication(s) at or after the owner\'s stale-since 2026-11-01T00:00:00.000+09:00; last 2026-11-05T09:00:00.000+09:00')).toBe("N successful authentication(s) at or after the owner's stale-since …");
  });

  it('CSV: BOM, every fact (accountId too), instants in full in the zone, formula-like cells neutralised', () => {
    const csv = formatEvidence('csv', result([account('=cmd|calc@x.example', 2, { department: '@SUM(A1)' })]), 'Leavers', EN);
    expect(csv.startsWith(BOM)).toBe(true);
    const [header, row] = csv.slice(1).trimEnd().split('\n');
    expect(header).toBe('account,owner,department,kind,stale since,deadline,days overdue,source,accountId,reason');
    expect(row).toBe(`'=cmd|calc@x.example,'=cmd|calc@x.example,'@SUM(A1),leaver,2026-11-02T00:00:00.000+09:00,2026-11-03T00:00:00.000+09:00,2,okta,00u-=cmd|calc@x.example,"leaver's account still enabled, 2 day(s) past its deadline"`);
  });

  it('no failing subject says so', () => {
    expect(formatEvidence('table', result([]), 'Leavers', EN)).toContain('No failing subjects.');
  });
});

describe('evaluate output', () => {
  const objectives = [parseObjective({ id: 'stale-accounts', title: '=HYPERLINK("http://x.example")', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period: 'quarter' })];

  it('CSV: BOM, titles neutralised, statuses in the language, numbers as numbers', () => {
    const csv = formatEvaluation('csv', new Date('2026-11-20T03:00:00Z'), [result([])], objectives, JA);
    expect(csv.startsWith(BOM)).toBe(true);
    const [header, row] = csv.slice(1).trimEnd().split('\n');
    expect(header).toBe('目標ID,目標,KPI,現在値,目標値,状況,分子,分母,期間開始,期間終了');
    expect(row).toBe(`stale-accounts,"'=HYPERLINK(""http://x.example"")",stale-account-deletion-rate,0.5,1,未達,2,4,2026-10-01T00:00:00.000+09:00,2026-11-20T12:00:00.000+09:00`);
  });

  it('table: period dates in the organisation zone (a UTC instant late on 09-30 is 10-01 in Tokyo)', () => {
    const r = { ...result([]), period: { from: '2026-09-30T15:00:00.000Z', to: '2026-11-20T03:00:00.000Z' } };
    const out = formatEvaluation('table', new Date(), [r], objectives, EN);
    expect(out).toContain('2026-10-01 … 2026-11-20');
    expect(out.split('\n')[0]!.split(/\s{2,}/)).toEqual(['objective', 'title', 'kpi', 'value', 'target', 'status', 'n/d', 'period']);
  });

  it('JSON: exactly the contract keys', () => {
    const out = JSON.parse(formatEvaluation('json', new Date('2026-11-20T03:00:00Z'), [result([])], objectives, EN)) as { evaluatedAt: string; objectives: object[] };
    expect(out.evaluatedAt).toBe('2026-11-20T03:00:00.000Z');
    expect(Object.keys(out.objectives[0]!).sort()).toEqual(['denominator', 'direction', 'id', 'kpi', 'numerator', 'period', 'status', 'target', 'value']);
  });
});

describe('building blocks', () => {
  it('truncate counts East Asian wide characters as two cells', () => {
    // 4 wide characters (8 cells) + "…" (1 cell) = 9.
    expect(truncate('情報セキュリティ研修', 9)).toBe('情報セキ…');
    expect(truncate('short', 9)).toBe('short');
  });

  it('table: only truncatable columns shrink, never below 8 cells', () => {
    const out = table(['id', 'text'], [['1234567890', 'x'.repeat(50)]], { width: 30, truncatable: [false, true] });
    expect(out.split('\n')[2]).toBe(`1234567890  ${'x'.repeat(17)}…`);
    const tight = table(['id', 'text'], [['1234567890', 'x'.repeat(50)]], { width: 5, truncatable: [false, true] });
    expect(tight.split('\n')[2]).toBe(`1234567890  ${'x'.repeat(7)}…`);
  });

  it('CSV cells starting like a formula get a leading quote; numbers (even negative) do not', () => {
    const csv = spreadsheetCsv([['=1+1', '+1', '-1', '@x', '\tx', '\rx', '＝x', 'ok', -5, null]]);
    expect(csv).toBe(`${BOM}'=1+1,'+1,'-1,'@x,'\tx,"'\rx",'＝x,ok,-5,\n`);
  });

  it('the view: a width only on a terminal; banner times with the zone offset', () => {
    const config = { organisation: { language: 'ja' as const, timeZone: 'Asia/Tokyo' } };
    expect(viewFor(config, { isTTY: true, columns: 100 })).toEqual({ language: 'ja', timeZone: 'Asia/Tokyo', width: 100 });
    expect(viewFor(config, { isTTY: false, columns: 100 })).toEqual({ language: 'ja', timeZone: 'Asia/Tokyo' });
    // 03:00:05 UTC is 12:00:05 in Tokyo.
    expect(localSecond(Date.parse('2026-11-20T03:00:05Z'), 'Asia/Tokyo')).toBe('2026-11-20 12:00:05 +09:00');
    expect(localSecond(Date.parse('2026-11-20T03:00:05Z'), 'UTC')).toBe('2026-11-20 03:00:05 +00:00');
  });
});
