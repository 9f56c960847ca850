/**
 * The mail-journal collector end to end on files: Maildir, .eml trees and mbox; incremental
 * re-runs that never count a message twice; too-large messages; shards that merge to the same
 * answer. Expected records and counts are written by hand from the messages built here.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectMailShard, mailCollector, mergeMailPartials, type MailPartial } from '../../../src/collectors/mail/collector.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import { ConfigError } from '../../../src/errors.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { MailRecord } from '../../../src/evidence/records.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { attachment, b64, message, multipart, outboundWith, textPart, zip } from './build.ts';
import { mailConfig, mailContext, mailSource, toArray } from './context.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const ENC_ZIP = zip([{ name: 'a.txt', data: Buffer.alloc(22, 9), flags: 1, compressedSize: 22, size: 10 }]);
const plainMsg = (id: string) => outboundWith(attachment('plan.pdf', 'application/pdf', PDF), id);
const encMsg = (id: string) => outboundWith(attachment('plan.zip', 'application/zip', ENC_ZIP), id);
const inbound = (id: string) => message({ from: 'x@client.example', to: 'taro@example.co.jp', messageId: id }, multipart('mixed', [attachment('a.pdf', 'application/pdf', PDF)]));

let dir: string;
let store: EvidenceStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mail-'));
  store = createMemoryStore();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collectAndStore(source: ReturnType<typeof mailSource>, observedAt = new Date('2026-11-25T00:00:00Z')) {
  const ctx = mailContext(mailConfig(dir), store, observedAt);
  const out = (await mailCollector.collect(source, ctx)) as FactsOutput<'mail'>;
  const facts = await toArray(out.facts);
  const written = await store.writeFacts({ source: source.id, kind: 'mail', observedAt, facts, ...(out.checkpoints ? { checkpoints: out.checkpoints } : {}) });
  return { facts, written, rejections: ctx.rejections, checkpoints: out.checkpoints ?? {} };
}

async function stored(): Promise<Map<string, MailRecord>> {
  const m = new Map<string, MailRecord>();
  for await (const row of store.readFacts('mail', new Date('2100-01-01T00:00:00Z'))) m.set(row.key, row.data);
  return m;
}

describe('Maildir', () => {
  function maildir() {
    for (const d of ['cur', 'new', 'tmp', '.Sent/cur', '.Sent/new']) mkdirSync(join(dir, 'md', d), { recursive: true });
    writeFileSync(join(dir, 'md/new/1700000001.M1P1.host'), plainMsg('p1@example.co.jp'));
    writeFileSync(join(dir, 'md/cur/1700000002.M2P2.host:2,S'), encMsg('e1@example.co.jp'));
    writeFileSync(join(dir, 'md/.Sent/cur/1700000003.M3P3.host:2,S'), inbound('in1@client.example'));
    writeFileSync(join(dir, 'md/tmp/1700000004.partial'), plainMsg('tmp@example.co.jp')); // being delivered: not read
  }

  it('reads cur/ and new/ of the root and of Maildir++ folders; inbound skipped; tmp/ ignored', async () => {
    maildir();
    const { facts, rejections } = await collectAndStore(mailSource('maildir', 'md'));
    expect(facts.map((f) => f.key).sort()).toEqual(['e1@example.co.jp', 'p1@example.co.jp']);
    const p1 = facts.find((f) => f.key === 'p1@example.co.jp')!.data;
    expect(p1).toEqual({
      messageId: 'p1@example.co.jp',
      date: '2026-11-10T10:00:00.000+09:00',
      sender: 'taro@example.co.jp',
      senderDomain: 'example.co.jp',
      externalRecipientDomains: ['client.example'],
      protected: false,
      attachments: [{ name: 'plan.pdf', contentType: 'application/pdf', size: PDF.length, encrypted: false, reason: 'pdf: no /Encrypt in trailer' }],
      where: 'new/1700000001.M1P1.host',
    });
    expect(rejections).toEqual([]);
  });

  it('a re-run, a new → cur rename and one new message: each message stored exactly once', async () => {
    maildir();
    const first = await collectAndStore(mailSource('maildir', 'md'));
    expect(first.written).toEqual({ inserted: 2, merged: 0, ignored: 0 });
    const again = await collectAndStore(mailSource('maildir', 'md'));
    expect(again.written.inserted).toBe(0);
    renameSync(join(dir, 'md/new/1700000001.M1P1.host'), join(dir, 'md/cur/1700000001.M1P1.host:2,S'));
    writeFileSync(join(dir, 'md/new/1700000009.M9P9.host'), plainMsg('p2@example.co.jp'));
    const third = await collectAndStore(mailSource('maildir', 'md'));
    expect(third.written.inserted).toBe(1);
    expect([...(await stored()).keys()].sort()).toEqual(['e1@example.co.jp', 'p1@example.co.jp', 'p2@example.co.jp']);
  });

  it('files older than the ctime checkpoint are not read again', async () => {
    maildir();
    await store.writeFacts({ source: 'journal', kind: 'mail', observedAt: new Date(), facts: [], checkpoints: { 'files-ctime': String(Date.now() + 60_000) } });
    const { facts } = await collectAndStore(mailSource('maildir', 'md'));
    expect(facts).toEqual([]);
  });

  it('shards (folders × name buckets) merge to the same facts and checkpoint as one run', async () => {
    maildir();
    for (let i = 10; i < 30; i++) writeFileSync(join(dir, `md/cur/17000000${i}.M${i}.host:2,S`), (i % 2 ? plainMsg : encMsg)(`x${i}@example.co.jp`));
    const source = mailSource('maildir', 'md', { shards: 4 });
    const ctx = mailContext(mailConfig(dir), store);
    const shards = await mailCollector.shards!(source, ctx);
    expect(shards.length).toBe(4 * 4); // cur, new, .Sent/cur, .Sent/new
    const partials = (await Promise.all(shards.map((s) => collectMailShard(source, s as never, ctx)))) as MailPartial[];
    const merged = mergeMailPartials(JSON.parse(JSON.stringify(partials)) as MailPartial[]);
    const whole = (await mailCollector.collect(source, ctx)) as FactsOutput<'mail'>;
    const keys = async (o: FactsOutput<'mail'>) => (await toArray(o.facts)).map((f) => f.key).sort();
    expect(await keys(merged)).toHaveLength(22); // 20 + p1 + e1 (the inbound one is skipped)
    expect(await keys(merged)).toEqual(await keys(whole));
    expect(merged.checkpoints).toEqual(whole.checkpoints);
  });

  it('a path that is not a Maildir fails with one clear error naming it', async () => {
    mkdirSync(join(dir, 'empty'));
    await expect(collectAndStore(mailSource('maildir', 'empty'))).rejects.toThrow(/empty: no cur\/ or new\/ folder/);
  });
});

/** Files of an .eml tree written 10 s ago (the collector leaves files modified in the last 2 s). */
function settle(root: string): void {
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const p = join(root, name);
    if (statSync(p).isFile()) utimesSync(p, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
  }
}

describe('.eml directory', () => {
  it('recursive; other files ignored; a message without sender rejected with its file; pseudonymised sender', async () => {
    mkdirSync(join(dir, 'eml/2026/11'), { recursive: true });
    writeFileSync(join(dir, 'eml/2026/11/a.eml'), plainMsg('a@example.co.jp'));
    writeFileSync(join(dir, 'eml/b.EML'), encMsg('b@example.co.jp'));
    writeFileSync(join(dir, 'eml/readme.txt'), 'not mail');
    writeFileSync(join(dir, 'eml/broken.eml'), 'Subject: =?NONE?B?VEVTVA=?=\r\n\r\nTEST\r\n');
    settle(join(dir, 'eml'));
    const ctx = mailContext(mailConfig(dir, 'secret-key'), store);
    const out = (await mailCollector.collect(mailSource('eml', 'eml', { pseudonymise: true }), ctx)) as FactsOutput<'mail'>;
    const facts = await toArray(out.facts);
    expect(facts.map((f) => f.key).sort()).toEqual(['a@example.co.jp', 'b@example.co.jp']);
    expect(facts.every((f) => /^[0-9a-f]{64}@example\.co\.jp$/.test(f.data.sender))).toBe(true);
    expect(facts.find((f) => f.key === 'b@example.co.jp')!.data.attachments[0]!.encrypted).toBe(true);
    expect(ctx.rejections).toEqual([{ file: 'broken.eml', line: 1, reason: 'broken.eml: no sender address (From, Sender, Return-Path)' }]);
  });

  it('a file still being written (modified in the last 2 s) is left for the next run, which reads it', async () => {
    mkdirSync(join(dir, 'eml'));
    writeFileSync(join(dir, 'eml/old.eml'), plainMsg('old@example.co.jp'));
    settle(join(dir, 'eml'));
    writeFileSync(join(dir, 'eml/fresh.eml'), plainMsg('fresh@example.co.jp'));
    expect((await collectAndStore(mailSource('eml', 'eml'))).facts.map((f) => f.key)).toEqual(['old@example.co.jp']);
    settle(join(dir, 'eml'));
    const second = await collectAndStore(mailSource('eml', 'eml'));
    expect(second.facts.map((f) => f.key).sort()).toEqual(['fresh@example.co.jp', 'old@example.co.jp']);
    expect(second.written).toEqual({ inserted: 1, merged: 0, ignored: 1 });
  });

  it('pseudonymise without a key is a config error', async () => {
    mkdirSync(join(dir, 'eml'));
    await expect(mailCollector.collect(mailSource('eml', 'eml', { pseudonymise: true }), mailContext(mailConfig(dir), store))).rejects.toBeInstanceOf(ConfigError);
  });

  it('a message over maxMessageBytes: too large to inspect, unless its top-level structure proves protection', async () => {
    mkdirSync(join(dir, 'eml'));
    const big = outboundWith(attachment('big.zip', 'application/zip', Buffer.concat([ENC_ZIP, Buffer.alloc(4000)])), 'big@example.co.jp');
    const envelopedRoot = { headers: ['Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', 'Content-Transfer-Encoding: base64'], body: b64(Buffer.alloc(4000, 1)) };
    const bigEnc = message({ from: 'taro@example.co.jp', to: 'a@client.example', messageId: 'bigsmime@example.co.jp' }, envelopedRoot);
    writeFileSync(join(dir, 'eml/big.eml'), big);
    writeFileSync(join(dir, 'eml/bigsmime.eml'), bigEnc);
    writeFileSync(join(dir, 'eml/small.eml'), plainMsg('small@example.co.jp'));
    settle(join(dir, 'eml'));
    const { facts } = await collectAndStore(mailSource('eml', 'eml', { maxMessageBytes: 1024 }));
    const by = new Map(facts.map((f) => [f.key, f.data]));
    expect(big.length).toBeGreaterThan(1024);
    expect(by.get('big@example.co.jp')).toMatchObject({ tooLarge: true, protected: false, attachments: [], externalRecipientDomains: ['client.example'] });
    expect(by.get('bigsmime@example.co.jp')).toMatchObject({ tooLarge: true, protected: true, protection: 'S/MIME enveloped-data' });
    expect(by.get('small@example.co.jp')!.tooLarge).toBeUndefined();
  });
});

describe('mbox', () => {
  // A 7bit attachment whose second line was quoted by the mbox writer: ">From me" stands for "From me".
  const quoted = message({ from: 'taro@example.co.jp', to: 'a@client.example', messageId: 'q@example.co.jp' }, multipart('mixed', [textPart('hi'), { headers: ['Content-Type: text/plain; name="n.txt"', 'Content-Disposition: attachment; filename="n.txt"'], body: 'a\r\n>From me' }]));
  const mbox = (...msgs: Buffer[]) => Buffer.concat(msgs.map((m) => Buffer.concat([Buffer.from('From MAILER-DAEMON Tue Nov 10 10:00:00 2026\n'), m, Buffer.from('\n\n')])));

  it('splits at From_ lines only, unquotes >From, and records file:offset', async () => {
    const a = plainMsg('m1@example.co.jp');
    writeFileSync(join(dir, 'journal.mbox'), mbox(a, quoted, encMsg('m3@example.co.jp')));
    const { facts } = await collectAndStore(mailSource('mbox', 'journal.mbox'));
    expect(facts.map((f) => f.key)).toEqual(['m1@example.co.jp', 'q@example.co.jp', 'm3@example.co.jp']);
    const q = facts[1]!.data;
    // "a\r\nFrom me" = 10 bytes once the quoting ">" is removed (11 as written).
    expect(q.attachments).toEqual([{ name: 'n.txt', contentType: 'text/plain', size: 10, encrypted: false, reason: 'not an encrypted format (.txt)' }]);
    expect(facts[0]!.data.where).toBe('journal.mbox:0');
    const secondOffset = 'From MAILER-DAEMON Tue Nov 10 10:00:00 2026\n'.length + a.length + 2;
    expect(q.where).toBe(`journal.mbox:${secondOffset}`);
  });

  it('appended messages are read from the checkpoint on; a replaced file is read again from the start', async () => {
    const path = join(dir, 'journal.mbox');
    writeFileSync(path, mbox(plainMsg('m1@example.co.jp')));
    expect((await collectAndStore(mailSource('mbox', 'journal.mbox'))).facts.map((f) => f.key)).toEqual(['m1@example.co.jp']);
    appendFileSync(path, mbox(encMsg('m2@example.co.jp')));
    const second = await collectAndStore(mailSource('mbox', 'journal.mbox'));
    expect(second.facts.map((f) => f.key)).toEqual(['m2@example.co.jp']);
    expect(second.written.inserted).toBe(1);
    writeFileSync(path, mbox(plainMsg('r1@example.co.jp'), plainMsg('m1@example.co.jp')));
    const third = await collectAndStore(mailSource('mbox', 'journal.mbox'));
    expect(third.facts.map((f) => f.key)).toEqual(['r1@example.co.jp', 'm1@example.co.jp']);
    expect(third.written).toEqual({ inserted: 1, merged: 0, ignored: 1 });
  });

  it('a message without a sender in an mbox is rejected with the line of its From_ separator', async () => {
    const nosender = Buffer.from('To: a@client.example\r\nSubject: x\r\n\r\nbody\r\n');
    const a = plainMsg('m1@example.co.jp');
    writeFileSync(join(dir, 'r.mbox'), mbox(a, nosender, plainMsg('m3@example.co.jp')));
    const { facts, rejections } = await collectAndStore(mailSource('mbox', 'r.mbox'));
    expect(facts.map((f) => f.key)).toEqual(['m1@example.co.jp', 'm3@example.co.jp']);
    // Line of the second separator: 1 (first separator) + the lines of message a + the two blank lines.
    const linesOfA = a.toString('latin1').split('\n').length - 1;
    const offset = 'From MAILER-DAEMON Tue Nov 10 10:00:00 2026\n'.length + a.length + 2;
    expect(rejections).toEqual([{ file: 'r.mbox', line: 1 + 1 + linesOfA + 2, reason: `r.mbox:${offset}: no sender address (From, Sender, Return-Path)` }]);
  });

  it('a too-large message in an mbox is cut, recorded as too large, and the next message is still read', async () => {
    const big = outboundWith(attachment('big.pdf', 'application/pdf', Buffer.alloc(6000, 0x41)), 'big@example.co.jp');
    writeFileSync(join(dir, 'j.mbox'), mbox(big, plainMsg('after@example.co.jp')));
    const { facts } = await collectAndStore(mailSource('mbox', 'j.mbox', { maxMessageBytes: 1024 }));
    expect(facts.map((f) => [f.key, f.data.tooLarge ?? false])).toEqual([['big@example.co.jp', true], ['after@example.co.jp', false]]);
  });

  it('shards on message boundaries merge to the same facts as one run', async () => {
    const msgs = Array.from({ length: 8 }, (_, i) => outboundWith(attachment('f.pdf', 'application/pdf', Buffer.alloc(300_000, 0x30 + i)), `s${i}@example.co.jp`));
    writeFileSync(join(dir, 'big.mbox'), mbox(...msgs));
    const source = mailSource('mbox', 'big.mbox', { shards: 3 });
    const ctx = mailContext(mailConfig(dir), store);
    const shards = await mailCollector.shards!(source, ctx);
    expect(shards.length).toBe(3);
    const partials = (await Promise.all(shards.map((s) => collectMailShard(source, s as never, ctx)))) as MailPartial[];
    const merged = mergeMailPartials(JSON.parse(JSON.stringify(partials)) as MailPartial[]);
    const whole = (await mailCollector.collect(source, ctx)) as FactsOutput<'mail'>;
    const keys = async (o: FactsOutput<'mail'>) => (await toArray(o.facts)).map((f) => f.key).sort();
    expect(await keys(merged)).toEqual(Array.from({ length: 8 }, (_, i) => `s${i}@example.co.jp`));
    expect(await keys(merged)).toEqual(await keys(whole));
    expect(merged.checkpoints).toEqual(whole.checkpoints);
    expect(partials.every((p) => p.facts.length > 0)).toBe(true);
  });
});
