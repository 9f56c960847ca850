/**
 * The failing subjects as files people open in Excel: CSV in UTF-8 with a byte-order mark (so
 * Excel reads Japanese correctly) with formulas neutralised (a cell starting with = + - @ or a
 * tab is prefixed with '), and XLSX (exceljs) where every text is a string cell, never a formula.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { FailingTable } from './failing-table.ts';

export function failingCsv(table: FailingTable): string {
  const rows = [table.columns.map((c) => c.label), ...table.allRows.map((r) => table.columns.map((c) => r.cells[c.key] ?? ''))];
  return `\uFEFF${stringify(rows, { escape_formulas: true, record_delimiter: 'windows' })}`;
}

/** Add the table to a workbook as one sheet; numbers stay numbers, texts are plain strings. */
export function addTableSheet(wb: ExcelJS.Workbook, name: string, table: Pick<FailingTable, 'columns' | 'allRows'>): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheetName(name));
  ws.addRow(table.columns.map((c) => c.label)).font = { bold: true };
  for (const r of table.allRows) ws.addRow(table.columns.map((c) => (c.numeric && typeof r.raw[c.key] === 'number' ? r.raw[c.key] : r.cells[c.key] ?? '')));
  ws.columns.forEach((col, i) => {
    col.width = Math.min(60, Math.max(10, ...table.allRows.slice(0, 200).map((r) => (r.cells[table.columns[i]!.key] ?? '').length + 2), table.columns[i]!.label.length * 2 + 2));
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return ws;
}

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export function sheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, '_').slice(0, 31) || 'sheet';
}

export async function failingXlsx(table: FailingTable, title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'isms-kpi';
  addTableSheet(wb, title, table);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
