/**
 * A bounded view of an attachment's decoded bytes: its head and its tail, never more. Detectors
 * read headers only (ZIP central directory at the end, PDF trailer at the end, OLE header and
 * directory, 7z start header and next header), so keeping both ends bounds memory per attachment
 * whatever its size, and nothing is ever decompressed.
 */
export interface Sample {
  /** The first bytes (the whole content when `complete`). */
  head: Buffer;
  /** The last bytes; empty when `complete`. */
  tail: Buffer;
  /** Total decoded size in bytes. */
  size: number;
  /** True when `head` holds the whole content. */
  complete: boolean;
}

/** A sample of a whole buffer (tests, small attachments). */
export function wholeSample(buf: Buffer): Sample {
  return { head: buf, tail: Buffer.alloc(0), size: buf.length, complete: true };
}

/**
 * Bytes [offset, offset + length) if they lie wholly in the head or in the tail, else undefined
 * (the middle of a large attachment is not kept).
 */
export function readAt(s: Sample, offset: number, length: number): Buffer | undefined {
  if (offset < 0 || length < 0 || offset + length > s.size) return undefined;
  if (offset + length <= s.head.length) return s.head.subarray(offset, offset + length);
  const tailStart = s.size - s.tail.length;
  if (!s.complete && offset >= tailStart) return s.tail.subarray(offset - tailStart, offset - tailStart + length);
  return undefined;
}

/** The last `n` bytes (or fewer when the sample does not keep them). */
export function lastBytes(s: Sample, n: number): Buffer {
  if (s.complete) return s.head.subarray(Math.max(0, s.head.length - n));
  return s.tail.subarray(Math.max(0, s.tail.length - n));
}

/** Offset in the content of the first byte `lastBytes(s, n)` returned. */
export function lastBytesOffset(s: Sample, n: number): number {
  return s.size - lastBytes(s, n).length;
}

/**
 * Collects decoded chunks into a Sample: the first `headMax` bytes and a rolling window of the
 * last `tailMax` bytes. Memory stays ≤ headMax + 2·tailMax whatever is written.
 */
export class SampleCollector {
  private readonly headChunks: Buffer[] = [];
  private headLen = 0;
  private tailChunks: Buffer[] = [];
  private tailLen = 0;
  private total = 0;

  constructor(
    private readonly headMax = 1024 * 1024,
    private readonly tailMax = 4 * 1024 * 1024,
  ) {}

  write(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headLen < this.headMax) {
      const take = Math.min(chunk.length, this.headMax - this.headLen);
      this.headChunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      this.headLen += take;
      chunk = chunk.subarray(take);
      if (chunk.length === 0) return;
    }
    this.tailChunks.push(chunk);
    this.tailLen += chunk.length;
    if (this.tailLen > 2 * this.tailMax) {
      const joined = Buffer.concat(this.tailChunks);
      const kept = Buffer.from(joined.subarray(joined.length - this.tailMax));
      this.tailChunks = [kept];
      this.tailLen = kept.length;
    }
  }

  get size(): number {
    return this.total;
  }

  finish(): Sample {
    const head = this.headChunks.length === 1 ? this.headChunks[0]! : Buffer.concat(this.headChunks);
    if (this.total === this.headLen + this.tailLen) {
      // Nothing was dropped: keep the whole content contiguous, so any offset can be read.
      if (this.tailLen === 0) return { head, tail: Buffer.alloc(0), size: this.total, complete: true };
      return { head: Buffer.concat([head, ...this.tailChunks]), tail: Buffer.alloc(0), size: this.total, complete: true };
    }
    const joined = Buffer.concat(this.tailChunks);
    return { head, tail: joined.subarray(Math.max(0, joined.length - this.tailMax)), size: this.total, complete: false };
  }
}
