/**
 * mbox splitting (issue 12, item 3): a message splits only at a real separator — a `From ` line
 * after a blank line whose envelope sender and date parse — or where its Content-Length points;
 * mboxrd and mboxo quoting round-trip. On mbox files written by mutt, formail and getmail
 * (test/fixtures/mail/mbox/README.md says how they were made) and on hand-written edge cases.
 * Expected messages and records are read off the fixtures' sources by hand.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectMailShard, mailCollector, mergeMailPartials, type MailPartial } from '../../../src/collectors/mail/collector.ts';
import { isEnvelopeLine, messageBoundaries, readMbox, type MboxMessage } from '../../../src/collectors/mail/mbox.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { encryptionMissRate } from '../../../src/kpi/encryption-miss-rate.ts';
import { ctx as kpiCtx, objective } from '../../kpi/helpers.ts';
import { attachment, message, multipart, textPart } from './build.ts';
import { mailConfig, mailContext, mailSource, toArray } from './context.ts';

const FIX = join(import.meta.dirname, '../../fixtures/mail/mbox');
const fixture = (name: string) => readFileSync(join(FIX, name));

let dir: string;
let store: EvidenceStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mbox-'));
  store = createMemoryStore();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function messages(path: string, opts: { start?: number; end?: number } = {}): Promise<MboxMessage[]> {
  return toArray(readMbox(path, { maxMessageBytes: 50 * 1024 * 1024, ...opts }));
}

/** The body of a message: what follows its header block, trailing blank lines dropped. */
function body(msg: Buffer): string {
  const s = msg.toString('latin1');
  const i = s.indexOf('\n\n');
  return s.slice(i + 2).replace(/\n+$/, '\n');
}

/** Offsets of the lines starting with `prefix` (the envelope lines the tools wrote). */
function lineOffsets(buf: Buffer, prefix: string): number[] {
  const s = buf.toString('latin1');
  const out: number[] = [];
  for (let i = s.startsWith(prefix) ? 0 : -1; ; ) {
    if (i >= 0) out.push(i);
    const next = s.indexOf(`\n${prefix}`, i + 1);
    if (next < 0) return out;
    i = next + 1;
  }
}

async function collect(file: string) {
  const c = mailContext(mailConfig(FIX), store);
  const out = (await mailCollector.collect(mailSource('mbox', file), c)) as FactsOutput<'mail'>;
  return { facts: await toArray(out.facts), rejections: c.rejections };
}

const PLAN_SIZE = statSync(join(FIX, 'plan.pdf')).size;
const ZIP_SIZE = statSync(join(FIX, 'secret.zip')).size;
const SOURCES = ['source-plan.eml', 'source-numbers.eml', 'source-copy.eml'].map((f) => body(fixture(f)));

describe('mbox files written by real tools', () => {
  it('mutt (Content-Length, From lines not quoted): 3 messages, split only at its 3 envelope lines', async () => {
    const file = fixture('mutt-record.mbox');
    // mutt wrote 3 envelope lines "From taro@example.co.jp Tue Dec  1 …"; the first body also holds,
    // after a blank line, "From alice@client.example Mon Nov  9 09:00:00 2026" and "From the team: …".
    const starts = lineOffsets(file, 'From taro@example.co.jp ');
    expect(starts).toHaveLength(3);
    const msgs = await messages(join(FIX, 'mutt-record.mbox'));
    expect(msgs.map((m) => m.offset)).toEqual(starts);
    // Not unquoted: a Content-Length writer does not quote, so ">From" and ">>From" stay as sent.
    expect(msgs.map((m) => body(m.bytes))).toEqual(SOURCES);
  });

  it('formail (mboxo): "From " lines come back; lines that were ">From" already lose one ">" (mboxo cannot tell)', async () => {
    const msgs = await messages(join(FIX, 'formail-mboxo.mbox'));
    expect(msgs).toHaveLength(3);
    expect(body(msgs[0]!.bytes)).toContain('\n\nFrom alice@client.example Mon Nov  9 09:00:00 2026\n');
    expect(body(msgs[0]!.bytes)).toContain('\nFrom the team: please keep this confidential.\n');
    // The source's ">From a line that was already quoted." and ">>From a line quoted twice." were
    // written unchanged by mboxo and read back with one ">" less.
    const lossy = SOURCES[0]!.replace('\n>From a line that', '\nFrom a line that').replace('\n>>From a line quoted', '\n>From a line quoted');
    expect(body(msgs[0]!.bytes)).toBe(lossy);
    expect(msgs.slice(1).map((m) => body(m.bytes))).toEqual(SOURCES.slice(1));
  });

  it('getmail (mboxrd): every body round-trips byte for byte', async () => {
    const msgs = await messages(join(FIX, 'getmail-mboxrd.mbox'));
    expect(msgs.map((m) => body(m.bytes))).toEqual(SOURCES);
  });

  it.each(['mutt-record.mbox', 'formail-mboxo.mbox', 'getmail-mboxrd.mbox'])('%s: the collector keeps every attachment in the encryption population', async (file) => {
    const { facts, rejections } = await collect(file);
    expect(rejections).toEqual([]);
    const by = new Map(facts.map((f) => [f.key, f.data]));
    expect([...by.keys()]).toEqual(['mutt-a@example.co.jp', 'mutt-b@example.co.jp', 'mutt-c@example.co.jp']);
    expect(by.get('mutt-a@example.co.jp')).toMatchObject({
      externalRecipientDomains: ['client.example'],
      attachments: [{ name: 'plan.pdf', contentType: 'application/pdf', size: PLAN_SIZE, encrypted: false }],
    });
    expect(by.get('mutt-b@example.co.jp')).toMatchObject({ externalRecipientDomains: ['client.example'], attachments: [{ name: 'secret.zip', size: ZIP_SIZE, encrypted: true }] });
    expect(by.get('mutt-c@example.co.jp')).toMatchObject({ externalRecipientDomains: [], attachments: [{ name: 'plan.pdf', encrypted: false }] });
    // Population: mutt-a and mutt-b (mutt-c has no external recipient) = 2; misses: mutt-a = 1.
    const r = encryptionMissRate(by.values(), kpiCtx(objective({ kpi: 'encryption-miss-rate', target: 0, direction: 'at_most', period: 'year' }), '2026-12-31T00:00:00Z'));
    expect([r.numerator, r.denominator]).toEqual([1, 2]);
  });
});

describe('envelope lines', () => {
  it.each([
    'From MAILER-DAEMON Tue Nov 10 10:00:00 2026',
    'From taro@example.co.jp  Tue Dec  1 20:24:30 2026', // formail: two spaces
    'From - Tue Nov 10 10:00:00 2026', // Thunderbird
    'From 1784728318423432343@xxx Tue Nov 10 10:00:00 +0000 2026', // Gmail Takeout
    'From alice@example.com Mon Nov  9 9:05 2026',
    'From "a b"@example.com Wed Jan  1 00:00:00 2025',
    'From uucp Fri Jul  8 12:08:34 2011 remote from gateway',
    'From alice Sat Feb 29 23:59:60 2020 JST',
    'From alice Sat Feb 29 23:59:59 2020\r',
  ])('%s is a separator line', (line) => {
    expect(isEnvelopeLine(line)).toBe(true);
  });

  it.each([
    'From the team: please keep this confidential.',
    'From here on, everything is confidential.',
    'From: Taro <taro@example.co.jp>',
    'From alice Mon Nov 32 09:00:00 2026', // day 32
    'From alice Mon Nov  9 24:00:00 2026', // hour 24
    'From alice Mon Foo  9 09:00:00 2026', // no such month
    'From alice Mon Nov  9 09:00:00', // no year
    'From alice on Monday, 9 November 2026',
  ])('%s is body text', (line) => {
    expect(isEnvelopeLine(line)).toBe(false);
  });
});

const ENV = 'From taro@example.co.jp Tue Nov 10 10:00:00 2026';

describe('splitting hand-written mboxes', () => {
  const msgA = Buffer.from('From: taro@example.co.jp\nTo: a@client.example\nMessage-ID: <a@x>\n\nline 1\n');
  const msgB = Buffer.from('From: taro@example.co.jp\nTo: a@client.example\nMessage-ID: <b@x>\n\nb\n');

  it('a valid envelope line without a blank line before it is body text', async () => {
    const p = join(dir, 'a.mbox');
    writeFileSync(p, `${ENV}\nFrom: taro@example.co.jp\n\nfirst\n${ENV}\nstill the first message\n\n${ENV}\nFrom: b@example.co.jp\n\nsecond\n`);
    const msgs = await messages(p);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.bytes.toString()).toBe(`From: taro@example.co.jp\n\nfirst\n${ENV}\nstill the first message\n\n`);
  });

  it('CRLF line ends: a blank CRLF line before the envelope separates', async () => {
    const p = join(dir, 'crlf.mbox');
    writeFileSync(p, `${ENV}\r\nFrom: a@example.co.jp\r\n\r\nFrom the team\r\n\r\n${ENV}\r\nFrom: b@example.co.jp\r\n\r\nb\r\n`);
    const msgs = await messages(p);
    expect(msgs.map((m) => m.bytes.toString())).toEqual(['From: a@example.co.jp\r\n\r\nFrom the team\r\n\r\n', 'From: b@example.co.jp\r\n\r\nb\r\n']);
  });

  it('a Content-Length that points at a separator wins over a valid envelope line inside the body', async () => {
    const inner = `hello\n\n${ENV}\nnot a new message\n`;
    const a = `From: a@example.co.jp\nContent-Length: ${Buffer.byteLength(inner)}\n\n${inner}`;
    const p = join(dir, 'cl.mbox');
    writeFileSync(p, `${ENV}\n${a}\n${ENV}\n${msgB.toString()}`);
    const msgs = await messages(p);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.bytes.toString()).toBe(`${a}\n`);
    expect(msgs[1]!.offset).toBe(ENV.length + 1 + Buffer.byteLength(a) + 1);
  });

  it('a Content-Length that runs to the end of the file: one message', async () => {
    const inner = `x\n\n${ENV}\ny\n`;
    const p = join(dir, 'cl-end.mbox');
    writeFileSync(p, `${ENV}\nFrom: a@example.co.jp\nContent-Length: ${inner.length}\n\n${inner}\n`);
    expect(await messages(p)).toHaveLength(1);
  });

  it.each([
    ['too short', -4],
    ['too long', +3],
    ['past the end of the file', +10_000],
  ])('a Content-Length %s falls back to the separator rule', async (_what, delta) => {
    const inner = 'one\n\nFrom the team\n';
    const p = join(dir, 'badcl.mbox');
    writeFileSync(p, `${ENV}\nFrom: a@example.co.jp\nContent-Length: ${inner.length + delta}\n\n${inner}\n${ENV}\n${msgA.toString()}\n${ENV}\n${msgB.toString()}`);
    const msgs = await messages(p);
    // Three envelope lines after blank lines (or at the start): three messages.
    expect(msgs.map((m) => m.bytes.toString().match(/Message-ID: <(\w)@x>/)?.[1] ?? 'first')).toEqual(['first', 'a', 'b']);
  });

  it('a separator across every position of the 256 KB read boundary', async () => {
    for (const shift of [-9, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 5, 8]) {
      const head = `${ENV}\nFrom: a@example.co.jp\n\n`;
      // The blank line's LF lands at 262,144 + shift.
      const pad = 262_144 + shift - head.length - 1;
      const p = join(dir, `edge${shift}.mbox`);
      writeFileSync(p, `${head}${'x'.repeat(pad)}\n\n${ENV}\n${msgB.toString()}`);
      const msgs = await messages(p);
      expect(msgs.map((m) => m.offset), `shift ${shift}`).toEqual([0, head.length + pad + 2]);
      expect(msgs[1]!.bytes.toString()).toBe(msgB.toString());
    }
  });

  it('mboxrd: >From, >>From and >>>From at line starts lose exactly one ">"; mid-line ">From" stays', async () => {
    const p = join(dir, 'rd.mbox');
    writeFileSync(p, `${ENV}\nFrom: a@example.co.jp\n\n>From one\n>>From two\n>>>From three\nsay >From here\n>Fromage\n`);
    const [m] = await messages(p);
    expect(body(m!.bytes)).toBe('From one\n>From two\n>>From three\nsay >From here\n>Fromage\n');
  });
});

describe('shards on real separators', () => {
  it('cut points never fall on a From line inside a Content-Length body; shards merge to the whole', async () => {
    // 12 outbound messages of ~160 KB, each body holding a blank line then a valid envelope line:
    // with Content-Length, each is one message (a cut there would invent a 13th or lose one).
    const parts: string[] = [];
    for (let i = 0; i < 12; i++) {
      const m = message(
        { from: 'taro@example.co.jp', to: 'p@client.example', messageId: `s${i}@example.co.jp` },
        multipart('mixed', [textPart(`hi\r\n\r\n${ENV}\r\nquoted mbox line`), attachment('f.pdf', 'application/pdf', Buffer.alloc(120_000, 0x41 + i))]),
      ).toString('latin1');
      const split = m.indexOf('\r\n\r\n');
      const bodyText = m.slice(split + 4);
      parts.push(`${ENV}\n${m.slice(0, split)}\r\nContent-Length: ${Buffer.byteLength(bodyText, 'latin1')}\r\n\r\n${bodyText}\n`);
    }
    writeFileSync(join(dir, 'big.mbox'), parts.join(''), 'latin1');
    const size = statSync(join(dir, 'big.mbox')).size;
    const cuts = await messageBoundaries(join(dir, 'big.mbox'), [size / 4, size / 2, (3 * size) / 4], size);
    const starts = parts.map((_, i) => parts.slice(0, i).reduce((n, s) => n + Buffer.byteLength(s, 'latin1'), 0));
    for (const c of cuts) expect(starts).toContain(c);

    const source = mailSource('mbox', 'big.mbox', { shards: 4 });
    const c = mailContext(mailConfig(dir), store);
    const shards = await mailCollector.shards!(source, c);
    expect(shards.length).toBe(4);
    const partials = (await Promise.all(shards.map((s) => collectMailShard(source, s as never, c)))) as MailPartial[];
    const merged = await toArray(mergeMailPartials(partials).facts);
    expect(merged.map((f) => f.key).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `s${i}@example.co.jp`).sort());
    expect(merged.every((f) => f.data.attachments.length === 1)).toBe(true);
    expect(c.rejections).toEqual([]);
  });
});
