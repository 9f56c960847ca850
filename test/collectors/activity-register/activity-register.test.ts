import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activityRegisterCollector } from '../../../src/collectors/activity-register/collector.ts';
import { activityPerformances } from '../../../src/collectors/activity-register/source.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

describe('activity register collector', () => {
  it('UTF-8 with BOM, Japanese headers, zone-less times in the organisation zone, a date alone at its midnight', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'activities-'));
    writeFileSync(
      path.join(dir, 'register.csv'),
      '\uFEFF実施項目,実施日時,実施者,証跡\r\n' +
        '月次ログレビュー,2026/10/03 10:00,佐藤,OPS-123\r\n' +
        '月次ログレビュー,2026/11/02,佐藤,\r\n' +
        ',2026/11/02,佐藤,\r\n' +
        '月次ログレビュー,来週,佐藤,\r\n' +
        '月次ログレビュー,2026/10/03 10:00,佐藤,OPS-123\r\n',
    );
    const { ctx, rejections } = testContext({ baseDir: dir });
    const records = await collectAll(activityRegisterCollector, sourceOf({ kind: 'activity-register', path: 'register.csv' }), ctx);
    expect(records.map((r) => r.data)).toEqual([
      { activity: '月次ログレビュー', performedAt: '2026-10-03T10:00:00.000+09:00', performer: '佐藤', evidence: 'OPS-123' },
      { activity: '月次ログレビュー', performedAt: '2026-11-02T00:00:00.000+09:00', performer: '佐藤' },
    ]);
    expect(rejections.map((r) => [r.line, r.field ?? null])).toEqual([[4, 'activity'], [5, 'performedAt'], [6, null]]);
    // Each row is a performance of its named activity (for `from:`).
    expect(activityPerformances.performance(records[0]!.data)).toEqual({ at: '2026-10-03T10:00:00.000+09:00', activity: '月次ログレビュー', by: '佐藤', evidence: 'OPS-123' });
  });
});
