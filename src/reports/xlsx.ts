/**
 * The report as a workbook (exceljs): the register, one sheet per objective with its monthly
 * points and failing subjects, and the provenance (what `report --verify` reads). Texts are
 * string cells, never formulas; numbers stay numbers.
 */
import ExcelJS from 'exceljs';
import { messages } from '../i18n/catalogue.ts';
import { sheetName } from '../pages/downloads.ts';
import { failingTable } from '../pages/failing-table.ts';
import type { Provenance, ReportModel } from './model.ts';

export const PROVENANCE_SHEET = 'isms-kpi provenance';

export async function reportXlsx(m: ReportModel, provenance: Provenance): Promise<Buffer> {
  const t = messages(m.lang);
  const tp = t.pages;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'isms-kpi';
  wb.created = new Date(provenance.at);
  wb.modified = new Date(provenance.at);
  wb.title = `${t.report.title} — ${m.periodText}`;

  const reg = wb.addWorksheet(sheetName(t.report.registerTitle));
  reg.addRow([tp.register.objective, tp.register.kpi, tp.register.target, tp.register.deadline, tp.register.owner, t.report.valueAtEnd, tp.objective.numerator, tp.objective.denominator, t.report.progress, t.report.trend, tp.register.controls, ...Object.values(tp.measurement)]).font = { bold: true };
  for (const o of m.objectives) {
    const v = o.view;
    const meas = Object.values(tp.measurement).map((label) => v.measurement.find((x) => x.label === label)?.value ?? '');
    reg.addRow([v.title, v.kpiName, v.targetText, v.deadline ?? '', v.owner ?? '', v.value ?? '', v.numerator, v.denominator, v.statusText, o.trendText, v.controls.join(', '), ...meas]);
  }
  reg.views = [{ state: 'frozen', ySplit: 1 }];

  const used = new Set<string>();
  for (const o of m.objectives) {
    let name = sheetName(o.view.id);
    for (let i = 2; used.has(name); i++) name = sheetName(`${o.view.id}-${i}`);
    used.add(name);
    const table = failingTable(o.result.failing, { filters: {} }, m.lang, m.zone);
    const ws = wb.addWorksheet(name);
    ws.addRow([o.view.title]).font = { bold: true, size: 13 };
    ws.addRow([tp.objective.at, tp.register.value, tp.objective.numerator, tp.objective.denominator, tp.register.status]).font = { bold: true };
    for (const p of o.view.points) ws.addRow([p.label, p.value ?? '', p.numerator, p.denominator, p.statusText]);
    ws.addRow([]);
    ws.addRow([tp.objective.failingTitle(table.total)]).font = { bold: true };
    ws.addRow(table.columns.map((c) => c.label)).font = { bold: true };
    for (const r of table.allRows) ws.addRow(table.columns.map((c) => (c.numeric && typeof r.raw[c.key] === 'number' ? r.raw[c.key] : r.cells[c.key] ?? '')));
    ws.getColumn(1).width = 36;
  }

  const prov = wb.addWorksheet(PROVENANCE_SHEET);
  prov.addRow(['key', 'value']).font = { bold: true };
  const rows: [string, string][] = [
    ['period', provenance.period],
    ['at', provenance.at],
    ['config-sha256', provenance.configSha256],
    ['evidence-sha256', provenance.evidenceSha256],
    ['html-sha256', provenance.htmlSha256 ?? ''],
    ['version', provenance.version],
    ...Object.entries(provenance.sources).map(([s, stamp]): [string, string] => [`source:${s}`, stamp]),
  ];
  for (const r of rows) prov.addRow(r);
  prov.getColumn(1).width = 24;
  prov.getColumn(2).width = 70;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The provenance a workbook written by reportXlsx carries, or undefined. */
export async function xlsxProvenance(bytes: Uint8Array): Promise<Provenance | undefined> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(PROVENANCE_SHEET);
  if (!ws) return undefined;
  const kv = new Map<string, string>();
  ws.eachRow((row, n) => {
    if (n > 1) kv.set(String(row.getCell(1).value ?? ''), String(row.getCell(2).value ?? ''));
  });
  const sources: Record<string, string> = {};
  for (const [k, v] of kv) if (k.startsWith('source:')) sources[k.slice('source:'.length)] = v;
  const p: Provenance = { period: kv.get('period') ?? '', at: kv.get('at') ?? '', configSha256: kv.get('config-sha256') ?? '', evidenceSha256: kv.get('evidence-sha256') ?? '', sources, version: kv.get('version') ?? '' };
  if (kv.get('html-sha256')) p.htmlSha256 = kv.get('html-sha256')!;
  return p;
}
