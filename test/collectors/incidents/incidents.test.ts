import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { incidentsCollector } from '../../../src/collectors/incidents/collector.ts';
import { EvidenceInputError } from '../../../src/errors.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/incidents');

describe('incidents collector', () => {
  it('Shift_JIS register with Japanese headers, zone-less times in the organisation zone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'incidents-'));
    const text =
      '管理番号,件名,重大度,検知日時,報告日時\r\n' +
      'INC-001,ノートPC紛失,高,2026/04/03 09:00,2026/04/03 15:30\r\n' +
      'INC-002,誤送信,中,2026-04-10 18:00,\r\n' +
      'INC-003,不審メール,低,2026/04/11,2026/04/12 08:00\r\n' +
      'INC-004,日付不正,低,2026/13/01 10:00,\r\n' +
      ',番号なし,低,2026/04/20 10:00,\r\n';
    writeFileSync(path.join(dir, 'register.csv'), iconv.encode(text, 'cp932'));
    const { ctx, rejections } = testContext({ baseDir: dir });
    const records = await collectAll(incidentsCollector, sourceOf({ kind: 'incidents', path: 'register.csv' }), ctx);
    expect(records).toEqual([
      { key: 'INC-001', data: { incidentId: 'INC-001', detectedAt: '2026-04-03T09:00:00.000+09:00', reportedAt: '2026-04-03T15:30:00.000+09:00', severity: '高', title: 'ノートPC紛失' } },
      { key: 'INC-002', data: { incidentId: 'INC-002', detectedAt: '2026-04-10T18:00:00.000+09:00', severity: '中', title: '誤送信' } },
      { key: 'INC-003', data: { incidentId: 'INC-003', detectedAt: '2026-04-11T00:00:00.000+09:00', reportedAt: '2026-04-12T08:00:00.000+09:00', severity: '低', title: '不審メール' } },
    ]);
    const file = path.join(dir, 'register.csv');
    expect(rejections).toEqual([
      { file, line: 5, field: 'detectedAt', reason: expect.stringContaining('detectedAt: unreadable timestamp "2026/13/01 10:00"') },
      { file, line: 6, field: 'id', reason: 'no incident id' },
    ]);
  });

  it('a column mapping, a US date format and the source zone', async () => {
    const { ctx } = testContext({ baseDir: FIXTURES });
    const source = sourceOf({
      kind: 'incidents',
      path: 'register-en.csv',
      timeZone: 'America/New_York',
      dateFormat: 'MM/dd/yyyy HH:mm',
      columns: { id: 'Ticket #', detectedAt: 'Opened', reportedAt: 'Escalated' },
    });
    expect(await collectAll(incidentsCollector, source, ctx)).toEqual([
      { key: 'T-1', data: { incidentId: 'T-1', detectedAt: '2026-07-01T08:00:00.000-04:00', reportedAt: '2026-07-01T09:15:00.000-04:00', severity: 'P2', title: 'Phish' } },
    ]);
  });

  it('a register without a detection column fails with one EvidenceInputError', async () => {
    const { ctx } = testContext({ baseDir: FIXTURES });
    const run = collectAll(incidentsCollector, sourceOf({ kind: 'incidents', path: 'register-en.csv' }), ctx);
    await expect(run).rejects.toBeInstanceOf(EvidenceInputError);
    await expect(run).rejects.toThrow(/register-en\.csv: missing required column\(s\) id .*; detectedAt .*: found headers "Ticket #", "Summary", "Opened", "Escalated", "Priority"/);
  });
});

describe('incident categories', () => {
  it('an optional category column (分類) is kept as written; without one, incidents have none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'incidents-'));
    writeFileSync(path.join(dir, 'r.csv'), '管理番号,件名,分類,検知日時\r\nINC-1,顧客宛メール誤送信,誤送信,2026/05/01 10:00\r\nINC-2,USB紛失,ﾌﾝｼﾂ,2026/05/02 10:00\r\nINC-3,不明,,2026/05/03 10:00\r\n');
    const { ctx } = testContext({ baseDir: dir });
    const records = await collectAll(incidentsCollector, sourceOf({ kind: 'incidents', path: 'r.csv' }), ctx);
    expect(records.map((r) => r.data.category ?? null)).toEqual(['誤送信', 'ﾌﾝｼﾂ', null]);
  });
});
