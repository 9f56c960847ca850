import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes, readTextFile } from '../../../src/collectors/csv/decode.ts';
import { EvidenceInputError } from '../../../src/errors.ts';

const REAL = '/work/shared/fixtures/real/encodings';

describe('decode: real csvkit samples', () => {
  it('UTF-16LE with BOM: FF FE then "a,b,c\\n1,2,3\\n4,5," and U+02A4', async () => {
    const d = await readTextFile(path.join(REAL, 'csvkit_test_utf16_little.csv'));
    expect(d).toEqual({ text: 'a,b,c\n1,2,3\n4,5,ʤ', encoding: 'utf-16le', how: 'bom' });
  });

  it('UTF-8 with BOM: the BOM is not part of the first header', async () => {
    const d = await readTextFile(path.join(REAL, 'csvkit_test_utf8_bom.csv'));
    expect(d).toEqual({ text: 'foo,bar,baz\n1,2,3\n4,5,ʤ\n', encoding: 'utf-8', how: 'bom' });
  });

  it('Latin-1 without BOM: invalid UTF-8, detected as Windows-1252, 0xA9 is ©', async () => {
    const d = await readTextFile(path.join(REAL, 'csvkit_test_latin1.csv'));
    expect(d.text).toBe('a,b,c\n1,2,3\n4,5,©');
    expect(d.encoding).toBe('windows-1252');
    expect(d.how).toBe('detected');
  });

  it('Latin-1 read as configured, overriding detection', async () => {
    const d = await readTextFile(path.join(REAL, 'csvkit_test_latin1.csv'), 'latin1');
    expect(d).toEqual({ text: 'a,b,c\n1,2,3\n4,5,©', encoding: 'latin1', how: 'configured' });
  });
});

describe('decode: bytes', () => {
  const ja = '社員番号,氏名,メールアドレス,部署,入社日,退職日\n1001,髙橋 一郎,ichiro@example.co.jp,情報システム部①,2020/04/01,\n1002,佐藤 花子,hanako@example.co.jp,総務部,2019/04/01,2026/06/30\n';

  it('CP932 (Japanese Excel, no BOM) is detected, vendor characters 髙 and ① included', () => {
    const d = decodeBytes(iconv.encode(ja, 'cp932'), 'hr.csv');
    expect(d.text).toBe(ja);
    expect(d.encoding).toBe('cp932');
  });

  it('valid UTF-8 without BOM is UTF-8', () => {
    expect(decodeBytes(Buffer.from(ja, 'utf8'), 'hr.csv')).toEqual({ text: ja, encoding: 'utf-8', how: 'utf-8' });
  });

  it('UTF-16BE BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('a\tb\n氏名\tx', 'utf-16be')]);
    expect(decodeBytes(bytes, 'f.csv')).toEqual({ text: 'a\tb\n氏名\tx', encoding: 'utf-16be', how: 'bom' });
  });

  it('a configured encoding wins even over valid UTF-8 (and a configured UTF-8 drops the BOM)', () => {
    // "Ã©" as UTF-8 bytes read as latin1 gives four characters.
    expect(decodeBytes(Buffer.from('é', 'utf8'), 'f', 'latin1').text).toBe('Ã©');
    expect(decodeBytes(Buffer.from('\uFEFFid', 'utf8'), 'f', 'utf-8').text).toBe('id');
  });

  it('an unknown configured encoding is an EvidenceInputError naming the file', () => {
    expect(() => decodeBytes(Buffer.from('x'), '/data/hr.csv', 'klingon')).toThrow(EvidenceInputError);
    expect(() => decodeBytes(Buffer.from('x'), '/data/hr.csv', 'klingon')).toThrow(/\/data\/hr\.csv: unknown encoding "klingon"/);
  });

  it('a missing file is an EvidenceInputError naming it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'decode-'));
    await expect(readTextFile(path.join(dir, 'none.csv'))).rejects.toThrow(`${path.join(dir, 'none.csv')}: file not found`);
    writeFileSync(path.join(dir, 'empty.csv'), '');
    expect(await readTextFile(path.join(dir, 'empty.csv'))).toEqual({ text: '', encoding: 'utf-8', how: 'utf-8' });
  });
});
