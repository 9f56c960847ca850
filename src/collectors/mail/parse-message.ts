/**
 * One raw message → its structure, without bodies: the root headers the KPI needs, the leaf
 * parts that may be attachments (with a bounded sample of their decoded bytes), the `cid:`
 * references of the HTML bodies and whether the text body is inline PGP. Header blocks are
 * parsed by mailparser's own MIME node (@zone-eu/mailsplit, libmime); text bodies are never
 * decoded to text (mailparser's MailParser does, and that costs more than everything else here),
 * and boundaries are found with Buffer.indexOf (mailsplit's line-by-line splitter was a third
 * of the collector's time).
 */
import { createHash } from 'node:crypto';
import mailsplit from '@zone-eu/mailsplit';
import { PartDecoder } from './decode.ts';
import type { Sample } from './sample.ts';

/** The raw root headers the classification reads (unfolded, not decoded). */
export interface RootHeaders {
  messageId?: string;
  date?: string;
  received?: string;
  from?: string;
  sender?: string;
  returnPath?: string;
  /** To, Cc, Bcc values. */
  recipients: string[];
  /** Journal / envelope recipient headers (X-Original-To, Envelope-To, …). */
  envelope: string[];
}

/** A leaf part that may count as an attachment: named, disposition attachment, the root, or with a Content-ID. */
export interface PartInfo {
  contentType: string;
  disposition?: string;
  filename?: string;
  /** Content-ID without the angle brackets. */
  contentId?: string;
  size: number;
  sample: Sample;
  root: boolean;
}

export interface ParsedMessage {
  headers: RootHeaders;
  /** Hash of the raw root header block, the key of a message without a Message-ID (else empty). */
  headerHash: string;
  rootType: string;
  /** Parameters of the root Content-Type (`smime-type`, `protocol`). */
  rootParams: Record<string, string>;
  parts: PartInfo[];
  /** `cid:` targets referenced by the HTML bodies, lower-cased. */
  htmlCids: Set<string>;
  /** The first text body is an inline `-----BEGIN PGP MESSAGE-----`. */
  inlinePgp: boolean;
  /** Fields that could not be decoded (degraded, never fatal). */
  problems: string[];
  /** The message came out of an Exchange journal report (its envelope recipients added). */
  journalReport?: boolean;
  /**
   * Why the structure could not be followed to every part (a limit reached, a boundary never
   * closed or missing): attachments may be hidden, so the message cannot count as inspected.
   */
  uninspectable?: string;
}

/** Envelope recipients a journal may add as headers. */
export const ENVELOPE_HEADERS = ['x-original-to', 'envelope-to', 'x-envelope-to', 'x-rcpt-to', 'x-ms-exchange-organization-originalenveloperecipients', 'x-ms-exchange-organization-bcc'];

export interface ParseOptions {
  /**
   * Bytes of each part's head and tail kept for detection. The message itself is in memory
   * (bounded by maxMessageBytes), so by default an attachment up to 32 MB + 4 MB is kept whole
   * and detectors can read any offset (an OLE directory may be anywhere); beyond, head and tail.
   */
  sampleHead?: number;
  sampleTail?: number;
}

const TEXT_KEEP = 256 * 1024;
const DEFAULT_SAMPLE_HEAD = 32 * 1024 * 1024;
const DEFAULT_SAMPLE_TAIL = 4 * 1024 * 1024;

type Node = mailsplit.MimeNode;
const SPLIT_CONFIG = { maxHeadSize: 2 * 1024 * 1024 };

/** Nesting deeper than this is not followed (a crafted message cannot recurse without bound). */
export const MAX_DEPTH = 64;
/** MIME parts (every node, multipart or leaf) followed in one message. */
export const MAX_PARTS = 10_000;

interface Leaf {
  node: Node;
  body: Buffer;
}

/** The walk's state: leaves found, nodes seen, and the first reason the structure was not followed. */
interface Walk {
  leaves: Leaf[];
  nodes: number;
  uninspectable?: string;
}

function limit(w: Walk, reason: string): void {
  w.uninspectable ??= reason;
}

/**
 * Parse one message. The bytes are the whole message (callers bound it by maxMessageBytes, or
 * pass the first bytes of a too-large one): each MIME node's header block goes through
 * mailparser's own MimeNode / libmime (RFC 2047 words, RFC 2231 parameters, charsets, the same
 * filename rules as mailparser), and bodies are split at their boundary lines with
 * Buffer.indexOf rather than line by line, which is what makes it fast.
 */
export async function parseMessage(input: Buffer | AsyncIterable<Buffer>, opts: ParseOptions = {}): Promise<ParsedMessage> {
  let buf: Buffer;
  if (Buffer.isBuffer(input)) {
    buf = input;
  } else {
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(c);
    buf = Buffer.concat(chunks);
  }
  return parseBytes(buf, opts, true);
}

function parseBytes(buf: Buffer, opts: ParseOptions, unwrapJournal: boolean): ParsedMessage {
  const w: Walk = { leaves: [], nodes: 0 };
  const root = walk(buf, skipFromLine(buf), buf.length, false, 0, w);
  if (unwrapJournal && root.headers && root.headers.hasHeader('x-ms-journal-report')) {
    const inner = journaledMessage(w.leaves);
    if (inner) {
      const parsed = parseBytes(inner.message, opts, false);
      parsed.headers.envelope.push(...inner.recipients);
      parsed.journalReport = true;
      // The report's own structure matters too: a recipient list cut short hides recipients.
      if (w.uninspectable && !parsed.uninspectable) parsed.uninspectable = `journal report: ${w.uninspectable}`;
      return parsed;
    }
  }
  const parsed = describe(root, w.leaves, opts);
  if (w.uninspectable) parsed.uninspectable = w.uninspectable;
  return parsed;
}

/**
 * Exchange / Microsoft 365 envelope journaling: the journal agent's report carries the original
 * message as a message/rfc822 part and its envelope (every recipient, Bcc and expanded groups
 * included) as `To:` / `Cc:` / `Bcc:` / `Recipient:` lines of the report's text body. Classified
 * as the report itself, every message would look internal (journal agent → journal mailbox).
 */
function journaledMessage(leaves: Leaf[]): { message: Buffer; recipients: string[] } | undefined {
  const original = leaves.find((l) => (l.node.contentType || '').toLowerCase() === 'message/rfc822');
  if (!original) return undefined;
  const decode = (l: Leaf, keep: number) => {
    const d = new PartDecoder(l.node.encoding || '7bit', keep, 0);
    d.write(l.body);
    return d.finish().head;
  };
  const report = leaves.find((l) => l !== original && (l.node.contentType || 'text/plain').toLowerCase() === 'text/plain');
  const recipients: string[] = [];
  if (report) {
    for (const m of decode(report, TEXT_KEEP).toString('utf8').matchAll(/^(?:To|Cc|Bcc|Recipient|Expanded|Forwarded):[ \t]*(.+)$/gim)) {
      // `To: a@x.example, Expanded: list@y.example`: every address on the line is a recipient.
      recipients.push(m[1]!.replace(/\b(?:Expanded|Forwarded|On-Behalf-Of):/gi, ' '));
    }
  }
  return { message: decode(original, Number.MAX_SAFE_INTEGER), recipients };
}

/** An mbox `From ` line left at the top of an .eml file is not a header. */
function skipFromLine(buf: Buffer): number {
  if (buf.length < 5 || buf.toString('latin1', 0, 5) !== 'From ') return 0;
  const nl = buf.indexOf(0x0a);
  return nl < 0 ? buf.length : nl + 1;
}

/** Index just past the blank line ending the header block that starts at `start` (≤ end). */
function headerEnd(buf: Buffer, start: number, end: number): number {
  if (buf[start] === 0x0a) return start + 1;
  if (buf[start] === 0x0d && buf[start + 1] === 0x0a) return start + 2;
  let i = start;
  for (;;) {
    const nl = buf.indexOf(0x0a, i);
    if (nl < 0 || nl >= end) return end;
    const next = nl + 1;
    if (buf[next] === 0x0a) return Math.min(end, next + 1);
    if (buf[next] === 0x0d && buf[next + 1] === 0x0a) return Math.min(end, next + 2);
    i = next;
  }
}

function walk(buf: Buffer, start: number, end: number, parent: Node | false, depth: number, w: Walk): Node {
  const node = new mailsplit.MimeNode(parent, SPLIT_CONFIG);
  const hEnd = headerEnd(buf, start, end);
  node.addHeaderChunk(buf.subarray(start, hEnd));
  node.parseHeaders();
  w.nodes++;
  const boundary = node._boundary;
  const type = (node.contentType || '').toLowerCase();
  if (node.multipart && !boundary) limit(w, `a ${type} part without a boundary parameter`);
  if (!node.multipart || !boundary) {
    w.leaves.push({ node, body: buf.subarray(hEnd, end) });
    return node;
  }
  if (depth >= MAX_DEPTH) {
    limit(w, `MIME parts nested deeper than ${MAX_DEPTH} levels`);
    return node;
  }
  const delim = Buffer.concat([Buffer.from('--'), boundary]);
  let partStart = -1;
  let pos = hEnd;
  while (pos < end) {
    const i = buf.indexOf(delim, pos);
    if (i < 0 || i + delim.length > end) break;
    pos = i + delim.length;
    if (i !== hEnd && buf[i - 1] !== 0x0a) continue; // not at a line start
    const closing = buf[pos] === 0x2d && buf[pos + 1] === 0x2d;
    // The rest of the delimiter line may only be white space (or the closing `--`).
    const eol = buf.indexOf(0x0a, pos);
    const lineEnd = eol < 0 || eol >= end ? end : eol;
    const rest = buf.toString('latin1', closing ? pos + 2 : pos, lineEnd);
    if (!/^[ \t\r]*$/.test(rest)) continue;
    if (partStart >= 0) {
      if (w.nodes >= MAX_PARTS) {
        limit(w, `more than ${MAX_PARTS} MIME parts`);
        return node;
      }
      // The line break before a delimiter belongs to the delimiter.
      let partEnd = i;
      if (partEnd > partStart && buf[partEnd - 1] === 0x0a) partEnd--;
      if (partEnd > partStart && buf[partEnd - 1] === 0x0d) partEnd--;
      walk(buf, partStart, Math.max(partStart, partEnd), node, depth + 1, w);
    }
    if (closing) return node;
    partStart = Math.min(end, lineEnd + 1);
    pos = partStart;
  }
  if (partStart < 0) {
    limit(w, `a ${type} part whose boundary never appears`);
    return node;
  }
  // No closing delimiter (a truncated or broken message): the last part runs to the end, but
  // what follows it cannot be known.
  limit(w, `a ${type} part whose closing boundary is missing`);
  if (w.nodes >= MAX_PARTS) limit(w, `more than ${MAX_PARTS} MIME parts`);
  else if (partStart < end) walk(buf, partStart, end, node, depth + 1, w);
  return node;
}

function describe(root: Node, leaves: Leaf[], opts: ParseOptions): ParsedMessage {
  const problems: string[] = [];
  const headers: RootHeaders = { recipients: [], envelope: [] };
  let headerHash = '';
  let rootType = 'text/plain';
  let rootParams: Record<string, string> = {};
  if (root.headers) {
    const h = root.headers;
    const first = (k: string) => h.getFirst(k).trim() || undefined;
    headers.messageId = first('message-id');
    headers.date = first('date');
    headers.received = first('received');
    headers.from = first('from');
    headers.sender = first('sender');
    headers.returnPath = first('return-path');
    for (const k of ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc']) headers.recipients.push(...h.get(k).map(unfold));
    for (const k of ENVELOPE_HEADERS) headers.envelope.push(...h.get(k).map(unfold));
    // Only needed as the key of a message without a Message-ID.
    if (!headers.messageId) headerHash = createHash('sha256').update(root.getHeaders()).digest('hex').slice(0, 32);
    rootType = (root.contentType || 'text/plain').toLowerCase();
    rootParams = paramsOf(h.getFirst('content-type'));
  }

  const parts: PartInfo[] = [];
  const htmlCids = new Set<string>();
  let inlinePgp = false;
  let firstText = true;
  for (const { node: n, body } of leaves) {
    const ct = (n.contentType || 'text/plain').toLowerCase();
    const hasName = Boolean(n.filename);
    const isPart = hasName || n.disposition === 'attachment';
    const encoding = n.encoding || '7bit';
    if (!isPart && ct === 'text/html') {
      const d = new PartDecoder(encoding, TEXT_KEEP, 0);
      d.write(body);
      for (const m of d.finish().head.toString('latin1').matchAll(/cid:([^"'\s>)]+)/gi)) htmlCids.add(safeDecodeUri(m[1]!).toLowerCase());
      continue;
    }
    if (!isPart && ct === 'text/plain') {
      if (firstText) {
        const d = new PartDecoder(encoding, 4096, 0);
        d.write(body.subarray(0, 8192));
        inlinePgp = /^\s*-----BEGIN PGP MESSAGE-----/.test(d.finish().head.toString('latin1'));
      }
      firstText = false;
      continue;
    }
    const cid = n.headers ? n.headers.getFirst('content-id').trim().replace(/^<|>$/g, '') : '';
    // Only parts that may count (named, attachment, the root) or be excluded as referenced images.
    if (!isPart && !n.root && !cid) continue;
    const d = new PartDecoder(encoding, opts.sampleHead ?? DEFAULT_SAMPLE_HEAD, opts.sampleTail ?? DEFAULT_SAMPLE_TAIL);
    d.write(body);
    const sample = d.finish();
    parts.push({
      contentType: ct,
      ...(n.disposition ? { disposition: n.disposition.toLowerCase() } : {}),
      ...(hasName ? { filename: cleanName(String(n.filename)) } : {}),
      ...(cid ? { contentId: cid.toLowerCase() } : {}),
      size: sample.size,
      sample,
      root: n.root,
    });
  }
  return { headers, headerHash, rootType, rootParams, parts, htmlCids, inlinePgp, problems };
}

function unfold(v: string): string {
  return v.replace(/\r?\n[ \t]+/g, ' ').trim();
}

function paramsOf(contentType: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of contentType.matchAll(/;\s*([A-Za-z0-9_*-]+)\s*=\s*("([^"]*)"|[^;\s]*)/g)) out[m[1]!.toLowerCase()] = (m[3] ?? m[2] ?? '').toLowerCase();
  return out;
}

function safeDecodeUri(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Names are kept for the evidence report: control characters out, length bounded. */
function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
}
