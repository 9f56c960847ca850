/**
 * ZIP: encrypted when every file entry has the encryption flag (general-purpose bit 0), AES
 * entries (method 99) included. Reads the end-of-central-directory record and the central
 * directory only (local headers when the central directory is missing); never inflates.
 */
import { lastBytes, lastBytesOffset, readAt, type Sample } from './sample.ts';
import { verdict, type Verdict } from './verdict.ts';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const METHOD_STORED = 0;
const METHOD_AES = 99;
/** ZipCrypto prefixes every encrypted entry's data with a 12-byte header. */
const ZIPCRYPTO_HEADER = 12;
/** Bound on the entries walked, so a crafted directory cannot make detection slow. */
const MAX_ENTRIES = 100_000;

export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head.readUInt32LE(0) === SIG_LOCAL || head.readUInt32LE(0) === SIG_EOCD || head.readUInt32LE(0) === 0x08074b50);
}

interface Entry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  /** Where the entry's local header starts in the sample's file. */
  localOffset: number;
}

export function detectZip(s: Sample): Verdict {
  const entries = centralDirectory(s) ?? localHeaders(s);
  if (!entries) return verdict(false, 'zip: unreadable directory');
  const source = entries.fromCentral ? '' : ' (from local headers; no central directory)';
  if (!entries.fromCentral && !entries.complete) {
    // The walk ran past the bytes kept of a large attachment: entries further on are unknown.
    return verdict(false, `zip: directory out of reach, only ${entries.list.length} entries seen; not proven encrypted`);
  }
  const files = entries.list.filter((e) => !(e.name.endsWith('/') && e.size === 0));
  if (files.length === 0) return verdict(false, `zip: no file entries${source}`);
  let aes = 0;
  for (const e of files) {
    const flagged = (e.flags & 1) === 1;
    if (!flagged && e.method !== METHOD_AES) return verdict(false, `zip: entry not encrypted (${files.length} file entries)${source}${odfNote(s, entries.list)}`);
    if (e.method === METHOD_AES) {
      aes++;
      continue;
    }
    // A flagged stored entry whose stored size equals its plain size has no room for the
    // ZipCrypto header: its data is plain text under a false flag (zip2_ignore_encryption_flag.zip).
    const strong = (e.flags & 0x40) !== 0;
    if (!strong && e.method === METHOD_STORED && e.size > 0 && e.size !== 0xffffffff && e.compressedSize < e.size + ZIPCRYPTO_HEADER) {
      return verdict(false, `zip: encryption flag set on stored data of its plain size (not really encrypted)${source}`);
    }
  }
  const how = aes === files.length ? 'AES' : aes === 0 ? 'ZipCrypto' : 'AES and ZipCrypto';
  return verdict(true, `zip: all ${files.length} file entries encrypted (${how})${source}`);
}

function centralDirectory(s: Sample): { list: Entry[]; fromCentral: true; complete: true } | undefined {
  const window = lastBytes(s, 22 + 0xffff);
  const base = lastBytesOffset(s, 22 + 0xffff);
  let eocd = -1;
  for (let i = window.length - 22; i >= 0; i--) {
    if (window[i] === 0x50 && window.readUInt32LE(i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  let count = window.readUInt16LE(eocd + 10);
  let cdSize = window.readUInt32LE(eocd + 12);
  let cdOffset = window.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || window.readUInt32LE(loc) !== SIG_ZIP64_LOCATOR) return undefined;
    const z64Offset = Number(window.readBigUInt64LE(loc + 8));
    const z64 = readAt(s, z64Offset, 56);
    if (!z64 || z64.readUInt32LE(0) !== SIG_ZIP64_EOCD) return undefined;
    count = Number(z64.readBigUInt64LE(32));
    cdSize = Number(z64.readBigUInt64LE(40));
    cdOffset = Number(z64.readBigUInt64LE(48));
  }
  // Data prepended to the archive (self-extractors) shifts every offset by the same amount.
  const shift = base + eocd - cdSize - cdOffset;
  const moved = shift > 0 ? shift : 0;
  const cd = readAt(s, cdOffset + moved, cdSize);
  if (!cd) return undefined;
  const list: Entry[] = [];
  let p = 0;
  while (p + 46 <= cd.length && list.length < Math.min(count, MAX_ENTRIES)) {
    if (cd.readUInt32LE(p) !== SIG_CENTRAL) return undefined;
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    list.push({
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      name: cd.toString('latin1', p + 46, Math.min(cd.length, p + 46 + nameLen)),
      localOffset: cd.readUInt32LE(p + 42) + moved,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return list.length === 0 && count > 0 ? undefined : { list, fromCentral: true, complete: true };
}

function localHeaders(s: Sample): { list: Entry[]; fromCentral: false; complete: boolean } | undefined {
  const list: Entry[] = [];
  let p = 0;
  let complete = true;
  for (;;) {
    const h = readAt(s, p, 30);
    if (!h) {
      // Out of the kept bytes before the end: more entries may follow.
      complete = p >= s.size - 30 || s.complete;
      break;
    }
    if (h.readUInt32LE(0) !== SIG_LOCAL || list.length >= MAX_ENTRIES) break;
    const flags = h.readUInt16LE(6);
    const compressedSize = h.readUInt32LE(18);
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    const name = readAt(s, p + 30, nameLen)?.toString('latin1') ?? '';
    list.push({ flags, method: h.readUInt16LE(8), compressedSize, size: h.readUInt32LE(22), name, localOffset: p });
    const dataStart = p + 30 + nameLen + extraLen;
    if ((flags & 8) !== 0 && compressedSize === 0) {
      // Sizes follow the data (streamed archive): look for the next local header instead.
      const next = s.head.indexOf('PK\x03\x04', dataStart, 'latin1');
      if (next < 0) break;
      p = next;
    } else {
      p = dataStart + compressedSize;
      if ((flags & 8) !== 0) {
        const sig = readAt(s, p, 4);
        p += sig && sig.readUInt32LE(0) === 0x08074b50 ? 16 : 12;
      }
    }
  }
  return list.length > 0 ? { list, fromCentral: false, complete } : undefined;
}

/**
 * An OpenDocument file saved with a password keeps the ZIP flag clear: its parts are deflated,
 * then encrypted, then stored (method 0), and META-INF/manifest.xml describes the encryption.
 * KPIS.md counts a ZIP as encrypted by the flag only, so the verdict stays "not encrypted"; the
 * reason says what was found (README, "ambiguous cases"). Seen without inflating anything: a
 * stored content.xml that does not begin as XML is ciphertext.
 */
function odfNote(s: Sample, entries: readonly Entry[]): string {
  const names = new Set(entries.map((e) => e.name));
  const content = entries.find((e) => e.name === 'content.xml');
  if (!names.has('mimetype') || !names.has('META-INF/manifest.xml') || !content || content.method !== METHOD_STORED || content.size === 0) return '';
  const local = readAt(s, content.localOffset, 30);
  if (!local || local.readUInt32LE(0) !== SIG_LOCAL) return '';
  const first = readAt(s, content.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28), Math.min(16, content.size));
  if (!first) return '';
  const text = first.toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart();
  return text.startsWith('<') ? '' : '; an OpenDocument file with package encryption (a password), which the ZIP rule of KPIS.md does not count as encrypted';
}
