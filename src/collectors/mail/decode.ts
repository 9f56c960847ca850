/**
 * Incremental content-transfer decoding of one MIME part into a Sample (head + tail only).
 * Base64 is decoded in large slices so chunk boundaries never split a quartet; quoted-printable
 * keeps a possibly cut `=XX` escape for the next chunk.
 */
import { SampleCollector, type Sample } from './sample.ts';

const B64_SLICE = 1024 * 1024;

export class PartDecoder {
  private readonly out: SampleCollector;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private qpCarry = '';

  constructor(
    private readonly encoding: string,
    headMax?: number,
    tailMax?: number,
  ) {
    this.out = new SampleCollector(headMax, tailMax);
  }

  write(chunk: Buffer): void {
    if (chunk.length > B64_SLICE) {
      for (let i = 0; i < chunk.length; i += B64_SLICE) this.write(chunk.subarray(i, i + B64_SLICE));
      return;
    }
    if (this.encoding === 'base64') {
      this.pending.push(chunk);
      this.pendingLen += chunk.length;
      if (this.pendingLen >= B64_SLICE) this.flushBase64(false);
    } else if (this.encoding === 'quoted-printable') {
      const text = this.qpCarry + chunk.toString('latin1');
      const cut = text.length - (text.endsWith('=') ? 1 : text.at(-2) === '=' ? 2 : 0);
      this.qpCarry = text.slice(cut);
      this.out.write(decodeQuotedPrintable(text.slice(0, cut)));
    } else {
      this.out.write(chunk);
    }
  }

  private flushBase64(final: boolean): void {
    if (this.pendingLen === 0) return;
    const text = Buffer.concat(this.pending).toString('latin1');
    this.pending = [];
    this.pendingLen = 0;
    if (final) {
      this.out.write(Buffer.from(text, 'base64'));
      return;
    }
    const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
    const whole = clean.length - (clean.length % 4);
    this.out.write(Buffer.from(clean.slice(0, whole), 'base64'));
    if (whole < clean.length) {
      const rest = Buffer.from(clean.slice(whole), 'latin1');
      this.pending = [rest];
      this.pendingLen = rest.length;
    }
  }

  finish(): Sample {
    if (this.encoding === 'base64') this.flushBase64(true);
    if (this.qpCarry) this.out.write(Buffer.from(this.qpCarry, 'latin1'));
    return this.out.finish();
  }
}

/** RFC 2045 quoted-printable, lenient: a malformed escape is kept as it is. */
export function decodeQuotedPrintable(text: string): Buffer {
  const s = text.replace(/=\r?\n/g, '');
  const out = Buffer.allocUnsafe(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d && i + 2 < s.length + 0 && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out[n++] = parseInt(s.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[n++] = c & 0xff;
    }
  }
  return out.subarray(0, n);
}
