/**
 * A buffered file writer that encodes as it goes, so a 100,000-people export is written in
 * chunks instead of being held as one string.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import iconv from 'iconv-lite';

export type SinkEncoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'cp932';

const FLUSH_AT = 1 << 20;

export class FileSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  bytes = 0;

  constructor(
    file: string,
    private readonly encoding: SinkEncoding,
  ) {
    this.fd = openSync(file, 'w');
    if (encoding === 'utf8-bom') this.raw(Buffer.from([0xef, 0xbb, 0xbf]));
    if (encoding === 'utf16le-bom') this.raw(Buffer.from([0xff, 0xfe]));
  }

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private raw(b: Buffer): void {
    writeSync(this.fd, b);
    this.bytes += b.length;
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const s = this.parts.join('');
    this.parts = [];
    this.size = 0;
    // Shift_JIS is stateless, so encoding chunk by chunk gives the same bytes as all at once.
    this.raw(this.encoding === 'cp932' ? iconv.encode(s, 'cp932') : this.encoding === 'utf16le-bom' ? Buffer.from(s, 'utf16le') : Buffer.from(s, 'utf8'));
  }
}

/** One CSV field, quoted when it must be (RFC 4180). */
export function csvField(v: string, delimiter = ','): string {
  return v.includes('"') || v.includes(delimiter) || v.includes('\n') || v.includes('\r') ? `"${v.replaceAll('"', '""')}"` : v;
}

export function csvLine(values: readonly string[], delimiter = ',', eol = '\r\n'): string {
  return values.map((v) => csvField(v, delimiter)).join(delimiter) + eol;
}
