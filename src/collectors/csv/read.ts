/**
 * CSV reading for every CSV collector: decoding (decode.ts), delimiter detection, csv-parse
 * with the tolerance real exports need (CRLF, quoted newlines, stray quotes), and the line
 * where each record starts, so a rejection points at the line a person opens in an editor.
 */
import { parse, type Options } from 'csv-parse';
import Papa from 'papaparse';
import type { Rejection } from '../../evidence/store.ts';
import { EvidenceInputError } from '../../errors.ts';
import { describeField, resolveColumns, type FieldSpecs } from './columns.ts';
import { readTextFile } from './decode.ts';

const CANDIDATE_DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter used most in the header line (outside quotes); `,` when none appears. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    const n = counts.get(d) ?? 0;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Options common to CSV sources. */
export interface CsvOpenOptions {
  /** `auto` or absent: detect (decode.ts). */
  encoding?: string;
  /** Absent: detected among `,` `;` TAB. */
  delimiter?: string;
  /** Called for each malformed record; the reading goes on. */
  reject: (r: Rejection) => void;
}

/** One data row: its values in header order and the line (1-based) where it starts. */
export interface CsvValues {
  line: number;
  values: string[];
}

export interface CsvTable {
  headers: string[];
  encoding: string;
  delimiter: string;
  rows: AsyncGenerator<CsvValues>;
}

function unescapeDelimiter(d: string): string {
  return d === '\\t' || d.toLowerCase() === 'tab' ? '\t' : d;
}

/**
 * Open a CSV file: decode it, read its header, and stream its data rows. A row whose column
 * count differs from the header's (after dropping empty trailing cells Excel adds) and a row
 * csv-parse cannot read (a quote never closed) are rejected with their line; rows of only
 * empty cells are skipped, as they are no record.
 */
export async function openCsv(file: string, opts: CsvOpenOptions): Promise<CsvTable> {
  const t = await openTable(file, opts);
  return { headers: t.headers, encoding: t.encoding, delimiter: t.delimiter, rows: asAsync(t.rows) };
}

async function* asAsync<T>(it: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  yield* it;
}

/** Like CsvTable, but rows already parsed are iterated without a promise per row. */
interface OpenTable {
  headers: string[];
  encoding: string;
  delimiter: string;
  rows: Iterable<CsvValues> | AsyncGenerator<CsvValues>;
  /** The text holds a NUL character somewhere (rows are then checked one by one). */
  nul: boolean;
}

async function openTable(file: string, opts: CsvOpenOptions): Promise<OpenTable> {
  const decoded = await readTextFile(file, opts.encoding);
  // csv-parse counts a CRLF inside a quoted field as two lines; one newline convention makes
  // its line numbers exact, and a CRLF inside a field reads as a newline anyway.
  const text = decoded.text.includes('\r') ? decoded.text.replace(/\r\n?/g, '\n') : decoded.text;
  // Excel writes a `sep=;` first line when asked to, to name the delimiter.
  const sep = /^sep=(.)\n/.exec(text);
  const delimiter = opts.delimiter ? unescapeDelimiter(opts.delimiter) : sep ? sep[1]! : detectDelimiter(text);
  const fast = quickParse(sep ? text.slice(sep[0].length) : text, delimiter, sep ? 2 : 1);
  if (fast) {
    const headers = fast.header.map((h) => h.trim());
    while (headers.length > 1 && headers[headers.length - 1] === '') headers.pop();
    return { headers, encoding: decoded.encoding, delimiter, rows: checkedRows(fast.rows, headers.length, file, opts.reject), nul: text.includes('\0') };
  }
  return { ...(await tolerantTable(file, text, delimiter, sep !== null, decoded.encoding, opts)), nul: text.includes('\0') };
}

/** The header row and the data rows after it, each with the line it starts on. */
interface QuickTable {
  header: string[];
  rows: Iterable<CsvValues>;
}

/**
 * Papa Parse's core reads a well-formed file three times faster than csv-parse. It parts from
 * csv-parse's relaxed reading on malformed quoting only: it reports unclosed and stray closing
 * quotes as errors, and drops spaces between a closing quote and the delimiter where
 * csv-parse keeps the field as written. So a text with any of these, a leading BOM or blank
 * first row (csv-parse skips empty lines, Papa Parse yields them), or a delimiter Papa Parse
 * refuses goes to csv-parse, and every file reads the same whichever parser read it.
 * `undefined`: use csv-parse.
 */
function quickParse(body: string, delimiter: string, firstLine: number): QuickTable | undefined {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\uFEFF' || body.startsWith('\uFEFF')) return undefined;
  if (!body.includes('"')) {
    // Without quotes nothing can fail and every line is one row: read the rows a slice at a
    // time as they are consumed, so they do not all stay alive (and in the collector's way).
    const end = body.indexOf('\n');
    const header = parseRows(end < 0 ? body : body.slice(0, end), delimiter)[0];
    if (!header || header.every((h) => h.trim() === '')) return undefined;
    return { header, rows: end < 0 ? [] : unquotedRows({ body }, end + 1, delimiter, firstLine + 1) };
  }
  const d = delimiter.replace(/[\\\]^-]/g, '\\$&');
  if (new RegExp(`"[^\\S\\n${d}]+[${d}\\n]`).test(body)) return undefined;
  const result = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' }).parse(body, 0, false) as Papa.ParseResult<string[]>;
  const rows = result.data;
  if (result.errors.length || rows.length === 0 || rows[0]!.every((h) => h.trim() === '')) return undefined;
  return { header: rows[0]!, rows: quotedRows(rows, firstLine) };
}

function parseRows(text: string, delimiter: string): string[][] {
  return (new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' }).parse(text, 0, false) as Papa.ParseResult<string[]>).data;
}

/**
 * Rows of quote-free text from `start`, parsed some 64 KB at a time, cut at line ends. The text
 * comes in a holder and is never in a local of the generator: a finished generator still holds
 * the arguments and locals it was last suspended with, and the store holds the generators until
 * its write is done, so the text is let go once read.
 */
function* unquotedRows(src: { body: string }, start: number, delimiter: string, firstLine: number): Generator<CsvValues> {
  let line = firstLine;
  for (let from = start; from < src.body.length; ) {
    const to = sliceEnd(src.body, from);
    for (const values of parseRows(flatSlice(src.body, from, to), delimiter)) yield { line: line++, values };
    from = to + 1;
  }
  src.body = '';
}

/**
 * A copy of body[from, to), not a view: V8 makes a long substring a view of its parent, and every
 * field Papa Parse cuts from it would then keep the whole file's text alive for as long as any
 * record or key is kept.
 */
function flatSlice(body: string, from: number, to: number): string {
  return (' ' + body.slice(from, to)).slice(1);
}

function sliceEnd(body: string, from: number): number {
  const to = body.indexOf('\n', from + 65_536);
  return to < 0 ? body.length : to;
}

/**
 * Rows after the header of a fully parsed text. Papa Parse yields a row for each line, empty
 * ones included, so a row starts on the line after the previous one plus the newlines that
 * row's quoted fields hold.
 */
function* quotedRows(rows: string[][], firstLine: number): Generator<CsvValues> {
  let line = firstLine;
  for (let i = 0; i < rows.length; i++) {
    const values = rows[i]!;
    if (i > 0) yield { line, values };
    line++;
    for (const v of values) for (let at = v.indexOf('\n'); at !== -1; at = v.indexOf('\n', at + 1)) line++;
    // Each row read is dropped, so that the file's rows do not all stay alive to the end.
    rows[i] = [];
  }
}

/** The data rows, checked for their width against the header's. */
function* checkedRows(rows: Iterable<CsvValues>, width: number, file: string, reject: (r: Rejection) => void): Generator<CsvValues> {
  for (const row of rows) {
    const { line, values: record } = row;
    let n = record.length;
    while (n > width && record[n - 1] === '') n--;
    if (n === 0 || blank(record)) continue;
    if (n !== width) {
      reject({ file, line, reason: `expected ${width} columns as in the header, found ${n}` });
      continue;
    }
    yield row;
  }
}

function blank(record: readonly string[]): boolean {
  for (const v of record) if (v !== '' && v.trim() !== '') return false;
  return true;
}

/** csv-parse, for the files quickParse leaves to it. */
async function tolerantTable(file: string, text: string, delimiter: string, sep: boolean, encoding: string, opts: CsvOpenOptions): Promise<Omit<OpenTable, 'nul'>> {
  let lastLine = 0;
  // csv-parse may run ahead of the consumer, so lines are tracked in its callbacks: a record
  // starts on the line after the previous one ended, plus the empty lines it skipped since.
  let parsedEnd = 0;
  let emptySeen = 0;
  const options: Options<CsvValues, string[]> = {
    delimiter,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    from_line: sep ? 2 : 1,
    on_record: (record, context) => {
      const line = parsedEnd + 1 + (context.empty_lines - emptySeen);
      parsedEnd = context.lines;
      emptySeen = context.empty_lines;
      return { line, values: record };
    },
    on_skip: (err) => {
      // The record began after the previous good one ended (csv-parse reports where it gave up).
      opts.reject({ file, line: parsedEnd + 1, reason: `unreadable CSV record: ${err?.message ?? 'parse error'}` });
      const at: unknown = (err as { lines?: unknown } | undefined)?.lines;
      if (typeof at === 'number') parsedEnd = at;
      return undefined;
    },
  };
  // The overloads without `columns` type records as string[]; on_record maps them to CsvValues.
  const parser = parse(text, options as unknown as Options);
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<CsvValues>;

  let headers: string[] | undefined;
  try {
    const first = await iterator.next();
    if (!first.done) {
      headers = first.value.values.map((h) => h.trim());
      lastLine = first.value.line;
    }
  } catch (e) {
    throw new EvidenceInputError(file, `cannot read the CSV header: ${(e as Error).message}`, { cause: e });
  }
  if (!headers || headers.every((h) => h === '')) throw new EvidenceInputError(file, 'empty file: no header row');
  while (headers.length > 1 && headers[headers.length - 1] === '') headers.pop();
  const width = headers.length;

  async function* rows(): AsyncGenerator<CsvValues> {
    for (;;) {
      let next: IteratorResult<CsvValues>;
      try {
        next = await iterator.next();
      } catch (e) {
        throw new EvidenceInputError(file, `cannot read CSV after line ${lastLine}: ${(e as Error).message}`, { cause: e });
      }
      if (next.done) return;
      const { line, values: record } = next.value;
      lastLine = line;
      let n = record.length;
      while (n > width && record[n - 1] === '') n--;
      if (n === 0 || record.every((v) => v.trim() === '')) continue;
      if (n !== width) {
        opts.reject({ file, line, reason: `expected ${width} columns as in the header, found ${n}` });
        continue;
      }
      yield { line, values: record };
    }
  }
  return { headers, encoding, delimiter, rows: rows() };
}

/** A data row keyed by our field names; fields whose column is absent are absent. */
export interface CsvRow<F extends string = string> {
  line: number;
  record: Partial<Record<F, string>>;
}

export interface CsvReadOptions<F extends string> extends CsvOpenOptions {
  fields: FieldSpecs<F>;
  /** The source's `columns`: our field → header text. */
  columns?: Readonly<Record<string, string>>;
  /** Groups of fields of which at least one must be present (e.g. employeeId or email). */
  oneOf?: readonly (readonly F[])[];
}

/**
 * Read a CSV file as records keyed by our field names (values trimmed). Throws one
 * EvidenceInputError naming the file, the missing field(s) and the headers found when a
 * required column is missing.
 */
export async function readCsv<F extends string>(file: string, opts: CsvReadOptions<F>): Promise<{ headers: string[]; encoding: string; rows: AsyncGenerator<CsvRow<F>> }> {
  const t = await readCsvRows(file, opts);
  return { headers: t.headers, encoding: t.encoding, rows: asAsync(t.rows) };
}

/**
 * readCsv whose rows are a plain iterable when the file was read by Papa Parse, so that a
 * collector walking 100,000 rows (with `eachRow`) does not pay a promise per row.
 */
export async function readCsvRows<F extends string>(
  file: string,
  opts: CsvReadOptions<F>,
): Promise<{ headers: string[]; encoding: string; rows: Iterable<CsvRow<F>> | AsyncIterable<CsvRow<F>> }> {
  const table = await openTable(file, opts);
  const mapping = opts.columns ?? {};
  const { index, missing } = resolveColumns(table.headers, opts.fields, mapping);
  const problems = missing.map((f) => describeField(f, opts.fields, mapping));
  for (const group of opts.oneOf ?? []) {
    if (!group.some((f) => index[f] !== undefined)) {
      problems.push(group.map((f) => describeField(f, opts.fields, mapping)).join(' or '));
    }
  }
  const source = table.rows;
  if (problems.length) {
    if (Symbol.asyncIterator in source) await source.return(undefined);
    throw new EvidenceInputError(
      file,
      `missing required column(s) ${problems.join('; ')}: found headers ${table.headers.map((h) => `"${h}"`).join(', ')}`,
    );
  }
  const pairs = Object.entries(index) as [F, number][];
  const fields = pairs.map(([f]) => f);
  const at = pairs.map(([, i]) => i);
  function record(values: string[]): Partial<Record<F, string>> {
    const out: Partial<Record<F, string>> = {};
    for (let i = 0; i < fields.length; i++) {
      const v = values[at[i]!];
      if (v !== undefined) out[fields[i]!] = v.trim();
    }
    return out;
  }
  // A NUL inside a field is no text anyone wrote (a damaged export, binary data): the record is
  // rejected, naming the column, rather than stored with it.
  const nulColumn = (values: readonly string[]): string | undefined => {
    for (let i = 0; i < values.length; i++) if (values[i]!.includes('\0')) return table.headers[i] ?? `column ${i + 1}`;
    return undefined;
  };
  const fieldOf = (header: string): string => fields[at.indexOf(table.headers.indexOf(header))] ?? header;
  const nul = table.nul;
  function checked(line: number, values: string[]): CsvRow<F> | undefined {
    if (nul) {
      const col = nulColumn(values);
      if (col !== undefined) {
        opts.reject({ file, line, field: fieldOf(col), reason: `NUL byte in the field ("${col}")` });
        return undefined;
      }
    }
    return { line, record: record(values) };
  }
  async function* asyncRows(rows: AsyncIterable<CsvValues>): AsyncGenerator<CsvRow<F>> {
    for await (const { line, values } of rows) {
      const r = checked(line, values);
      if (r) yield r;
    }
  }
  function* syncRows(rows: Iterable<CsvValues>): Generator<CsvRow<F>> {
    for (const { line, values } of rows) {
      const r = checked(line, values);
      if (r) yield r;
    }
  }
  return { headers: table.headers, encoding: table.encoding, rows: Symbol.asyncIterator in source ? asyncRows(source) : syncRows(source) };
}
