/**
 * OLE compound files (CFB, [MS-CFB]): encrypted Office documents. Encrypted OOXML (docx/xlsx/
 * pptx with a password) is a CFB holding an `EncryptedPackage` stream; legacy binary documents
 * keep their streams and flag encryption inside them: Word's FIB `fEncrypted` bit, Excel's
 * FILEPASS record, PowerPoint's encrypted CurrentUserAtom token. Reads the header, FAT,
 * directory and the first bytes of those streams only.
 */
import { readAt, type Sample } from './sample.ts';
import { verdict, type Verdict } from './verdict.ts';

const MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const END_OF_CHAIN = 0xfffffffe;
const MAX_SECTOR = 0xfffffffa;
/** Bounds, so a crafted file cannot loop or make detection slow. */
const MAX_CHAIN = 1 << 16;
const MAX_DIR_ENTRIES = 1 << 14;

export function isOle(head: Buffer): boolean {
  return head.length >= 8 && head.subarray(0, 8).equals(MAGIC);
}

interface DirEntry {
  name: string;
  type: number;
  start: number;
  size: number;
}

class Cfb {
  readonly sectorSize: number;
  readonly miniCutoff: number;
  private readonly fat: number[] = [];
  private miniFat: number[] | undefined;
  readonly entries: DirEntry[] = [];

  constructor(private readonly s: Sample) {
    const h = readAt(s, 0, 512);
    if (!h) throw new Error('short header');
    this.sectorSize = 1 << h.readUInt16LE(0x1e);
    if (this.sectorSize !== 512 && this.sectorSize !== 4096) throw new Error('bad sector size');
    this.miniCutoff = h.readUInt32LE(0x38);
    const fatSectors: number[] = [];
    for (let i = 0; i < 109; i++) {
      const n = h.readUInt32LE(0x4c + i * 4);
      if (n <= MAX_SECTOR) fatSectors.push(n);
    }
    let difat = h.readUInt32LE(0x44);
    for (let guard = 0; difat <= MAX_SECTOR && guard < MAX_CHAIN; guard++) {
      const sec = this.sector(difat);
      if (!sec) break;
      const per = this.sectorSize / 4 - 1;
      for (let i = 0; i < per; i++) {
        const n = sec.readUInt32LE(i * 4);
        if (n <= MAX_SECTOR) fatSectors.push(n);
      }
      difat = sec.readUInt32LE(per * 4);
    }
    for (const f of fatSectors) {
      const sec = this.sector(f);
      // A FAT sector outside the kept head/tail: its entries stay unknown (chains through it stop).
      for (let i = 0; i < this.sectorSize / 4; i++) this.fat.push(sec ? sec.readUInt32LE(i * 4) : END_OF_CHAIN);
    }
    const dir = this.chainBytes(h.readUInt32LE(0x30), MAX_DIR_ENTRIES * 128);
    for (let p = 0; p + 128 <= dir.length; p += 128) {
      const nameLen = Math.min(64, dir.readUInt16LE(p + 0x40));
      this.entries.push({
        name: dir.toString('utf16le', p, p + Math.max(0, nameLen - 2)),
        type: dir[p + 0x42]!,
        start: dir.readUInt32LE(p + 0x74),
        size: dir.readUInt32LE(p + 0x78),
      });
    }
    this.miniFatStart = h.readUInt32LE(0x3c);
  }

  private readonly miniFatStart: number;

  private sector(n: number): Buffer | undefined {
    return readAt(this.s, (n + 1) * this.sectorSize, this.sectorSize);
  }

  /** Up to `max` bytes of the regular-sector chain starting at `start`. */
  chainBytes(start: number, max: number): Buffer {
    const parts: Buffer[] = [];
    let len = 0;
    const seen = new Set<number>();
    for (let n = start; n <= MAX_SECTOR && len < max && !seen.has(n) && seen.size < MAX_CHAIN; n = this.fat[n] ?? END_OF_CHAIN) {
      seen.add(n);
      const sec = this.sector(n);
      if (!sec) break;
      parts.push(sec);
      len += sec.length;
    }
    return Buffer.concat(parts).subarray(0, max);
  }

  /** The first `max` bytes of a stream (regular or mini). */
  streamHead(e: DirEntry, max: number): Buffer {
    const want = Math.min(max, e.size);
    if (e.size >= this.miniCutoff) return this.chainBytes(e.start, want);
    const root = this.entries[0];
    if (!root) return Buffer.alloc(0);
    this.miniFat ??= bytesToU32(this.chainBytes(this.miniFatStart, MAX_CHAIN * 4));
    const ministream = this.chainBytes(root.start, root.size);
    const parts: Buffer[] = [];
    let len = 0;
    const seen = new Set<number>();
    for (let n = e.start; n <= MAX_SECTOR && len < want && !seen.has(n); n = this.miniFat[n] ?? END_OF_CHAIN) {
      seen.add(n);
      const chunk = ministream.subarray(n * 64, n * 64 + 64);
      if (chunk.length === 0) break;
      parts.push(chunk);
      len += chunk.length;
    }
    return Buffer.concat(parts).subarray(0, want);
  }

  find(name: string): DirEntry | undefined {
    return this.entries.find((e) => e.type === 2 && e.name === name);
  }
}

function bytesToU32(b: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) out.push(b.readUInt32LE(i));
  return out;
}

export function detectOle(s: Sample): Verdict {
  let cfb: Cfb;
  try {
    cfb = new Cfb(s);
  } catch {
    return verdict(false, 'ole: unreadable compound file header');
  }
  if (cfb.find('EncryptedPackage')) return verdict(true, 'office: EncryptedPackage stream (encrypted OOXML)');
  const word = cfb.find('WordDocument');
  if (word) {
    const fib = cfb.streamHead(word, 12);
    if (fib.length >= 12) {
      // FibBase: wIdent 0xA5EC, flags at offset 10, fEncrypted = bit 8.
      const encrypted = (fib.readUInt16LE(10) & 0x0100) !== 0;
      return encrypted ? verdict(true, 'doc: FIB fEncrypted set (legacy Word encryption)') : verdict(false, 'doc: FIB fEncrypted not set');
    }
    return verdict(false, 'doc: WordDocument stream unreadable');
  }
  const book = cfb.find('Workbook') ?? cfb.find('Book');
  if (book) {
    const b = cfb.streamHead(book, 64 * 1024);
    // BIFF records from the start of the globals substream up to its EOF: FILEPASS = encrypted.
    for (let p = 0, n = 0; p + 4 <= b.length && n < 4096; n++) {
      const type = b.readUInt16LE(p);
      const len = b.readUInt16LE(p + 2);
      if (type === 0x002f) return verdict(true, 'xls: FILEPASS record (legacy Excel encryption)');
      if (type === 0x000a) break;
      p += 4 + len;
    }
    return verdict(false, 'xls: no FILEPASS record');
  }
  const cu = cfb.find('Current User');
  if (cfb.find('PowerPoint Document') && cu) {
    const atom = cfb.streamHead(cu, 16);
    // CurrentUserAtom.headerToken: 0xF3D1C4DF when the document is encrypted, 0xE391C05F when not.
    if (atom.length >= 16 && atom.readUInt32LE(12) === 0xf3d1c4df) return verdict(true, 'ppt: encrypted CurrentUserAtom (legacy PowerPoint encryption)');
    return verdict(false, 'ppt: CurrentUserAtom not encrypted');
  }
  if (!s.complete) return verdict(false, 'ole: directory out of reach in a large file; not proven encrypted');
  return verdict(false, 'ole: compound file without an encryption marker');
}
