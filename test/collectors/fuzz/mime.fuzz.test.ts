/**
 * Property tests of the MIME header handling (issue 12, last paragraph): messages whose root and
 * part headers hold hostile lines (any names and values, RFC 2047 words, RFC 2231 parameters,
 * broken boundaries, folding) never throw out of the parser and classifier, never hang, and —
 * in an mbox between two valid messages — never change those messages' records.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { classify } from '../../../src/collectors/mail/classify.ts';
import { mailCollector } from '../../../src/collectors/mail/collector.ts';
import { parseMessage } from '../../../src/collectors/mail/parse-message.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { MailRecord } from '../../../src/evidence/records.ts';
import { attachment, message, multipart, textPart, zip } from '../mail/build.ts';
import { mailConfig, mailContext, mailSource, toArray } from '../mail/context.ts';
import { edits, hostileString, mutate, FC, withinHangGuard } from './arbitraries.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const ENC_ZIP = zip([{ name: 'a.txt', data: Buffer.alloc(22, 9), flags: 1, compressedSize: 22, size: 10 }]);
const OPTS = { internalDomains: ['example.co.jp'], ignorableExtensions: ['.ics', '.vcf'], fallbackDate: new Date('2026-11-25T00:00:00Z') };

const NAMES = ['Content-Type', 'Content-Disposition', 'Content-Transfer-Encoding', 'Content-ID', 'From', 'To', 'Cc', 'Bcc', 'Sender', 'Date', 'Received', 'X-Original-To', 'X-MS-Journal-Report', 'MIME-Version'];
const TYPES = ['multipart/mixed', 'multipart/alternative', 'multipart/encrypted', 'multipart/signed', 'application/pkcs7-mime', 'message/rfc822', 'text/plain', 'text/html', 'application/zip', 'image/png', ''];

/** A header value built to poke at MIME parsing, or any text at all. */
const headerValue = fc.oneof(
  hostileString(40),
  fc.tuple(fc.constantFrom(...TYPES), fc.array(fc.tuple(fc.constantFrom('boundary', 'name', 'filename', 'filename*', 'filename*0*', 'charset', 'protocol', 'smime-type'), hostileString(12), fc.boolean()), { maxLength: 4 })).map(
    ([t, ps]) => t + ps.map(([k, v, q]) => `; ${k}=${q ? `"${v}"` : v}`).join(''),
  ),
  fc.tuple(fc.constantFrom('utf-8', 'iso-2022-jp', 'shift_jis', 'x-unknown', ''), fc.constantFrom('B', 'Q', 'b', 'X'), hostileString(12)).map(([cs, enc, text]) => `=?${cs}?${enc}?${text}?= tail`),
  fc.constantFrom('attachment; filename*=utf-8\'\'%E5%A0%B1%E5', 'inline; filename="a\r\n b.pdf"', 'base64', 'quoted-printable', '8bit', 'x-uuencode', '<a@b> <c@d>', 'undisclosed-recipients:;', '"a@b" <@x,@y:c@d>'),
);

/** Header lines: a name (known, or any token) and a value, sometimes folded; CR/LF kept inside values. */
const headerLines = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[!-9;-~]{1,16}$/)), headerValue, fc.boolean()).map(([name, value, fold]) => `${name}: ${fold ? value.replace(/ /, '\r\n\t') : value}`),
  { minLength: 1, maxLength: 8 },
);

function withHeaders(raw: Buffer, lines: readonly string[], where: 'root' | 'part'): Buffer {
  const s = raw.toString('latin1');
  const extra = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8').toString('latin1');
  if (where === 'root') return Buffer.from(extra + s, 'latin1');
  // Before the attachment part's own headers.
  const i = s.lastIndexOf('Content-Type: application/');
  return Buffer.from(i < 0 ? extra + s : s.slice(0, i) + extra + s.slice(i), 'latin1');
}

const base = (id: string) => message({ from: 'taro@example.co.jp', to: 'p@client.example', messageId: id }, multipart('mixed', [textPart('hi'), attachment('plan.pdf', 'application/pdf', PDF)], 'bb'));

describe('MIME headers', () => {
  it('hostile root or part headers: parse and classify never throw or hang', async () => {
    await fc.assert(
      fc.asyncProperty(headerLines, fc.constantFrom('root' as const, 'part' as const), fc.option(edits(3)), async (lines, where, es) => {
        let raw = withHeaders(base('m@example.co.jp'), lines, where);
        if (es) raw = mutate(raw, es);
        await withinHangGuard(async () => classify(await parseMessage(raw), OPTS));
      }),
      FC,
    );
  });

  it('in an mbox, a message with hostile headers leaves the records of the messages around it as they are', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mime-fuzz-'));
    let n = 0;
    const first = base('first@example.co.jp');
    const last = message({ from: 'taro@example.co.jp', to: 'q@client.example', messageId: 'last@example.co.jp' }, multipart('mixed', [textPart('x'), attachment('data.zip', 'application/zip', ENC_ZIP)], 'cc'));
    // mboxrd, as a writer does it: one more '>' on every line that starts with '>*From '.
    const entry = (m: Buffer) => Buffer.concat([Buffer.from('From taro@example.co.jp Tue Nov 10 10:00:00 2026\n'), Buffer.from(m.toString('latin1').replace(/(^|\n)(>*From )/g, '$1>$2'), 'latin1'), Buffer.from('\n\n')]);
    const records = async (msgs: Buffer[]): Promise<MailRecord[]> => {
      const file = `m${n++}.mbox`;
      writeFileSync(path.join(dir, file), Buffer.concat(msgs.map(entry)));
      const c = mailContext(mailConfig(dir), createMemoryStore());
      const out = (await mailCollector.collect(mailSource('mbox', file), c)) as FactsOutput<'mail'>;
      return (await toArray(out.facts)).map((f) => ({ ...f.data, where: '' }));
    };
    try {
      const alone = await records([first, last]);
      expect(alone.map((r) => r.messageId)).toEqual(['first@example.co.jp', 'last@example.co.jp']);
      await fc.assert(
        fc.asyncProperty(headerLines, fc.constantFrom('root' as const, 'part' as const), async (lines, where) => {
          // Its hostile lines come before its own headers: they may change its record, no other.
          const hostile = withHeaders(base('middle@example.co.jp'), lines, where);
          const got = await withinHangGuard(() => records([first, hostile, last]));
          expect(got[0]).toEqual(alone[0]);
          expect(got.at(-1)).toEqual(alone[1]);
          expect(got.length).toBeLessThanOrEqual(3);
        }),
        FC,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
