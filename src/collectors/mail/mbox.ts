/**
 * mbox: messages one after another, each starting with a `From ` envelope line. Bodies may hold
 * lines starting with `From ` too (a quoted reply, "From the team,", a forwarded mbox), and a
 * split there would cut a message in two and lose its attachment, so a line separates messages
 * only when it is a real separator:
 * - it follows a blank line (every mbox writer leaves one between messages) or starts the file;
 * - it parses as an envelope: `From <sender> <asctime date>` (`From MAILER-DAEMON Tue Nov 10
 *   10:00:00 2026`, Thunderbird's `From - …`, Gmail's `… +0000 2026`, `remote from` suffixes);
 * - and, when the message's headers carry `Content-Length` (mboxcl / mboxcl2, and mailboxes
 *   mutt has rewritten), the separator is the one that length points at, if it points at one:
 *   `From ` lines inside that body never split it, quoted or not.
 * Body lines written as `>From ` (mboxo, mboxrd) or `>>From ` (mboxrd) lose one `>` again, except
 * in a message delimited by its Content-Length: writers that count (mutt, mboxcl2) do not quote.
 * Streams the file: a message over the size cap keeps only its first bytes.
 */
import { open, type FileHandle } from 'node:fs/promises';

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
const NL = 0x0a;
const CR = 0x0d;
/** An envelope line is short; a longer `From ` line is body text. */
const MAX_ENVELOPE = 1024;
/** Header bytes looked at for Content-Length; a longer header block is scanned like any other. */
const MAX_HEADER = 64 * 1024;
const CHUNK = 256 * 1024;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// From <sender> [Www[,]] Mmm d hh:mm[:ss] [zone] yyyy [zone] [remote from host]; the sender may be
// empty, quoted, `-` (Thunderbird) or `MAILER-DAEMON`.
const ENVELOPE =
  /^From +(?:(?:"[^"\r\n]*"\S*|\S+) +)?(?:(?:mon|tue|wed|thu|fri|sat|sun),? +)?([a-z]{3}) +(\d{1,2}) +(\d{1,2}):(\d{2})(?::(\d{2}))?(?: +(?:[a-z]{1,5}|[+-]\d{4}))? +(\d{4})(?: +(?:[a-z]{1,5}|[+-]\d{4}))?(?: +remote from \S+)?[ \t]*\r?$/i;

/** A `From ` line whose envelope sender and date parse. */
export function isEnvelopeLine(line: string): boolean {
  const m = ENVELOPE.exec(line);
  if (!m) return false;
  const day = Number(m[2]);
  return MONTHS.includes(m[1]!.toLowerCase()) && day >= 1 && day <= 31 && Number(m[3]) <= 23 && Number(m[4]) <= 59 && Number(m[5] ?? 0) <= 60;
}

/** The separators of an mbox after `start` (a message start), and the bytes in between. */
class Splitter {
  private work: Buffer = Buffer.alloc(0);
  /** File offset of work[0]. */
  private base: number;
  private eof = false;
  private readPos: number;
  /** Bytes before this offset have gone to the sink. */
  private delivered: number;
  /** The smallest separator position not yet examined. */
  private scanFrom: number;
  /** Start of the current message (its separator line). */
  private msgStart: number;
  private head: Buffer[] = [];
  private headLen = 0;
  private headDone = false;
  /** Where Content-Length puts the next separator (Infinity: the message runs to the end of the file). */
  private lengthEnd: number | undefined;
  /** The message that ended at the last separator (or the end) was delimited by its Content-Length. */
  endedByLength = false;

  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
    start: number,
    private readonly sink?: (b: Buffer) => void,
  ) {
    this.base = this.readPos = this.delivered = this.msgStart = start;
    this.scanFrom = start + 1;
  }

  /** The next separator's offset, or undefined at the end of the file (all bytes delivered). */
  async next(): Promise<number | undefined> {
    for (;;) {
      const i = this.work.indexOf(SEP, Math.max(0, this.scanFrom - 1 - this.base));
      if (i < 0) {
        if (this.eof) {
          this.deliver(this.base + this.work.length);
          this.endedByLength = this.lengthEnd === Number.POSITIVE_INFINITY;
          return undefined;
        }
        // A separator may begin in the last few bytes: keep them, with two bytes to look back at.
        await this.more(this.base + Math.max(0, this.work.length - SEP.length - 2));
        continue;
      }
      const at = this.base + i + 1;
      const lineEnd = this.work.indexOf(NL, i + 1);
      if (lineEnd < 0 && !this.eof && this.work.length - (i + 1) < MAX_ENVELOPE) {
        await this.more(at - 3);
        continue;
      }
      await this.trackHeaders(at);
      this.scanFrom = at + 1;
      if (!this.isSeparator(i, lineEnd < 0 ? this.work.length : lineEnd)) continue;
      this.deliver(at);
      this.endedByLength = this.lengthEnd === at;
      this.msgStart = at;
      this.head = [];
      this.headLen = 0;
      this.headDone = false;
      this.lengthEnd = undefined;
      return at;
    }
  }

  /** `work[i]` is the LF before a `From ` line ending at `lineEnd`. */
  private isSeparator(i: number, lineEnd: number): boolean {
    const at = this.base + i + 1;
    if (this.lengthEnd !== undefined) {
      if (at < this.lengthEnd) return false;
      if (at === this.lengthEnd) return true;
      this.lengthEnd = undefined; // passed it without meeting it: the length was wrong after all
    }
    const w = this.work;
    const blankBefore = i >= 1 && (w[i - 1] === NL || (w[i - 1] === CR && i >= 2 && w[i - 2] === NL));
    if (!blankBefore || lineEnd - (i + 1) > MAX_ENVELOPE) return false;
    return isEnvelopeLine(w.toString('latin1', i + 1, lineEnd));
  }

  private deliver(upTo: number): void {
    if (upTo <= this.delivered) return;
    if (this.sink) this.sink(this.work.subarray(this.delivered - this.base, upTo - this.base));
    this.delivered = upTo;
  }

  /** Drop what is before `keepFrom` (delivering it) and read the next chunk after what is kept. */
  private async more(keepFrom: number): Promise<void> {
    const keep = Math.max(this.base, keepFrom);
    await this.trackHeaders(keep);
    this.deliver(keep);
    const rest = this.work.subarray(keep - this.base);
    // A fresh buffer each time: the sink keeps views of the bytes it was given.
    const buf = Buffer.allocUnsafe(rest.length + CHUNK);
    rest.copy(buf, 0);
    const { bytesRead } = await this.fh.read(buf, rest.length, CHUNK, this.readPos);
    if (bytesRead === 0) this.eof = true;
    this.readPos += bytesRead;
    this.work = buf.subarray(0, rest.length + bytesRead);
    this.base = keep;
  }

  /** Follow the current message's header block up to `upTo`; at its end, read Content-Length. */
  private async trackHeaders(upTo: number): Promise<void> {
    if (this.headDone) return;
    const from = this.msgStart + this.headLen;
    const to = Math.min(upTo, this.base + this.work.length);
    if (to <= from) return;
    const take = Math.min(to - from, MAX_HEADER - this.headLen);
    this.head.push(Buffer.from(this.work.subarray(from - this.base, from - this.base + take)));
    this.headLen += take;
    const head = Buffer.concat(this.head);
    this.head = [head];
    const end = headerBlockEnd(head);
    if (end === undefined) {
      if (this.headLen >= MAX_HEADER) this.headDone = true;
      return;
    }
    this.headDone = true;
    const m = /^content-length:[ \t]*(\d{1,15})[ \t]*\r?$/im.exec(head.toString('latin1', 0, end));
    if (m) this.lengthEnd = await this.separatorAt(this.msgStart + end + Number(m[1]));
  }

  /**
   * Whether a body that ends at `pos` is followed by a separator (after at most two line breaks:
   * mboxcl writers leave a blank line) or by the end of the file. Its offset, Infinity for the
   * end of the file, undefined when the length points at neither.
   */
  private async separatorAt(pos: number): Promise<number | undefined> {
    if (pos > this.size) return undefined;
    const buf = Buffer.alloc(MAX_ENVELOPE + 8);
    // From the byte before `pos` (pos > 0: a separator line and headers precede it).
    const { bytesRead } = await this.fh.read(buf, 0, buf.length, pos - 1);
    const b = buf.subarray(0, bytesRead);
    let i = 1;
    for (let breaks = 0; breaks <= 2; breaks++) {
      if (pos - 1 + i >= this.size) return Number.POSITIVE_INFINITY;
      if (b[i - 1] === NL && b.toString('latin1', i, i + 5) === 'From ') {
        const nl = b.indexOf(NL, i);
        if (isEnvelopeLine(b.toString('latin1', i, nl < 0 ? b.length : nl))) return pos - 1 + i;
        return undefined;
      }
      if (b[i] === CR && b[i + 1] === NL) i += 2;
      else if (b[i] === NL) i += 1;
      else return undefined;
    }
    return undefined;
  }
}

/** End of the header block after the separator line (index just past the blank line), if seen. */
function headerBlockEnd(head: Buffer): number | undefined {
  const first = head.indexOf(NL);
  if (first < 0) return undefined;
  for (let i = first; i >= 0 && i < head.length; i = head.indexOf(NL, i + 1)) {
    if (head[i + 1] === NL) return i + 2;
    if (head[i + 1] === CR && head[i + 2] === NL) return i + 3;
  }
  return undefined;
}

/** A message's bytes as they arrive, bounded by the size cap. */
class MessageBytes {
  private parts: Buffer[] = [];
  private kept = 0;
  private size = 0;
  private truncated = false;

  constructor(
    private readonly max: number,
    private readonly keep: number,
  ) {}

  append(b: Buffer): void {
    this.size += b.length;
    if (this.size > this.max) this.truncated = true;
    const room = (this.truncated ? this.keep : this.max) - this.kept;
    if (room > 0) {
      const take = b.length <= room ? b : b.subarray(0, room);
      this.parts.push(take);
      this.kept += take.length;
    }
    if (this.truncated && this.kept > this.keep) {
      const all = Buffer.concat(this.parts).subarray(0, this.keep);
      this.parts = [all];
      this.kept = all.length;
    }
  }

  /** `quoted`: body `>From ` lines were quoted by the writer (not when Content-Length delimited it: mboxcl2). */
  finish(offset: number, quoted: boolean): MboxMessage | undefined {
    const raw = Buffer.concat(this.parts);
    const body = stripSeparator(raw);
    const msg = this.size > 0 ? { offset, bytes: quoted ? unquote(body) : body, size: this.size, truncated: this.truncated } : undefined;
    this.parts = [];
    this.kept = 0;
    this.size = 0;
    this.truncated = false;
    return msg;
  }
}

/**
 * Messages whose separator lies in [start, end). `start` must be a message start (0 or a
 * separator); the last message runs to the next separator even past `end`.
 */
export async function* readMbox(path: string, opts: { start?: number; end?: number; maxMessageBytes: number; keepWhenTruncated?: number }): AsyncGenerator<MboxMessage> {
  const start = opts.start ?? 0;
  const end = opts.end ?? Number.POSITIVE_INFINITY;
  const msg = new MessageBytes(opts.maxMessageBytes, opts.keepWhenTruncated ?? 256 * 1024);
  const fh = await open(path, 'r');
  try {
    const split = new Splitter(fh, (await fh.stat()).size, start, (b) => msg.append(b));
    let msgStart = start;
    for (;;) {
      const at = await split.next();
      const m = msg.finish(msgStart, !split.endedByLength);
      if (m) yield m;
      if (at === undefined || at >= end) return;
      msgStart = at;
    }
  } finally {
    await fh.close();
  }
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
 * an mbox into shards on message boundaries. Found by the same splitter that reads the file,
 * from `from` (a message start) on, so a shard never starts at a `From ` line that reading the
 * whole file would not split at (a Content-Length body, a body line after a blank line).
 */
export async function messageBoundaries(path: string, targets: readonly number[], size: number, from = 0): Promise<number[]> {
  const sorted = [...targets].sort((a, b) => a - b);
  const out: number[] = [];
  const fh = await open(path, 'r');
  try {
    const split = new Splitter(fh, size, from);
    let at = await split.next();
    for (const t of sorted) {
      while (at !== undefined && at < t) at = await split.next();
      out.push(at ?? size);
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
