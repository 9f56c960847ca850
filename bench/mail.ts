/**
 * Mail-journal benchmark (not a test): N generated outbound messages of about 40 KB (text + HTML
 * bodies and one attachment: encrypted / plain ZIP, PDF, Office, or the whole message S/MIME
 * enveloped) in a Maildir or an mbox. Measures, each in its own process so peak RSS is its own:
 *   - the whole collector: list, read, parse, classify, detect, write the facts to a SQLite store;
 *   - mailparser's simpleParser with default options on the same files (read + parse only);
 *   - the collector again, forcing a full GC at each eighth of the run to print the live heap:
 *     the facts stream into the store, so it must stay flat as messages go by (peak RSS mostly
 *     shows how lazily V8 and malloc give memory back).
 *
 *   npx tsx bench/mail.ts [--messages 20000] [--format maildir|mbox] [--keep DIR (keep the corpus there)]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { mailCollector } from '../src/collectors/mail/collector.ts';
import { readMbox } from '../src/collectors/mail/mbox.ts';
import type { FactsOutput } from '../src/collectors/types.ts';
import { configSchema, parseSources } from '../src/config/schema.ts';
import type { Config } from '../src/config/types.ts';
import type { Keyed } from '../src/evidence/records.ts';
import { SqliteStore } from '../src/evidence/sqlite-store.ts';
import { stringArg } from './args.ts';

const self = fileURLToPath(import.meta.url);
const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), '../test/fixtures/mail/real/attachments');

const b64 = (b: Buffer) => b.toString('base64').replace(/.{76}/g, '$&\r\n');

/** A ZIP of one stored entry, written by hand; `encrypted` sets bit 0 and adds the 12-byte ZipCrypto header. */
function zipOf(size: number, encrypted: boolean): Buffer {
  const data = randomBytes(size + (encrypted ? 12 : 0));
  const name = Buffer.from('report.csv');
  const lh = Buffer.alloc(30);
  lh.writeUInt32LE(0x04034b50, 0);
  lh.writeUInt16LE(encrypted ? 1 : 0, 6);
  lh.writeUInt32LE(data.length, 18);
  lh.writeUInt32LE(size, 22);
  lh.writeUInt16LE(name.length, 26);
  const ch = Buffer.alloc(46);
  ch.writeUInt32LE(0x02014b50, 0);
  ch.writeUInt16LE(encrypted ? 1 : 0, 8);
  ch.writeUInt32LE(data.length, 20);
  ch.writeUInt32LE(size, 24);
  ch.writeUInt16LE(name.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + name.length, 12);
  eocd.writeUInt32LE(30 + name.length + data.length, 16);
  return Buffer.concat([lh, name, data, ch, name, eocd]);
}

function pdfOf(size: number, encrypted: boolean): Buffer {
  const head = `%PDF-1.6\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Length ${size} >>\nstream\n`;
  const body = randomBytes(size).toString('latin1');
  const before = `${head}${body}\nendstream\nendobj\n`;
  return Buffer.from(`${before}xref\n0 3\n0000000000 65535 f \ntrailer\n<< /Size 3 /Root 1 0 R ${encrypted ? '/Encrypt 9 0 R ' : ''}>>\nstartxref\n${before.length}\n%%EOF\n`, 'latin1');
}

type Kind = 'zip-enc' | 'zip-plain' | 'pdf-enc' | 'pdf-plain' | 'office-enc' | 'office-plain' | 'smime';
const MIX: Kind[] = ['zip-enc', 'zip-enc', 'zip-enc', 'zip-plain', 'zip-plain', 'pdf-enc', 'pdf-enc', 'pdf-plain', 'pdf-plain', 'office-enc', 'office-enc', 'office-plain', 'office-plain', 'smime', 'smime', 'smime', 'zip-enc', 'pdf-plain', 'zip-plain', 'pdf-enc'];
const MISSES: ReadonlySet<Kind> = new Set(['zip-plain', 'pdf-plain', 'office-plain']);

function generate(i: number, office: { enc: Buffer; plain: Buffer }): Buffer {
  const kind = MIX[i % MIX.length]!;
  const text = `Dear partner,\r\n\r\nplease find the documents for order ${i} attached.\r\n`.repeat(12);
  const html = `<html><body><p>${'Dear partner, please find the documents attached. '.repeat(40)}</p></body></html>`;
  const head = [`From: Sender ${i % 97} <user${i % 97}@example.co.jp>`, `To: Partner <buyer${i % 13}@client${i % 7}.example>`, `Cc: colleague@example.co.jp`, `Subject: =?UTF-8?B?${Buffer.from(`注文書 ${i}`).toString('base64')}?=`, `Date: Tue, 10 Nov 2026 ${String(9 + (i % 8)).padStart(2, '0')}:00:00 +0900`, `Message-ID: <bench-${i}@example.co.jp>`, 'MIME-Version: 1.0'];
  if (kind === 'smime') {
    const der = Buffer.concat([Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03, 0xa0, 0x80]), randomBytes(29_000)]);
    return Buffer.from([...head, 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', 'Content-Disposition: attachment; filename="smime.p7m"', 'Content-Transfer-Encoding: base64', '', b64(der)].join('\r\n'));
  }
  let name: string;
  let type: string;
  let content: Buffer;
  if (kind.startsWith('zip')) [name, type, content] = ['data.zip', 'application/zip', zipOf(28_000, kind === 'zip-enc')];
  else if (kind.startsWith('pdf')) [name, type, content] = ['見積書.pdf', 'application/pdf', pdfOf(28_000, kind === 'pdf-enc')];
  else [name, type, content] = ['contract.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', kind === 'office-enc' ? office.enc : office.plain];
  // Office fixtures are 12–18 KB: pad the message with a second, larger HTML body to stay near 40 KB.
  const pad = kind.startsWith('office') ? `<div>${'x'.repeat(28_000 - content.length)}</div>` : '';
  return Buffer.from(
    [
      ...head,
      'Content-Type: multipart/mixed; boundary="mix"',
      '',
      '--mix',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      html + pad,
      '--alt--',
      '--mix',
      `Content-Type: ${type}; name="=?UTF-8?B?${Buffer.from(name).toString('base64')}?="`,
      `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Content-Transfer-Encoding: base64',
      '',
      b64(content),
      '--mix--',
      '',
    ].join('\r\n'),
  );
}

async function writeCorpus(dir: string, n: number, format: string): Promise<{ bytes: number; misses: number; population: number }> {
  const office = { enc: readFileSync(join(FIXTURES, 'msoffcrypto_example_password.docx')), plain: readFileSync(join(FIXTURES, 'msoffcrypto_example.docx')) };
  let bytes = 0;
  let misses = 0;
  if (format === 'mbox') {
    const out = createWriteStream(join(dir, 'journal.mbox'));
    for (let i = 0; i < n; i++) {
      const m = generate(i, office);
      bytes += m.length;
      if (MISSES.has(MIX[i % MIX.length]!)) misses++;
      if (!out.write(Buffer.concat([Buffer.from('From journal@example.co.jp Tue Nov 10 09:00:00 2026\n'), m, Buffer.from('\n\n')]))) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
  } else {
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(dir, 'md', d), { recursive: true });
    const { writeFile } = await import('node:fs/promises');
    for (let i = 0; i < n; i++) {
      const m = generate(i, office);
      bytes += m.length;
      if (MISSES.has(MIX[i % MIX.length]!)) misses++;
      await writeFile(join(dir, 'md/cur', `${1_700_000_000 + i}.M${i}P1.bench:2,S`), m);
    }
  }
  return { bytes, misses, population: n };
}

interface ChildResult {
  ms: number;
  messages: number;
  maxRssMb: number;
  misses?: number;
  /** Live heap (MB) after a full GC at each eighth of the run: flat when nothing is retained per message. */
  liveHeapMb?: number[];
}

async function childCollector(dir: string, format: string, sampleEvery = 0): Promise<ChildResult> {
  const parsed = configSchema.parse({ organisation: { name: 'Bench', timeZone: 'Asia/Tokyo', internalDomains: ['example.co.jp'] } });
  const config: Config = { ...parsed, file: join(dir, 'isms.yaml'), baseDir: dir, dataDir: dir, env: { secrets: {} } };
  const store = new SqliteStore(join(dir, `evidence-${Date.now()}.db`));
  const source = parseSources([{ id: 'journal', kind: 'mail-journal', format, path: format === 'mbox' ? 'journal.mbox' : 'md' }])[0] as Parameters<typeof mailCollector.collect>[0];
  let rejected = 0;
  const ctx = { config, store, observedAt: new Date(), reject: () => void rejected++, progress() {}, log: { info() {}, warn() {}, error() {}, debug() {} } };
  const t = performance.now();
  const out = (await mailCollector.collect(source, ctx)) as FactsOutput<'mail'>;
  // Counted as they stream into the store: holding them in a list would measure the list.
  let messages = 0;
  let misses = 0;
  const liveHeapMb: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  async function* counted(facts: Iterable<Keyed<'mail'>> | AsyncIterable<Keyed<'mail'>>): AsyncGenerator<Keyed<'mail'>> {
    for await (const f of facts) {
      messages++;
      if (!f.data.protected && f.data.attachments.some((a) => !a.encrypted)) misses++;
      if (gc && sampleEvery > 0 && messages % sampleEvery === 0) {
        gc();
        liveHeapMb.push(Math.round(process.memoryUsage().heapUsed / 1048576));
      }
      yield f;
    }
  }
  await store.writeFacts({ source: 'journal', kind: 'mail', observedAt: ctx.observedAt, facts: counted(out.facts), ...(out.checkpoints ? { checkpoints: out.checkpoints } : {}) });
  const ms = performance.now() - t;
  await store.close();
  if (rejected) throw new Error(`${rejected} messages rejected`);
  return { ms, messages, maxRssMb: process.resourceUsage().maxRSS / 1024, misses, ...(liveHeapMb.length ? { liveHeapMb } : {}) };
}

async function childSimpleParser(dir: string, format: string): Promise<ChildResult> {
  const t = performance.now();
  let n = 0;
  if (format === 'mbox') {
    // Same mbox splitting as the collector, so both pay it; one message in memory at a time.
    for await (const m of readMbox(join(dir, 'journal.mbox'), { maxMessageBytes: Number.MAX_SAFE_INTEGER })) {
      if ((await simpleParser(m.bytes)).messageId) n++;
    }
  } else {
    for (const f of readdirSync(join(dir, 'md/cur')).sort()) {
      if ((await simpleParser(await readFile(join(dir, 'md/cur', f)))).messageId) n++;
    }
  }
  return { ms: performance.now() - t, messages: n, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function runChild(mode: string, dir: string, format: string, n = 0): ChildResult {
  const flags = mode === 'heap' ? ['--expose-gc'] : [];
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', self, '--child', mode, dir, format, String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} child failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

export async function main(): Promise<void> {
  const n = Number(stringArg('messages', '20000'));
  const format = stringArg('format', 'maildir');
  const keep = stringArg('keep', '');
  const dir = keep || mkdtempSync(join(tmpdir(), 'isms-mail-bench-'));
  if (keep) mkdirSync(keep, { recursive: true });
  try {
    const t = performance.now();
    const corpus = await writeCorpus(dir, n, format);
    process.stdout.write(`input: ${n.toLocaleString('en')} outbound messages (${format}), ${(corpus.bytes / 1e6).toFixed(0)} MB, average ${(corpus.bytes / n / 1024).toFixed(1)} KiB; expected misses ${corpus.misses} (written in ${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
    const rows: [string, ChildResult][] = [
      ['isms-kpi mail collector (read+parse+classify+store)', runChild('collector', dir, format)],
      ['mailparser simpleParser, default options (read+parse)', runChild('simple', dir, format)],
    ];
    for (const [name, r] of rows) {
      process.stdout.write(`${name.padEnd(56)} ${Math.round(r.messages / (r.ms / 1000)).toLocaleString('en').padStart(7)} msg/s  ${(r.ms / 1000).toFixed(2).padStart(7)} s  peak RSS ${r.maxRssMb.toFixed(0).padStart(5)} MB\n`);
    }
    // A separate run: the full GCs it forces would change the timing and the peak RSS above.
    const heap = runChild('heap', dir, format, n).liveHeapMb ?? [];
    process.stdout.write(`collector live heap after a full GC at each eighth of the run: ${heap.join(', ')} MB\n`);
    const c = rows[0]![1];
    if (c.messages !== n || c.misses !== corpus.misses) {
      process.stdout.write(`WARNING: collector stored ${c.messages} messages with ${c.misses} misses; expected ${n} and ${corpus.misses}\n`);
      process.exitCode = 1;
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  const [mode, dir, format, n] = process.argv.slice(childAt + 1);
  const r = mode === 'collector' ? await childCollector(dir!, format!) : mode === 'heap' ? await childCollector(dir!, format!, Math.max(1, Math.floor(Number(n) / 8))) : await childSimpleParser(dir!, format!);
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else if (process.argv[1] === self) {
  await main();
}
