/**
 * mbox: messages separated by lines starting with `From `; body lines that started with `From `
 * were written as `>From ` (and `>From ` as `>>From `, mboxrd), so one `>` is taken off again.
 * Streams the file: a message over the size cap keeps only its first bytes.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface MboxMessage {
  /** Byte offset of the message's `From ` separator line. */
  offset: number;
  /** The message without its separator line, unquoted; only the first bytes when `truncated`. */
  bytes: Buffer;
  /** Size of the whole message in the file, separator line included. */
  size: number;
  truncated: boolean;
}

const SEP = Buffer.from('\nFrom ');

/**
 * Messages whose separator lies in [start, end). `start` must be a message start (0 or a
 * separator); the last message runs to the next separator even past `end`.
 */
export async function* readMbox(path: string, opts: { start?: number; end?: number; maxMessageBytes: number; keepWhenTruncated?: number }): AsyncGenerator<MboxMessage> {
  const start = opts.start ?? 0;
  const end = opts.end ?? Number.POSITIVE_INFINITY;
  const keep = opts.keepWhenTruncated ?? 256 * 1024;
  let parts: Buffer[] = [];
  let kept = 0;
  let size = 0;
  let msgStart = start;
  let truncated = false;
  let work: Buffer = Buffer.alloc(0);
  let workOffset = start;

  const append = (b: Buffer): void => {
    size += b.length;
    if (size > opts.maxMessageBytes) truncated = true;
    const room = (truncated ? keep : opts.maxMessageBytes) - kept;
    if (room > 0) {
      const take = b.length <= room ? b : b.subarray(0, room);
      parts.push(take);
      kept += take.length;
    }
    if (truncated && kept > keep) {
      const all = Buffer.concat(parts).subarray(0, keep);
      parts = [all];
      kept = all.length;
    }
  };
  const finish = (): MboxMessage | undefined => {
    const raw = Buffer.concat(parts);
    const msg: MboxMessage | undefined = size > 0 ? { offset: msgStart, bytes: unquote(stripSeparator(raw)), size, truncated } : undefined;
    parts = [];
    kept = 0;
    size = 0;
    truncated = false;
    return msg;
  };

  for await (const chunk of createReadStream(path, { start, highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    work = work.length ? Buffer.concat([work, chunk]) : chunk;
    let from = 0;
    for (;;) {
      const i = work.indexOf(SEP, from);
      if (i < 0) break;
      append(work.subarray(from, i + 1));
      const msg = finish();
      msgStart = workOffset + i + 1;
      if (msg) yield msg;
      from = i + 1;
      if (msgStart >= end) return;
    }
    // Keep the last few bytes unscanned: they may be the start of a separator.
    const safe = Math.max(from, work.length - (SEP.length - 1));
    append(work.subarray(from, safe));
    workOffset += safe;
    work = Buffer.from(work.subarray(safe));
  }
  append(work);
  const msg = finish();
  if (msg) yield msg;
}

function stripSeparator(raw: Buffer): Buffer {
  if (raw.subarray(0, 5).toString('latin1') !== 'From ') return raw;
  const nl = raw.indexOf(0x0a);
  return nl < 0 ? Buffer.alloc(0) : raw.subarray(nl + 1);
}

/** `>From ` → `From `, `>>From ` → `>From ` at line starts (mboxrd; also right for mboxo). */
export function unquote(msg: Buffer): Buffer {
  if (msg.indexOf('\n>') < 0 && !(msg[0] === 0x3e)) return msg;
  const s = msg.toString('latin1');
  if (!/(^|\n)>+From /.test(s)) return msg;
  return Buffer.from(s.replace(/(^|\n)>(>*From )/g, '$1$2'), 'latin1');
}

/**
 * Offsets of message starts near `targets` (the first separator at or after each), for cutting
 * an mbox into shards on message boundaries.
 */
export async function messageBoundaries(path: string, targets: readonly number[], size: number): Promise<number[]> {
  const fh = await open(path, 'r');
  try {
    const out: number[] = [];
    for (const t of targets) {
      let pos = Math.max(0, t - 1);
      let found = size;
      const buf = Buffer.alloc(1024 * 1024);
      while (pos < size) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead <= 0) break;
        const i = buf.subarray(0, bytesRead).indexOf(SEP);
        if (i >= 0) {
          found = pos + i + 1;
          break;
        }
        pos += Math.max(1, bytesRead - (SEP.length - 1));
      }
      out.push(found);
    }
    return out;
  } finally {
    await fh.close();
  }
}

/**
 * Line numbers of byte offsets, for rejections only (rare): counted on demand from the last
 * offset asked, so a run that reports in file order reads the file at most once more.
 */
export class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly path: string) {}

  async lineAt(target: number): Promise<number> {
    if (target < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(1024 * 1024);
      while (this.offset < target) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, target - this.offset), this.offset);
        if (bytesRead <= 0) break;
        for (let i = buf.indexOf(0x0a, 0); i >= 0 && i < bytesRead; i = buf.indexOf(0x0a, i + 1)) this.line++;
        this.offset += bytesRead;
      }
      return this.line;
    } finally {
      await fh.close();
    }
  }
}
