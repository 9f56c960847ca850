/**
 * Writing a campaign: one worksheet per reviewer, as XLSX (exceljs: the decision cell limited
 * to keep / remove by data validation, a guide on a second sheet) and as CSV (UTF-8 with a BOM,
 * every text cell a spreadsheet would take for a formula prefixed with `'`), and the campaign's
 * manifest last — a campaign folder without one was never started, so a failed start can be run
 * again. Everything goes into the campaign's folder under the source's output folder and nowhere
 * else: the sheets name people.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { MANIFEST_FILE, type CampaignManifest, type ManifestSheet } from '../collectors/access-review/manifest.ts';
import { SHEET_COLUMNS } from '../collectors/access-review/sheet.ts';
import { messages, type Language } from '../i18n/catalogue.ts';
import { isoInZone } from '../kpi/time.ts';

export const UTF8_BOM = '\uFEFF';

/** A campaign id is a folder name: letters, digits, `.`, `_`, `-`. */
export const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The owner column of accounts without one. */
const NO_OWNER: Record<Language, { service: string; orphan: string }> = { en: { service: '(service account)', orphan: '(no owner found)' }, ja: { service: '（サービスアカウント）', orphan: '（所有者不明）' } };

/** `2026-07-12 10:00` in the zone, or empty. */
function local(iso: string | null, zone: string): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : isoInZone(ms, zone).slice(0, 16).replace('T', ' ');
}

/** The sheet as rows of text: the header, then one row per account with empty decision cells. */
export function sheetRows(m: CampaignManifest, s: ManifestSheet, language: Language, zone: string): string[][] {
  const header = SHEET_COLUMNS.map((c) => c[language]);
  const rows = s.accounts.map((a) =>
    SHEET_COLUMNS.map((c) => {
      switch (c.field) {
        case 'campaign': return m.campaign;
        case 'reviewer': return s.reviewer;
        case 'account': return a.account;
        case 'owner': return a.owner ?? NO_OWNER[language][a.ownerKind === 'service' ? 'service' : 'orphan'];
        case 'department': return a.department ?? '';
        case 'source': return a.source;
        case 'status': return a.status;
        case 'lastLogin': return local(a.lastLogin, zone);
        case 'groups': return a.groups.join(', ');
        default: return '';
      }
    }),
  );
  return [header, ...rows];
}

/** CSV for Excel: BOM, CRLF, formulas neutralised. */
export function sheetCsv(rows: readonly (readonly string[])[]): string {
  return UTF8_BOM + stringify(rows as string[][], { escape_formulas: true, record_delimiter: 'windows' });
}

export async function sheetXlsx(m: CampaignManifest, rows: readonly (readonly string[])[], language: Language, zone: string): Promise<Buffer> {
  const t = messages(language).accessReview;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'isms-kpi';
  const ws = wb.addWorksheet(t.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = SHEET_COLUMNS.map((c) => ({ width: c.width }));
  for (const r of rows) ws.addRow([...r]);
  ws.getRow(1).font = { bold: true };
  const decisionCol = SHEET_COLUMNS.findIndex((c) => c.field === 'decision') + 1;
  const reviewedAtCol = SHEET_COLUMNS.findIndex((c) => c.field === 'reviewedAt') + 1;
  for (let r = 2; r <= rows.length; r++) {
    ws.getCell(r, decisionCol).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: ['"keep,remove"'],
      showErrorMessage: true,
      errorTitle: 'decision',
      error: 'keep / remove',
    };
    ws.getCell(r, reviewedAtCol).numFmt = 'yyyy-mm-dd hh:mm';
  }
  const guide = wb.addWorksheet(t.guideName);
  guide.getColumn(1).width = 110;
  for (const line of t.guide(m.campaign, local(m.deadlineAt, zone))) guide.addRow([line]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A reviewer's file name: the address with anything a file system may refuse replaced. */
export function sheetFileStem(reviewer: string): string {
  return reviewer.replace(/[^A-Za-z0-9@._-]/g, '_').slice(0, 120) || 'reviewer';
}

export interface WrittenCampaign {
  dir: string;
  sheets: number;
  accounts: number;
}

/** Write the sheets and then the manifest; refuses a campaign whose manifest exists. */
export async function writeCampaign(m: CampaignManifest, outputDir: string, language: Language, zone: string): Promise<WrittenCampaign> {
  if (!CAMPAIGN_ID.test(m.campaign)) throw new RangeError(`campaign id "${m.campaign}" is not a folder name (letters, digits, ".", "_", "-")`);
  const dir = join(outputDir, m.campaign);
  if (existsSync(join(dir, MANIFEST_FILE))) throw new Error(messages(language).accessReview.exists(m.campaign, dir));
  mkdirSync(dir, { recursive: true });
  const used = new Set<string>();
  for (const s of m.sheets) {
    let stem = sheetFileStem(s.reviewer);
    for (let n = 2; used.has(stem.toLowerCase()); n++) stem = `${sheetFileStem(s.reviewer)}-${n}`;
    used.add(stem.toLowerCase());
    const rows = sheetRows(m, s, language, zone);
    writeFileSync(join(dir, `${stem}.xlsx`), await sheetXlsx(m, rows, language, zone));
    writeFileSync(join(dir, `${stem}.csv`), sheetCsv(rows));
    s.files = [`${stem}.xlsx`, `${stem}.csv`];
  }
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(m, null, 2)}\n`);
  return { dir, sheets: m.sheets.length, accounts: m.sheets.reduce((n, s) => n + s.accounts.length, 0) };
}
