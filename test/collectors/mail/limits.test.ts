/**
 * Messages the collector cannot follow to every part (issue 12, item 4): more parts than the
 * part limit, nesting deeper than the depth limit, a boundary never closed or never present.
 * Each is recorded with `notInspectable` naming why, and counts in the encryption population as
 * a miss; a message protected as a whole stays protected. Part and level counts by hand.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/collectors/mail/classify.ts';
import { mailCollector } from '../../../src/collectors/mail/collector.ts';
import { MAX_DEPTH, MAX_PARTS, parseMessage } from '../../../src/collectors/mail/parse-message.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { MailRecord } from '../../../src/evidence/records.ts';
import { encryptionMissRate } from '../../../src/kpi/encryption-miss-rate.ts';
import { ctx as kpiCtx, objective } from '../../kpi/helpers.ts';
import { attachment, b64, message, multipart, textPart, zip, type BuiltPart } from './build.ts';
import { mailConfig, mailContext, mailSource, toArray } from './context.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const ENC_ZIP = zip([{ name: 'a.txt', data: Buffer.alloc(22, 9), flags: 1, compressedSize: 22, size: 10 }]);
const ENV = { from: 'taro@example.co.jp', to: 'partner@client.example' };

async function record(raw: Buffer): Promise<MailRecord> {
  const c = classify(await parseMessage(raw), { internalDomains: ['example.co.jp'], ignorableExtensions: ['.ics', '.vcf'], fallbackDate: new Date('2026-11-25T00:00:00Z') });
  if (c.kind !== 'record') throw new Error(`expected a record, got ${JSON.stringify(c)}`);
  return c.record;
}

/** A multipart/mixed root with `texts` small text parts and then one attachment. */
function wide(texts: number, att: BuiltPart, id: string): Buffer {
  const parts = Array.from({ length: texts }, (): BuiltPart => ({ headers: ['Content-Type: text/plain'], body: 'x' }));
  return message({ ...ENV, messageId: id }, multipart('mixed', [...parts, att], 'wide'));
}

/** `levels` nested multipart/mixed parts, the attachment inside the innermost. */
function deep(levels: number, att: BuiltPart, id: string): Buffer {
  let part = att;
  for (let i = 0; i < levels - 1; i++) part = multipart('mixed', [part], `lvl${i}`);
  return message({ ...ENV, messageId: id }, multipart('mixed', [textPart('see attached'), part], 'root'));
}

const pdf = attachment('plan.pdf', 'application/pdf', PDF);
const encZip = attachment('data.zip', 'application/zip', ENC_ZIP);

describe('the part limit', () => {
  it(`the root and ${MAX_PARTS - 1} parts (${MAX_PARTS} in all) are inspected whole`, async () => {
    // 1 root + 9,998 text parts + 1 attachment = 10,000 parts.
    const r = await record(wide(MAX_PARTS - 2, pdf, 'at-limit@example.co.jp'));
    expect(r.notInspectable).toBeUndefined();
    expect(r.attachments.map((a) => a.name)).toEqual(['plan.pdf']);
  });

  it('one part more: the attachment past the limit is not seen, and the message is not inspectable', async () => {
    // 1 root + 9,999 text parts + 1 attachment = 10,001 parts: the attachment is the one left out.
    const r = await record(wide(MAX_PARTS - 1, encZip, 'over@example.co.jp'));
    expect(r.attachments).toEqual([]);
    expect(r.notInspectable).toBe('more than 10000 MIME parts');
    expect(r.protected).toBe(false);
  });
});

describe('the depth limit', () => {
  it(`${MAX_DEPTH} nested multiparts: the attachment inside is seen`, async () => {
    // root (depth 0) + 63 nested multiparts (depths 1..63): the PDF leaf sits at depth 64.
    const r = await record(deep(MAX_DEPTH, pdf, 'deep-ok@example.co.jp'));
    expect(r.notInspectable).toBeUndefined();
    expect(r.attachments.map((a) => a.name)).toEqual(['plan.pdf']);
  });

  it(`${MAX_DEPTH + 1} nested multiparts: the innermost is not followed; not inspectable`, async () => {
    const r = await record(deep(MAX_DEPTH + 1, encZip, 'deep@example.co.jp'));
    expect(r.attachments).toEqual([]);
    expect(r.notInspectable).toBe('MIME parts nested deeper than 64 levels');
  });
});

describe('boundaries', () => {
  const closed = message({ ...ENV, messageId: 'ok@example.co.jp' }, multipart('mixed', [textPart('hi'), encZip], 'b1'));
  const unclosed = Buffer.from(closed.toString('latin1').replace(/--b1--\r\n$/, ''), 'latin1');

  it('a well-formed message is inspected (the control case)', async () => {
    const r = await record(closed);
    expect(r.notInspectable).toBeUndefined();
    expect(r.attachments).toMatchObject([{ name: 'data.zip', encrypted: true }]);
  });

  it('the closing boundary missing: the parts seen are kept, and the message is not inspectable', async () => {
    expect(unclosed.toString('latin1')).not.toContain('--b1--');
    const r = await record(unclosed);
    expect(r.attachments).toMatchObject([{ name: 'data.zip', encrypted: true }]);
    expect(r.notInspectable).toBe('a multipart/mixed part whose closing boundary is missing');
  });

  it('an inner multipart left open inside a closed outer one', async () => {
    const inner = multipart('alternative', [textPart('a'), textPart('<p>a</p>', 'text/html')], 'in');
    const open = { headers: inner.headers, body: inner.body.replace('--in--\r\n', '') };
    const r = await record(message({ ...ENV, messageId: 'inner@example.co.jp' }, multipart('mixed', [open, pdf], 'out')));
    expect(r.attachments.map((a) => a.name)).toEqual(['plan.pdf']);
    expect(r.notInspectable).toBe('a multipart/alternative part whose closing boundary is missing');
  });

  it('the declared boundary never appears: nothing inside can be seen', async () => {
    const body = multipart('mixed', [textPart('hi'), pdf], 'real');
    const r = await record(message({ ...ENV, messageId: 'typo@example.co.jp' }, { headers: ['Content-Type: multipart/mixed; boundary="typo"'], body: body.body }));
    expect(r.attachments).toEqual([]);
    expect(r.notInspectable).toBe('a multipart/mixed part whose boundary never appears');
  });

  it('a multipart without a boundary parameter', async () => {
    const body = multipart('mixed', [textPart('hi'), pdf], 'real');
    const r = await record(message({ ...ENV, messageId: 'nob@example.co.jp' }, { headers: ['Content-Type: multipart/mixed'], body: body.body }));
    expect(r.attachments).toEqual([]);
    expect(r.notInspectable).toBe('a multipart/mixed part without a boundary parameter');
  });

  it('protected as a whole: an open PGP/MIME boundary changes nothing (its parts are ciphertext anyway)', async () => {
    const pgp = multipart('encrypted', [{ headers: ['Content-Type: application/pgp-encrypted'], body: 'Version: 1' }, { headers: ['Content-Type: application/octet-stream'], body: '-----BEGIN PGP MESSAGE-----\r\nx' }], 'pgp', '; protocol="application/pgp-encrypted"');
    const r = await record(message({ ...ENV, messageId: 'pgp@example.co.jp' }, { headers: pgp.headers, body: pgp.body.replace('--pgp--\r\n', '') }));
    expect(r.protected).toBe(true);
    expect(r.notInspectable).toBeUndefined();
  });

  it('an S/MIME enveloped root is protected, whatever its size', async () => {
    const root = { headers: ['Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', 'Content-Transfer-Encoding: base64'], body: b64(Buffer.alloc(300, 1)) };
    const r = await record(message({ ...ENV, messageId: 'smime@example.co.jp' }, root));
    expect(r).toMatchObject({ protected: true, protection: 'S/MIME enveloped-data' });
    expect(r.notInspectable).toBeUndefined();
  });
});

describe('end to end: the collector and the KPI', () => {
  it('each uninspectable message is a miss of the encryption population, with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-limits-'));
    const store = createMemoryStore();
    try {
      const write = (sub: string, msgs: Record<string, Buffer>) => {
        mkdirSync(join(dir, sub));
        const old = new Date(Date.now() - 10_000); // settled: the collector leaves files of the last 2 s
        for (const [name, raw] of Object.entries(msgs)) {
          writeFileSync(join(dir, sub, name), raw);
          utimesSync(join(dir, sub, name), old, old);
        }
      };
      write('journal', {
        'ok.eml': message({ ...ENV, messageId: 'ok@example.co.jp' }, multipart('mixed', [textPart('hi'), encZip], 'b1')),
        'wide.eml': wide(MAX_PARTS - 1, encZip, 'wide@example.co.jp'),
        'deep.eml': deep(MAX_DEPTH + 1, encZip, 'deep@example.co.jp'),
        'open.eml': Buffer.from(message({ ...ENV, messageId: 'open@example.co.jp' }, multipart('mixed', [textPart('hi'), encZip], 'b2')).toString('latin1').replace(/--b2--\r\n$/, ''), 'latin1'),
      });
      // A second journal with a 4 KB cap, holding one message of about 4.5 KB.
      write('capped', { 'big.eml': message({ ...ENV, messageId: 'big@example.co.jp' }, multipart('mixed', [textPart('hi'), attachment('big.zip', 'application/zip', Buffer.concat([ENC_ZIP, Buffer.alloc(3000)]))], 'b3')) });
      const c = mailContext(mailConfig(dir), store);
      const facts = [
        ...(await toArray(((await mailCollector.collect(mailSource('eml', 'journal'), c)) as FactsOutput<'mail'>).facts)),
        ...(await toArray(((await mailCollector.collect(mailSource('eml', 'capped', { id: 'capped', maxMessageBytes: 4096 }), c)) as FactsOutput<'mail'>).facts)),
      ];
      const by = new Map(facts.map((f) => [f.key, f.data]));
      expect(c.rejections).toEqual([]);
      expect(by.get('wide@example.co.jp')!.notInspectable).toBe('more than 10000 MIME parts');
      expect(by.get('deep@example.co.jp')!.notInspectable).toBe('MIME parts nested deeper than 64 levels');
      expect(by.get('open@example.co.jp')!.notInspectable).toBe('a multipart/mixed part whose closing boundary is missing');
      expect(by.get('big@example.co.jp')).toMatchObject({ tooLarge: true, notInspectable: 'larger than maxMessageBytes: only its first bytes were read' });
      expect(by.get('ok@example.co.jp')!.notInspectable).toBeUndefined();
      // Population: the 5 messages (each outbound with an external recipient; ok has a counted
      // attachment, the other 4 could not be inspected). Misses: wide, deep, open, big = 4.
      const r = encryptionMissRate(by.values(), kpiCtx(objective({ kpi: 'encryption-miss-rate', target: 0, direction: 'at_most', period: 'month' }), '2026-11-25T03:00:00Z'));
      expect([r.numerator, r.denominator]).toEqual([4, 5]);
      expect(r.failing.map((f) => f.reason).sort()).toEqual([
        'not inspectable: MIME parts nested deeper than 64 levels; counted as not encrypted',
        'not inspectable: a multipart/mixed part whose closing boundary is missing; counted as not encrypted',
        'not inspectable: larger than maxMessageBytes: only its first bytes were read; counted as not encrypted',
        'not inspectable: more than 10000 MIME parts; counted as not encrypted',
      ]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
