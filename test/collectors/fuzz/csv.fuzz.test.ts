/**
 * Property tests of the CSV reader (issue 12, last paragraph): rows of any content, between
 * valid rows, never throw out of the reader (other than the one clear EvidenceInputError for a
 * file that cannot be used), never hang, and never change the valid rows' records or lines;
 * random and mutated whole files only ever give records, rejections or that one error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRows } from '../../../src/collectors/csv/read.ts';
import type { Rejection } from '../../../src/evidence/store.ts';
import { EvidenceInputError } from '../../../src/errors.ts';
import { edits, hostileBytes, hostileString, mutate, FC, withinHangGuard } from './arbitraries.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'csv-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const FIELDS = {
  id: { defaults: ['id'], required: true },
  name: { defaults: ['name'] },
  email: { defaults: ['email'] },
  dept: { defaults: ['dept'] },
};
const HEADER = 'id,name,email,dept\n';

/** A cell as a CSV writer writes it: quoted (quotes doubled) when it holds a comma, quote or line break. */
function cell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

async function read(bytes: Buffer): Promise<{ rows: { line: number; record: Record<string, string | undefined> }[]; rejections: Rejection[] } | EvidenceInputError> {
  const file = path.join(dir, `f${n++}.csv`);
  writeFileSync(file, bytes);
  const rejections: Rejection[] = [];
  try {
    const t = await readCsvRows(file, { fields: FIELDS, reject: (r) => rejections.push(r) });
    const rows = [];
    for await (const r of t.rows) rows.push(r);
    return { rows, rejections };
  } catch (e) {
    // The one allowed failure: a clear error naming the file (undecodable, no header, …).
    if (e instanceof EvidenceInputError && e.message.startsWith(`${file}: `)) return e;
    throw e;
  }
}

const validRow = fc.record({
  name: fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,15}$/),
  email: fc.stringMatching(/^[a-z]{1,8}@example\.co\.jp$/),
  dept: fc.constantFrom('営業部', 'Sales', 'R&D', ''),
});

/** A row of any content: well-formed CSV (so it stays one row) or a raw line without quotes. */
const hostileRow = fc.oneof(
  fc.array(hostileString(12), { minLength: 0, maxLength: 6 }).map((cells) => cells.map(cell).join(',')),
  hostileString(40).map((s) => s.replace(/["\r\n]/g, ' ')),
);

describe('CSV rows', () => {
  it('hostile rows between valid rows leave every valid row as it is, on its own line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(fc.nat(), hostileRow), { maxLength: 6 }), async (valid, hostile) => {
        const rows: { text: string; valid?: number }[] = valid.map((v, i) => ({ text: [`E${i}`, cell(v.name), v.email, cell(v.dept)].join(','), valid: i }));
        for (const [at, text] of hostile) rows.splice(at % (rows.length + 1), 0, { text });
        let body = HEADER;
        const lineOf = new Map<number, number>();
        for (const r of rows) {
          // The line a row starts on: 1 + the line breaks before it (CRLF, CR or LF, as the reader counts).
          if (r.valid !== undefined) lineOf.set(r.valid, 1 + (body.match(/\r\n|\r|\n/g)?.length ?? 0));
          body += `${r.text}\n`;
        }
        const out = await withinHangGuard(() => read(Buffer.from(body, 'utf8')));
        if (out instanceof EvidenceInputError) throw out; // every cell is UTF-8 text: the file is usable
        for (const [i, v] of valid.entries()) {
          const got = out.rows.filter((r) => r.line === lineOf.get(i));
          expect(got).toEqual([{ line: lineOf.get(i), record: { id: `E${i}`, name: v.name.trim(), email: v.email, dept: v.dept } }]);
        }
        // Nothing is both read and rejected, and lines only go forward.
        const lines = out.rows.map((r) => r.line);
        expect(lines).toEqual([...lines].sort((a, b) => a - b));
        for (const r of out.rejections) expect(lines).not.toContain(r.line);
      }),
      FC,
    );
  });

  it('random bytes as a whole file: records, rejections or one EvidenceInputError, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileBytes(300), hostileBytes(100).map((b) => Buffer.concat([Buffer.from(HEADER), b]))), async (bytes) => {
        await withinHangGuard(() => read(bytes));
      }),
      FC,
    );
  });

  it('a valid file with random edits: records, rejections or one EvidenceInputError, nothing else', async () => {
    const base = Buffer.from(`${HEADER}E1,Alice,alice@example.co.jp,"Sales, East"\nE2,"Bob ""B""",bob@example.co.jp,\nE3,Carol,carol@example.co.jp,"multi\nline"\n`);
    await fc.assert(
      fc.asyncProperty(edits(6), async (es) => {
        await withinHangGuard(() => read(mutate(base, es)));
      }),
      FC,
    );
  });
});
