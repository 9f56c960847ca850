/**
 * Character decoding of input files. Exports from HR systems, Excel and LMSs arrive in
 * whatever the tool wrote: UTF-8 (with or without a BOM), UTF-16 with a BOM (Moodle's
 * "excelcsv"), CP932 from Japanese Excel (no BOM), or Latin-1 / Windows-1252 from older
 * Western tools. Auto-detection order: BOM, then strict UTF-8, then chardet's best guess
 * among the encodings we expect, each checked against the bytes. An explicit encoding in the
 * source config always wins.
 *
 * A wrong guess is a silent wrong answer (`alÿice@…` stored for a byte that was never Latin-1),
 * so when no guess fits the bytes, the file fails: "cannot determine the encoding of FILE; set
 * `encoding:`". A guess does not fit when the text holds valid UTF-8 next to bytes that are not
 * (a file written by two tools), when a Western single-byte reading gives characters that real
 * Western text does not use (þ, ÿ, undefined code points, …), or when decoding needs
 * replacement characters; a configured encoding that needs them fails the same way.
 */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { EvidenceInputError } from '../../errors.ts';

/** Decoded text of a file and the encoding that was used (for the log and error messages). */
export interface Decoded {
  text: string;
  /** iconv-lite name of the encoding used, e.g. `utf-8`, `utf-16le`, `cp932`, `windows-1252`. */
  encoding: string;
  /** How the encoding was chosen. */
  how: 'configured' | 'bom' | 'utf-8' | 'detected';
}

/**
 * The encodings detection may choose, by chardet's name. Japanese Excel writes CP932, a
 * superset of Shift_JIS (NEC/IBM extensions such as ① and 髙), so Shift_JIS is decoded as
 * CP932; Latin-1 as Windows-1252, whose 0x80–0x9F hold real characters (€, “ ”) where Latin-1
 * has control codes. Chinese and Korean guesses are left out: on short Western or Japanese
 * samples chardet offers them as look-alikes, and a source in those encodings can set it.
 */
const DETECTABLE: Record<string, string> = {
  shift_jis: 'cp932',
  'euc-jp': 'euc-jp',
  'iso-2022-jp': 'iso-2022-jp',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  // chardet names Western text by its language (Turkish, Spanish…); these differ from
  // Windows-1252 in a handful of letters at most, and Windows-1252 is what Western Excel writes.
  'iso-8859-1': 'windows-1252',
  'iso-8859-9': 'windows-1252',
  'iso-8859-15': 'windows-1252',
  'windows-1252': 'windows-1252',
  'windows-1254': 'windows-1252',
  'iso-8859-2': 'iso-8859-2',
  'windows-1250': 'windows-1250',
};

/**
 * chardet reads a lone 0xA9 (© in Latin-1) as a Shift_JIS half-width katakana. Real Japanese
 * text is mostly double-byte characters, so CP932 is plausible only when the bytes form valid
 * CP932 and hold more double-byte characters than half-width kana.
 */
export function plausibleCp932(b: Uint8Array): boolean {
  let pairs = 0;
  let kana = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x80) continue;
    if (c >= 0xa1 && c <= 0xdf) {
      kana++;
      continue;
    }
    if ((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)) {
      const t = b[i + 1];
      if (t === undefined) return pairs > 0; // a sample may cut a character in half
      if ((t >= 0x40 && t <= 0x7e) || (t >= 0x80 && t <= 0xfc)) {
        pairs++;
        i++;
        continue;
      }
    }
    return false;
  }
  return pairs > 0 && pairs >= kana;
}

/** EUC-JP text is pairs of bytes 0xA1–0xFE (or 0x8E + half-width kana, 0x8F + two bytes). */
export function plausibleEucJp(b: Uint8Array): boolean {
  const high = (x: number | undefined) => x !== undefined && x >= 0xa1 && x <= 0xfe;
  let pairs = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x80) continue;
    const width = c === 0x8f ? 3 : 2;
    if (i + width > b.length) return pairs > 0; // a sample may cut a character in half
    const ok = c === 0x8f ? high(b[i + 1]) && high(b[i + 2]) : (high(c) || c === 0x8e) && high(b[i + 1]);
    if (!ok) return false;
    pairs++;
    i += width - 1;
  }
  return pairs > 0;
}

/**
 * Characters a Western single-byte reading may give for text people wrote: accented letters of
 * Western European languages and common punctuation. Bytes that read as þ, ÿ (never in UTF-8,
 * typical of corruption), ¤ ¦ ¨ ¯ ´ ¸ ¹ ¾ ¬ ˆ ˜ ¶, a soft hyphen or an undefined code point are
 * evidence against the guess (CP932 bytes read as Windows-1252 give exactly these).
 */
const WESTERN = /^[\u00a0-\u00a3\u00a5\u00a7\u00a9-\u00ab\u00ae\u00b0-\u00b3\u00b5\u00b7\u00ba-\u00bd\u00bf-\u00d6\u00d8-\u00f6\u00f8-\u00fd\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]$/;

/** Whether every non-ASCII character of a Western single-byte reading is one of WESTERN. */
function plausibleWestern(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) continue;
    if (!WESTERN.test(text[i]!)) return false;
  }
  return true;
}

/** Central European readings (ISO-8859-2, Windows-1250): letters and punctuation only. */
function plausibleLetters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) continue;
    if (!/^[\p{L}\u00a0\u00a7\u00a9\u00ab\u00ae\u00b0\u00bb\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u20ac]$/u.test(text[i]!)) return false;
  }
  return true;
}

/**
 * Offset of the first run of two or more non-ASCII bytes that is valid UTF-8, in bytes that are
 * not UTF-8 as a whole: the file mixes UTF-8 with another encoding (rows appended by another
 * tool). Genuine CP932 runs hold lead bytes 0x81–0x9F, which UTF-8 never starts a character
 * with, and genuine Latin-1 text rarely has two accented characters in a row that pair up.
 */
export function mixedUtf8At(b: Uint8Array): number | undefined {
  for (let i = 0; i < b.length; i++) {
    if (b[i]! < 0x80) continue;
    let j = i + 1;
    while (j < b.length && b[j]! >= 0x80) j++;
    if (j - i >= 2 && isUtf8(b.subarray(i, j))) return i;
    i = j;
  }
  return undefined;
}

/** The 1-based line of a byte offset (for an error only). */
function lineOf(b: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < b.length; i++) if (b[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not begin a valid UTF-8 character (b.length when none). */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > b.length || !isUtf8(b.subarray(i, i + n))) return i;
    i += n;
  }
  return b.length;
}

function undetermined(file: string, why: string): EvidenceInputError {
  return new EvidenceInputError(file, `cannot determine the encoding of ${basename(file)}; set \`encoding:\` on the source (${why})`);
}

function bomOf(b: Uint8Array): { encoding: string; length: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

const JAPANESE = new Set(['cp932', 'euc-jp', 'iso-2022-jp']);
const SINGLE_BYTE = new Set(['windows-1252', 'iso-8859-2', 'windows-1250']);
/** A Japanese reading must give some kana or kanji: a stray byte pair giving one symbol is no Japanese. */
const KANA_KANJI = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]/;

/**
 * chardet's best candidate that we know how to decode and that fits the bytes; undefined when
 * none does.
 */
function detect(bytes: Uint8Array, buf: Buffer): { encoding: string; text: string } | undefined {
  // A sample is enough for chardet and keeps detection cheap on large files; the checks read all.
  const sample = bytes.length > 256 * 1024 ? bytes.subarray(0, 256 * 1024) : bytes;
  const tried = new Set<string>();
  const candidates = [...chardet.analyse(sample).map((m) => DETECTABLE[m.name.toLowerCase()]), 'windows-1252'];
  for (const name of candidates) {
    if (!name || tried.has(name)) continue;
    tried.add(name);
    if ((name === 'cp932' && !plausibleCp932(bytes)) || (name === 'euc-jp' && !plausibleEucJp(bytes))) continue;
    const text = iconv.decode(buf, name);
    if (text.includes('\uFFFD')) continue;
    if (JAPANESE.has(name) && !KANA_KANJI.test(text)) continue;
    // 0xFE and 0xFF never occur in UTF-8 or in CP932 text and are the usual bytes of corruption;
    // a single-byte reading of them (þ, ÿ, ţ, ˙) is a guess too far: the file must say.
    if (SINGLE_BYTE.has(name) && (bytes.includes(0xfe) || bytes.includes(0xff))) continue;
    if (name === 'windows-1252' && !plausibleWestern(text)) continue;
    if ((name === 'iso-8859-2' || name === 'windows-1250') && !plausibleLetters(text)) continue;
    return { encoding: name, text };
  }
  // chardet may rank a Japanese file's encoding below the Western ones or leave it out.
  for (const name of ['cp932', 'euc-jp']) {
    if (tried.has(name)) continue;
    if (name === 'cp932' ? !plausibleCp932(bytes) : !plausibleEucJp(bytes)) continue;
    const text = iconv.decode(buf, name);
    if (!text.includes('\uFFFD') && KANA_KANJI.test(text)) return { encoding: name, text };
  }
  return undefined;
}

/**
 * Decode a file's bytes. `encoding` is the source's configured encoding (`auto` or absent:
 * detect). The BOM, if any, is never part of the returned text. Throws an EvidenceInputError
 * naming the file when the encoding cannot be determined or the configured one does not fit.
 */
export function decodeBytes(bytes: Uint8Array, file: string, encoding?: string): Decoded {
  const wanted = encoding?.trim().toLowerCase();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (wanted && wanted !== 'auto') {
    if (!iconv.encodingExists(wanted)) {
      throw new EvidenceInputError(file, `unknown encoding "${encoding}" in the source config`);
    }
    const utf8 = /^utf-?8$/.test(wanted);
    if (utf8 ? !isUtf8(buf) : false) {
      throw new EvidenceInputError(file, `not valid ${encoding} (line ${lineOf(bytes, firstInvalidUtf8(bytes))}): check \`encoding:\` on the source`);
    }
    // iconv-lite drops a leading U+FEFF (the BOM) by default.
    const text = iconv.decode(buf, wanted);
    if (!utf8 && text.includes('\uFFFD') && !/^utf-?(16|32)/.test(wanted)) {
      throw new EvidenceInputError(file, `not valid ${encoding} (line ${text.slice(0, text.indexOf('\uFFFD')).split('\n').length}): check \`encoding:\` on the source`);
    }
    return { text, encoding: wanted, how: 'configured' };
  }
  const bom = bomOf(bytes);
  if (bom) {
    const body = buf.subarray(bom.length);
    if (bom.encoding === 'utf-8' && !isUtf8(body)) {
      throw undetermined(file, `a UTF-8 byte-order mark, but line ${lineOf(body, firstInvalidUtf8(body))} is not UTF-8`);
    }
    const text = bom.encoding === 'utf-8' ? body.toString('utf8') : iconv.decode(body, bom.encoding, { stripBOM: false });
    if (bom.encoding !== 'utf-8' && text.includes('\uFFFD')) throw undetermined(file, `a ${bom.encoding} byte-order mark, but bytes that are not ${bom.encoding}`);
    return { text, encoding: bom.encoding, how: 'bom' };
  }
  if (isUtf8(buf)) return { text: buf.toString('utf8'), encoding: 'utf-8', how: 'utf-8' };
  const mixed = mixedUtf8At(bytes);
  if (mixed !== undefined) {
    throw undetermined(file, `UTF-8 text on line ${lineOf(bytes, mixed)}, and line ${lineOf(bytes, firstInvalidUtf8(bytes))} is not UTF-8`);
  }
  const guessed = detect(bytes, buf);
  if (!guessed) throw undetermined(file, `line ${lineOf(bytes, firstInvalidUtf8(bytes))} is not UTF-8 and fits no encoding detection can choose`);
  return { text: guessed.text, encoding: guessed.encoding, how: 'detected' };
}

/** Read a whole file's bytes; an unreadable file is one EvidenceInputError naming it. */
export async function readFileBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EvidenceInputError(file, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? (e as Error).message})`, { cause: e });
  }
}

/** Read and decode a whole file; an unreadable file is one EvidenceInputError naming it. */
export async function readTextFile(file: string, encoding?: string): Promise<Decoded> {
  return decodeBytes(await readFileBytes(file), file, encoding);
}
