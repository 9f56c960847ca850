import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { hrCollector } from '../../../src/collectors/hr/collector.ts';
import { parsePersonRow } from '../../../src/collectors/hr/parse.ts';
import { EvidenceInputError } from '../../../src/errors.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/hr');

describe('parsePersonRow', () => {
  const opts = { zone: 'Asia/Tokyo', leftStatuses: ['left', '退職'] };

  it('keys by employee id, lower-cases the email, reads dates and splits logins', () => {
    expect(parsePersonRow({ employeeId: '1001', email: 'A.B@X.jp', hireDate: '2020/4/1', leaveDate: '2026年3月31日', logins: 'ab, a.b' }, opts)).toEqual({
      ok: true,
      key: '1001',
      data: { employeeId: '1001', email: 'a.b@x.jp', hireDate: '2020-04-01', leaveDate: '2026-03-31', logins: ['ab', 'a.b'] },
    });
  });

  it('keys by the lower-cased email when there is no employee id', () => {
    expect(parsePersonRow({ email: 'Ken@Example.co.jp' }, opts)).toEqual({ ok: true, key: 'ken@example.co.jp', data: { email: 'ken@example.co.jp' } });
  });

  // The rejected value travels apart from the reason (it may be personal data: collect prints it
  // only with --show-values).
  it.each([
    [{ name: 'x' }, undefined, 'neither employee id nor email', undefined],
    [{ employeeId: '1', email: 'not-an-address' }, 'email', 'not an email address', 'not-an-address'],
    [{ employeeId: '1', hireDate: '2026-02-30' }, 'hireDate', 'hireDate: unreadable date', '2026-02-30'],
    [{ employeeId: '1', status: '退職' }, 'leaveDate', 'the status means the person left, but the leave date is empty', '退職'],
    [{ employeeId: '1', status: 'LEFT' }, 'leaveDate', 'the status means the person left', 'LEFT'],
    [{ employeeId: '1', hireDate: '2026-04-02', leaveDate: '2026-04-01' }, 'leaveDate', 'leave date 2026-04-01 is before hire date 2026-04-02', undefined],
  ])('rejects %o (%s)', (row, field, reason, value) => {
    const r = parsePersonRow(row, opts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe(field);
      expect(r.reason).toContain(reason);
      expect(r.value).toBe(value);
      if ('email' in row) expect(r.reason).not.toContain(row.email);
    }
  });

  it('a leaver status with a leave date is kept; an active status without one too', () => {
    expect(parsePersonRow({ employeeId: '1', status: '退職', leaveDate: '2026/06/30' }, opts)).toMatchObject({ ok: true, data: { leaveDate: '2026-06-30' } });
    expect(parsePersonRow({ employeeId: '2', status: '在籍' }, opts)).toMatchObject({ ok: true, data: { status: '在籍' } });
  });

  it('uses the configured date format first', () => {
    expect(parsePersonRow({ employeeId: '1', hireDate: '01.04.2020' }, { ...opts, dateFormat: 'dd.MM.yyyy' })).toMatchObject({ ok: true, data: { hireDate: '2020-04-01' } });
  });
});

describe('hr-roster collector', () => {
  it('English headers, CRLF, a quoted name over two lines; bad rows rejected with their line', async () => {
    const { ctx, rejections } = testContext({ baseDir: FIXTURES });
    const records = await collectAll(hrCollector, sourceOf({ kind: 'hr-roster', path: 'roster-en-crlf.csv' }), ctx);
    expect(records).toEqual([
      {
        key: 'E001',
        data: { employeeId: 'E001', email: 'ken.ito@example.co.jp', name: 'Ito, Ken', department: 'Sales', status: 'active', hireDate: '2020-04-01', logins: ['kito'] },
      },
      {
        key: 'E002',
        data: {
          employeeId: 'E002', email: 'hanako.sato@example.co.jp', name: 'Sato\nHanako', department: 'HR', status: 'left',
          hireDate: '2019-04-01', leaveDate: '2026-06-30', logins: ['hsato', 'hanako'],
        },
      },
      { key: 'noid@example.co.jp', data: { email: 'noid@example.co.jp', name: 'No Id', department: 'IT', status: 'active', hireDate: '2021-01-01' } },
      // Line 9 repeats E001 with another hire date: a second employment of the same person, kept
      // under its own key (the earlier employment keeps the bare id).
      {
        key: 'E001\u001fhired 2021-01-01',
        data: { employeeId: 'E001', email: 'dup@example.co.jp', name: 'Duplicate', department: 'IT', status: 'active', hireDate: '2021-01-01' },
      },
    ]);
    const file = path.join(FIXTURES, 'roster-en-crlf.csv');
    expect(rejections).toEqual([
      { file, line: 5, field: 'hireDate', reason: expect.stringContaining('hireDate: unreadable date'), value: '2026-02-30' },
      { file, line: 6, reason: 'expected 8 columns as in the header, found 3' },
      { file, line: 7, field: 'leaveDate', reason: 'the status means the person left, but the leave date is empty', value: 'terminated' },
      { file, line: 11, field: 'leaveDate', reason: 'leave date 2022-09-30 is before hire date 2022-10-01' },
    ]);
  });

  const japanese =
    '社員番号,氏名,メールアドレス,部署,在籍区分,入社日,退職日\r\n' +
    '1001,髙橋 一郎,Ichiro.Takahashi@example.co.jp,情報システム部,在籍,2020/04/01,\r\n' +
    '1002,佐藤 花子,hanako@example.co.jp,総務部①,退職,2019/4/1,2026/6/30\r\n' +
    '1003,鈴木 次郎,jiro@example.co.jp,営業部,退職,2021/04/01,\r\n';
  const japaneseExpected = [
    { key: '1001', data: { employeeId: '1001', name: '髙橋 一郎', email: 'ichiro.takahashi@example.co.jp', department: '情報システム部', status: '在籍', hireDate: '2020-04-01' } },
    { key: '1002', data: { employeeId: '1002', name: '佐藤 花子', email: 'hanako@example.co.jp', department: '総務部①', status: '退職', hireDate: '2019-04-01', leaveDate: '2026-06-30' } },
  ];

  it('Shift_JIS (CP932, no BOM) with Japanese headers, recognised without a mapping', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hr-sjis-'));
    writeFileSync(path.join(dir, 'roster.csv'), iconv.encode(japanese, 'cp932'));
    const { ctx, rejections } = testContext({ baseDir: dir });
    const records = await collectAll(hrCollector, sourceOf({ kind: 'hr-roster', path: 'roster.csv' }), ctx);
    expect(records).toEqual(japaneseExpected);
    expect(rejections).toEqual([{ file: path.join(dir, 'roster.csv'), line: 4, field: 'leaveDate', reason: 'the status means the person left, but the leave date is empty', value: '退職' }]);
  });

  it('UTF-8 with BOM and a column mapping to other Japanese headers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hr-bom-'));
    const text = japanese.replace('社員番号', '従業員コード').replace('メールアドレス', '会社メール');
    writeFileSync(path.join(dir, 'roster.csv'), `\uFEFF${text}`);
    const { ctx } = testContext({ baseDir: dir });
    const source = sourceOf({ kind: 'hr-roster', path: 'roster.csv', columns: { employeeId: '従業員コード', email: '会社メール' } });
    expect(await collectAll(hrCollector, source, ctx)).toEqual(japaneseExpected);
  });

  it('a roster with neither an id nor an email column fails with one EvidenceInputError', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hr-missing-'));
    writeFileSync(path.join(dir, 'roster.csv'), '氏名,部署\n山田,営業\n');
    const { ctx } = testContext({ baseDir: dir });
    const run = collectAll(hrCollector, sourceOf({ kind: 'hr-roster', path: 'roster.csv' }), ctx);
    await expect(run).rejects.toBeInstanceOf(EvidenceInputError);
    await expect(run).rejects.toThrow(/roster\.csv: missing required column\(s\) employeeId \(e\.g\. .*\) or email \(e\.g\. .*\): found headers "氏名", "部署"/);
  });
});

describe('the department head column (access reviews)', () => {
  it('a 所属長 column, or one mapped in `columns`, gives each person\'s department head', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hr-head-'));
    writeFileSync(path.join(dir, 'a.csv'), '社員番号,メールアドレス,部署,所属長\nE1,ann@example.co.jp,営業部,E9\nE9,dave@example.co.jp,営業部,\n');
    writeFileSync(path.join(dir, 'b.csv'), 'id,email,boss\nE1,ann@example.co.jp,dave@example.co.jp\n');
    const { ctx } = testContext({ baseDir: dir });
    const a = await collectAll(hrCollector, sourceOf({ kind: 'hr-roster', path: 'a.csv' }), ctx);
    expect(a.map((r) => r.data.departmentHead)).toEqual(['E9', undefined]);
    const b = await collectAll(hrCollector, sourceOf({ kind: 'hr-roster', path: 'b.csv', columns: { departmentHead: 'boss' } }), ctx);
    expect(b[0]!.data).toEqual({ employeeId: 'E1', email: 'ann@example.co.jp', departmentHead: 'dave@example.co.jp' });
  });
});
