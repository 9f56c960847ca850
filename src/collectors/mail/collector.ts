/**
 * The mail-journal collector (kind `mail-journal`): the I/O shell around parseMessage and
 * classify. Reads a directory of .eml files, a Maildir (cur/ and new/, Maildir++ subfolders) or
 * an mbox file, and yields one MailRecord per outbound message (sender domain internal); inbound
 * messages are skipped, messages without a sender are rejected (counted and reported).
 *
 * Incremental, and never counting a message twice:
 * - facts are keyed by Message-ID (a hash of the raw headers when there is none) and written
 *   insert-or-ignore, so a message seen again (re-run, Maildir new/ → cur/ rename, a copy in two
 *   files) changes nothing;
 * - .eml / Maildir: the checkpoint is one number, the newest change time (ctime) of the files
 *   read. ctime is set by the kernel whenever a file is created, copied, moved or renamed into a
 *   folder and cannot be set back by tools (unlike mtime, which `cp -p` / rsync keep), so files
 *   older than the checkpoint were read before; a short margin re-reads files changed in the same
 *   instant, harmlessly;
 * - mbox: the checkpoint is the byte offset reached plus the identity of the file's first bytes
 *   and its size; a file that shrank or whose head changed (rotated, rewritten) is read again.
 * The facts stream: `collect` lists the files (or finds the mbox's end) and fixes the checkpoints
 * first, then each message is read, parsed and classified only when the store pulls its record,
 * so memory stays flat in the number of messages. The store commits the checkpoints with its
 * last batch; a run that dies half-way is read again from the old checkpoint and what it had
 * stored is ignored.
 * A message over `maxMessageBytes` is never read whole: its root headers and first bytes decide
 * whether it is protected as a whole, otherwise it is recorded as too large to inspect.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { readFileHead } from '../file-head.ts';
import type { SourceOf } from '../../config/source-kinds.ts';
import { ConfigError, EvidenceInputError } from '../../errors.ts';
import type { Keyed, MailRecord } from '../../evidence/records.ts';
import type { CollectContext, Collector, FactsOutput, ShardSpec } from '../types.ts';
import { classify, type ClassifyOptions } from './classify.ts';
import { LineCounter, messageBoundaries, readMbox } from './mbox.ts';
import { parseMessage } from './parse-message.ts';

type Source = SourceOf<'mail-journal'>;

export const CTIME_CHECKPOINT = 'files-ctime';
/** Files changed this close before the checkpoint are read again (same-instant writes). */
const CTIME_MARGIN_MS = 2000;
/** How far a file's ctime may run ahead of Date.now() (fine-grained fs clock, ms-truncated now). */
const CLOCK_SLACK_MS = 1000;
/** Bytes of a too-large message read to see its root headers and the start of its body. */
const TOO_LARGE_HEAD = 256 * 1024;
/** Files up to this size are read in one call; larger ones are streamed. */
const READ_WHOLE = 1024 * 1024;
/** A message file's rejection points at its first line: the message is the whole file. */
const FIRST_LINE = () => Promise.resolve(1);

/** A shard: one Maildir folder, one hash bucket of an .eml tree, or a byte range of an mbox. */
export interface MailShard extends ShardSpec {
  unit:
    | { kind: 'maildir-folder'; dir: string; since: number; asOf: number; bucket: number; of: number }
    | { kind: 'eml-bucket'; root: string; bucket: number; of: number; since: number; asOf: number }
    | { kind: 'mbox-range'; file: string; start: number; end: number | null; checkpoint: string; checkpointValue: string };
}

/** A shard's result: the records it found (a list of keyed MailRecords) and checkpoints. */
export interface MailPartial {
  v: 1;
  facts: Keyed<'mail'>[];
  checkpoints: Record<string, string>;
}

/** A listed message file. */
export interface FileEntry {
  path: string;
  size: number;
  ctimeMs: number;
  mtimeMs: number;
}

/**
 * An .eml file modified this recently may still be being written (Maildir delivers atomically
 * through tmp/, a plain directory need not): it is left for the next run, or a half-written
 * message would be stored for good (facts are insert-or-ignore).
 */
const EML_SETTLE_MS = 2000;

export function sourceRoot(source: Source, ctx: CollectContext): string {
  return isAbsolute(source.path) ? source.path : resolve(ctx.config.baseDir, source.path);
}

function classifyOptions(source: Source, ctx: CollectContext): Omit<ClassifyOptions, 'where' | 'tooLarge'> {
  const key = ctx.config.env.pseudonymKey;
  if (source.pseudonymise && !key) {
    throw new ConfigError([{ file: ctx.config.file, path: `sources[id=${source.id}].pseudonymise`, message: 'needs the pseudonym key (ISMS_PSEUDONYM_KEY) in the environment' }]);
  }
  return {
    internalDomains: ctx.config.organisation.internalDomains,
    ignorableExtensions: source.ignorableExtensions,
    ...(source.pseudonymise && key ? { pseudonymKey: key } : {}),
    fallbackDate: ctx.observedAt,
  };
}

/** Messages read, inbound ones skipped, too large ones, and fields degraded (no values: counts only). */
interface MailStats {
  messages: number;
  inbound: number;
  tooLarge: number;
  outbound: number;
  degraded: Record<string, number>;
}

const newStats = (): MailStats => ({ messages: 0, inbound: 0, tooLarge: 0, outbound: 0, degraded: {} });

/**
 * Parse + classify one message's bytes: the keyed record of an outbound message, or nothing
 * (inbound: counted; unreadable or without sender: reported through ctx.reject).
 */
async function handleMessage(input: Buffer | AsyncIterable<Buffer>, where: string, file: string, lineOf: () => Promise<number>, tooLarge: boolean, opts: Omit<ClassifyOptions, 'where' | 'tooLarge'>, ctx: CollectContext, stats: MailStats): Promise<Keyed<'mail'> | undefined> {
  let c;
  try {
    c = classify(await parseMessage(input), { ...opts, where, tooLarge });
  } catch (err) {
    // One unreadable message is a rejected record, never a failed run.
    ctx.reject({ file, line: await lineOf(), reason: `${where}: unreadable message: ${(err as Error).message}` });
    return undefined;
  }
  stats.messages++;
  if (tooLarge) stats.tooLarge++;
  if (c.kind === 'record') {
    // Flat copies: strings sliced from a message's header block would keep the whole block alive.
    const flat = JSON.parse(JSON.stringify(c.record)) as MailRecord;
    for (const field of c.problems) stats.degraded[field] = (stats.degraded[field] ?? 0) + 1;
    stats.outbound++;
    return { key: flat.messageId, data: flat };
  }
  if (c.kind === 'rejected') ctx.reject({ file, line: await lineOf(), reason: `${where}: ${c.reason}` });
  else stats.inbound++;
  return undefined;
}

/**
 * Which listed files to read and the ctime checkpoint to commit once they are all stored, decided
 * before reading anything, so the facts can stream while the checkpoint is already known.
 * Left for the next run: files modified within `settleMs` of `asOf` (maybe still being written)
 * and files changed after `asOf` (shards list at different moments: one taken as of the same
 * instant by all of them keeps a shard from moving the checkpoint past a file only another saw).
 * File times run up to a millisecond ahead of Date.now(), so `asOf` is given CLOCK_SLACK_MS; that
 * stays within CTIME_MARGIN_MS, which the next run reads again anyway.
 */
export function planFiles(all: readonly FileEntry[], opts: { since: number; asOf: number; settleMs: number }): { files: FileEntry[]; checkpoint: string } {
  const files: FileEntry[] = [];
  let newest = 0;
  let heldBack = Number.POSITIVE_INFINITY;
  for (const f of all) {
    const unsettled = opts.settleMs > 0 && f.mtimeMs > opts.asOf - opts.settleMs;
    if (unsettled) heldBack = Math.min(heldBack, f.ctimeMs);
    else if (f.ctimeMs <= opts.asOf + CLOCK_SLACK_MS) {
      files.push(f);
      newest = Math.max(newest, f.ctimeMs);
    }
    // ctime after asOf: above any checkpoint this run commits, so the next run reads it.
  }
  // The checkpoint must stay below a file left unsettled, so that the next run reads it.
  const upTo = Math.min(newest, heldBack - CTIME_MARGIN_MS);
  return { files, checkpoint: String(Math.max(0, upTo, opts.since)) };
}

/**
 * Reads a small file whole into one buffer reused for every message of the run. A fresh 40 KB
 * Buffer per message lives outside the V8 heap until a full GC finds its wrapper, so thousands
 * would pile up and peak RSS would grow with the number of messages; nothing of a message
 * outlives handleMessage (records are flat copies), so reuse is safe.
 */
class ScratchReader {
  private buf = Buffer.allocUnsafe(64 * 1024);
  read(path: string): Buffer {
    const fd = openSync(path, 'r');
    try {
      let n = 0;
      for (;;) {
        if (n === this.buf.length) {
          const bigger = Buffer.allocUnsafe(this.buf.length * 2);
          this.buf.copy(bigger, 0, 0, n);
          this.buf = bigger;
        }
        const got = readSync(fd, this.buf, n, this.buf.length - n, null);
        if (got === 0) return this.buf.subarray(0, n);
        n += got;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** Read the files in order, classify each, yield the outbound records as they are pulled. */
async function* readFiles(files: readonly FileEntry[], root: string, source: Source, ctx: CollectContext, opts: Omit<ClassifyOptions, 'where' | 'tooLarge'>, stats: MailStats): AsyncGenerator<Keyed<'mail'>> {
  const total = files.length;
  const scratch = new ScratchReader();
  for (let i = 0; i < files.length; i++) {
    // An interrupted run must not commit a checkpoint past files it did not read.
    ctx.signal?.throwIfAborted();
    const f = files[i]!;
    const rel = relative(root, f.path) || f.path;
    const tooLarge = f.size > source.maxMessageBytes;
    let fact: Keyed<'mail'> | undefined;
    try {
      // A small file in synchronous calls: thread-pool round trips (open, read, close) per
      // message cost more than the read itself, and parsing is synchronous anyway.
      const input = tooLarge ? await readFileHead(f.path, TOO_LARGE_HEAD) : f.size > READ_WHOLE ? (createReadStream(f.path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) : scratch.read(f.path);
      fact = await handleMessage(input, rel, rel, FIRST_LINE, tooLarge, opts, ctx, stats);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Moved since the listing (Maildir new/ → cur/ renames): the rename gave it a new ctime,
      // so the next run reads it where it went. Anything else unreadable is reported.
      if (code === 'ENOENT') ctx.log.debug({ source: source.id }, 'message file moved while collecting');
      else ctx.reject({ file: rel, line: 1, reason: `unreadable: ${code ?? (err as Error).message}` });
    }
    ctx.progress(i + 1, total);
    if (fact) yield fact;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function entries(paths: string[], since: number): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const p of paths) {
    try {
      const st = await stat(p);
      if (st.isFile() && st.ctimeMs > since - CTIME_MARGIN_MS) out.push({ path: p, size: st.size, ctimeMs: st.ctimeMs, mtimeMs: st.mtimeMs });
    } catch {
      // Gone since the listing: it will be found where it moved to.
    }
  }
  return out;
}

/** Folders of a Maildir: the root's cur/ and new/, and those of Maildir++ subfolders (`.Sent`, …). */
export async function maildirFolders(root: string): Promise<string[]> {
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory()) throw new EvidenceInputError(root, 'not a Maildir directory');
  const out: string[] = [];
  const add = async (dir: string) => {
    for (const sub of ['cur', 'new']) {
      const d = join(dir, sub);
      if ((await stat(d).catch(() => undefined))?.isDirectory()) out.push(d);
    }
  };
  await add(root);
  for (const name of (await readdir(root)).sort()) {
    if (name.startsWith('.') && name !== '.' && name !== '..') await add(join(root, name));
  }
  if (out.length === 0) throw new EvidenceInputError(root, 'no cur/ or new/ folder: not a Maildir');
  return out;
}

async function maildirFiles(dir: string, since: number): Promise<FileEntry[]> {
  return entries((await listDir(dir)).map((n) => join(dir, n)), since);
}

/** .eml files under a directory (recursively), or the one file the path names. */
export async function emlFiles(root: string, since: number): Promise<FileEntry[]> {
  const st = await stat(root).catch(() => undefined);
  if (!st) throw new EvidenceInputError(root, 'no such file or directory');
  if (st.isFile()) return entries([root], since);
  const paths: string[] = [];
  const walk = async (dir: string) => {
    for (const name of await listDir(dir)) {
      const p = join(dir, name);
      const s = await stat(p).catch(() => undefined);
      if (s?.isDirectory()) await walk(p);
      else if (s?.isFile() && /\.eml$/i.test(name)) paths.push(p);
    }
  };
  await walk(root);
  return entries(paths, since);
}

function bucketOf(rel: string, of: number): number {
  return createHash('sha1').update(rel).digest().readUInt32BE(0) % of;
}

// ---------- mbox ----------

interface MboxCheckpoint {
  offset: number;
  /** Hash of the file's first `headLen` bytes: a different file under the same name starts again at 0. */
  head: string;
  headLen: number;
}

const IDENTITY_BYTES = 4096;

async function headHash(path: string, n: number): Promise<string> {
  return createHash('sha256').update(await readFileHead(path, n)).digest('hex').slice(0, 32);
}

function mboxCheckpointName(rel: string): string {
  return `mbox:${rel}`;
}

/** Where to resume in an mbox, and the checkpoint to commit once it is read to its end. */
async function mboxStart(path: string, name: string, ctx: CollectContext, sourceId: string): Promise<{ start: number; size: number; next: MboxCheckpoint }> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new EvidenceInputError(path, 'not an mbox file');
  const size = st.size;
  const headLen = Math.min(IDENTITY_BYTES, size);
  const next: MboxCheckpoint = { offset: size, head: await headHash(path, headLen), headLen };
  const raw = await ctx.store.getCheckpoint(sourceId, name);
  let start = 0;
  if (raw) {
    try {
      const cp = JSON.parse(raw) as MboxCheckpoint;
      // Same file grown by appends: its first bytes are unchanged and it is no shorter.
      if (cp.offset <= size && cp.headLen <= size && (await headHash(path, cp.headLen)) === cp.head) start = cp.offset;
    } catch {
      start = 0;
    }
  }
  return { start, size, next };
}

/** The messages of [start, end) of an mbox, classified as pulled; outbound records yielded. */
async function* readMboxRange(path: string, rel: string, start: number, end: number | null, source: Source, ctx: CollectContext, opts: Omit<ClassifyOptions, 'where' | 'tooLarge'>, stats: MailStats): AsyncGenerator<Keyed<'mail'>> {
  const lines = new LineCounter(path);
  for await (const m of readMbox(path, { start, ...(end !== null ? { end } : {}), maxMessageBytes: source.maxMessageBytes, keepWhenTruncated: TOO_LARGE_HEAD })) {
    ctx.signal?.throwIfAborted();
    const fact = await handleMessage(m.bytes, `${rel}:${m.offset}`, rel, () => lines.lineAt(m.offset), m.truncated, opts, ctx, stats);
    ctx.progress(m.offset + m.size);
    if (fact) yield fact;
  }
}

// ---------- the collector ----------

async function sinceOf(source: Source, ctx: CollectContext): Promise<number> {
  const raw = await ctx.store.getCheckpoint(source.id, CTIME_CHECKPOINT);
  const n = raw ? Number(raw) : 0;
  return Number.isFinite(n) ? n : 0;
}

export async function mailShards(source: Source, ctx: CollectContext): Promise<MailShard[]> {
  const root = sourceRoot(source, ctx);
  // One instant for every shard's file plan, so that the checkpoints they merge agree.
  const asOf = Date.now();
  if (source.format === 'maildir') {
    const since = await sinceOf(source, ctx);
    const of = Math.max(1, source.shards);
    // Each folder, split by a hash of the file name when more shards are asked for than folders.
    return (await maildirFolders(root)).flatMap((dir) =>
      Array.from({ length: of }, (_, bucket): MailShard => ({ id: `maildir:${relative(root, dir)}:${bucket}/${of}`, unit: { kind: 'maildir-folder', dir, since, asOf, bucket, of } })),
    );
  }
  if (source.format === 'eml') {
    const since = await sinceOf(source, ctx);
    const of = Math.max(1, source.shards);
    return Array.from({ length: of }, (_, bucket) => ({ id: `eml:${bucket}/${of}`, unit: { kind: 'eml-bucket', root, bucket, of, since, asOf } }));
  }
  const rel = relative(ctx.config.baseDir, root) || root;
  const name = mboxCheckpointName(rel);
  const { start, size, next } = await mboxStart(root, name, ctx, source.id);
  const cuts = source.shards > 1 && size - start > 1024 * 1024 ? await messageBoundaries(root, Array.from({ length: source.shards - 1 }, (_, i) => start + Math.floor(((size - start) * (i + 1)) / source.shards)), size, start) : [];
  const bounds = [...new Set([start, ...cuts.filter((c) => c > start && c < size)])].sort((a, b) => a - b);
  const value = JSON.stringify(next);
  return bounds.map((b, i) => ({ id: `mbox:${b}`, unit: { kind: 'mbox-range', file: root, start: b, end: bounds[i + 1] ?? null, checkpoint: name, checkpointValue: value } }));
}

/** A shard's records held in memory (a shard is bounded): first one per key wins, as insert-or-ignore. */
function firstPerKey(into: Map<string, MailRecord>, f: Keyed<'mail'>): void {
  if (!into.has(f.key)) into.set(f.key, f.data);
}

const keyed = (m: Map<string, MailRecord>): Keyed<'mail'>[] => [...m].map(([key, data]) => ({ key, data }));

export async function collectMailShard(source: Source, shard: MailShard, ctx: CollectContext): Promise<MailPartial> {
  const opts = classifyOptions(source, ctx);
  const stats = newStats();
  const byKey = new Map<string, MailRecord>();
  const checkpoints: Record<string, string> = {};
  const u = shard.unit;
  const root = sourceRoot(source, ctx);
  if (u.kind === 'maildir-folder' || u.kind === 'eml-bucket') {
    const listed = u.kind === 'maildir-folder' ? await maildirFiles(u.dir, u.since) : await emlFiles(u.root, u.since);
    // Planned on the whole listing, before the bucket is picked: every bucket of a folder then
    // holds back the same unsettled files and commits the same checkpoint.
    const plan = planFiles(listed, { since: u.since, asOf: u.asOf, settleMs: u.kind === 'eml-bucket' ? EML_SETTLE_MS : 0 });
    const files = u.of > 1 ? plan.files.filter((f) => bucketOf(relative(root, f.path), u.of) === u.bucket) : plan.files;
    for await (const f of readFiles(files, root, source, ctx, opts, stats)) firstPerKey(byKey, f);
    checkpoints[CTIME_CHECKPOINT] = plan.checkpoint;
  } else {
    const rel = relative(ctx.config.baseDir, u.file) || u.file;
    for await (const f of readMboxRange(u.file, rel, u.start, u.end, source, ctx, opts, stats)) firstPerKey(byKey, f);
    // Every range carries the whole file's end: the merge keeps one, written with the facts.
    checkpoints[u.checkpoint] = u.checkpointValue;
  }
  ctx.log.info({ source: source.id, shard: shard.id, ...stats }, 'mail shard collected');
  return { v: 1, facts: keyed(byKey), checkpoints };
}

/** Union by key (the first partial's record wins, as insert-or-ignore would); newest checkpoints. */
export function mergeMailPartials(partials: readonly MailPartial[]): FactsOutput<'mail'> {
  const byKey = new Map<string, MailRecord>();
  const checkpoints: Record<string, string> = {};
  for (const p of partials) {
    for (const f of p.facts) firstPerKey(byKey, f);
    for (const [k, v] of Object.entries(p.checkpoints)) {
      const prev = checkpoints[k];
      checkpoints[k] = prev === undefined ? v : k === CTIME_CHECKPOINT ? String(Math.max(Number(prev), Number(v))) : v;
    }
  }
  return { type: 'facts', facts: keyed(byKey), checkpoints };
}

/** The records as the store pulls them, and the run's counts logged once all are read. */
async function* logged(facts: AsyncGenerator<Keyed<'mail'>>, stats: MailStats, source: Source, ctx: CollectContext): AsyncGenerator<Keyed<'mail'>> {
  yield* facts;
  ctx.log.info({ source: source.id, ...stats }, 'mail collected');
}

/**
 * One run, streaming: everything that decides the checkpoints (the file listing, the mbox's end
 * and identity) is done before returning, and messages are read, parsed and classified only as
 * the store pulls the facts. Memory stays flat in the number of messages; a message seen twice
 * is yielded twice and the store's insert-or-ignore keeps the first.
 */
async function collectStreaming(source: Source, ctx: CollectContext): Promise<FactsOutput<'mail'>> {
  const opts = classifyOptions(source, ctx);
  const root = sourceRoot(source, ctx);
  const stats = newStats();
  if (source.format === 'mbox') {
    const rel = relative(ctx.config.baseDir, root) || root;
    const name = mboxCheckpointName(rel);
    const { start, next } = await mboxStart(root, name, ctx, source.id);
    return { type: 'facts', facts: logged(readMboxRange(root, rel, start, null, source, ctx, opts, stats), stats, source, ctx), checkpoints: { [name]: JSON.stringify(next) } };
  }
  const since = await sinceOf(source, ctx);
  const asOf = Date.now();
  const listed: FileEntry[] = [];
  if (source.format === 'maildir') for (const dir of await maildirFolders(root)) listed.push(...(await maildirFiles(dir, since)));
  else listed.push(...(await emlFiles(root, since)));
  const plan = planFiles(listed, { since, asOf, settleMs: source.format === 'eml' ? EML_SETTLE_MS : 0 });
  return { type: 'facts', facts: logged(readFiles(plan.files, root, source, ctx, opts, stats), stats, source, ctx), checkpoints: { [CTIME_CHECKPOINT]: plan.checkpoint } };
}

export const mailCollector: Collector<'mail-journal', 'mail'> = {
  sourceKind: 'mail-journal',
  recordKind: 'mail',
  collect: (source, ctx) => collectStreaming(source, ctx),
  shards: (source, ctx) => mailShards(source, ctx),
  collectShard: (source, shard, ctx) => collectMailShard(source, shard as MailShard, ctx),
  async mergeShards(_source, partials) {
    return mergeMailPartials(partials as MailPartial[]);
  },
};
