/**
 * Identity-provider account exports → accounts (a snapshot). A JSON export's bytes are read
 * whole (100,000 users is ~70 MB) and a plain array is parsed user by user; the array may be
 * the top level or wrapped as a Graph page (`value`), a Directory list (`users`) or a realm export
 * (`users`). For JSON, a rejection's `line` is the user's 1-based position in the array.
 */
import type { SourceOf } from '../../config/source-kinds.ts';
import type { AccountRecord, Keyed } from '../../evidence/records.ts';
import { EvidenceInputError } from '../../errors.ts';
import type { Rejection } from '../../evidence/store.ts';
import { decodeBytes, readFileBytes, readTextFile } from '../csv/decode.ts';
import { readCsvRows, type CsvRow } from '../csv/read.ts';
import { eachRow, KeyGuard, PROGRESS_EVERY, sourcePath, sourceZone, type RowResult } from '../csv/source.ts';
import type { CollectContext, Collector, SnapshotOutput } from '../types.ts';
import { ENTRA_FIELDS, parseEntraRow, parseEntraUser } from './entra.ts';
import { GENERIC_ACCOUNT_FIELDS, parseGenericAccountRow } from './generic.ts';
import { GOOGLE_FIELDS, parseGoogleRow, parseGoogleUser } from './google.ts';
import { parseKeycloakUser } from './keycloak.ts';
import { splitJsonArray } from './json-array.ts';
import { parseOktaUser } from './okta.ts';

type IdpSource = SourceOf<'idp'>;
type JsonParser = (u: unknown, zone: string) => RowResult<AccountRecord>;

const JSON_FORMATS: Partial<Record<IdpSource['format'], JsonParser>> = {
  'okta-json': parseOktaUser,
  'entra-json': parseEntraUser,
  'google-json': parseGoogleUser,
  'keycloak-json': parseKeycloakUser,
};

/** The user array of a JSON export, whichever envelope it came in. */
export function usersOf(doc: unknown): unknown[] | undefined {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    for (const k of ['value', 'users', 'data']) if (Array.isArray(o[k])) return o[k] as unknown[];
  }
  return undefined;
}

/**
 * A NUL byte inside a field (raw, which JSON does not allow in a string, or as `\u0000`) rejects
 * that user, not the file: a raw one is read as the escape, and the parsed user is checked.
 */
function mayHoldNul(text: string): boolean {
  return text.includes('\0') || text.includes('\\u0000');
}

function parseJsonText(text: string): unknown {
  return JSON.parse(text.includes('\0') ? text.replaceAll('\0', '\\u0000') : text);
}

/** The dotted path of the first string holding a NUL (object keys included), if any. */
export function nulPath(v: unknown, path = ''): string | undefined {
  if (typeof v === 'string') return v.includes('\0') ? path || '(value)' : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = nulPath(v[i], `${path}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    const here = path ? `${path}.${k}` : k;
    if (k.includes('\0')) return here;
    const p = nulPath(x, here);
    if (p) return p;
  }
  return undefined;
}

async function readJsonUsers(file: string, encoding: string | undefined, bytes?: Buffer): Promise<{ users: unknown[]; nul: boolean }> {
  const { text } = bytes ? decodeBytes(bytes, file, encoding) : await readTextFile(file, encoding);
  let doc: unknown;
  try {
    doc = parseJsonText(text);
  } catch (e) {
    throw new EvidenceInputError(file, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const users = usersOf(doc);
  if (!users) throw new EvidenceInputError(file, 'expected a JSON array of users (or an object with "value" or "users")');
  return { users, nul: mayHoldNul(text) };
}

/** A user's parse result, or what the parser threw (rethrown when the user's turn comes). */
type Parsed = RowResult<AccountRecord> | { ok: 'thrown'; error: unknown };

function parseSafely(u: unknown, parse: JsonParser, zone: string, nul: boolean): Parsed {
  if (nul) {
    const field = nulPath(u);
    if (field) return { ok: false, field, reason: `NUL byte in the field ("${field}")` };
  }
  try {
    return parse(u, zone);
  } catch (e) {
    return { ok: 'thrown', error: e };
  }
}

/** The users of an export, parsed one at a time as they are read, and how many there are. */
interface JsonUsers {
  count: number;
  users: Iterable<Parsed>;
}

/**
 * Every user of the export. A plain UTF-8 array is split into its elements and each is parsed
 * only when its turn comes, so no more than one raw user is alive at a time (the store keeps
 * what it needs); an element that is not valid JSON refuses the whole file (the store commits
 * nothing of a snapshot whose records fail half-way) with its position. Anything else (an
 * envelope, another encoding) is parsed whole.
 */
async function readJsonAccounts(file: string, encoding: string | undefined, parse: JsonParser, zone: string): Promise<JsonUsers> {
  const wanted = encoding?.trim().toLowerCase();
  let bytes: Buffer | undefined;
  if (!wanted || wanted === 'auto') {
    bytes = await readFileBytes(file);
    const bounds = splitJsonArray(bytes);
    if (bounds) return { count: bounds.length / 2, users: eachElement(file, { bytes }, bounds, parse, zone) };
  }
  const { users: raw, nul } = await readJsonUsers(file, encoding, bytes);
  const users = raw.map((u) => parseSafely(u, parse, zone, nul));
  return { count: users.length, users };
}

/**
 * @param src the export's bytes, in a holder and never in a local of the generator: a finished
 *   generator still holds the arguments and locals it was last suspended with, and the store
 *   holds the generators until its write is done, so the bytes are let go once read.
 */
function* eachElement(file: string, src: { bytes?: Buffer }, bounds: readonly number[], parse: JsonParser, zone: string): Generator<Parsed> {
  for (let i = 0; i < bounds.length; i += 2) {
    const text = src.bytes!.toString('utf8', bounds[i], bounds[i + 1]);
    yield parseSafely(element(file, text, src.bytes!, bounds, i), parse, zone, mayHoldNul(text));
  }
  src.bytes = undefined;
}

function element(file: string, text: string, bytes: Buffer, bounds: readonly number[], i: number): unknown {
  try {
    return parseJsonText(text);
  } catch (e) {
    const line = lineAt(bytes, bounds[i]!);
    throw new EvidenceInputError(file, `not valid JSON: user ${i / 2 + 1} (line ${line}): ${(e as Error).message}`, { cause: e });
  }
}

/** The 1-based line of a byte offset (counted only for an error). */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

async function* fromJson(file: string, { count, users }: JsonUsers, ctx: CollectContext): AsyncGenerator<Keyed<'account'>> {
  const keys = new KeyGuard(file, (r) => ctx.reject(r), 'account id');
  let i = 0;
  for (const r of users) {
    i++;
    if (i % PROGRESS_EVERY === 0) ctx.progress(i, count);
    if (r.ok === 'thrown') throw r.error;
    if (!r.ok) ctx.reject({ file, line: i, field: r.field, reason: r.reason });
    else if (keys.accept(r.key, i)) yield { key: r.key, data: r.data };
  }
  ctx.progress(count, count);
}

function fromCsv<F extends string>(file: string, rows: Iterable<CsvRow<F>> | AsyncIterable<CsvRow<F>>, parse: (row: Partial<Record<F, string>>) => RowResult<AccountRecord>, ctx: CollectContext): AsyncGenerator<Keyed<'account'>> {
  const keys = new KeyGuard(file, (r) => ctx.reject(r), 'account id');
  let n = 0;
  return eachRow(
    rows,
    ({ line, record }): Keyed<'account'> | undefined => {
      if (++n % PROGRESS_EVERY === 0) ctx.progress(n);
      const r = parse(record);
      if (!r.ok) ctx.reject({ file, line, field: r.field, reason: r.reason });
      else if (keys.accept(r.key, line)) return { key: r.key, data: r.data };
      return undefined;
    },
    () => ctx.progress(n, n),
  );
}

export const idpCollector: Collector<'idp', 'account'> = {
  sourceKind: 'idp',
  recordKind: 'account',
  async collect(source: IdpSource, ctx: CollectContext): Promise<SnapshotOutput<'account'>> {
    const file = sourcePath(source, ctx);
    const zone = sourceZone(source, ctx);
    const jsonParser = JSON_FORMATS[source.format];
    if (jsonParser) {
      const users = await readJsonAccounts(file, source.encoding, jsonParser, zone);
      return { type: 'snapshot', records: fromJson(file, users, ctx) };
    }
    const common = { encoding: source.encoding, delimiter: source.delimiter, columns: source.columns, reject: (r: Rejection) => ctx.reject(r) };
    const format = source.dateFormat;
    switch (source.format) {
      case 'entra-csv': {
        const { rows } = await readCsvRows(file, { ...common, fields: ENTRA_FIELDS });
        return { type: 'snapshot', records: fromCsv(file, rows, (r) => parseEntraRow(r, zone, format), ctx) };
      }
      case 'google-csv': {
        const { rows } = await readCsvRows(file, { ...common, fields: GOOGLE_FIELDS });
        return { type: 'snapshot', records: fromCsv(file, rows, (r) => parseGoogleRow(r, zone, format), ctx) };
      }
      case 'generic-csv': {
        const { rows } = await readCsvRows(file, { ...common, fields: GENERIC_ACCOUNT_FIELDS, oneOf: [['enabled', 'status']] });
        return { type: 'snapshot', records: fromCsv(file, rows, (r) => parseGenericAccountRow(r, zone, format), ctx) };
      }
      default:
        throw new EvidenceInputError(file, `unsupported IdP format "${source.format}"`);
    }
  },
};
