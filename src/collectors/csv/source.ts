/**
 * What every file-based snapshot collector needs from its source and context: the file's
 * absolute path, the zone for zone-less times, and one record per key.
 */
import path from 'node:path';
import type { Rejection } from '../../evidence/store.ts';
import type { CollectContext } from '../types.ts';

/** The source's path resolved against the config file's directory. */
export function sourcePath(source: { path: string }, ctx: CollectContext): string {
  return path.resolve(ctx.config.baseDir, source.path);
}

/** Zone for timestamps without one: the source's, else the organisation's. */
export function sourceZone(source: { timeZone?: string }, ctx: CollectContext): string {
  return source.timeZone ?? ctx.config.organisation.timeZone;
}

/**
 * A snapshot holds one record per key, so a second row with a key already seen is rejected
 * (pointing at the first) rather than silently overwriting it.
 */
export class KeyGuard {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly file: string,
    private readonly reject: (r: Rejection) => void,
    private readonly what: string,
  ) {}

  /** True when the key is new; otherwise reports the duplicate and returns false. */
  accept(key: string, line: number): boolean {
    const first = this.seen.get(key);
    if (first !== undefined) {
      // The key is personal data (an email, an account): it travels apart from the reason.
      this.reject({ file: this.file, line, reason: `duplicate ${this.what} (first on line ${first})`, value: key.replaceAll('\u001f', ' / ') });
      return false;
    }
    this.seen.set(key, line);
    return true;
  }
}

/** A parsed row: the keyed record, or the field and reason it was rejected for. */
export type RowResult<T> = { ok: true; key: string; data: T } | { ok: false; field?: string; reason: string; value?: string };

/** How often (in records) collectors report progress. */
export const PROGRESS_EVERY = 10_000;

/**
 * Map rows to records, skipping `undefined`, then call `done`: a plain iterable is walked
 * synchronously, so a 100,000-row file costs one promise per record handed on rather than two.
 */
export async function* eachRow<R, T>(rows: Iterable<R> | AsyncIterable<R>, map: (row: R) => T | undefined, done?: () => void): AsyncGenerator<T> {
  if (Symbol.asyncIterator in rows) {
    for await (const row of rows) {
      const out = map(row);
      if (out !== undefined) yield out;
    }
  } else {
    for (const row of rows) {
      const out = map(row);
      if (out !== undefined) yield out;
    }
  }
  done?.();
}

/**
 * The row loop every CSV snapshot collector shares: parse each row, report a rejected row as
 * `file:line field: reason`, keep one record per key (a duplicate is rejected, pointing at the
 * first), report progress. `parse` returns null for a row that is not a record (and not an
 * error either, e.g. a Moodle row without a completion).
 */
export function snapshotRecords<T, R extends { line: number; record: Record<string, string | undefined> }>(
  rows: Iterable<R> | AsyncIterable<R>,
  opts: { file: string; ctx: CollectContext; what: string; parse: (record: R['record']) => RowResult<T> | null },
): AsyncGenerator<{ key: string; data: T }> {
  const { file, ctx } = opts;
  const keys = new KeyGuard(file, (r) => ctx.reject(r), opts.what);
  let n = 0;
  return eachRow(
    rows,
    ({ line, record }): { key: string; data: T } | undefined => {
      if (++n % PROGRESS_EVERY === 0) ctx.progress(n);
      const r = opts.parse(record);
      if (r === null) return undefined;
      if (!r.ok) ctx.reject({ file, line, field: r.field, reason: r.reason, ...(r.value !== undefined ? { value: r.value } : {}) });
      else if (keys.accept(r.key, line)) return { key: r.key, data: r.data };
      return undefined;
    },
    () => ctx.progress(n, n),
  );
}
