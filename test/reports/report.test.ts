/**
 * The management-review pack on the example organisation (collected as of E, reported for
 * FY2026 Q3 as of T): the values of example-expected.md, the counts by reason worked out from
 * its case table, reproducible bytes, and --verify after the evidence or the config changes.
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notifier } from '../../src/alerts/notifier.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { runCollection } from '../../src/jobs/run-collection.ts';
import { parsePeriodName } from '../../src/kpi/fiscal-periods.ts';
import { reportHtml } from '../../src/reports/html.ts';
import { buildReport, reportInstant, trendOf, type ReportModel } from '../../src/reports/model.ts';
import { ReportScheduler } from '../../src/reports/schedule.ts';
import { generateReport, readProvenance, verifyReport, writeReportFile } from '../../src/reports/write.ts';
import { PROVENANCE_SHEET } from '../../src/reports/xlsx.ts';
import { collectExample, EXAMPLE_CONFIG, quiet, T } from '../trends/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'isms-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the FY2026 Q3 pack of the example organisation as of T', () => {
  let store: EvidenceStore;
  let config: Config;
  let model: ReportModel;
  const q3 = () => parsePeriodName('2026-Q3', config.organisation);

  beforeAll(async () => {
    ({ store, config } = await collectExample());
    model = await buildReport(store, config, q3(), new Date(T), 'test');
  });

  it('evaluates at T inside the quarter (in progress) and at the quarter end otherwise', () => {
    expect(reportInstant(q3(), new Date(T)).toISOString()).toBe('2026-11-20T03:00:00.000Z');
    // After the quarter: its last millisecond, 2026-12-31 23:59:59.999 JST.
    expect(reportInstant(q3(), new Date('2027-02-01T00:00:00Z')).toISOString()).toBe('2026-12-31T14:59:59.999Z');
    expect(model.inProgress).toBe(true);
    expect(model.periodText).toBe('2026年度 第3四半期（2026-10-01 〜 2026-12-31）');
  });

  it('summary and values: 1 met, 1 at risk, 3 missed, 0 without data; the fractions of example-expected.md', () => {
    expect(model.counts).toEqual({ met: 1, at_risk: 1, missed: 3, no_data: 0 });
    expect(model.objectives.map((o) => `${o.view.title} ${o.view.valueText} ${o.view.numerator}/${o.view.denominator} ${o.view.statusText}`)).toEqual([
      '退職者アカウント削除率 46.2% 12/26 未達', // 12/26 = 0.4615…
      '情報セキュリティ研修受講率 94.7% 250/264 未達', // 0.9469…
      '標的型メール訓練クリック率 7.4% 33/445 達成', // 0.0741…
      '多要素認証適用率 96.7% 267/276 未達', // 0.9673…
      'インシデント24時間以内報告率 83.3% 10/12 注意',
    ]);
  });

  it('against the previous quarter: nothing was observed by 2026-09-30, so there is no comparison', () => {
    expect(model.objectives.map((o) => [o.previous.name, o.previous.value, o.trend])).toEqual(Array(5).fill(['2026年度 第2四半期', null, 'none']));
  });

  it('failing subjects of the stale-account objective by reason, from the case table', () => {
    // Still-enabled leavers: adm.naoki.kato, akemi.shimizu, yamada-t, mayumi.hasegawa = 4;
    // disabled late: kumiko.saito, yui.matsumoto, mayumi.yamazaki = 3; dormant = 4; orphans = 3.
    expect(model.objectives[0]!.byReason).toEqual([
      { name: '休眠アカウントが期限後も有効', count: 4 },
      { name: '退職者のアカウントが期限後も有効', count: 4 },
      { name: '所有者不明のアカウントが期限後も有効', count: 3 },
      { name: '退職者のアカウントの無効化が期限後', count: 3 },
    ]);
    const byDept = model.objectives[0]!.byDepartment;
    expect(byDept.reduce((n, d) => n + d.count, 0)).toBe(14);
    // The three orphans match nobody in HR, so no department.
    expect(byDept.find((d) => d.name === '（部署なし）')?.count).toBe(3);
    // Worst ten, days overdue first: hiroshi.yamashita (deadline 08-19 12:00, 93 days at T).
    expect(model.objectives[0]!.worst.rows).toHaveLength(10);
    expect(model.objectives[0]!.worst.rows[0]!.cells['id']).toBe('hiroshi.yamashita@example.co.jp');
    expect(model.objectives[0]!.worst.rows[0]!.cells['daysOverdue']).toBe('93日');
  });

  it('the same period and instant give byte-identical HTML', async () => {
    const again = await buildReport(store, config, q3(), new Date(T), 'test');
    expect(reportHtml(again)).toBe(reportHtml(model));
    const html = reportHtml(model);
    expect(html).toContain('<meta name="isms-kpi:at" content="2026-11-20T03:00:00.000Z">');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/zr\d+-/); // ECharts' process-wide counters renamed
  });

  it('--verify: unchanged, then a backfill changes the evidence of HR only, then the config changes', async () => {
    const file = join(dir, 'q3.html');
    const { bytes } = await generateReport({ store, config, period: q3(), at: new Date(T), format: 'html', version: 'test' });
    writeReportFile(file, bytes);
    const ok = (await verifyReport(file, store, config, 'test'))!;
    expect([ok.evidenceUnchanged, ok.configUnchanged, ok.contentMatches, ok.changedSources]).toEqual([true, true, true, []]);

    // An HR export backfilled as of 10-31 is evidence observed before T: the pack's HR changed.
    await runCollection({ config, store, log: quiet }, 'hr', { observedAt: new Date('2026-10-31T12:00:00+09:00') });
    const after = (await verifyReport(file, store, config, 'test'))!;
    expect([after.evidenceUnchanged, after.changedSources]).toEqual([false, ['hr']]);

    const edited = parseConfig(readFileSync(EXAMPLE_CONFIG, 'utf8').replace('    target: 0.9\n', '    target: 0.95\n'), EXAMPLE_CONFIG);
    expect((await verifyReport(file, store, edited, 'test'))!.configUnchanged).toBe(false);
  });
});

describe('XLSX and scheduled reports', () => {
  let store: EvidenceStore;
  let config: Config;
  beforeAll(async () => {
    ({ store, config } = await collectExample());
  });

  it('the workbook holds the register, one sheet per objective and its provenance', async () => {
    const { bytes, provenance } = await generateReport({ store, config, period: parsePeriodName('2026-Q3', config.organisation), at: new Date(T), format: 'xlsx', version: 'test' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['目標管理表', 'stale-accounts', 'security-training', 'phishing-drill', 'mfa', 'incident-reporting', PROVENANCE_SHEET]);
    const reg = wb.getWorksheet('目標管理表')!;
    expect([reg.getCell('A2').value, reg.getCell('G2').value, reg.getCell('H2').value, reg.getCell('I2').value]).toEqual(['退職者アカウント削除率', 12, 26, '未達']);
    const file = join(dir, 'q3.xlsx');
    writeReportFile(file, bytes);
    const read = (await readProvenance(file))!;
    expect(read.provenance).toEqual(provenance);
    expect(read.provenance.htmlSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a monthly report firing on 12-01 08:00 covers November, evaluated at its last instant, and is announced', async () => {
    const received: unknown[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
    try {
      // The example's own reports replaced by one monthly report, with a webhook to announce it.
      const yaml = readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/dataDir: .*/, `dataDir: ${dir}/data`).replace(/\nreports:\n[\s\S]*$/, '\n')
        + `\nalerting:\n  webhooks:\n    - { id: it, urlEnv: HOOK_URL, format: json }\nreports:\n  - { id: monthly-it, period: month, schedule: '0 8 1 * *', format: [html, xlsx], outDir: ${dir}/out }\n`;
      const cfg = parseConfig(yaml, EXAMPLE_CONFIG, { HOOK_URL: url });
      const notifier = new Notifier({ config: cfg, statePath: join(dir, 'state.json') });
      const scheduler = new ReportScheduler({ store, config: cfg, version: 'test', log: quiet, announce: (a) => notifier.announce(a) });
      const files = await scheduler.write(cfg.reports[0]!, new Date('2026-12-01T08:00:00+09:00'));
      expect(files).toEqual([join(dir, 'out', 'monthly-it-2026-11.html'), join(dir, 'out', 'monthly-it-2026-11.xlsx')]);
      // November's last millisecond, 2026-11-30 23:59:59.999 JST.
      expect((await readProvenance(files[0]!))!.provenance.at).toBe('2026-11-30T14:59:59.999Z');
      await notifier.flush();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ source: 'isms-kpi', kind: 'report', report: { report: 'monthly-it', period: '2026-11', periodText: '2026年11月（2026-11-01 〜 2026-11-30）', files } });
    } finally {
      hook.close();
    }
  });
});

describe('the trend rule', () => {
  it.each([
    [0.9, 0.5, 'at_least', 'ratio', 'improving'],
    [0.5, 0.9, 'at_least', 'ratio', 'worsening'],
    [0.505, 0.5, 'at_least', 'ratio', 'stable'], // 0.5 points: under 1 point
    [0.05, 0.1, 'at_most', 'ratio', 'improving'],
    [3, 3, 'at_most', 'count', 'stable'],
    [4, 3, 'at_most', 'count', 'worsening'],
    [null, 0.5, 'at_least', 'ratio', 'none'],
  ] as const)('%s after %s (%s, %s) is %s', (cur, prev, dir, unit, want) => {
    expect(trendOf(cur, prev, dir, unit)).toBe(want);
  });
});
