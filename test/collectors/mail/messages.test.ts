/**
 * Message classification per KPIS.md (encryption-miss-rate): the real .eml fixtures with their
 * fields checked by hand, and one hand-written message per rule.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, type ClassifyOptions } from '../../../src/collectors/mail/classify.ts';
import { parseMessage } from '../../../src/collectors/mail/parse-message.ts';
import type { MailRecord } from '../../../src/evidence/records.ts';
import { attachment, b64, message, multipart, outboundWith, textPart, zip } from './build.ts';

const EML = join(import.meta.dirname, '../../fixtures/mail/real/eml');
const FALLBACK = new Date('2026-11-25T00:00:00Z');

async function run(raw: Buffer, over: Partial<ClassifyOptions> = {}) {
  const parsed = await parseMessage(raw);
  return classify(parsed, { internalDomains: ['example.co.jp'], ignorableExtensions: ['.ics', '.vcf'], fallbackDate: FALLBACK, ...over });
}

async function record(raw: Buffer, over: Partial<ClassifyOptions> = {}): Promise<MailRecord> {
  const c = await run(raw, over);
  if (c.kind !== 'record') throw new Error(`expected a record, got ${JSON.stringify(c)}`);
  return c.record;
}

const eml = (f: string) => readFileSync(join(EML, f));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const ENC_ZIP = zip([{ name: 'a.txt', data: Buffer.alloc(22, 9), flags: 1, compressedSize: 22, size: 10 }]);
const FROM = 'Taro <taro@example.co.jp>';

describe('real .eml fixtures', () => {
  it('attachment_nonascii_filename.eml: raw UTF-8 name, internal recipients only', async () => {
    const r = await record(eml('attachment_nonascii_filename.eml'), { internalDomains: ['example.com'] });
    expect(r).toEqual({
      messageId: '9169D984-4E0B-45EF-82D4-8F5E53AD7012@example.com',
      date: '2005-06-06T22:21:22.000+02:00',
      sender: 'foo@example.com',
      senderDomain: 'example.com',
      externalRecipientDomains: [],
      protected: false,
      attachments: [{ name: 'ciële.txt', contentType: 'text/plain', size: 11, encrypted: false, reason: 'not an encrypted format (.txt)' }],
    });
  });

  it('attachment_pdf.eml: mbox From_ line before the headers, a truncated PDF', async () => {
    const r = await record(eml('attachment_pdf.eml'), { internalDomains: ['xxxx.com'] });
    expect(r.messageId).toBe('xxxx@xxxx.com');
    expect(r.date).toBe('2005-05-10T11:26:39.000-06:00');
    expect(r.sender).toBe('xxxx@xxxx.com');
    expect(r.attachments.map((a) => [a.name, a.contentType, a.encrypted])).toEqual([['broken.pdf', 'application/pdf', false]]);
  });

  it('attachment_with_base64_encoded_name.eml: RFC 2047 name; the .pdf is really PKCS#7 signed-data', async () => {
    const r = await record(eml('attachment_with_base64_encoded_name.eml'), { internalDomains: ['gmail.com'] });
    expect(r.externalRecipientDomains).toEqual(['xxxxxxxxx.com']);
    expect(r.attachments).toHaveLength(1);
    expect(r.attachments[0]).toMatchObject({ name: 'This is a test.pdf', contentType: 'application/pdf', encrypted: false, reason: 'pkcs7: signed-data, not encrypted' });
  });

  it('attachment_with_encoded_name.eml: RFC 2231 ISO-2022-JP name with a bad byte degrades to a readable name', async () => {
    const r = await record(eml('attachment_with_encoded_name.eml'), { internalDomains: ['gmail.com'] });
    expect(r.attachments).toHaveLength(1);
    expect(r.attachments[0]!.name).toMatch(/^01 Quien Te Dij.*at\. Pitbull\.mp3$/);
    expect(r.attachments[0]!.encrypted).toBe(false);
  });

  it('bad_encoded_subject.eml: no sender at all → rejected with a reason, no crash', async () => {
    expect(await run(eml('bad_encoded_subject.eml'))).toEqual({ kind: 'rejected', reason: 'no sender address (From, Sender, Return-Path)' });
  });

  it('japanese_attachment.eml: RFC 2047 UTF-8 name', async () => {
    const r = await record(eml('japanese_attachment.eml'), { internalDomains: ['gmail.com'] });
    expect(r.attachments).toEqual([{ name: 'てすと.txt', contentType: 'text/plain', size: 33, encrypted: false, reason: 'not an encrypted format (.txt)' }]);
    expect(r.date).toBe('2009-10-16T23:39:34.000+11:00');
  });

  it('japanese_attachment_long_name.eml: RFC 2231 continuations win over the encoded-word name', async () => {
    const r = await record(eml('japanese_attachment_long_name.eml'), { internalDomains: ['test.lindsaar.net'] });
    expect(r.attachments.map((a) => [a.name, a.size])).toEqual([['かきくけこ'.repeat(5) + '.txt', 18]]);
    expect(r.externalRecipientDomains).toEqual(['gmail.com']);
  });

  it('japanese_iso_2022.eml: no Message-ID and no Date → header-hash key, observation date', async () => {
    const c = await run(eml('japanese_iso_2022.eml'), { internalDomains: ['gmail.com'] });
    expect(c.kind).toBe('record');
    if (c.kind !== 'record') return;
    expect(c.key).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(c.record.messageId).toBe(c.key);
    expect(c.record.date).toBe('2026-11-25T00:00:00.000Z');
    expect(c.problems).toEqual(['message-id', 'date']);
    expect(c.record.attachments).toEqual([]);
  });

  it('japanese_shift_jis.eml: 8-bit Shift_JIS body, zone comment in the date', async () => {
    const r = await record(eml('japanese_shift_jis.eml'), { internalDomains: ['docomo.ne.jp'] });
    expect(r).toMatchObject({ messageId: 'xxxxx@docomo.ne.jp', date: '2014-05-28T17:18:19.000+09:00', sender: 'xxxxxxx@docomo.ne.jp', externalRecipientDomains: ['example.com'], attachments: [] });
  });

  it('multi_address_bounce1.eml: a bounce with the returned message inline is no attachment', async () => {
    const r = await record(eml('multi_address_bounce1.eml'), { internalDomains: ['lvmail01.ll.com'] });
    expect(r.senderDomain).toBe('lvmail01.ll.com');
    expect(r.externalRecipientDomains).toEqual(['ll.com']);
    expect(r.attachments).toEqual([]);
  });

  it('an inbound message (sender outside) is skipped', async () => {
    expect(await run(eml('japanese_attachment.eml'))).toEqual({ kind: 'skipped', reason: 'inbound' });
  });
});

describe('protection of the message as a whole', () => {
  it('S/MIME enveloped-data → protected, attachments not looked at', async () => {
    const root = { headers: ['Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', 'Content-Disposition: attachment; filename="smime.p7m"', 'Content-Transfer-Encoding: base64'], body: b64(Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03])) };
    const r = await record(message({ from: FROM, to: 'a@client.example', messageId: 'e@x' }, root));
    expect(r).toMatchObject({ protected: true, protection: 'S/MIME enveloped-data', attachments: [] });
  });

  it('x-pkcs7-mime without smime-type: the CMS content type decides (enveloped)', async () => {
    const root = { headers: ['Content-Type: application/x-pkcs7-mime; name="smime.p7m"', 'Content-Transfer-Encoding: base64'], body: b64(Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03])) };
    expect((await record(message({ from: FROM, to: 'a@client.example' }, root))).protected).toBe(true);
  });

  it('S/MIME signed-data is NOT encrypted: the opaque smime.p7m counts as an unencrypted attachment', async () => {
    const root = { headers: ['Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"', 'Content-Disposition: attachment; filename="smime.p7m"', 'Content-Transfer-Encoding: base64'], body: b64(Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02])) };
    const r = await record(message({ from: FROM, to: 'a@client.example' }, root));
    expect(r.protected).toBe(false);
    expect(r.attachments.map((a) => [a.name, a.encrypted])).toEqual([['smime.p7m', false]]);
  });

  it('multipart/signed: the .p7s signature is not an attachment, the PDF is', async () => {
    const signed = multipart('signed', [multipart('mixed', [textPart('hi'), attachment('q.pdf', 'application/pdf', PDF)], 'inner'), attachment('smime.p7s', 'application/pkcs7-signature', Buffer.from([0x30, 0x80]))], 'sig', '; protocol="application/pkcs7-signature"; micalg=sha-256');
    const r = await record(message({ from: FROM, to: 'a@client.example' }, signed));
    expect(r.protected).toBe(false);
    expect(r.attachments.map((a) => [a.name, a.encrypted])).toEqual([['q.pdf', false]]);
  });

  it('PGP/MIME multipart/encrypted → protected', async () => {
    const enc = multipart('encrypted', [{ headers: ['Content-Type: application/pgp-encrypted'], body: 'Version: 1' }, { headers: ['Content-Type: application/octet-stream; name="encrypted.asc"'], body: '-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA\r\n-----END PGP MESSAGE-----' }], 'pgp', '; protocol="application/pgp-encrypted"');
    const r = await record(message({ from: FROM, to: 'a@client.example' }, enc));
    expect(r).toMatchObject({ protected: true, protection: 'PGP/MIME multipart/encrypted (application/pgp-encrypted)', attachments: [] });
  });

  it('inline PGP message body → protected', async () => {
    const r = await record(message({ from: FROM, to: 'a@client.example' }, textPart('\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n')));
    expect(r).toMatchObject({ protected: true, protection: 'inline PGP message' });
  });

  it('a PGP block quoted later in a plain body does not protect the message', async () => {
    const r = await record(message({ from: FROM, to: 'a@client.example' }, multipart('mixed', [textPart('Hello,\r\n-----BEGIN PGP MESSAGE-----\r\nx\r\n'), attachment('a.pdf', 'application/pdf', PDF)])));
    expect(r.protected).toBe(false);
    expect(r.attachments).toHaveLength(1);
  });
});

describe('which parts count as attachments', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  it('an inline image referenced by the HTML body (cid:, even quoted-printable split) is excluded; an unreferenced one counts', async () => {
    const html = { headers: ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], body: '<p>logo <img src=3D"cid:logo=\r\n@example.co.jp"></p>' };
    const related = multipart('related', [html, attachment('logo.png', 'image/png', png, ['Content-ID: <logo@example.co.jp>']), attachment('photo.png', 'image/png', png, ['Content-ID: <photo@example.co.jp>'])], 'rel');
    const r = await record(message({ from: FROM, to: 'a@client.example' }, related));
    expect(r.attachments.map((a) => a.name)).toEqual(['photo.png']);
  });

  it('.ics, .vcf and a nameless text/calendar attachment are ignorable; a configured extra extension too', async () => {
    const cal = { headers: ['Content-Type: text/calendar; method=REQUEST', 'Content-Disposition: attachment'], body: 'BEGIN:VCALENDAR' };
    const parts = [textPart('x'), attachment('invite.ics', 'text/calendar', Buffer.from('BEGIN:VCALENDAR')), attachment('card.VCF', 'text/vcard', Buffer.from('BEGIN:VCARD')), cal, attachment('notes.txt', 'text/plain', Buffer.from('n')), attachment('a.pdf', 'application/pdf', PDF)];
    const msg = message({ from: FROM, to: 'a@client.example' }, multipart('mixed', parts));
    expect((await record(msg)).attachments.map((a) => a.name)).toEqual(['notes.txt', 'a.pdf']);
    expect((await record(msg, { ignorableExtensions: ['.ics', '.vcf', 'txt'] })).attachments.map((a) => a.name)).toEqual(['a.pdf']);
  });

  it('a part with Content-Disposition attachment but no name counts; an inline text part does not', async () => {
    const nameless = { headers: ['Content-Type: application/octet-stream', 'Content-Disposition: attachment', 'Content-Transfer-Encoding: base64'], body: b64(ENC_ZIP) };
    const r = await record(message({ from: FROM, to: 'a@client.example' }, multipart('mixed', [textPart('body'), nameless])));
    expect(r.attachments).toEqual([{ contentType: 'application/octet-stream', size: ENC_ZIP.length, encrypted: true, reason: 'zip: all 1 file entries encrypted (ZipCrypto)' }]);
  });

  it('broken encoded words and raw 8-bit names degrade the name only', async () => {
    const parts = [
      textPart('x'),
      attachment('=?NONE?B?VEVTVA=?=', 'application/pdf', PDF),
      { headers: ['Content-Type: application/pdf; name="=?ISO-2022-JP?B?GyRCO3FOQRsoQg==?=.pdf"', 'Content-Disposition: attachment', 'Content-Transfer-Encoding: base64'], body: b64(PDF) },
      { headers: ['Content-Type: application/pdf', 'Content-Disposition: attachment; filename="=?Shift_JIS?B?jKmQz4+R?=.pdf"', 'Content-Transfer-Encoding: base64'], body: b64(PDF) },
    ];
    const r = await record(message({ from: FROM, to: 'a@client.example' }, multipart('mixed', parts)));
    expect(r.attachments).toHaveLength(3);
    expect(r.attachments[1]!.name).toBe('資料.pdf');
    expect(r.attachments[2]!.name).toBe('見積書.pdf');
    expect(r.attachments.every((a) => a.contentType === 'application/pdf' && a.encrypted === false)).toBe(true);
  });
});

describe('senders and recipients', () => {
  const att = attachment('a.pdf', 'application/pdf', PDF);
  it('internal-only recipients → no external recipient domain', async () => {
    const r = await record(message({ from: FROM, to: 'b@example.co.jp', cc: 'c@EXAMPLE.co.jp' }, multipart('mixed', [att])));
    expect(r.externalRecipientDomains).toEqual([]);
  });
  it('Bcc counts, domains compare case-insensitively and come out lower-case, sorted, once', async () => {
    const r = await record(message({ from: 'Taro <Taro@Example.CO.JP>', to: 'x@CLIENT.Example, "y@example.co.jp" <y@example.co.jp>', bcc: 'z@Other.example, w@client.example' }, multipart('mixed', [att])));
    expect(r.senderDomain).toBe('example.co.jp');
    expect(r.sender).toBe('taro@example.co.jp');
    expect(r.externalRecipientDomains).toEqual(['client.example', 'other.example']);
  });
  it('journal envelope headers (X-Original-To, Envelope-To) add recipients', async () => {
    const r = await record(message({ from: FROM, to: 'b@example.co.jp', extra: ['X-Original-To: hidden@secret.example', 'Envelope-To: journal@example.co.jp'] }, multipart('mixed', [att])));
    expect(r.externalRecipientDomains).toEqual(['secret.example']);
  });
  it('groups and undisclosed recipients do not break parsing', async () => {
    const r = await record(message({ from: FROM, to: 'undisclosed-recipients:;', cc: 'team: a@client.example, b@example.co.jp;' }, multipart('mixed', [att])));
    expect(r.externalRecipientDomains).toEqual(['client.example']);
  });
  it('pseudonymised sender: HMAC-SHA256 of the address, domain kept', async () => {
    const r = await record(outboundWith(att), { pseudonymKey: 'k3y' });
    const expected = createHmac('sha256', 'k3y').update('taro@example.co.jp').digest('hex');
    expect(r.sender).toBe(`${expected}@example.co.jp`);
    expect(r.sender).not.toContain('taro');
  });
  it('the same headers without a Message-ID give the same key', async () => {
    const a = await run(message({ from: FROM, to: 'a@client.example' }, multipart('mixed', [att])));
    const b = await run(message({ from: FROM, to: 'a@client.example' }, multipart('mixed', [att])));
    expect(a.kind === 'record' && b.kind === 'record' && a.key === b.key).toBe(true);
  });
  it('an unreadable Date falls back to the first Received header', async () => {
    const r = await record(message({ from: FROM, to: 'a@client.example', date: 'sometime', extra: ['Received: from a by b; Wed, 11 Nov 2026 09:30:00 +0900'] }, multipart('mixed', [att])));
    expect(r.date).toBe('2026-11-11T09:30:00.000+09:00');
  });
});

describe('MIME structure', () => {
  it('LF line endings, a preamble and epilogue, and an inner boundary that extends the outer one', async () => {
    const raw = [
      'From: taro@example.co.jp',
      'To: a@client.example',
      'Message-ID: <lf@example.co.jp>',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      'This is a preamble.',
      '--b',
      'Content-Type: multipart/alternative; boundary="b2"',
      '',
      '--b2',
      'Content-Type: text/plain',
      '',
      'text',
      '--b2--',
      '--b  ',
      'Content-Type: application/zip; name="x.zip"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(ENC_ZIP).replace(/\r\n/g, '\n'),
      '--b',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename=y.pdf',
      '',
      '%PDF-1.4 no trailer',
      '--b--',
      'epilogue --b',
      '',
    ].join('\n');
    const r = await record(Buffer.from(raw));
    expect(r.attachments.map((a) => [a.name, a.size, a.encrypted])).toEqual([
      ['x.zip', ENC_ZIP.length, true],
      ['y.pdf', 19, false],
    ]);
  });

  it('a truncated message (no closing delimiter) still yields the parts it has', async () => {
    const full = outboundWith(attachment('a.pdf', 'application/pdf', PDF)).toString('latin1');
    const cut = full.slice(0, full.lastIndexOf('--b-mixed-2--'));
    const r = await record(Buffer.from(cut, 'latin1'));
    expect(r.attachments.map((a) => a.name)).toEqual(['a.pdf']);
  });
});

describe('Exchange envelope journaling', () => {
  const original = message({ from: 'Taro <taro@example.co.jp>', to: 'hanako@example.co.jp', messageId: 'orig1@example.co.jp' }, multipart('mixed', [textPart('plan attached'), attachment('plan.pdf', 'application/pdf', PDF)]));
  const report = (journalHeader: boolean) =>
    message(
      { from: 'Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.co.jp>', to: 'journal@example.co.jp', messageId: 'jr1@example.co.jp', extra: journalHeader ? ['X-MS-Journal-Report:'] : [] },
      multipart('mixed', [
        textPart('Sender: taro@example.co.jp\r\nSubject: plan\r\nMessage-Id: <orig1@example.co.jp>\r\nTo: hanako@example.co.jp\r\nBcc: secret@Hidden.example\r\nTo: list@example.co.jp, Expanded: outside@partner.example', 'text/plain; charset=us-ascii'),
        { headers: ['Content-Type: message/rfc822', 'Content-Disposition: attachment'], body: original.toString('latin1') },
      ], 'jr'),
    );

  it('the journaled original is classified, with the report envelope recipients (Bcc, expanded lists)', async () => {
    const r = await record(report(true));
    expect(r.messageId).toBe('orig1@example.co.jp');
    expect(r.sender).toBe('taro@example.co.jp');
    expect(r.externalRecipientDomains).toEqual(['hidden.example', 'partner.example']);
    expect(r.attachments.map((a) => [a.name, a.encrypted])).toEqual([['plan.pdf', false]]);
  });

  it('without the journal-report header the same message is a report with a forwarded message attached', async () => {
    const r = await record(report(false));
    expect(r.messageId).toBe('jr1@example.co.jp');
    expect(r.externalRecipientDomains).toEqual([]);
  });
});

describe('damaged messages', () => {
  it('every real .eml cut at ~60 points parses and classifies without throwing', async () => {
    const { readdirSync } = await import('node:fs');
    for (const f of readdirSync(EML)) {
      const bytes = eml(f);
      for (let cut = 0; cut <= bytes.length; cut += Math.max(1, Math.floor(bytes.length / 60))) {
        const parsed = await parseMessage(bytes.subarray(0, cut));
        const c = classify(parsed, { internalDomains: ['example.com', 'gmail.com'], ignorableExtensions: [], fallbackDate: FALLBACK });
        expect(['record', 'skipped', 'rejected']).toContain(c.kind);
      }
    }
  });
});
