/**
 * Undecodable text (issue 12, item 5): bytes no encoding fits — invalid UTF-8, UTF-8 mixed with
 * Latin-1 or Shift_JIS — fail the file with "cannot determine the encoding of FILE; set
 * `encoding:`" instead of being read as Windows-1252; genuine Latin-1, CP932 and UTF-16 still
 * read. A NUL byte inside a field rejects that record (CSV, IdP JSON, access-log user names).
 * Every byte sequence is written here by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { accessLogCollector } from '../../../src/collectors/access-log/collector.ts';
import { decodeBytes, mixedUtf8At } from '../../../src/collectors/csv/decode.ts';
import { readCsvRows } from '../../../src/collectors/csv/read.ts';
import { hrCollector } from '../../../src/collectors/hr/collector.ts';
import { idpCollector } from '../../../src/collectors/idp/collector.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { Rejection } from '../../../src/evidence/store.ts';
import { EvidenceInputError } from '../../../src/errors.ts';
import { logSource, testConfig, testContext as logContext } from '../access-log/context.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const HEADER = 'employee_id,name,email\n';

const UNDETERMINED = /^hr\.csv: cannot determine the encoding of hr\.csv; set `encoding:` on the source \(/;

describe('bytes no encoding fits fail the file', () => {
  it.each([
    ['ASCII with one 0xFF ("alÿice" in Windows-1252; never a UTF-8 byte)', latin1(`${HEADER}1,Alice,al\xffice@example.com\n`), 'line 2 is not UTF-8 and fits no encoding detection can choose'],
    ['a lone 0xFE', latin1(`${HEADER}1,x\xfe,x@example.com\n`), 'line 2 is not UTF-8'],
    ['an undefined Windows-1252 byte (0x81) among ASCII', latin1(`${HEADER}1,a\x81b,a@example.com\n`), 'line 2 is not UTF-8'],
    ['UTF-8 rows, then a Latin-1 row', Buffer.concat([utf8(`${HEADER}1,José,jose@example.com\n`), latin1('2,Josè,jose2@example.com\n')]), 'UTF-8 text on line 2, and line 3 is not UTF-8'],
    ['Shift_JIS rows, then a UTF-8 row', Buffer.concat([iconv.encode(`${HEADER}1,山田 太郎,taro@example.co.jp\n`, 'cp932'), utf8('2,佐藤 花子,hanako@example.co.jp\n')]), 'UTF-8 text on line 3, and line 2 is not UTF-8'],
    ['a UTF-8 byte-order mark over bytes that are not UTF-8', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), latin1(`${HEADER}1,M\xfcller,m@example.com\n`)]), 'a UTF-8 byte-order mark, but line 2 is not UTF-8'],
  ])('%s', (_what, bytes, detail) => {
    let err: unknown;
    try {
      decodeBytes(bytes, 'hr.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EvidenceInputError);
    expect((err as Error).message).toMatch(UNDETERMINED);
    expect((err as Error).message).toContain(detail);
  });

  it('a configured encoding the bytes do not fit fails too, naming the line', () => {
    expect(() => decodeBytes(iconv.encode(`${HEADER}1,山田,t@example.co.jp\n`, 'cp932'), 'hr.csv', 'utf-8')).toThrow(/^hr\.csv: not valid utf-8 \(line 2\): check `encoding:`/);
    // 0x81 0x20: a CP932 lead byte with a trail byte that cannot follow it.
    expect(() => decodeBytes(latin1(`${HEADER}1,\x81 ,a@example.com\n`), 'hr.csv', 'shift_jis')).toThrow(/^hr\.csv: not valid shift_jis \(line 2\)/);
  });

  it('the HR collector and the IdP JSON collector fail their run with that error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'enc-'));
    writeFileSync(path.join(dir, 'hr.csv'), Buffer.concat([utf8(`${HEADER}1,José,jose@example.com\n`), latin1('2,Josè,jose2@example.com\n')]));
    writeFileSync(path.join(dir, 'okta.json'), latin1('[{"id":"00u1","status":"ACTIVE","profile":{"login":"al\xffice@example.com"}}]'));
    const t = testContext({ baseDir: dir });
    await expect(collectAll(hrCollector, sourceOf({ kind: 'hr-roster', path: 'hr.csv' }), t.ctx)).rejects.toThrow(/cannot determine the encoding of hr\.csv; set `encoding:`/);
    await expect(collectAll(idpCollector, sourceOf({ kind: 'idp', format: 'okta-json', path: 'okta.json' }), t.ctx)).rejects.toThrow(/cannot determine the encoding of okta\.json; set `encoding:`/);
  });
});

describe('genuine single encodings still read', () => {
  it.each([
    ['Windows-1252: Müller, José, François, Ærø, “quoted”, 5 €, ©', 'windows-1252', `${HEADER}1,Müller,m@example.com\n2,José,j@example.com\n3,François Ærø,f@example.com\n4,“quoted”,q@example.com\n5,5 € ©,e@example.com\n`],
    ['CP932 with vendor characters 髙 and ①', 'cp932', '社員番号,氏名,メールアドレス\n1001,髙橋 一郎,ichiro@example.co.jp\n1002,情報システム部①,x@example.co.jp\n'],
    ['CP932, a short file chardet ranks as Windows-1252', 'cp932', '社員番号,氏名\n1,山田 太郎\n2,髙橋 一郎\n'],
  ])('%s', (_what, encoding, text) => {
    const d = decodeBytes(iconv.encode(text, encoding), 'hr.csv');
    expect(d).toEqual({ text, encoding, how: 'detected' });
  });

  it('a configured encoding reads what detection refuses (0xFF as ÿ in Latin-1)', () => {
    expect(decodeBytes(latin1('a\n\xff\n'), 'hr.csv', 'latin1').text).toBe('a\nÿ\n');
  });

  it('mixedUtf8At: the first run of 2+ non-ASCII bytes that is valid UTF-8', () => {
    expect(mixedUtf8At(latin1('M\xfcller'))).toBeUndefined(); // one byte
    expect(mixedUtf8At(iconv.encode('山田 髙橋', 'cp932'))).toBeUndefined(); // 8E 52 93 63 …: lead bytes UTF-8 never starts with
    expect(mixedUtf8At(Buffer.concat([latin1('ab\xe9 '), utf8('é')]))).toBe(4); // C3 A9 at offset 4
  });
});

describe('a NUL byte inside a field rejects that record', () => {
  const fields = { id: { defaults: ['employee_id'], required: true }, name: { defaults: ['name'] }, email: { defaults: ['email'] } };

  it('CSV: the row is rejected, naming the field; the other rows read as they are', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nul-'));
    const file = path.join(dir, 'hr.csv');
    writeFileSync(file, `${HEADER}1,Alice,alice@example.com\n2,Bob,b\0b@example.com\n3,"Car\0ol",carol@example.com\n4,Dave,dave@example.com\n`);
    const rejections: Rejection[] = [];
    const { rows } = await readCsvRows(file, { fields, reject: (r) => rejections.push(r) });
    const got = [];
    for await (const r of rows) got.push(r);
    expect(got).toEqual([
      { line: 2, record: { id: '1', name: 'Alice', email: 'alice@example.com' } },
      { line: 5, record: { id: '4', name: 'Dave', email: 'dave@example.com' } },
    ]);
    expect(rejections).toEqual([
      { file, line: 3, field: 'email', reason: 'NUL byte in the field ("email")' },
      { file, line: 4, field: 'name', reason: 'NUL byte in the field ("name")' },
    ]);
  });

  it('CSV: a NUL in a column no field reads rejects the row too, named by its header', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nul-'));
    const file = path.join(dir, 'hr.csv');
    writeFileSync(file, `employee_id,note\n1,fine\n2,bro\0ken\n`);
    const rejections: Rejection[] = [];
    const { rows } = await readCsvRows(file, { fields: { id: fields.id }, reject: (r) => rejections.push(r) });
    const got = [];
    for await (const r of rows) got.push(r.record);
    expect(got).toEqual([{ id: '1' }]);
    expect(rejections).toEqual([{ file, line: 3, field: 'note', reason: 'NUL byte in the field ("note")' }]);
  });

  it('IdP JSON: a raw NUL or a \\u0000 escape rejects that user (position in the array), not the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nul-'));
    const users = [
      '{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}',
      '{"id":"00u2","status":"ACTIVE","profile":{"login":"b\\u0000@example.com"}}',
      '{"id":"00u3","status":"ACTIVE","profile":{"login":"c\0@example.com"}}',
      '{"id":"00u4","status":"ACTIVE","profile":{"login":"d@example.com"}}',
    ];
    writeFileSync(path.join(dir, 'okta.json'), `[${users.join(',\n')}]`);
    // The same users in an envelope take the other reading path (the whole document at once).
    writeFileSync(path.join(dir, 'wrapped.json'), `{"value":[${users.join(',\n')}]}`);
    for (const file of ['okta.json', 'wrapped.json']) {
      const t = testContext({ baseDir: dir });
      const records = await collectAll(idpCollector, sourceOf({ kind: 'idp', format: 'okta-json', path: file }), t.ctx);
      expect(records.map((r) => r.key)).toEqual(['00u1', '00u4']);
      expect(t.rejections).toEqual([
        { file: path.join(dir, file), line: 2, field: 'profile.login', reason: 'NUL byte in the field ("profile.login")' },
        { file: path.join(dir, file), line: 3, field: 'profile.login', reason: 'NUL byte in the field ("profile.login")' },
      ]);
    }
  });

  it('access logs: a user name with a NUL byte or bytes that are not UTF-8 is rejected, not counted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nul-'));
    const web = Buffer.concat([
      utf8('192.0.2.1 - alice [10/Nov/2026:10:00:00 +0900] "GET / HTTP/1.1" 200 5 "-" "-"\n'),
      utf8('192.0.2.1 - bo\0b [10/Nov/2026:10:00:01 +0900] "GET / HTTP/1.1" 200 5 "-" "-"\n'),
      latin1('192.0.2.1 - caf\xe9 [10/Nov/2026:10:00:02 +0900] "GET / HTTP/1.1" 200 5 "-" "-"\n'),
      utf8('192.0.2.1 - alice [10/Nov/2026:10:00:03 +0900] "GET / HTTP/1.1" 200 5 "-" "-"\n'),
    ]);
    writeFileSync(path.join(dir, 'access.log'), web);
    const sshd = Buffer.concat([
      utf8('2026-11-10T10:00:00+09:00 host sshd[1]: Accepted password for alice from 192.0.2.1 port 22 ssh2\n'),
      latin1('2026-11-10T10:00:01+09:00 host sshd[1]: Accepted password for caf\xe9 from 192.0.2.1 port 22 ssh2\n'),
      utf8('2026-11-10T10:00:02+09:00 host sshd[1]: Accepted password for b\0b from 192.0.2.1 port 22 ssh2\n'),
    ]);
    writeFileSync(path.join(dir, 'auth.log'), sshd);
    const config = testConfig(dir);
    for (const [file, format, lines] of [['access.log', 'combined', [2, 3]], ['auth.log', 'sshd', [2, 3]]] as const) {
      const c = logContext(config, createMemoryStore(), new Date('2026-11-25T00:00:00Z'));
      const out = (await accessLogCollector.collect(logSource([file], format), c)) as FactsOutput<'access-day'>;
      const facts = [...(out.facts as Iterable<{ key: string; data: { account: string; successes: number } }>)];
      // Only alice: 2 successes in the web log (lines 1 and 4), 1 in auth.log.
      expect(facts.map((f) => [f.data.account, f.data.successes])).toEqual([['alice', format === 'combined' ? 2 : 1]]);
      expect(c.rejections.map((r) => r.line)).toEqual([...lines]);
      expect(c.rejections.map((r) => r.reason).sort()).toEqual(['NUL byte in the user name', 'user name is not valid UTF-8']);
    }
  });
});
