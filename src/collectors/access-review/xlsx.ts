/**
 * Reading a returned XLSX worksheet (its first sheet) into text rows with their row numbers,
 * with exceljs. Cells come back as text: rich text and hyperlinks (Excel turns a typed address
 * into one) by their text, formulas by their result, and dates — which Excel stores without a
 * zone, and exceljs hands over as if they were UTC — as the wall-clock time they show, to be
 * read in the source's zone like any zone-less time.
 */
import ExcelJS from 'exceljs';

export interface XlsxTable {
  headers: string[];
  rows: { line: number; values: string[] }[];
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The text a cell shows (see the file's comment). */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const base = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    const time = v.getUTCHours() || v.getUTCMinutes() || v.getUTCSeconds() ? ` ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}` : '';
    return base + time;
  }
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('error' in v) return '';
    return '';
  }
  return String(v);
}

export async function readXlsx(file: string): Promise<XlsxTable> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0];
  if (!ws) return { headers: [], rows: [] };
  let headers: string[] | undefined;
  const rows: XlsxTable['rows'] = [];
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const values: string[] = [];
    const n = headers?.length ?? row.cellCount;
    for (let c = 1; c <= Math.max(n, row.cellCount); c++) values.push(cellText(row.getCell(c).value).trim());
    if (!headers) {
      headers = values;
      while (headers.length > 1 && headers[headers.length - 1] === '') headers.pop();
      return;
    }
    if (values.every((v) => v === '')) return;
    rows.push({ line, values });
  });
  return { headers: headers ?? [], rows };
}
