/**
 * CSV reading for every CSV collector: decoding (decode.ts), delimiter detection, csv-parse
 * with the tolerance real exports need (CRLF, quoted newlines, stray quotes), and the line
 * where each record starts, so a rejection points at the line a person opens in an editor.
 */
import { parse, type Options } from 'csv-parse';
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
  const decoded = await readTextFile(file, opts.encoding);
  // csv-parse counts a CRLF inside a quoted field as two lines; one newline convention makes
  // its line numbers exact, and a CRLF inside a field reads as a newline anyway.
  const text = decoded.text.includes('\r') ? decoded.text.replace(/\r\n?/g, '\n') : decoded.text;
  // Excel writes a `sep=;` first line when asked to, to name the delimiter.
  const sep = /^sep=(.)\n/.exec(text);
  const delimiter = opts.delimiter ? unescapeDelimiter(opts.delimiter) : sep ? sep[1]! : detectDelimiter(text);
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
  return { headers, encoding: decoded.encoding, delimiter, rows: rows() };
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
  const table = await openCsv(file, opts);
  const mapping = opts.columns ?? {};
  const { index, missing } = resolveColumns(table.headers, opts.fields, mapping);
  const problems = missing.map((f) => describeField(f, opts.fields, mapping));
  for (const group of opts.oneOf ?? []) {
    if (!group.some((f) => index[f] !== undefined)) {
      problems.push(group.map((f) => describeField(f, opts.fields, mapping)).join(' or '));
    }
  }
  if (problems.length) {
    await table.rows.return(undefined);
    throw new EvidenceInputError(
      file,
      `missing required column(s) ${problems.join('; ')}: found headers ${table.headers.map((h) => `"${h}"`).join(', ')}`,
    );
  }
  const pairs = Object.entries(index) as [F, number][];
  async function* rows(): AsyncGenerator<CsvRow<F>> {
    for await (const { line, values } of table.rows) {
      const record: Partial<Record<F, string>> = {};
      for (const [field, at] of pairs) {
        const v = values[at];
        if (v !== undefined) record[field] = v.trim();
      }
      yield { line, record };
    }
  }
  return { headers: table.headers, encoding: table.encoding, rows: rows() };
}
