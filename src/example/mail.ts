/**
 * The example organisation's mail journal: a few journaled messages, each a case of KPIS.md's
 * encryption-miss-rate placed by construction (test/fixtures/example-expected.md counts them):
 * an encrypted ZIP, a plain PDF, an internal-only message, an S/MIME enveloped message, an HTML
 * mail whose only image is inline, a ZIP with one entry left unencrypted, a calendar invitation,
 * an inbound message, one sent before the period, a signed message carrying an encrypted ZIP and
 * a Bcc to a private address. The messages are written as a journal archive keeps them (RFC 5322,
 * CRLF, MIME with base64 parts, RFC 2047 subjects and RFC 2231 file names); attachment bytes are
 * real enough for header-only detection (ZIP directories, PDF trailers) and otherwise filler.
 *
 * The journal holds the design once, whatever the organisation's size; its own PRNG (derived from
 * the seed) leaves the other exports' bytes as they were.
 */
import type { ExamplePerson, Organisation } from './model.ts';
import { mulberry32, type Rng } from './prng.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, jstMidnight } from './time.ts';

export type MailCase =
  | 'encrypted-zip'
  | 'plain-pdf'
  | 'internal-only'
  | 'smime-enveloped'
  | 'inline-image'
  | 'mixed-zip'
  | 'calendar-only'
  | 'inbound'
  | 'before-period'
  | 'signed-encrypted-zip'
  | 'bcc-plain-xlsx';

export interface JournalMessage {
  case: MailCase;
  /** File name in the Maildir's cur/ folder. */
  file: string;
  messageId: string;
  date: number;
  bytes: Buffer;
}

/** Days before the export date and JST time of each case (the quarter began 50 days before). */
const CASES: readonly { case: MailCase; days: number; hhmm: string }[] = [
  { case: 'before-period', days: 55, hhmm: '17:45' },
  { case: 'encrypted-zip', days: 17, hhmm: '10:15' },
  { case: 'plain-pdf', days: 14, hhmm: '14:30' },
  { case: 'internal-only', days: 13, hhmm: '09:40' },
  { case: 'smime-enveloped', days: 9, hhmm: '16:05' },
  { case: 'inline-image', days: 8, hhmm: '11:20' },
  { case: 'mixed-zip', days: 7, hhmm: '13:00' },
  { case: 'calendar-only', days: 6, hhmm: '10:00' },
  { case: 'inbound', days: 3, hhmm: '09:15' },
  { case: 'signed-encrypted-zip', days: 1, hhmm: '15:30' },
  { case: 'bcc-plain-xlsx', days: 1, hhmm: '18:10' },
];

const CRLF = '\r\n';

// ---------- MIME writing ----------

interface Part {
  headers: string[];
  body: string;
}

const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64').replace(/.{76}/g, `$&${CRLF}`);
/** RFC 2047 encoded word (UTF-8, base64) for non-ASCII header text. */
const word = (s: string): string => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`);
const mailbox = (name: string, address: string): string => `${word(name)} <${address}>`;

function text(body: string, subtype = 'plain'): Part {
  return { headers: [`Content-Type: text/${subtype}; charset="UTF-8"`, 'Content-Transfer-Encoding: base64'], body: b64(body) };
}

/** An attachment as Outlook writes one: RFC 2047 `name`, RFC 2231 `filename*`. */
function attachment(name: string, type: string, content: Buffer, extra: string[] = []): Part {
  const ascii = /^[\x20-\x7e]*$/.test(name);
  const filename = ascii ? `filename="${name}"` : `filename*=UTF-8''${encodeURIComponent(name)}`;
  return {
    headers: [`Content-Type: ${type}; name="${word(name)}"`, `Content-Disposition: attachment; ${filename}`, 'Content-Transfer-Encoding: base64', ...extra],
    body: b64(content),
  };
}

function multipart(subtype: string, boundary: string, parts: Part[], params = ''): Part {
  const body = parts.map((p) => `--${boundary}${CRLF}${p.headers.join(CRLF)}${CRLF}${CRLF}${p.body}${CRLF}`).join('') + `--${boundary}--${CRLF}`;
  return { headers: [`Content-Type: multipart/${subtype};${CRLF} boundary="${boundary}"${params}`], body };
}

// ---------- attachment bytes ----------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface ZipEntry {
  name: string;
  /** Plain entries: their content, stored. Encrypted entries: the plain size they claim. */
  content?: Buffer;
  encryptedSize?: number;
}

/**
 * A ZIP archive: plain entries stored with their CRC; encrypted ones as ZipCrypto writes them
 * (flag bit 0, deflated, the 12-byte encryption header before data that is random here).
 */
function zip(entries: readonly ZipEntry[], rng: Rng): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const dosTime = (9 << 11) | (30 << 5); // 09:30:00
  const dosDate = ((2026 - 1980) << 9) | (11 << 5) | 1;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const encrypted = e.content === undefined;
    const size = encrypted ? e.encryptedSize ?? 1024 : e.content!.length;
    const data = encrypted ? randomBytes(rng, 12 + Math.ceil(size / 20)) : e.content!;
    const flags = (encrypted ? 0x1 : 0) | 0x800; // bit 11: UTF-8 names
    const method = encrypted ? 8 : 0;
    const crc = encrypted ? rng.int(0, 0xffffffff) >>> 0 : crc32(data);
    const fields = (b: Buffer, at: number) => {
      b.writeUInt16LE(flags, at);
      b.writeUInt16LE(method, at + 2);
      b.writeUInt16LE(dosTime, at + 4);
      b.writeUInt16LE(dosDate, at + 6);
      b.writeUInt32LE(crc, at + 8);
      b.writeUInt32LE(data.length, at + 12);
      b.writeUInt32LE(size, at + 16);
      b.writeUInt16LE(name.length, at + 20);
    };
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    fields(lh, 6);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(0x033f, 4); // made by: Unix, 6.3
    ch.writeUInt16LE(20, 6);
    fields(ch, 8);
    ch.writeUInt32LE(offset, 42);
    const local = Buffer.concat([lh, name, data]);
    locals.push(local);
    centrals.push(Buffer.concat([ch, name]));
    offset += local.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(0, 255);
  return b;
}

/** A one-page PDF without /Encrypt: what "save as PDF" writes. */
function plainPdf(title: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
    `<< /Length ${`BT /F1 12 Tf 72 770 Td (${title}) Tj ET`.length} >>\nstream\nBT /F1 12 Tf 72 770 Td (${title}) Tj ET\nendstream`,
  ];
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** An unencrypted OOXML workbook: a ZIP whose entries are plain (stored). */
function plainXlsx(rng: Rng): Buffer {
  const x = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n${s}`, 'utf8');
  return zip(
    [
      { name: '[Content_Types].xml', content: x('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>') },
      { name: 'xl/workbook.xml', content: x('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="顧客" sheetId="1"/></sheets></workbook>') },
      { name: 'xl/worksheets/sheet1.xml', content: x('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>') },
    ],
    rng,
  );
}

/** DER of CMS EnvelopedData (OID 1.2.840.113549.1.7.3) with random recipient and content bytes. */
function envelopedData(rng: Rng): Buffer {
  const body = randomBytes(rng, 600);
  const oid = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03]);
  const inner = Buffer.concat([Buffer.from([0xa0, 0x82, body.length >> 8, body.length & 0xff]), body]);
  const len = oid.length + inner.length;
  return Buffer.concat([Buffer.from([0x30, 0x82, len >> 8, len & 0xff]), oid, inner]);
}

/** A 1×1 PNG (the company logo of an HTML signature, as far as detection cares). */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2265a5f0000000049454e44ae426082', 'hex');

// ---------- the journal ----------

const EXTERNAL = {
  client: 'torihikisaki.example',
  accountant: 'kaikei-jimusho.example.jp',
  partner: 'partner.example.com',
  agency: 'haken-agency.example',
  personal: 'private-mail.example.net',
};

export function buildMailJournal(org: Organisation, seed: number): JournalMessage[] {
  const rng = mulberry32((seed ^ 0x6d61696c) >>> 0);
  const D = jstMidnight(org.exportedAt);
  const domain = org.domain;
  const staff = org.people.filter((p) => p.case === 'regular');
  const pick = (): ExamplePerson => rng.pick(staff);
  const name = (p: ExamplePerson) => `${p.familyKanji} ${p.givenKanji}`;
  const rfc2822 = (ms: number): string => {
    const d = new Date(ms + 9 * HOUR_MS);
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const p2 = (n: number) => String(n).padStart(2, '0');
    return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0900`;
  };

  return CASES.map((c, n) => {
    const [hh, mm] = c.hhmm.split(':').map(Number) as [number, number];
    const date = D - c.days * DAY_MS + hh * HOUR_MS + mm * MINUTE_MS + rng.int(0, 59) * 1000;
    const stamp = new Date(date + 9 * HOUR_MS).toISOString().replace(/\D/g, '').slice(0, 14);
    const from = pick();
    const colleague = pick();
    const messageId = `${stamp}.${(rng.int(0, 0xffffff) >>> 0).toString(16).toUpperCase().padStart(6, '0')}@mail.${domain}`;
    const boundary = (k: string) => `----=_Part_${n}_${k}_${stamp}`;
    const headers: string[] = [];
    let root: Part;
    let subject: string;
    const sender = mailbox(name(from), from.email);
    let fromHeader = sender;
    let to = '';
    let cc: string | undefined;
    let bcc: string | undefined;
    switch (c.case) {
      case 'encrypted-zip':
        subject = '【お見積り】2026年度保守契約の件';
        to = mailbox('田中 一郎 様', `tanaka@${EXTERNAL.client}`);
        cc = mailbox(name(colleague), colleague.email);
        root = multipart('mixed', boundary('mix'), [
          text('田中様\r\n\r\nお見積書をお送りします。パスワードは別途お送りします。\r\n'),
          attachment('見積書_2026-11.zip', 'application/zip', zip([{ name: '見積書.pdf', encryptedSize: 48_213 }, { name: '仕様書.xlsx', encryptedSize: 20_480 }], rng)),
        ]);
        break;
      case 'plain-pdf':
        subject = '11月分 請求書送付のご案内';
        to = mailbox('経理ご担当者様', `keiri@${EXTERNAL.accountant}`);
        root = multipart('mixed', boundary('mix'), [text('請求書をお送りします。\r\n'), attachment('請求書_202611.pdf', 'application/pdf', plainPdf('Invoice 2026-11'))]);
        break;
      case 'internal-only':
        subject = '定例会議 議事録';
        // The domain in capitals is still internal: domains compare case-insensitively.
        to = mailbox(name(colleague), colleague.email.replace(/@.*/, `@${domain.toUpperCase()}`));
        cc = `somu@${domain}`;
        root = multipart('mixed', boundary('mix'), [text('議事録を共有します。\r\n'), attachment('議事録_1106.pdf', 'application/pdf', plainPdf('Minutes'))]);
        break;
      case 'smime-enveloped':
        subject = '契約書ドラフト（暗号化）';
        to = mailbox('法務部 御中', `legal@${EXTERNAL.partner}`);
        root = {
          headers: ['Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', 'Content-Disposition: attachment; filename="smime.p7m"', 'Content-Transfer-Encoding: base64'],
          body: b64(envelopedData(rng)),
        };
        break;
      case 'inline-image':
        subject = 'ウェビナーご案内';
        to = mailbox('ご担当者様', `info@${EXTERNAL.client}`);
        root = multipart('related', boundary('rel'), [
          text('<html><body><img src="cid:logo@example"><p>ウェビナーのご案内です。</p></body></html>', 'html'),
          { headers: ['Content-Type: image/png; name="logo.png"', 'Content-Disposition: inline; filename="logo.png"', 'Content-ID: <logo@example>', 'Content-Transfer-Encoding: base64'], body: b64(PNG) },
        ]);
        break;
      case 'mixed-zip':
        subject = '派遣スタッフ名簿の件';
        to = mailbox('人材担当 様', `hr@${EXTERNAL.agency}`);
        cc = mailbox(name(colleague), colleague.email);
        // The workbook is encrypted but the note beside it is not: not every entry is.
        root = multipart('mixed', boundary('mix'), [
          text('名簿をお送りします。\r\n'),
          attachment('名簿.zip', 'application/x-zip-compressed', zip([{ name: '名簿.xlsx', encryptedSize: 15_872 }, { name: 'readme.txt', content: Buffer.from('パスワードは別送します。\r\n', 'utf8') }], rng)),
        ]);
        break;
      case 'calendar-only':
        subject = '打ち合わせのご依頼';
        to = mailbox('山本 様', `yamamoto@${EXTERNAL.partner}`);
        root = multipart('mixed', boundary('mix'), [
          text('打ち合わせの招待をお送りします。\r\n'),
          attachment('invite.ics', 'text/calendar; method=REQUEST', Buffer.from(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:${stamp}@${domain}\r\nSUMMARY:打ち合わせ\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`, 'utf8')),
        ]);
        break;
      case 'inbound':
        subject = 'ご提案資料';
        fromHeader = mailbox('営業部 佐々木', `sasaki@${EXTERNAL.partner}`);
        to = sender;
        root = multipart('mixed', boundary('mix'), [text('ご提案資料をお送りします。\r\n'), attachment('提案書.pdf', 'application/pdf', plainPdf('Proposal'))]);
        break;
      case 'before-period':
        subject = '9月分 作業報告書';
        to = mailbox('田中 一郎 様', `tanaka@${EXTERNAL.client}`);
        root = multipart('mixed', boundary('mix'), [text('作業報告書をお送りします。\r\n'), attachment('作業報告書_202609.pdf', 'application/pdf', plainPdf('Report 2026-09'))]);
        break;
      case 'signed-encrypted-zip':
        subject = '図面送付（署名付き）';
        to = mailbox('設計ご担当 様', `design@${EXTERNAL.partner}`);
        root = multipart(
          'signed',
          boundary('sig'),
          [
            multipart('mixed', boundary('mix'), [text('図面をお送りします。パスワードは別送します。\r\n'), attachment('図面.zip', 'application/zip', zip([{ name: '図面_A.pdf', encryptedSize: 120_000 }], rng))]),
            { headers: ['Content-Type: application/pkcs7-signature; name="smime.p7s"', 'Content-Disposition: attachment; filename="smime.p7s"', 'Content-Transfer-Encoding: base64'], body: b64(randomBytes(rng, 1500)) },
          ],
          `;${CRLF} protocol="application/pkcs7-signature"; micalg=sha-256`,
        );
        break;
      case 'bcc-plain-xlsx':
        subject = '顧客リスト（最新版）';
        to = mailbox(name(colleague), colleague.email);
        // A copy to a private address: the only external recipient is in Bcc.
        bcc = `${from.givenRomaji}.${from.familyRomaji}@${EXTERNAL.personal}`;
        root = multipart('mixed', boundary('mix'), [text('最新版です。\r\n'), attachment('顧客リスト.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', plainXlsx(rng))]);
        break;
    }
    headers.push(`Return-Path: <${c.case === 'inbound' ? `sasaki@${EXTERNAL.partner}` : from.email}>`);
    headers.push(`From: ${fromHeader}`, `To: ${to}`);
    if (cc) headers.push(`Cc: ${cc}`);
    if (bcc) headers.push(`Bcc: ${bcc}`);
    headers.push(`Subject: ${word(subject)}`, `Date: ${rfc2822(date)}`, `Message-ID: <${messageId}>`, 'MIME-Version: 1.0', ...root.headers);
    const bytes = Buffer.from(`${headers.join(CRLF)}${CRLF}${CRLF}${root.body}`, 'utf8');
    // Maildir: <seconds>.M<micro>P<pid>Q<n>.<host>:2,<flags> — unique, sortable by delivery.
    const file = `${Math.floor(date / 1000)}.M${rng.int(100000, 999999)}P${rng.int(1000, 60000)}Q${n + 1}.mail.${domain}:2,S`;
    return { case: c.case, file, messageId, date, bytes };
  });
}
