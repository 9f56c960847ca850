/**
 * The floor of the core benchmark: the same exports and the same stored rows, through the bare
 * libraries with no mapping, no canonical form, no digest and no KPI. What no design that reads
 * these files, keeps every record as text in SQLite and reads it back can go below, on this
 * machine: the peer the core benchmark is printed beside.
 *
 * - parse: each export's bytes decoded (iconv-lite for Shift_JIS and UTF-16) and split into rows
 *   by papaparse, or JSON.parse for the JSON export;
 * - write: the store's own version rows (source, kind, key, at, JSON text), inserted into a fresh
 *   file of the same table, 200 rows to a statement, in one transaction, then checkpointed;
 * - read: the same rows read back with the evaluation's query and each JSON.parse'd.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { cpuSince } from './measure.ts';

export interface Floors {
  parseSeconds: number;
  writeSeconds: number;
  readSeconds: number;
  rows: number;
  inputRows: number;
}

/** Decode as a bare reader would: BOM first, then strict UTF-8, else Shift_JIS. */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'Shift_JIS');
  }
}

/** CPU seconds to decode and split every export (paths), and the rows they hold. */
export function parseFloor(paths: readonly string[]): { seconds: number; rows: number } {
  let rows = 0;
  const c0 = process.cpuUsage();
  for (const p of paths) {
    const text = decode(readFileSync(p));
    if (p.endsWith('.json')) rows += (JSON.parse(text) as unknown[]).length;
    else rows += Papa.parse<string[]>(text, { skipEmptyLines: true }).data.length - 1;
  }
  return { seconds: cpuSince(c0), rows };
}

const ROWS_PER_STATEMENT = 200;

/** CPU seconds to write the versions of `storeFile` into a fresh file, and to read them back. */
export function storeFloor(storeFile: string, scratchDir: string): { writeSeconds: number; readSeconds: number; rows: number } {
  const src = new Database(storeFile, { readonly: true });
  const rows = src.prepare('SELECT source, kind, key, at, data FROM versions ORDER BY source, key, at').raw(true).all() as unknown[][];
  src.close();
  const file = join(scratchDir, 'floor.sqlite');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    db.exec('CREATE TABLE versions (source TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, data TEXT, PRIMARY KEY (source, key, at)) WITHOUT ROWID');
    const many = db.prepare(`INSERT INTO versions (source, kind, key, at, data) VALUES ${Array(ROWS_PER_STATEMENT).fill('(?, ?, ?, ?, ?)').join(', ')}`);
    const one = db.prepare('INSERT INTO versions (source, kind, key, at, data) VALUES (?, ?, ?, ?, ?)');
    let c0 = process.cpuUsage();
    db.transaction(() => {
      let params: unknown[] = [];
      for (const r of rows) {
        params.push(...r);
        if (params.length === ROWS_PER_STATEMENT * 5) {
          many.run(params);
          params = [];
        }
      }
      for (let i = 0; i < params.length; i += 5) one.run(params.slice(i, i + 5));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const writeSeconds = cpuSince(c0);

    const sources = db.prepare('SELECT DISTINCT source FROM versions').pluck().all() as string[];
    const read = db.prepare('SELECT key, at, data FROM versions WHERE source = ? AND at <= ? ORDER BY key, at').raw(true);
    let parsed = 0;
    c0 = process.cpuUsage();
    for (const s of sources) {
      for (const [, , data] of read.iterate(s, Number.MAX_SAFE_INTEGER) as Iterable<[string, number, string | null]>) {
        if (data !== null && JSON.parse(data) !== null) parsed++;
      }
    }
    const readSeconds = cpuSince(c0);
    if (parsed === 0 && rows.length > 0) throw new Error('floor: nothing read back');
    return { writeSeconds, readSeconds, rows: rows.length };
  } finally {
    db.close();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
}
