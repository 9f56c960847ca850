import { describe, expect, it } from 'vitest';
import { sparklineSvg, stableIds, trendChartSvg } from '../../src/pages/charts.ts';
import { failingCsv } from '../../src/pages/downloads.ts';
import { failingTable, PAGE_SIZE, tableQuery } from '../../src/pages/failing-table.ts';
import { formatDetail, formatInstant } from '../../src/pages/format.ts';
import { reason } from '../../src/kpi/reason.ts';
import type { FailingSubject } from '../../src/kpi/types.ts';

const subject = (id: string, days: number, department: string, kind: 'leaver' | 'dormant'): FailingSubject => ({
  type: 'account', id, ...reason('staleStillEnabled', { kind, daysOverdue: days }), details: { department, daysOverdue: days, staleSince: '2026-10-01T00:00:00.000+09:00' },
});
const SUBJECTS = [subject('a@x', 3, '営業部', 'leaver'), subject('b@x', 40, '開発部', 'dormant'), subject('c@x', 12, '営業部', 'leaver')];

describe('the failing-subjects table', () => {
  it('days overdue first by default; columns from the details with the catalogue labels and units', () => {
    const t = failingTable(SUBJECTS, { filters: {} }, 'ja', 'Asia/Tokyo');
    expect(t.rows.map((r) => r.cells['id'])).toEqual(['b@x', 'c@x', 'a@x']); // 40 > 12 > 3 days
    expect(t.columns.map((c) => c.label)).toEqual(['対象', '理由', '部署', '超過日数', '不要となった日時']);
    expect(t.rows[0]!.cells).toMatchObject({ daysOverdue: '40日', staleSince: '2026-10-01 00:00', reason: '休眠アカウントが有効のまま（期限から40日超過）' });
    expect(t.filters.map((f) => [f.key, f.options])).toEqual([
      ['department', ['営業部', '開発部'].sort((a, b) => a.localeCompare(b, 'ja'))],
      ['reason', ['休眠アカウントが期限後も有効', '退職者のアカウントが期限後も有効'].sort((a, b) => a.localeCompare(b, 'ja'))],
    ]);
  });

  it('filters by department and reason group, searches case- and width-insensitively, sorts both ways', () => {
    const q = (params: Record<string, string>) => failingTable(SUBJECTS, tableQuery(params), 'ja', 'Asia/Tokyo').allRows.map((r) => r.cells['id']);
    expect(q({ department: '営業部' })).toEqual(['c@x', 'a@x']);
    expect(q({ reason: '退職者のアカウントが期限後も有効' })).toEqual(['c@x', 'a@x']);
    expect(q({ q: 'Ｂ＠Ｘ' })).toEqual(['b@x']); // full-width, NFKC
    expect(q({ sort: 'daysOverdue', dir: 'asc' })).toEqual(['a@x', 'c@x', 'b@x']);
    expect(q({ sort: 'nonsense' })).toEqual(['b@x', 'c@x', 'a@x']); // unknown column: the default
  });

  it('pages of PAGE_SIZE rows; downloads take every filtered row', () => {
    const many = Array.from({ length: PAGE_SIZE + 5 }, (_, i) => subject(`u${i}@x`, i, '営業部', 'leaver'));
    const page2 = failingTable(many, tableQuery({ page: '2' }), 'en', 'UTC');
    expect([page2.pages, page2.rows.length, page2.allRows.length]).toEqual([2, 5, PAGE_SIZE + 5]);
    const csv = failingCsv(page2);
    expect(csv.startsWith('\uFEFFSubject,Reason,Department,Days overdue,Stale since\r\n')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + PAGE_SIZE + 5);
  });

  it('formats details: booleans, nulls, lists, instants in the zone', () => {
    expect(formatDetail('clicked', true, 'ja', 'UTC')).toBe('はい');
    expect(formatDetail('owner', null, 'en', 'UTC')).toBe('—');
    expect(formatDetail('missing', ['A', 'B'], 'ja', 'UTC')).toBe('A、B');
    // 2026-11-20T03:00Z is 12:00 in Tokyo, 04:00 in Berlin (CET).
    expect(formatInstant('2026-11-20T03:00:00.000Z', 'Asia/Tokyo')).toBe('2026-11-20 12:00');
    expect(formatInstant('2026-11-20T03:00:00.000Z', 'Europe/Berlin')).toBe('2026-11-20 04:00');
    expect(formatDetail('kind', 'dormant', 'ja', 'UTC')).toBe('休眠');
  });
});

describe('server-side charts', () => {
  const chart = { id: 'o1-t', unit: 'ratio' as const, target: 1, direction: 'at_least' as const, warning: 0.95, targetLabel: '目標', points: [{ label: '2026-09', value: null, status: 'no_data' as const }, { label: '2026-10', value: 0.5, status: 'missed' as const }] };

  it('the same input gives the same SVG, its ids under the chart prefix, no ECharts counter left', () => {
    const a = trendChartSvg(chart);
    expect(trendChartSvg({ ...chart })).toBe(a);
    expect(a).not.toMatch(/zr\d+-/);
    expect(a).toMatch(/clip-path="url\(#o1-t-c\d+\)"|class="o1-t-k\d+"/);
    expect(a.startsWith('<svg aria-hidden="true" focusable="false" ')).toBe(true);
    expect(sparklineSvg({ ...chart, id: 'o2-s' })).not.toContain('o1-t');
  });

  it('stableIds renames in order of appearance', () => {
    expect(stableIds('<g class="zr7-cls-3"></g><g class="zr7-cls-9 zr7-cls-3" clip-path="url(#zr7-c0)">', 'p')).toBe('<g class="p-k0"></g><g class="p-k1 p-k0" clip-path="url(#p-c2)">');
  });
});
