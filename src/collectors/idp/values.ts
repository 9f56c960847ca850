/** Reading the loosely-typed values of IdP exports: booleans in many spellings, optional instants. */
import type { RowResult } from '../csv/source.ts';
import { parseTimestamp } from '../time.ts';

/** A field of one record cannot be read; caught by `guard` and turned into a rejection. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Run a record parser, turning a FieldError into a rejected RowResult. */
export function guard<T>(parse: () => RowResult<T>): RowResult<T> {
  try {
    return parse();
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, field: e.field, reason: `${e.field}: ${e.message}` };
    throw e;
  }
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on', 'enabled', 'active', 'enrolled', '有効', 'はい', '○']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', 'disabled', 'inactive', 'not enrolled', '無効', 'いいえ', '×', '-']);

/**
 * An object or array where a JSON export should hold a plain value is a field that cannot be
 * read (String() of `{"toString": ""}` would even throw a TypeError out of the collector).
 */
function notScalar(v: unknown, field: string, expected: string): void {
  if (v !== null && typeof v === 'object') throw new FieldError(field, `expected ${expected}, found ${Array.isArray(v) ? 'an array' : 'an object'}`);
}

/** A boolean cell; undefined when empty. */
export function bool(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  notScalar(v, field, 'true or false');
  // Exports' own spellings, without a lower-cased copy per cell.
  if (v === 'True' || v === 'true') return true;
  if (v === 'False' || v === 'false') return false;
  const s = String(v).trim().toLowerCase();
  if (s === '') return undefined;
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  throw new FieldError(field, `expected true or false, found "${String(v)}"`);
}

/** Values IdPs write for "never": empty, null, `Never logged in`, the Unix epoch, Go's zero time. */
export function isNever(v: string): boolean {
  // A timestamp (a digit first) is "never" only as the epoch or the zero time: checked without
  // a lower-cased copy, as an Okta user alone has five timestamps.
  const c = v.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39 && !v.startsWith('1970-01-01') && !v.startsWith('0001-01-01')) return false;
  const s = v.trim().toLowerCase();
  return (
    s === '' || s === 'never' || s === 'never logged in' || s === 'null' || s === 'n/a' || s === '-' ||
    s.startsWith('1970-01-01t00:00:00') || s.startsWith('0001-01-01')
  );
}

/** An optional instant (ISO, or epoch ms when a number) as ISO with offset; undefined for "never". */
export function instant(v: unknown, zone: string, field: string, format?: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  notScalar(v, field, 'a timestamp');
  if (typeof v === 'number') {
    if (v <= 0) return undefined;
    v = String(Math.trunc(v));
  }
  const s = String(v);
  if (isNever(s)) return undefined;
  const r = parseTimestamp(s, { zone, format });
  if (!r.ok) throw new FieldError(field, r.error);
  return r.value;
}

/** A non-empty trimmed string, or undefined; `field` names it when it is not a plain value. */
export function text(v: unknown, field = 'value'): string | undefined {
  if (v === undefined || v === null) return undefined;
  notScalar(v, field, 'text');
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/**
 * Without its undefined properties, so stored records compare equal however they were built.
 * A copy rather than `delete`, which would turn each of 100,000 records into a slow dictionary.
 */
export function compact<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
