/**
 * CSV for spreadsheets (`--format csv`): a UTF-8 byte-order mark first, because a Japanese Excel
 * opens BOM-less UTF-8 as Shift_JIS and garbles it, and every text cell that a spreadsheet would
 * take for a formula (starting with =, +, -, @, a tab or a carriage return, or their full-width
 * forms) prefixed with `'` (csv-stringify's escape_formulas). Numbers stay numbers.
 */
import { stringify } from 'csv-stringify/sync';

export const UTF8_BOM = '\uFEFF';

export type CsvCell = string | number | null;

export function spreadsheetCsv(rows: readonly (readonly CsvCell[])[]): string {
  return UTF8_BOM + stringify(rows.map((r) => r.map((c) => (c === null ? '' : c))), { escape_formulas: true });
}
