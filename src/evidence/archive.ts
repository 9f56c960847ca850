/**
 * The portable evidence archive (`isms-kpi store export` / `import`): JSON lines, the same for
 * both stores, so evidence moves from SQLite to PostgreSQL and back, row for row.
 *
 *   {"format":"isms-kpi-evidence-archive","version":1,"store":"sqlite","schemaVersion":3,"exportedAt":"…"}
 *   {"t":"observation","source":"okta","kind":"account","at":1795046400000,"hash":"…","records":308}
 *   {"t":"version","source":"okta","kind":"account","key":"00u1…","at":1795046400000,"data":{…}}
 *   {"t":"fact",…}  {"t":"checkpoint",…}  {"t":"run",…,"body":{…}}  {"t":"merge-revision",…}  {"t":"cache",…}
 *   {"t":"end","counts":{"observation":9,"version":1760,…}}
 *
 * A record's data (and a run's body) is embedded as the JSON it is stored as, so the archive
 * reads as plain JSON and the text comes back byte for byte (records are stored as JSON text
 * that JSON.stringify reproduces from its parse). The end line carries the counts: an archive
 * cut short is refused rather than imported in part. Instants are epoch milliseconds, as stored.
 */
import { IsmsError } from '../errors.ts';
import { ARCHIVE_ROW_TYPES, zeroCounts, type ArchiveRow, type ArchiveRowType, type StoreKind } from './maintenance.ts';

export const ARCHIVE_FORMAT = 'isms-kpi-evidence-archive';
export const ARCHIVE_VERSION = 1;

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  version: number;
  store: StoreKind;
  schemaVersion: number;
  exportedAt: string;
}

export function headerLine(h: Omit<ArchiveHeader, 'format' | 'version'>): string {
  return JSON.stringify({ format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, ...h });
}

/** One row as a line (no newline). */
export function rowLine(row: ArchiveRow): string {
  switch (row.t) {
    case 'version':
    case 'fact': {
      const { data, ...rest } = row;
      return `${JSON.stringify(rest).slice(0, -1)},"data":${data === null ? 'null' : data}}`;
    }
    case 'run': {
      const { body, ...rest } = row;
      return `${JSON.stringify(rest).slice(0, -1)},"body":${body}}`;
    }
    default:
      return JSON.stringify(row);
  }
}

export function endLine(counts: Record<ArchiveRowType, number>): string {
  return JSON.stringify({ t: 'end', counts });
}

/** Lines of an archive: header, rows, end. */
export async function* archiveLines(header: Omit<ArchiveHeader, 'format' | 'version'>, rows: AsyncIterable<ArchiveRow>): AsyncGenerator<string> {
  const counts = zeroCounts();
  yield headerLine(header);
  for await (const row of rows) {
    counts[row.t]++;
    yield rowLine(row);
  }
  yield endLine(counts);
}

/** A file that is not a whole, valid archive: named with its line, never imported in part. */
export class ArchiveError extends IsmsError {
  constructor(message: string) {
    super('ARCHIVE_INVALID', message);
  }
}

const FIELDS: Record<ArchiveRowType, Record<string, 'string' | 'number' | 'string|null' | 'number|null' | 'json' | 'json|null'>> = {
  observation: { source: 'string', kind: 'string', at: 'number', hash: 'string', records: 'number|null' },
  version: { source: 'string', kind: 'string', key: 'string', at: 'number', data: 'json|null' },
  fact: { source: 'string', kind: 'string', key: 'string', at: 'number', data: 'json' },
  checkpoint: { source: 'string', name: 'string', value: 'string' },
  run: { source: 'string', result: 'string', finishedAt: 'string', body: 'json' },
  'merge-revision': { source: 'string', rev: 'number' },
  cache: { namespace: 'string', key: 'string', value: 'string' },
};

/**
 * Lines of a byte stream, read only as fast as they are consumed (a stream's own async iterator
 * has backpressure; readline's 'line' events would run ahead while an import waits on the
 * database, and lines emitted before anyone listens are lost).
 */
export async function* linesOf(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * Parse an archive's lines into rows (streaming), checking the header, every row's fields and
 * the end line's counts. `where` names the archive in errors (`FILE:LINE: …`).
 */
export async function* readArchive(lines: AsyncIterable<string>, where: string, onHeader?: (h: ArchiveHeader) => void): AsyncGenerator<ArchiveRow> {
  let n = 0;
  let header: ArchiveHeader | undefined;
  let ended: Record<string, number> | undefined;
  const counts = zeroCounts();
  const fail = (msg: string): never => {
    throw new ArchiveError(`${where}:${n}: ${msg}`);
  };
  for await (const raw of lines) {
    n++;
    const line = raw.trim();
    if (line === '') continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      return fail(`not JSON (${(e as Error).message})`);
    }
    if (!header) {
      if (o.format !== ARCHIVE_FORMAT) fail(`not an isms-kpi evidence archive (expected a first line with "format":"${ARCHIVE_FORMAT}")`);
      if (o.version !== ARCHIVE_VERSION) fail(`archive version ${String(o.version)}: this isms-kpi reads version ${ARCHIVE_VERSION}`);
      header = o as unknown as ArchiveHeader;
      onHeader?.(header);
      continue;
    }
    if (ended) fail('line after the end line');
    if (o.t === 'end') {
      ended = (o.counts ?? {}) as Record<string, number>;
      for (const t of ARCHIVE_ROW_TYPES) {
        if ((ended[t] ?? 0) !== counts[t]) fail(`the end line counts ${ended[t] ?? 0} ${t} rows, the archive holds ${counts[t]}`);
      }
      continue;
    }
    const t = o.t as ArchiveRowType;
    const fields = FIELDS[t];
    if (!fields) fail(`unknown row type ${JSON.stringify(o.t)}`);
    const row: Record<string, unknown> = { t };
    for (const [name, type] of Object.entries(fields)) {
      const v = o[name];
      const nullable = type.endsWith('|null');
      if (v === null || v === undefined) {
        if (!nullable) fail(`${t}.${name}: missing`);
        row[name] = null;
        continue;
      }
      if (type.startsWith('json')) row[name] = JSON.stringify(v);
      else if (typeof v !== type.split('|')[0]) fail(`${t}.${name}: expected ${type.split('|')[0]}`);
      else row[name] = v;
    }
    counts[t]++;
    yield row as ArchiveRow;
  }
  if (!header) fail('empty archive');
  if (!ended) throw new ArchiveError(`${where}: no end line: the archive is cut short (after line ${n}); nothing was imported`);
}
