/** Builders for hand-written test messages and archives (the tests own these bytes). */

export interface BuiltPart {
  headers: string[];
  body: string;
}

export function b64(buf: Buffer | string): string {
  return Buffer.from(buf).toString('base64').replace(/.{76}/g, '$&\r\n');
}

/** A base64 attachment part. */
export function attachment(name: string, type: string, content: Buffer, extra: string[] = []): BuiltPart {
  return {
    headers: [`Content-Type: ${type}; name="${name}"`, `Content-Disposition: attachment; filename="${name}"`, 'Content-Transfer-Encoding: base64', ...extra],
    body: b64(content),
  };
}

export function textPart(text: string, type = 'text/plain; charset=utf-8'): BuiltPart {
  return { headers: [`Content-Type: ${type}`, 'Content-Transfer-Encoding: 7bit'], body: text };
}

export function multipart(subtype: string, parts: BuiltPart[], boundary = `b-${subtype}-${parts.length}`, params = ''): BuiltPart {
  const body = parts.map((p) => `--${boundary}\r\n${p.headers.join('\r\n')}\r\n\r\n${p.body}\r\n`).join('') + `--${boundary}--\r\n`;
  return { headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"${params}`], body };
}

export interface Envelope {
  from?: string;
  to?: string;
  cc?: string;
  bcc?: string;
  messageId?: string;
  date?: string;
  extra?: string[];
}

/** A whole message: root headers then the root part. */
export function message(env: Envelope, root: BuiltPart): Buffer {
  const h: string[] = [];
  if (env.from !== undefined) h.push(`From: ${env.from}`);
  if (env.to !== undefined) h.push(`To: ${env.to}`);
  if (env.cc !== undefined) h.push(`Cc: ${env.cc}`);
  if (env.bcc !== undefined) h.push(`Bcc: ${env.bcc}`);
  h.push(`Subject: test`);
  h.push(`Date: ${env.date ?? 'Tue, 10 Nov 2026 10:00:00 +0900'}`);
  if (env.messageId !== undefined) h.push(`Message-ID: <${env.messageId}>`);
  h.push('MIME-Version: 1.0', ...(env.extra ?? []), ...root.headers);
  return Buffer.from(`${h.join('\r\n')}\r\n\r\n${root.body}`, 'utf8');
}

/** An outbound message (internal sender, one external recipient) carrying one attachment. */
export function outboundWith(part: BuiltPart, messageId = 'm1@example.co.jp'): Buffer {
  return message({ from: 'Taro <taro@example.co.jp>', to: 'partner@client.example', messageId }, multipart('mixed', [textPart('see attached'), part]));
}

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  flags?: number;
  method?: number;
  /** Stored size written in the headers (default data.length). */
  compressedSize?: number;
  size?: number;
}

/** A ZIP written by hand: local headers, data as given (never really compressed), central directory. */
export function zip(entries: ZipEntrySpec[], opts: { centralDirectory?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(e.flags ?? 0, 6);
    lh.writeUInt16LE(e.method ?? 0, 8);
    lh.writeUInt32LE(e.compressedSize ?? e.data.length, 18);
    lh.writeUInt32LE(e.size ?? e.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    const local = Buffer.concat([lh, name, e.data]);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(e.flags ?? 0, 8);
    ch.writeUInt16LE(e.method ?? 0, 10);
    ch.writeUInt32LE(e.compressedSize ?? e.data.length, 20);
    ch.writeUInt32LE(e.size ?? e.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    centrals.push(Buffer.concat([ch, name]));
    locals.push(local);
    offset += local.length;
  }
  if (opts.centralDirectory === false) return Buffer.concat(locals);
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}
