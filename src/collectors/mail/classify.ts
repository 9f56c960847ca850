/**
 * A parsed message → its evidence record, per KPIS.md (encryption-miss-rate): outbound when
 * the sender's domain is internal; external recipients from To/Cc/Bcc and the journal's
 * envelope headers; counted attachments (inline images referenced by the HTML body, signatures
 * and ignorable types excluded), each with its encryption verdict; protection of the message as
 * a whole. Pure: no clock, no environment.
 */
import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import addressparser from 'nodemailer/lib/addressparser';
import type { AttachmentInfo, MailRecord } from '../../evidence/records.ts';
import { detectPkcs7 } from './detect-other.ts';
import { detectEncryption } from './detect.ts';
import type { ParsedMessage, PartInfo } from './parse-message.ts';

export interface ClassifyOptions {
  internalDomains: readonly string[];
  /** Extensions of attachments that are not counted (`.ics`, `.vcf`). */
  ignorableExtensions: readonly string[];
  /** Set when the source is pseudonymised: key of the HMAC that replaces the sender's local part. */
  pseudonymKey?: string;
  /** Where the message was read (file, file:offset), for the evidence report. */
  where?: string;
  /** Date used when the message carries none that can be read (the observation instant). */
  fallbackDate: Date;
  /** The message was over the size cap: only its root headers and first body bytes were read. */
  tooLarge?: boolean;
}

export type Classified =
  | { kind: 'record'; key: string; record: MailRecord; problems: string[] }
  | { kind: 'skipped'; reason: 'inbound' }
  | { kind: 'rejected'; reason: string };

const SIGNATURE_TYPES = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature', 'application/pgp-signature']);
/** Types that mean an ignorable extension when the part has no name. */
const TYPES_OF_EXTENSION: Record<string, string[]> = {
  '.ics': ['text/calendar', 'application/ics'],
  '.vcf': ['text/vcard', 'text/x-vcard', 'text/directory'],
};
const IMAGE_EXT = /\.(png|jpe?g|gif|bmp|webp|svg|tiff?|ico|heic)$/i;

export function classify(p: ParsedMessage, o: ClassifyOptions): Classified {
  const problems = [...p.problems];
  const internal = new Set(o.internalDomains.map(normDomain));
  const senderAddress = firstAddress(p.headers.from) ?? firstAddress(p.headers.sender) ?? firstAddress(p.headers.returnPath);
  if (!senderAddress) return { kind: 'rejected', reason: 'no sender address (From, Sender, Return-Path)' };
  const senderDomain = domainOf(senderAddress);
  if (!senderDomain) return { kind: 'rejected', reason: 'sender address has no domain' };
  if (!internal.has(senderDomain)) return { kind: 'skipped', reason: 'inbound' };

  const external = new Set<string>();
  for (const value of [...p.headers.recipients, ...p.headers.envelope]) {
    for (const a of addresses(value)) {
      const d = domainOf(a);
      if (d && !internal.has(d)) external.add(d);
    }
  }

  const protection = protectionOf(p);
  const attachments: AttachmentInfo[] = [];
  if (!protection && !o.tooLarge) {
    for (const part of p.parts) {
      if (!counted(part, p.htmlCids, o.ignorableExtensions)) continue;
      const v = detectEncryption(part.filename, part.contentType, part.sample);
      attachments.push({ ...(part.filename ? { name: part.filename } : {}), contentType: part.contentType, size: part.size, encrypted: v.encrypted, reason: v.reason });
    }
  }

  // What could not be seen counts against the objective: the reason goes with the record.
  const notInspectable = protection ? undefined : o.tooLarge ? `larger than maxMessageBytes: only its first bytes were read` : p.uninspectable;

  const rawId = (p.headers.messageId ?? '').replace(/^[\s<]+|[\s>]+$/g, '');
  const messageId = rawId || `sha256:${p.headerHash}`;
  if (!rawId) problems.push('message-id');
  const date = dateOf(p, o.fallbackDate, problems);
  const sender = o.pseudonymKey !== undefined ? pseudonymise(senderAddress, senderDomain, o.pseudonymKey) : senderAddress.toLowerCase();

  const record: MailRecord = {
    messageId,
    date,
    sender,
    senderDomain,
    externalRecipientDomains: [...external].sort(),
    protected: protection !== undefined,
    ...(protection ? { protection } : {}),
    attachments,
    ...(o.tooLarge ? { tooLarge: true } : {}),
    ...(notInspectable ? { notInspectable } : {}),
    ...(o.where ? { where: o.where } : {}),
  };
  return { kind: 'record', key: messageId, record, problems };
}

/** Protected as a whole: S/MIME enveloped data, PGP/MIME, or an inline PGP message body. */
function protectionOf(p: ParsedMessage): string | undefined {
  if (p.rootType === 'application/pkcs7-mime' || p.rootType === 'application/x-pkcs7-mime') {
    const t = p.rootParams['smime-type'];
    if (t === 'enveloped-data' || t === 'authenveloped-data') return `S/MIME ${t}`;
    if (t === undefined) {
      // No smime-type parameter: the CMS content type itself tells enveloped from signed.
      const root = p.parts.find((x) => x.root);
      const v = root ? detectPkcs7(root.sample.head) : null;
      if (v?.encrypted) return `S/MIME ${v.reason.replace(/^pkcs7: /, '')}`;
    }
    return undefined;
  }
  if (p.rootType === 'multipart/encrypted') return `PGP/MIME multipart/encrypted${p.rootParams.protocol ? ` (${p.rootParams.protocol})` : ''}`;
  if (p.inlinePgp) return 'inline PGP message';
  return undefined;
}

function counted(part: PartInfo, htmlCids: ReadonlySet<string>, ignorable: readonly string[]): boolean {
  if (!part.filename && part.disposition !== 'attachment') return false;
  const name = (part.filename ?? '').toLowerCase();
  const isImage = part.contentType.startsWith('image/') || IMAGE_EXT.test(name);
  if (isImage && part.contentId && htmlCids.has(part.contentId)) return false;
  if (SIGNATURE_TYPES.has(part.contentType) || name.endsWith('.p7s')) return false;
  for (const raw of ignorable) {
    const ext = (raw.startsWith('.') ? raw : `.${raw}`).toLowerCase();
    if (name.endsWith(ext)) return false;
    if (!name && (TYPES_OF_EXTENSION[ext] ?? []).includes(part.contentType)) return false;
  }
  return true;
}

function addresses(value: string | undefined): string[] {
  if (!value) return [];
  try {
    return addressparser(value, { flatten: true }).map((a) => a.address ?? '').filter((a) => a.includes('@'));
  } catch {
    return [];
  }
}

function firstAddress(value: string | undefined): string | undefined {
  return addresses(value)[0];
}

function domainOf(address: string): string | undefined {
  const d = normDomain(address.slice(address.lastIndexOf('@') + 1));
  return /^[^\s@<>()[\]\\,;:"]+$/.test(d) && d.length > 0 ? d : undefined;
}

function normDomain(d: string): string {
  return d.trim().replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function dateOf(p: ParsedMessage, fallback: Date, problems: string[]): string {
  const fromHeader = parseDate(p.headers.date);
  if (fromHeader) return fromHeader;
  problems.push('date');
  const received = p.headers.received;
  const fromReceived = received ? parseDate(received.slice(received.lastIndexOf(';') + 1)) : undefined;
  return fromReceived ?? fallback.toISOString();
}

function parseDate(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const s = v.replace(/\s+/g, ' ').trim();
  const dt = DateTime.fromRFC2822(s, { setZone: true });
  if (dt.isValid) return dt.toISO() ?? undefined;
  // Common deviations (zone names, missing weekday comma, trailing comments): let V8 try.
  const ms = Date.parse(s.replace(/\([^)]*\)/g, '').trim());
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function pseudonymise(address: string, domain: string, key: string): string {
  return `${createHmac('sha256', key).update(address.toLowerCase()).digest('hex')}@${domain}`;
}
