import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseHeader, resolveColumns } from '../../../src/collectors/csv/columns.ts';
import { detectDelimiter, openCsv, readCsv } from '../../../src/collectors/csv/read.ts';
import type { Rejection } from '../../../src/evidence/store.ts';
import { EvidenceInputError } from '../../../src/errors.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'csv-read-'));
function file(name: string, content: string | Buffer): string {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3', ','],
    ['a;b;c\n1,5;2;3', ';'],
    ['a\tb\tc\n', '\t'],
    ['"x,y";b;c\n', ';'],
    ['only\n', ','],
  ])('%j → %j', (text, d) => expect(detectDelimiter(text)).toBe(d));
});

describe('column resolution', () => {
  it('normalises case, spaces, underscores and full-width letters', () => {
    expect(normaliseHeader(' Employee_ID ')).toBe('employeeid');
    expect(normaliseHeader('ＩＤ')).toBe('id');
  });

  it('a configured header wins over defaults and is required', () => {
    const specs = { employeeId: { defaults: ['id'] }, email: { defaults: ['email'] } };
    expect(resolveColumns(['id', '社員番号', 'E-Mail'], specs, { employeeId: '社員番号' })).toEqual({ index: { employeeId: 1, email: 2 }, missing: [] });
    expect(resolveColumns(['id', 'email'], specs, { employeeId: '社員番号' })).toEqual({ index: { email: 1 }, missing: ['employeeId'] });
  });
});

describe('openCsv / readCsv', () => {
  it('CRLF with a quoted field spanning lines: each record knows the line it starts on', async () => {
    const f = file('crlf.csv', 'id,note\r\n1,"first\r\nsecond"\r\n2,plain\r\n\r\n3,"a ""quoted"" word"\r\n');
    const rejections: Rejection[] = [];
    const t = await openCsv(f, { reject: (r) => rejections.push(r) });
    expect(t.headers).toEqual(['id', 'note']);
    expect(await all(t.rows)).toEqual([
      { line: 2, values: ['1', 'first\nsecond'] },
      { line: 4, values: ['2', 'plain'] },
      { line: 6, values: ['3', 'a "quoted" word'] },
    ]);
    expect(rejections).toEqual([]);
  });

  it('rejects rows with the wrong number of columns and an unclosed quote, with their lines, and goes on', async () => {
    const f = file('bad.csv', 'id,name,dept\n1,a,x\n2,b\n3,c,y,extra\n4,d,z,,\n,,\n5,"unclosed,w\n');
    const rejections: Rejection[] = [];
    const t = await openCsv(f, { reject: (r) => rejections.push(r) });
    // Row 5 has two empty trailing cells, which Excel adds; row 6 is all empty (no record).
    expect(await all(t.rows)).toEqual([
      { line: 2, values: ['1', 'a', 'x'] },
      { line: 5, values: ['4', 'd', 'z', '', ''] },
    ]);
    expect(rejections.map((r) => [r.line, r.reason.split(':')[0]]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [3, 'expected 3 columns as in the header, found 2'],
      [4, 'expected 3 columns as in the header, found 4'],
      [7, 'unreadable CSV record'],
    ]);
    expect(rejections.every((r) => r.file === f)).toBe(true);
  });

  it('a closing quote followed by spaces keeps the field as written, as a relaxed reader does', async () => {
    const t = await openCsv(file('quote-space.csv', 'id,note,more\n1,"abc"  ,z\n2,"x" ,y\n3,"ok",w\n'), { reject: () => {} });
    expect(await all(t.rows)).toEqual([
      { line: 2, values: ['1', '"abc"  ', 'z'] },
      { line: 3, values: ['2', '"x" ', 'y'] },
      { line: 4, values: ['3', 'ok', 'w'] },
    ]);
  });

  it('empty lines before the header and between rows are skipped and still counted', async () => {
    const t = await openCsv(file('blank-lines.csv', '\n\nid,name\n\n1,"two\nlines"\n\n\n2,b\n'), { reject: () => {} });
    expect(t.headers).toEqual(['id', 'name']);
    expect(await all(t.rows)).toEqual([
      { line: 5, values: ['1', 'two\nlines'] },
      { line: 9, values: ['2', 'b'] },
    ]);
  });

  it('a large file keeps exact lines for every row and rejection, however it is read in parts', async () => {
    // Line 1 is the header; data row k (1-based) is on line k + 1. Every 1000th row is short,
    // every 1500th line is empty; 40,000 rows of ~20 bytes make some 800 KB.
    const lines = ['id,name,dept'];
    for (let k = 1; k <= 40_000; k++) lines.push(k % 1500 === 0 ? '' : k % 1000 === 0 ? `${k},short` : `${k},name-${k},d`);
    const rejections: Rejection[] = [];
    const t = await openCsv(file('large.csv', lines.join('\r\n')), { reject: (r) => rejections.push(r) });
    const rows = await all(t.rows);
    // 40,000 rows less 40 short and 26 empty (1500…39000; 3000, 6000… are both, counted as empty: 13 of the 40).
    expect(rows).toHaveLength(40_000 - 27 - 26);
    expect(rows.every((r) => r.values[0] === String(r.line - 1))).toBe(true);
    expect(rows.at(-1)).toEqual({ line: 40_000, values: ['39999', 'name-39999', 'd'] });
    expect(rejections.map((r) => r.line).slice(0, 3)).toEqual([1001, 2001, 4001]);
    expect(rejections).toHaveLength(27);
  });

  it('semicolon and TAB files are read without configuration; a configured delimiter is used as is', async () => {
    const semi = await openCsv(file('semi.csv', 'a;b\n1,5;2\n'), { reject: () => {} });
    expect(await all(semi.rows)).toEqual([{ line: 2, values: ['1,5', '2'] }]);
    const tab = await openCsv(file('tab.csv', 'a\tb\n1\t2\n'), { reject: () => {} });
    expect(tab.delimiter).toBe('\t');
    const forced = await openCsv(file('pipe.csv', 'a|b\n1|2\n'), { delimiter: '|', reject: () => {} });
    expect(await all(forced.rows)).toEqual([{ line: 2, values: ['1', '2'] }]);
  });

  it("Excel's sep= line names the delimiter and is not the header; line numbers stay the file's", async () => {
    const t = await openCsv(file('sep.csv', 'sep=;\r\na;b\r\n1,5;2\r\n3\r\n'), { reject: () => {} });
    expect(t.headers).toEqual(['a', 'b']);
    const rejections: Rejection[] = [];
    const t2 = await openCsv(file('sep2.csv', 'sep=;\na;b\n1,5;2\n3\n'), { reject: (r) => rejections.push(r) });
    expect(await all(t.rows)).toEqual([{ line: 3, values: ['1,5', '2'] }]);
    expect(await all(t2.rows)).toEqual([{ line: 3, values: ['1,5', '2'] }]);
    expect(rejections.map((r) => r.line)).toEqual([4]);
  });

  it('maps headers in any language to our fields and trims values', async () => {
    const f = file('ja.csv', '\uFEFF社員番号,氏名,メールアドレス\n 1001 ,山田 太郎,Taro@Example.co.jp\n');
    const { rows } = await readCsv(f, {
      fields: { employeeId: { defaults: [], required: true }, name: { defaults: ['name'] }, email: { defaults: ['email'] } },
      columns: { employeeId: '社員番号', name: '氏名', email: 'メールアドレス' },
      reject: () => {},
    });
    expect(await all(rows)).toEqual([{ line: 2, record: { employeeId: '1001', name: '山田 太郎', email: 'Taro@Example.co.jp' } }]);
  });

  it('a missing required column is one EvidenceInputError naming the file, the field and the headers found', async () => {
    const f = file('missing.csv', 'name,dept\nx,y\n');
    const read = readCsv(f, { fields: { employeeId: { defaults: ['employee id'], required: true }, name: { defaults: ['name'] } }, reject: () => {} });
    await expect(read).rejects.toBeInstanceOf(EvidenceInputError);
    await expect(read).rejects.toThrow(`${f}: missing required column(s) employeeId (e.g. "employee id"): found headers "name", "dept"`);
  });

  it('a mapped column that is absent is named with its configured header', async () => {
    const f = file('mapped.csv', 'id,name\n1,x\n');
    await expect(readCsv(f, { fields: { employeeId: { defaults: [] } }, columns: { employeeId: '社員番号' }, reject: () => {} })).rejects.toThrow(
      'missing required column(s) employeeId ("社員番号"): found headers "id", "name"',
    );
  });

  it('the real csvkit UTF-16LE sample reads as a table', async () => {
    const t = await openCsv('/work/shared/fixtures/real/encodings/csvkit_test_utf16_little.csv', { reject: () => {} });
    expect(t.headers).toEqual(['a', 'b', 'c']);
    expect(t.encoding).toBe('utf-16le');
    expect(await all(t.rows)).toEqual([
      { line: 2, values: ['1', '2', '3'] },
      { line: 3, values: ['4', '5', 'ʤ'] },
    ]);
  });

  it('an empty file has no header: EvidenceInputError', async () => {
    await expect(openCsv(file('empty.csv', ''), { reject: () => {} })).rejects.toThrow('empty file: no header row');
  });
});
