/**
 * One raw message → its structure, without bodies: the root headers the KPI needs, the leaf
 * parts that may be attachments (with a bounded sample of their decoded bytes), the `cid:`
 * references of the HTML bodies and whether the text body is inline PGP. Uses mailparser's own
 * MIME splitter (@zone-eu/mailsplit) and header decoder (libmime) directly: parsing whole text
 * bodies, as mailparser's MailParser does, costs more than everything else here together.
 */
import { createHash } from 'node:crypto';
import type { Transform } from 'node:stream';
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

/** A leaf part that has a filename or a Content-Disposition. */
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
  /** Hash of the raw root header block, the key of a message without a Message-ID. */
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
}

/** Envelope recipients a journal may add as headers. */
export const ENVELOPE_HEADERS = ['x-original-to', 'envelope-to', 'x-envelope-to', 'x-rcpt-to', 'x-ms-exchange-organization-originalenveloperecipients', 'x-ms-exchange-organization-bcc'];

export interface ParseOptions {
  /** Bytes of each part's head and tail kept for detection. */
  sampleHead?: number;
  sampleTail?: number;
}

const TEXT_KEEP = 256 * 1024;

type Node = mailsplit.MimeNode;

interface LeafState {
  node: Node;
  kind: 'part' | 'html' | 'text';
  decoder: PartDecoder;
}

/** Parse one message from bytes or a stream of bytes. Rejects only on a broken MIME stream. */
export async function parseMessage(input: Buffer | AsyncIterable<Buffer>, opts: ParseOptions = {}): Promise<ParsedMessage> {
  const splitter = new mailsplit.Splitter({ ignoreEmbedded: true, maxHeadSize: 2 * 1024 * 1024 });
  const leaves: LeafState[] = [];
  const byNode = new Map<Node, LeafState>();
  let root: Node | undefined;
  let firstText = true;

  splitter.on('data', (d: mailsplit.SplitterChunk) => {
    if (d.type === 'node') {
      if (d.root) root ??= d;
      if (d.multipart) return;
      const ct = (d.contentType || 'text/plain').toLowerCase();
      const isPart = Boolean(d.filename) || Boolean(d.disposition && d.disposition !== 'inline') || (d.disposition === 'inline' && Boolean(d.filename));
      const isText = !isPart && (ct === 'text/plain' || ct === 'text/html');
      let kind: LeafState['kind'] | undefined;
      if (isPart || (d.root && !isText)) kind = 'part';
      else if (ct === 'text/html') kind = 'html';
      else if (ct === 'text/plain' && firstText) kind = 'text';
      else if (d.headers && d.headers.getFirst('content-id')) kind = 'part';
      if (ct === 'text/plain' && !isPart) firstText = false;
      if (!kind) return;
      const small = kind !== 'part';
      const st: LeafState = { node: d, kind, decoder: new PartDecoder(d.encoding || '7bit', small ? TEXT_KEEP : opts.sampleHead, small ? 0 : opts.sampleTail) };
      leaves.push(st);
      byNode.set(d, st);
    } else if (d.type === 'body') {
      byNode.get(d.node)?.decoder.write(d.value);
    }
  });

  const stream = splitter as unknown as Transform;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  if (Buffer.isBuffer(input)) {
    splitter.end(input);
  } else {
    for await (const chunk of input) {
      if (!splitter.write(chunk)) await new Promise((r) => stream.once('drain', r));
    }
    splitter.end();
  }
  await done;

  const problems: string[] = [];
  const headers: RootHeaders = { recipients: [], envelope: [] };
  let headerHash = '';
  let rootType = 'text/plain';
  let rootParams: Record<string, string> = {};
  if (root && root.headers) {
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
    headerHash = createHash('sha256').update(root.getHeaders()).digest('hex').slice(0, 32);
    rootType = (root.contentType || 'text/plain').toLowerCase();
    rootParams = paramsOf(h.getFirst('content-type'));
  }

  const parts: PartInfo[] = [];
  const htmlCids = new Set<string>();
  let inlinePgp = false;
  for (const l of leaves) {
    const sample = l.decoder.finish();
    if (l.kind === 'html') {
      for (const m of sample.head.toString('latin1').matchAll(/cid:([^"'\s>)]+)/gi)) htmlCids.add(safeDecodeUri(m[1]!).toLowerCase());
      continue;
    }
    if (l.kind === 'text') {
      inlinePgp = /^\s*-----BEGIN PGP MESSAGE-----/.test(sample.head.subarray(0, 4096).toString('latin1'));
      continue;
    }
    const n = l.node;
    const cid = n.headers ? n.headers.getFirst('content-id').trim().replace(/^<|>$/g, '') : '';
    let filename: string | undefined;
    try {
      filename = n.filename || undefined;
    } catch {
      problems.push('filename');
    }
    parts.push({
      contentType: (n.contentType || 'application/octet-stream').toLowerCase(),
      ...(n.disposition ? { disposition: n.disposition.toLowerCase() } : {}),
      ...(filename ? { filename: cleanName(filename) } : {}),
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
