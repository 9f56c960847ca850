/**
 * E2E audit (KPIS.md "encryption-miss-rate"): hand-written .eml files and an mbox, with real
 * encrypted and plain attachments (fixtures/SOURCES.md) → collect → evaluate.
 *
 * Organisation Asia/Tokyo, fiscal year from April, internal domain corp.example.
 * T = 2026-06-30T12:00+09:00, period quarter = fiscal Q1 [2026-04-01T00:00+09:00, T].
 *
 *  M1  ann → x@partner.example, plain PDF                               → population, MISS
 *  M2  ann → x@PARTNER.Example, R4 AES PDF with a user password          → population, encrypted
 *  M3  ann → bob@corp.example only, plain PDF                            → internal only: out
 *  M4  ann → To bob@corp.example, Bcc y@ext.example, ZipCrypto ZIP       → population (Bcc), encrypted
 *  M5  ann → partner, ZIP with one encrypted and one plain entry         → population, MISS
 *  M6  ann → partner, multipart/signed: inline PNG referenced by cid:, invite.ics, smime.p7s
 *                                                                        → no counted attachment: out
 *  M7  ann → partner, S/MIME application/pkcs7-mime enveloped-data       → population, protected
 *  M9  x@partner.example → ann, plain PDF                                → inbound: out
 *  M10 ann → partner, plain PDF, Date Tue, 31 Mar 2026 23:59:59 +0900    → before Q1: out
 *  M11 ann → partner, plain PDF, Date Tue, 31 Mar 2026 15:00:00 +0000 (= 04-01 00:00 JST)
 *                                                                        → population, MISS
 *  M12 ann → partner, encrypted docx (EncryptedPackage) + ZIP all entries encrypted
 *                                                                        → population, encrypted
 *  M13 ann → partner, plain docx                                         → population, MISS
 *  M14 ann → partner, PGP/MIME multipart/encrypted (mbox)                → population, protected
 *  M15 ann → partner, inline -----BEGIN PGP MESSAGE----- body (mbox)     → population, protected
 *  M16 ann → partner, RC4 CryptoAPI .doc (legacy encryption flags)       → population, encrypted
 *  M17 the same Message-ID as M1, again in the mbox                      → counted once
 *  M18 "Ann" <ANN@Corp.Example> → partner, part with Content-Disposition: attachment and no
 *      filename (application/octet-stream)                               → population, MISS
 *  M20 ann → partner, "report.zip" = AES (method 99) ZIP                 → population, encrypted
 * Population {1,2,4,5,7,11,12,13,14,15,16,18,20} = 13, misses {1,5,11,13,18} = 5 → 5/13.
 *
 * Not asserted (KPIS.md leaves it open; README decides): a PDF with /Encrypt that opens with an
 * empty user password, a ZIP whose flag is set on unencrypted data, opaque-signed smime.p7m.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objective, Workspace } from './harness.ts';

const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fx = (name: string) => readFileSync(join(FIX, name));
const PLAIN_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \ntrailer << /Size 3 /Root 1 0 R >>\nstartxref\n109\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

interface Att {
  name?: string;
  type: string;
  data: Buffer;
  inlineCid?: string;
}
function b64(buf: Buffer): string {
  return buf.toString('base64').replace(/.{76}/g, '$&\r\n');
}
function eml(o: { id: string; from?: string; to?: string; cc?: string; bcc?: string; date?: string; atts?: Att[]; html?: string }): string {
  const B = `b-${o.id}`;
  const head = [
    `From: ${o.from ?? 'Ann <ann@corp.example>'}`,
    `To: ${o.to ?? 'X <x@partner.example>'}`,
    ...(o.cc ? [`Cc: ${o.cc}`] : []),
    ...(o.bcc ? [`Bcc: ${o.bcc}`] : []),
    `Subject: ${o.id}`,
    `Date: ${o.date ?? 'Fri, 15 May 2026 10:00:00 +0900'}`,
    `Message-ID: <${o.id}@corp.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${B}"`,
  ];
  const parts = [`--${B}\r\nContent-Type: ${o.html ? 'text/html' : 'text/plain'}; charset=utf-8\r\n\r\n${o.html ?? 'see attached'}\r\n`];
  for (const a of o.atts ?? []) {
    const disp = a.inlineCid ? `inline${a.name ? `; filename="${a.name}"` : ''}` : `attachment${a.name ? `; filename="${a.name}"` : ''}`;
    parts.push(`--${B}\r\nContent-Type: ${a.type}${a.name ? `; name="${a.name}"` : ''}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: ${disp}\r\n${a.inlineCid ? `Content-ID: <${a.inlineCid}>\r\n` : ''}\r\n${b64(a.data)}\r\n`);
  }
  return `${head.join('\r\n')}\r\n\r\n${parts.join('')}--${B}--\r\n`;
}
const pdf = (name = 'quote.pdf'): Att => ({ name, type: 'application/pdf', data: PLAIN_PDF });

let ws: Workspace;
let cfg: string;
const T = '2026-06-30T12:00:00+09:00';

beforeAll(() => {
  ws = new Workspace();
  const m: Record<string, string> = {
    M1: eml({ id: 'M1', atts: [pdf()] }),
    M2: eml({ id: 'M2', to: 'x@PARTNER.Example', atts: [{ name: 'invoice.pdf', type: 'application/pdf', data: fx('pypdf_r4-aes-user-password.pdf') }] }),
    M3: eml({ id: 'M3', to: 'bob@corp.example', atts: [pdf()] }),
    M4: eml({ id: 'M4', to: 'bob@corp.example', bcc: 'y@ext.example', atts: [{ name: 'data.zip', type: 'application/zip', data: fx('zip2_zip_crypto_file_from_tests_zip_crypto_rs.zip') }] }),
    M5: eml({ id: 'M5', atts: [{ name: 'mixed.zip', type: 'application/zip', data: fx('mixed.zip') }] }),
    M7:
      'From: ann@corp.example\r\nTo: x@partner.example\r\nSubject: M7\r\nDate: Fri, 15 May 2026 10:00:00 +0900\r\nMessage-ID: <M7@corp.example>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="smime.p7m"\r\n\r\n' +
      b64(Buffer.from('3080060a2a864886f70d010703a0803080020100', 'hex')) + '\r\n',
    M9: eml({ id: 'M9', from: 'x@partner.example', to: 'ann@corp.example', atts: [pdf()] }),
    M10: eml({ id: 'M10', date: 'Tue, 31 Mar 2026 23:59:59 +0900', atts: [pdf()] }),
    M11: eml({ id: 'M11', date: 'Tue, 31 Mar 2026 15:00:00 +0000', atts: [pdf()] }),
    M12: eml({
      id: 'M12',
      atts: [
        { name: '見積書.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: fx('msoffcrypto_example_password.docx') },
        { name: 'all.zip', type: 'application/zip', data: fx('allenc.zip') },
      ],
    }),
    M13: eml({ id: 'M13', atts: [{ name: 'plain.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: fx('msoffcrypto_example.docx') }] }),
    M16: eml({ id: 'M16', atts: [{ name: 'legacy.doc', type: 'application/msword', data: fx('msoffcrypto_rc4cryptoapi_password.doc') }] }),
    M18: eml({ id: 'M18', from: '"Ann" <ANN@Corp.Example>', atts: [{ type: 'application/octet-stream', data: Buffer.from('just some bytes, not encrypted at all') }] }),
    M20: eml({ id: 'M20', atts: [{ name: 'report.zip', type: 'application/octet-stream', data: fx('zip2_aes_archive.zip') }] }),
  };
  // M6: multipart/signed around a multipart/mixed with an HTML body, its cid: image and an .ics.
  const inner = eml({
    id: 'M6',
    html: '<p>hello <img src="cid:logo@corp"></p>',
    atts: [
      { name: 'logo.png', type: 'image/png', data: PNG, inlineCid: 'logo@corp' },
      { name: 'invite.ics', type: 'text/calendar', data: Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n') },
    ],
  });
  const innerBody = inner.slice(inner.indexOf('Content-Type: multipart/mixed'));
  m.M6 =
    'From: ann@corp.example\r\nTo: x@partner.example\r\nSubject: M6\r\nDate: Fri, 15 May 2026 10:00:00 +0900\r\nMessage-ID: <M6@corp.example>\r\nMIME-Version: 1.0\r\n' +
    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="sig"\r\n\r\n' +
    `--sig\r\n${innerBody}\r\n--sig\r\nContent-Type: application/pkcs7-signature; name="smime.p7s"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="smime.p7s"\r\n\r\n${b64(Buffer.from('3080060a2a864886f70d010702', 'hex'))}\r\n--sig--\r\n`;
  for (const [k, v] of Object.entries(m)) ws.write(`eml/${k}.eml`, v);

  const pgpMime =
    'From: ann@corp.example\r\nTo: x@partner.example\r\nSubject: M14\r\nDate: Fri, 15 May 2026 11:00:00 +0900\r\nMessage-ID: <M14@corp.example>\r\nMIME-Version: 1.0\r\n' +
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="pgp"\r\n\r\n' +
    '--pgp\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--pgp\r\nContent-Type: application/octet-stream; name="encrypted.asc"\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMAw==\r\n-----END PGP MESSAGE-----\r\n\r\n--pgp--\r\n';
  const inlinePgp =
    'From: ann@corp.example\r\nTo: x@partner.example\r\nSubject: M15\r\nDate: Fri, 15 May 2026 12:00:00 +0900\r\nMessage-ID: <M15@corp.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n' +
    '-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMAw==\r\n-----END PGP MESSAGE-----\r\n';
  const toMbox = (s: string) => s.replace(/\r\n/g, '\n');
  ws.write(
    'journal.mbox',
    `From ann@corp.example Fri May 15 11:00:00 2026\n${toMbox(pgpMime)}\nFrom ann@corp.example Fri May 15 12:00:00 2026\n${toMbox(inlinePgp)}\nFrom ann@corp.example Fri May 15 10:00:00 2026\n${toMbox(m.M1!)}\n`,
  );

  cfg = ws.config(
    `  - { id: eml, kind: mail-journal, format: eml, path: eml }
  - { id: mbox, kind: mail-journal, format: mbox, path: journal.mbox }`,
    objective('enc', 'encryption-miss-rate', 'quarter'),
  );
  ws.collect(cfg, { observedAt: '2026-06-01T00:00:00+09:00' });
});
afterAll(() => ws.dispose());

describe('encryption-miss-rate end to end (eml tree + mbox)', () => {
  it('5 misses of 13 outbound messages with attachments to outside parties', () => {
    const o = ws.evaluate(cfg, T).enc!;
    expect([o.numerator, o.denominator]).toEqual([5, 13]);
    expect(o.value).toBeCloseTo(5 / 13, 12);
    expect(o.status).toBe('missed');
  });

  it('the failing messages are exactly the hand-picked misses', () => {
    const ids = ws.evidence(cfg, 'enc', T).failing.map((f) => f.id).sort();
    expect(ids).toEqual(['M1@corp.example', 'M11@corp.example', 'M13@corp.example', 'M18@corp.example', 'M5@corp.example'].sort());
  });
});

/**
 * Real messages of mikel/mail (2005): internal domains gmail.com and xxxx.com; T = 2005-12-31,
 * period year (January start).
 *   attachment_with_base64_encoded_name.eml: gmail.com → xxxxxxxxx.com, an RFC 2047-named
 *     attachment declared application/pdf that is PKCS#7 signedData (checked with openssl
 *     asn1parse: OID pkcs7-signedData) → signed, not encrypted → population, MISS
 *   attachment_pdf.eml: xxxx.com → xxxx.com only → no external recipient: out
 *   japanese_attachment.eml: 2009 → outside 2005
 *   → 1 / 1
 */
describe('encryption-miss-rate on real messages', () => {
  let ws2: Workspace;
  let cfg2: string;
  beforeAll(() => {
    ws2 = new Workspace();
    for (const f of ['attachment_with_base64_encoded_name.eml', 'japanese_attachment.eml', 'attachment_pdf.eml']) ws2.write(`eml/${f}`, fx(f));
    cfg2 = ws2.config('  - { id: eml, kind: mail-journal, format: eml, path: eml }', objective('enc', 'encryption-miss-rate', 'year'), 'timeZone: UTC\n  internalDomains: [gmail.com, xxxx.com]');
    ws2.collect(cfg2, { observedAt: '2005-06-01T00:00:00Z' });
  });
  afterAll(() => ws2.dispose());

  it('the signed PKCS#7 "pdf" is an unencrypted attachment: 1 miss of 1', () => {
    const o = ws2.evaluate(cfg2, '2005-12-31T00:00:00Z').enc!;
    expect([o.numerator, o.denominator]).toEqual([1, 1]);
  });
});
