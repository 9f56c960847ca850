/**
 * The register, an objective page, the health page and the report, opened in headless
 * Chromium on the example organisation (collected as of E, served as of T): the values shown
 * are example-expected.md's, Japanese titles are text, status colours match the statuses,
 * nothing errors in the console, axe-core finds no serious or critical violation, and the
 * PDF's pages are not blank and use the CJK font.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { buildServer, listen } from '../../src/http/server.ts';
import { parsePeriodName } from '../../src/kpi/fiscal-periods.ts';
import { STATUS_COLOURS } from '../../src/pages/charts.ts';
import { launchChromium, type Chromium } from '../../src/reports/chromium.ts';
import { generateReport, writeReportFile } from '../../src/reports/write.ts';
import { examplePages } from '../http/fixtures.ts';
import { T } from '../trends/helpers.ts';
import { collectErrors, fontsUsed, inkPerPage, pdfText, seriousViolations } from './browser.ts';

const hex = (c: string) => `rgb(${[1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)).join(', ')})`;

// example-expected.md, objective by objective (values rounded to one decimal as shown).
const EXPECTED = [
  { id: 'stale-accounts', title: '退職者アカウント削除率', value: '46.2%', fraction: '12 / 26', status: 'missed', failing: '14' },
  { id: 'security-training', title: '情報セキュリティ研修受講率', value: '94.7%', fraction: '250 / 264', status: 'missed', failing: '14' },
  { id: 'phishing-drill', title: '標的型メール訓練クリック率', value: '7.4%', fraction: '33 / 445', status: 'met', failing: '33' },
  { id: 'mfa', title: '多要素認証適用率', value: '96.7%', fraction: '267 / 276', status: 'missed', failing: '9' },
  { id: 'incident-reporting', title: 'インシデント24時間以内報告率', value: '83.3%', fraction: '10 / 12', status: 'at_risk', failing: '2' },
];

let chromium: Chromium;
let app: FastifyInstance;
let base: string;
let store: EvidenceStore;
let config: Config;
const dir = mkdtempSync(join(tmpdir(), 'isms-browser-'));

beforeAll(async () => {
  const ex = await examplePages();
  ({ store, config } = ex);
  app = buildServer({ metrics: async () => ({ contentType: 'text/plain', body: '' }), health: async () => ({}), pages: ex.ctx });
  const { port } = await listen(app, '127.0.0.1', 0);
  base = `http://127.0.0.1:${port}`;
  chromium = await launchChromium({ locale: 'ja-JP' });
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await chromium.context.newPage();
  const errors = collectErrors(page);
  const res = await page.goto(path.startsWith('file:') ? path : `${base}${path}`);
  expect(res?.ok() ?? path.startsWith('file:')).toBe(true);
  return { page, errors };
}

/** Every status badge's background is its status's colour. */
async function statusColoursMatch(page: Page): Promise<number> {
  const badges = await page.locator('.status').evaluateAll((els) => els.map((e) => ({ status: e.getAttribute('data-status'), bg: getComputedStyle(e).backgroundColor, color: getComputedStyle(e).color })));
  for (const b of badges) {
    expect(b.bg, b.status!).toBe(hex(STATUS_COLOURS[b.status as keyof typeof STATUS_COLOURS]));
    expect(b.color).toBe('rgb(255, 255, 255)');
  }
  return badges.length;
}

describe('in headless Chromium', () => {
  it('the register shows every objective with its hand-computed value, status word and colour', async () => {
    const { page, errors } = await open('/');
    for (const e of EXPECTED) {
      const row = page.locator(`tr[data-objective="${e.id}"]`);
      // The Japanese title is text (a link to the objective page), not an image or tofu.
      await expect(row.getByRole('link', { name: e.title }).count()).resolves.toBe(1);
      expect(await row.locator('[data-value]').innerText()).toBe(e.value);
      expect(await row.locator('[data-fraction]').innerText()).toBe(e.fraction);
      expect(await row.locator('.status').getAttribute('data-status')).toBe(e.status);
      expect(await row.locator('[data-failing]').innerText()).toBe(e.failing);
    }
    expect(await page.locator('.status', { hasText: '達成' }).count()).toBe(1);
    expect(await page.locator('[data-summary]').innerText()).toBe('達成 1・注意 1・未達 3・データなし 0');
    expect(await statusColoursMatch(page)).toBe(5);
    expect(await page.locator('td.spark svg').count()).toBe(5);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an objective page: value, trend chart, failing subjects (days overdue first), downloads', async () => {
    const { page, errors } = await open('/objectives/stale-accounts');
    expect(await page.locator('h1').innerText()).toBe('退職者アカウント削除率');
    expect(await page.locator('.headline [data-value]').innerText()).toBe('46.2%');
    expect(await page.locator('.headline [data-fraction]').innerText()).toBe('12 / 26');
    expect(await page.locator('[data-period]').innerText()).toBe('当四半期初から評価時点まで（2026-10-01 00:00 〜 2026-11-20 12:00）');
    expect(await page.locator('figure svg').count()).toBe(1);
    const ids = await page.locator('table.failing td[data-col="id"]').allInnerTexts();
    expect(ids).toHaveLength(14);
    expect(ids[0]).toBe('hiroshi.yamashita@example.co.jp'); // 93 days overdue at T
    expect(await statusColoursMatch(page)).toBeGreaterThan(1);
    expect(await seriousViolations(page)).toEqual([]);
    // Filtering without any script: choose a reason and apply.
    await page.selectOption('select[name="reason"]', '所有者不明のアカウントが期限後も有効');
    await page.click('form.filters button[type="submit"]');
    expect((await page.locator('table.failing td[data-col="id"]').allInnerTexts()).sort()).toEqual(['haken.kimura@example.co.jp', 'kenshu-user@example.co.jp', 'test01@example.co.jp']);
    const csv = page.waitForEvent('download');
    await page.click('a[href*="failing.csv"]');
    const text = await (await csv).createReadStream().then(async (s) => { let t = ''; for await (const c of s) t += c; return t; });
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + 3); // header + the 3 filtered rows
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the health page: every source with its counts (300 roster rows, 14 incidents, 120/200/250 drill recipients)', async () => {
    const { page, errors } = await open('/health');
    const accepted = async (id: string) => page.locator(`tr[data-source="${id}"] [data-accepted]`).innerText();
    expect([await accepted('hr'), await accepted('incidents'), await accepted('gophish-2026-03'), await accepted('gophish-2026-06'), await accepted('gophish-2026-10')]).toEqual(['300', '14', '120', '200', '250']);
    // No source of the example has a rejected record (example-expected.md): one row per source.
    expect(await page.locator('tr[data-source] [data-rejected]').allInnerTexts()).toEqual(Array(config.sources.length).fill('0'));
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the report (HTML) and its PDF: A4 pages that are not blank, Japanese in Noto CJK', async () => {
    const period = parsePeriodName('2026-Q3', config.organisation);
    const html = await generateReport({ store, config, period, at: new Date(T), format: 'html', version: 'test' });
    const htmlFile = join(dir, 'q3.html');
    writeFileSync(htmlFile, html.bytes);
    const { page, errors } = await open(`file://${htmlFile}`);
    expect(await page.locator('h1').innerText()).toBe('マネジメントレビュー資料：情報セキュリティパフォーマンス');
    expect(await page.locator('[data-summary]').innerText()).toBe('目標 5件：達成 1件、注意 1件、未達 3件、データなし 0件。');
    for (const e of EXPECTED) {
      expect(await page.locator(`section[data-objective="${e.id}"] [data-value]`).innerText()).toBe(`${e.value} (${e.fraction})`);
    }
    expect(await statusColoursMatch(page)).toBeGreaterThan(10);
    // The title's Japanese glyphs are all drawn in Noto Sans CJK (what the PDF embeds too).
    const title = await fontsUsed(page, 'h1');
    expect(title.map((f) => f.familyName)).toEqual(['Noto Sans CJK JP']);
    expect(title[0]!.glyphCount).toBe([...'マネジメントレビュー資料：情報セキュリティパフォーマンス'].length);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();

    const pdf = await generateReport({ store, config, period, at: new Date(T), format: 'pdf', version: 'test' });
    const pdfFile = join(dir, 'q3.pdf');
    writeReportFile(pdfFile, pdf.bytes);
    expect(execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' })).toMatch(/Page size:\s+594\.96 x 841\.92 pts \(A4\)/);
    const ink = inkPerPage(pdfFile);
    // A title page with the summary and register, one page or more per objective, the provenance.
    expect(ink.length).toBeGreaterThanOrEqual(7);
    for (const [i, share] of ink.entries()) expect(share, `page ${i + 1}`).toBeGreaterThan(0.001);
    // The Japanese text reads back from the PDF: real glyphs with their characters, no tofu boxes.
    const text = pdfText(pdfFile);
    for (const e of EXPECTED) expect(text).toContain(e.title);
    expect(text).toContain('マネジメントレビュー資料');
    expect(text).toMatch(/ページ 1 \/ \d+/); // page numbers in the footer
  }, 120_000);
});
