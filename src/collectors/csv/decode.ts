/**
 * Character decoding of input files. Exports from HR systems, Excel and LMSs arrive in
 * whatever the tool wrote: UTF-8 (with or without a BOM), UTF-16 with a BOM (Moodle's
 * "excelcsv"), CP932 from Japanese Excel (no BOM), or Latin-1 / Windows-1252 from older
 * Western tools. Auto-detection order: BOM, then strict UTF-8, then chardet's best guess
 * among the encodings we expect. An explicit encoding in the source config always wins.
 */
import { readFile } from 'node:fs/promises';
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

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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

function bomOf(b: Uint8Array): { encoding: string; length: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** chardet's best candidate that we know how to decode; Windows-1252 when it has no idea. */
function detect(bytes: Uint8Array): string {
  // A sample is enough to tell CP932 from Latin-1 and keeps detection cheap on large files.
  const sample = bytes.length > 256 * 1024 ? bytes.subarray(0, 256 * 1024) : bytes;
  for (const m of chardet.analyse(sample)) {
    const name = DETECTABLE[m.name.toLowerCase()];
    if (!name || (name === 'cp932' && !plausibleCp932(sample)) || (name === 'euc-jp' && !plausibleEucJp(sample))) continue;
    return name;
  }
  return 'windows-1252';
}

/**
 * Decode a file's bytes. `encoding` is the source's configured encoding (`auto` or absent:
 * detect). The BOM, if any, is never part of the returned text.
 */
export function decodeBytes(bytes: Uint8Array, file: string, encoding?: string): Decoded {
  const wanted = encoding?.trim().toLowerCase();
  if (wanted && wanted !== 'auto') {
    if (!iconv.encodingExists(wanted)) {
      throw new EvidenceInputError(file, `unknown encoding "${encoding}" in the source config`);
    }
    // iconv-lite drops a leading U+FEFF (the BOM) by default.
    return { text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), wanted), encoding: wanted, how: 'configured' };
  }
  const bom = bomOf(bytes);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bom) {
    const body = buf.subarray(bom.length);
    const text = bom.encoding === 'utf-8' ? body.toString('utf8') : iconv.decode(body, bom.encoding, { stripBOM: false });
    return { text, encoding: bom.encoding, how: 'bom' };
  }
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8', how: 'utf-8' };
  } catch {
    // Not valid UTF-8: fall through to detection.
  }
  const guessed = detect(bytes);
  return { text: iconv.decode(buf, guessed), encoding: guessed, how: 'detected' };
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
