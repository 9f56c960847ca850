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
 * Japanese Excel writes CP932, a superset of Shift_JIS (NEC/IBM extensions such as ① and 髙),
 * so a detected Shift_JIS is decoded as CP932; the same for Latin-1 → Windows-1252, whose
 * 0x80–0x9F range holds real characters (€, “ ”) where Latin-1 has control codes.
 */
const WIDER: Record<string, string> = {
  shift_jis: 'cp932',
  'iso-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  'euc-jp': 'euc-jp',
  'iso-2022-jp': 'iso-2022-jp',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  big5: 'big5',
  'euc-kr': 'euc-kr',
  gb18030: 'gb18030',
};

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
    const wider = WIDER[m.name.toLowerCase()];
    if (wider) return wider;
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

/** Read and decode a whole file; an unreadable file is one EvidenceInputError naming it. */
export async function readTextFile(file: string, encoding?: string): Promise<Decoded> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EvidenceInputError(file, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? (e as Error).message})`, { cause: e });
  }
  return decodeBytes(bytes, file, encoding);
}
