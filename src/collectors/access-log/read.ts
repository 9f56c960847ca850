/**
 * Reading log bytes in large chunks and handing whole lines to a line function: plain files by
 * byte range (the range ends on a line boundary), gzip files whole, as a stream.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { readFileHead } from '../file-head.ts';
import { TransientError } from '../../errors.ts';
import type { LineFn } from './lines.ts';

const CHUNK = 4 * 1024 * 1024;
const NL = 0x0a;

/**
 * Feed the lines of `buf[0, len)` to `fn`; returns where the unfinished last line starts.
 */
function feed(buf: Buffer, len: number, fn: LineFn): number {
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf(NL, pos);
    if (nl < 0 || nl >= len) return pos;
    fn(buf, pos, nl);
    pos = nl + 1;
  }
}

/**
 * Read the lines of `path` in `[start, end)`. `end` must be a line boundary (just after a LF),
 * so every line in the range is complete. Returns the bytes read. With `identity` (`dev:ino`),
 * a file rotated since the plan (another inode at the path now) is a TransientError: the run is
 * retried with a fresh plan rather than reading the planned range of another file.
 */
export async function readPlainRange(path: string, start: number, end: number, fn: LineFn, signal?: AbortSignal, identity?: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    if (identity !== undefined) {
      const st = await fh.stat({ bigint: true });
      if (`${st.dev}:${st.ino}` !== identity) throw new TransientError(`${path} was rotated during collection`);
    }
    let buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(end - start, 1)));
    let pos = start;
    let have = 0;
    while (pos < end) {
      signal?.throwIfAborted();
      if (have === buf.length) {
        // One line longer than the buffer: grow rather than cut it.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const want = Math.min(buf.length - have, end - pos);
      const { bytesRead } = await fh.read(buf, have, want, pos);
      if (bytesRead === 0) break; // the file shrank under us; the next run sees it truncated
      pos += bytesRead;
      have += bytesRead;
      const rest = feed(buf, have, fn);
      buf.copy(buf, 0, rest, have);
      have -= rest;
    }
    if (have > 0) fn(buf, 0, have);
    return pos - start;
  } finally {
    await fh.close();
  }
}

/**
 * Read a gzip file whole, skipping its first `skip` decompressed bytes (a rotated file whose
 * beginning was already read before it was compressed). Returns the decompressed size.
 */
export async function readGzip(path: string, skip: number, fn: LineFn, signal?: AbortSignal): Promise<number> {
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(createGunzip({ chunkSize: 1024 * 1024 }));
  let carry: Buffer = Buffer.alloc(0);
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    signal?.throwIfAborted();
    let part = chunk;
    const before = total;
    total += chunk.length;
    if (total <= skip) continue;
    if (before < skip) part = chunk.subarray(skip - before);
    const buf = carry.length > 0 ? Buffer.concat([carry, part]) : part;
    const rest = feed(buf, buf.length, fn);
    carry = Buffer.from(buf.subarray(rest));
  }
  if (carry.length > 0) fn(carry, 0, carry.length);
  return total;
}

/** The first `n` bytes of a file (decompressed for gzip), fewer when it is shorter. */
export async function readHead(path: string, gz: boolean, n: number): Promise<Buffer> {
  if (!gz) return readFileHead(path, n);
  const stream = createReadStream(path).pipe(createGunzip());
  const parts: Buffer[] = [];
  let have = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      have += chunk.length;
      if (have >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}

/** Offset just after the last LF at or before `size` (0 when there is none). */
export async function lastLineEnd(path: string, size: number, from: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const step = 64 * 1024;
    const buf = Buffer.allocUnsafe(step);
    let end = size;
    while (end > from) {
      const start = Math.max(from, end - step);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      const nl = buf.subarray(0, bytesRead).lastIndexOf(NL);
      if (nl >= 0) return start + nl + 1;
      end = start;
    }
    return from;
  } finally {
    await fh.close();
  }
}

/** The first line start at or after `pos` (after the LF that ends the line containing pos-1). */
export async function nextLineStart(path: string, pos: number, limit: number): Promise<number> {
  if (pos === 0) return 0;
  const fh = await open(path, 'r');
  try {
    const step = 64 * 1024;
    const buf = Buffer.allocUnsafe(step);
    let at = pos - 1;
    while (at < limit) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(step, limit - at), at);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(NL);
      if (nl >= 0) return Math.min(at + nl + 1, limit);
      at += bytesRead;
    }
    return limit;
  } finally {
    await fh.close();
  }
}
