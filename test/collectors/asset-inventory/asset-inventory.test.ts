import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { assetInventoryCollector } from '../../../src/collectors/asset-inventory/collector.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

describe('asset inventory collector', () => {
  it('Japanese Excel CSV: id, host names and addresses, owner, department, in-service dates; bad rows rejected with their line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'assets-'));
    const text =
      '資産番号,ホスト名,IPアドレス,管理者,部署,利用開始日,利用終了日\r\n' +
      'SRV-001,web01.example.co.jp,10.0.0.11,ken.ito@example.co.jp,情報システム部,2024/04/01,\r\n' +
      'SRV-002,"db01; db01.example.co.jp",10.0.0.12,E000123,開発部,2024/04/01,2026/06/30\r\n' +
      'PC-0042,,,taro.yamada@example.co.jp,営業部,,\r\n' +
      'SRV-003,x,,,,2026/13/01,\r\n' +
      'SRV-004,y,,,,2026/05/01,2026/04/30\r\n' +
      'SRV-001,dup,,,,,\r\n';
    writeFileSync(path.join(dir, 'assets.csv'), iconv.encode(text, 'cp932'));
    const { ctx, rejections } = testContext({ baseDir: dir });
    const records = await collectAll(assetInventoryCollector, sourceOf({ kind: 'asset-inventory', path: 'assets.csv', dateFormat: 'yyyy/MM/dd' }), ctx);
    expect(records).toEqual([
      { key: 'SRV-001', data: { assetId: 'SRV-001', hostnames: ['web01.example.co.jp', '10.0.0.11'], owner: 'ken.ito@example.co.jp', department: '情報システム部', activeFrom: '2024-04-01' } },
      { key: 'SRV-002', data: { assetId: 'SRV-002', hostnames: ['db01', 'db01.example.co.jp', '10.0.0.12'], owner: 'E000123', department: '開発部', activeFrom: '2024-04-01', activeTo: '2026-06-30' } },
      { key: 'PC-0042', data: { assetId: 'PC-0042', owner: 'taro.yamada@example.co.jp', department: '営業部' } },
    ]);
    const file = path.join(dir, 'assets.csv');
    expect(rejections.map((r) => [r.line, r.field, r.reason])).toEqual([
      [5, 'activeFrom', expect.stringMatching(/^activeFrom: unreadable date "2026\/13\/01"/)],
      [6, 'activeTo', 'activeTo 2026-04-30 is before activeFrom 2026-05-01'],
      // The repeated key rides beside the reason (printed only with collect --show-values).
      [7, undefined, 'duplicate asset id (first on line 2)'],
    ]);
    expect(rejections[2]!.value).toBe('SRV-001');
    expect(rejections.every((r) => r.file === file)).toBe(true);
  });
});
