/**
 * The access-log file collector (kind `access-log`): the I/O shell around the pure parsers.
 *
 * A run plans what to read from the checkpoint (see checkpoint.ts), reads each planned byte range
 * into per-account-per-day aggregates, and returns them as facts with the new checkpoint, which
 * the store commits in the same transaction — so a failed run commits nothing and the next run
 * reads the same bytes again, and a successful run is never read twice.
 *
 * Sharding: the plan is split into shards (a file, or a byte range of a big file aligned to line
 * starts); each shard yields a JSON partial; partials merge associatively. `collect` is the same
 * three steps run in one process, so both paths give the same answer.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import type { SourceOf } from '../../config/source-kinds.ts';
import { EvidenceInputError, TransientError } from '../../errors.ts';
import type { AccessDayRecord } from '../../evidence/records.ts';
import type { FailedFile } from '../../evidence/store.ts';
import type { CollectContext, Collector, FactsOutput, ShardSpec } from '../types.ts';
import { AccessDayAggregator, accessDayKey, mergeAccessDay, mergeAccessDays } from './aggregate.ts';
import {
  CHECKPOINT_NAME, HEAD_BYTES, completeState, failState, parseCheckpoint, planFiles,
  type CheckpointState, type FilePlan, type SeenFile,
} from './checkpoint.ts';
import { lineHandler, type LineCounts } from './lines.ts';
import { lastLineEnd, nextLineStart, readGzip, readHead, readPlainRange } from './read.ts';

type Source = SourceOf<'access-log'>;

/** One shard: a byte range of one file (or nothing, to carry the checkpoint when all is read). */
export interface AccessLogShard extends ShardSpec {
  file: {
    path: string;
    identity: string;
    gz: boolean;
    mtimeMs: number;
    start: number;
    /** Exclusive, on a line boundary; for gzip, read to the end. */
    end: number | null;
    /** Lines before `start`, when known (not for a range cut in the middle of a file). */
    startLine: number | null;
  } | null;
  /** The checkpoint to commit once every shard is read (JSON of CheckpointState). */
  state: string;
  /** Files that could not even be looked at while planning (carried by the first shard only). */
  unseen?: FailedFile[];
}

/** A shard's result; merge with mergeAccessLogPartials. JSON-serialisable. */
export interface AccessLogPartial {
  v: 1;
  state: string;
  records: AccessDayRecord[];
  /** Per file identity: end offset reached and lines read. */
  files: Record<string, { end: number; lines: number }>;
  /** Files this shard could not read (nothing of theirs is in `records`). */
  failed?: (FailedFile & { identity?: string })[];
}

/** Share of rejected lines above which a file is taken to be in another format. */
const WRONG_FORMAT_SHARE = 0.9;
const WRONG_FORMAT_MIN_LINES = 20;

function hasGlob(s: string): boolean {
  return /[*?[\]{}]/.test(s);
}

/** Files matching the source's globs, resolved against the config's directory. */
export async function resolvePaths(patterns: readonly string[], baseDir: string): Promise<string[]> {
  const out = new Set<string>();
  for (const p of patterns) {
    const abs = isAbsolute(p) ? p : resolve(baseDir, p);
    if (!hasGlob(abs)) {
      out.add(abs);
      continue;
    }
    // tinyglobby wants a cwd and a relative pattern: split at the first segment with a wildcard.
    const parts = abs.split('/');
    const i = parts.findIndex(hasGlob);
    const cwd = parts.slice(0, i).join('/') || '/';
    for (const f of await glob(parts.slice(i).join('/'), { cwd, absolute: true, onlyFiles: true, dot: true })) out.add(f);
  }
  return [...out].sort();
}

async function seeFile(path: string): Promise<SeenFile | undefined> {
  let st;
  try {
    st = await stat(path, { bigint: true });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EvidenceInputError(path, `cannot read: ${(cause as Error).message}`, { cause });
  }
  if (!st.isFile()) return undefined;
  try {
    const raw = await readHead(path, false, 2);
    const gz = raw.length === 2 && raw[0] === 0x1f && raw[1] === 0x8b;
    const head = await readHead(path, gz, HEAD_BYTES);
    return { path, identity: `${st.dev}:${st.ino}`, gz, size: Number(st.size), mtimeMs: Number(st.mtimeMs), head };
  } catch (cause) {
    throw new EvidenceInputError(path, `cannot read: ${(cause as Error).message}`, { cause });
  }
}

/**
 * The files to consider now, including a known file renamed to `<name>.1` outside the globs, and
 * those that could not be looked at (a `.gz` whose head does not decompress, an unreadable file).
 */
async function seeFiles(source: Source, ctx: CollectContext, prev: CheckpointState): Promise<{ seen: SeenFile[]; unseen: FailedFile[] }> {
  const paths = await resolvePaths(source.paths, ctx.config.baseDir);
  const seen: SeenFile[] = [];
  const unseen: FailedFile[] = [];
  const ids = new Set<string>();
  for (const p of paths) {
    let f: SeenFile | undefined;
    try {
      f = await seeFile(p);
    } catch (err) {
      unseen.push({ file: p, error: fileError(err) });
      continue;
    }
    // A symlink or hard link to a file already listed is the same file: read it once.
    if (f && !ids.has(f.identity)) {
      seen.push(f);
      ids.add(f.identity);
    }
  }
  for (const [id, e] of Object.entries(prev.files)) {
    if (id.includes('#') || ids.has(id) || e.gz) continue;
    const f = await seeFile(`${e.path}.1`).catch(() => undefined);
    if (f && f.identity === id) {
      seen.push(f);
      ids.add(id);
    }
  }
  if (seen.length === 0 && unseen.length === 0 && Object.keys(prev.files).length === 0) {
    throw new EvidenceInputError(source.paths.join(', '), 'no log file matches');
  }
  return { seen, unseen };
}

/** The message of a file's read error, without the path (the failed file names it). */
function fileError(err: unknown): string {
  const msg = (err as Error).message ?? String(err);
  return msg.replace(/^.*?: cannot read: /, '');
}

/** Split the plan into shards of about `total / count` bytes, cut at line starts. */
async function shardPlan(plans: FilePlan[], count: number, state: CheckpointState): Promise<AccessLogShard[]> {
  const stateText = JSON.stringify(state);
  const ranges: { plan: FilePlan; end: number | null }[] = [];
  for (const p of plans) {
    if (p.gz) ranges.push({ plan: p, end: null });
    else {
      const st = await stat(p.path);
      const end = await lastLineEnd(p.path, st.size, p.start);
      // Only complete lines: a line being written is read next time.
      if (end > p.start) ranges.push({ plan: p, end });
    }
  }
  const total = ranges.reduce((n, r) => n + (r.end === null ? 0 : r.end - r.plan.start), 0);
  const piece = count > 1 ? Math.max(64 * 1024, Math.ceil(total / count)) : Infinity;
  const shards: AccessLogShard[] = [];
  for (const { plan: p, end } of ranges) {
    const base = { path: p.path, identity: p.identity, gz: p.gz, mtimeMs: p.mtimeMs };
    if (end === null || end - p.start <= piece) {
      shards.push({ id: `${p.identity}@${p.start}`, file: { ...base, start: p.start, end, startLine: p.startLine }, state: stateText });
      continue;
    }
    let s = p.start;
    while (s < end) {
      const e = s + piece >= end ? end : await nextLineStart(p.path, s + piece, end);
      shards.push({ id: `${p.identity}@${s}`, file: { ...base, start: s, end: e, startLine: s === p.start ? p.startLine : null }, state: stateText });
      s = e;
    }
  }
  if (shards.length === 0) shards.push({ id: 'checkpoint', file: null, state: stateText });
  return shards;
}

async function plan(source: Source, ctx: CollectContext, count: number): Promise<AccessLogShard[]> {
  const prev = parseCheckpoint(await ctx.store.getCheckpoint(source.id, CHECKPOINT_NAME));
  const { seen, unseen } = await seeFiles(source, ctx, prev);
  const { plans, state } = planFiles(prev, seen, ctx.observedAt);
  const shards = await shardPlan(plans, count, state);
  if (unseen.length) shards[0]!.unseen = unseen;
  return shards;
}

/** Read one shard into a partial. */
export async function collectAccessLogShard(source: Source, shard: AccessLogShard, ctx: CollectContext): Promise<AccessLogPartial> {
  const partial: AccessLogPartial = { v: 1, state: shard.state, records: [], files: {}, ...(shard.unseen ? { failed: [...shard.unseen] } : {}) };
  const f = shard.file;
  if (!f) return partial;
  // One file that cannot be read (a corrupt rotated .gz) is a failed file of the run, not a
  // failed source: nothing of it is counted, the other files are, and the run says `partial`.
  const fail = (error: string): AccessLogPartial => {
    ctx.log.warn({ source: source.id, shard: shard.id }, 'log file could not be read');
    return { ...partial, failed: [...(partial.failed ?? []), { file: f.path, error, identity: f.identity }] };
  };
  const agg = new AccessDayAggregator(ctx.config.organisation.timeZone);
  const counts: LineCounts = { lines: 0, rejected: 0, events: 0 };
  const fn = lineHandler(agg, {
    format: source.format,
    where: f.path,
    zone: source.timeZone ?? ctx.config.organisation.timeZone,
    referenceMs: f.mtimeMs,
    reject: (n, reason) =>
      ctx.reject(
        f.startLine !== null
          ? { file: f.path, line: f.startLine + n, reason }
          : { file: f.path, line: n, reason: `${reason} (line ${n} counted from byte ${f.start})` },
      ),
  }, counts);
  let end: number;
  try {
    if (f.gz) end = await readGzip(f.path, f.start, fn, ctx.signal);
    else end = f.start + (await readPlainRange(f.path, f.start, f.end ?? f.start, fn, ctx.signal, f.identity));
  } catch (cause) {
    if ((cause as Error).name === 'AbortError' || cause instanceof TransientError) throw cause;
    return fail(f.gz ? `not a readable gzip file: ${(cause as Error).message}` : `cannot read: ${(cause as Error).message}`);
  }
  if (counts.lines >= WRONG_FORMAT_MIN_LINES && counts.rejected > counts.lines * WRONG_FORMAT_SHARE) {
    return fail(`${counts.rejected} of ${counts.lines} lines are not ${source.format} log lines; is the source's format right?`);
  }
  ctx.progress(counts.lines);
  partial.records = agg.records();
  partial.files[f.identity] = { end, lines: counts.lines };
  return partial;
}

/**
 * Merge partials (associative and commutative). A file that failed in any shard counts in none:
 * the records of its other byte ranges are left out too, and its offset does not move.
 */
export function mergeAccessLogPartials(partials: readonly AccessLogPartial[]): AccessLogPartial {
  const failed = partials.flatMap((p) => p.failed ?? []);
  const failedIds = new Set(failed.flatMap((f) => (f.identity ? [f.identity] : [])));
  const good = partials.filter((p) => !(p.failed ?? []).some((f) => f.identity) && !Object.keys(p.files).some((id) => failedIds.has(id)));
  const files: AccessLogPartial['files'] = {};
  for (const p of good) {
    for (const [id, f] of Object.entries(p.files)) {
      const old = files[id];
      files[id] = old ? { end: Math.max(old.end, f.end), lines: old.lines + f.lines } : { ...f };
    }
  }
  const byFile = new Map(failed.map((f) => [f.file, f]));
  return { v: 1, state: partials[0]?.state ?? '', records: mergeAccessDays(good.map((p) => p.records)), files, ...(byFile.size ? { failed: [...byFile.values()] } : {}) };
}

/**
 * The facts and checkpoint of merged partials. When some files failed and others were read, the
 * output names the failed ones (the run is `partial`); when no file could be read at all, the
 * source fails with their errors.
 */
export function accessLogOutput(partials: readonly AccessLogPartial[]): FactsOutput<'access-day'> {
  const m = mergeAccessLogPartials(partials);
  const state = parseCheckpoint(m.state);
  for (const [id, f] of Object.entries(m.files)) completeState(state, id, f.end, f.lines);
  const failed = m.failed ?? [];
  for (const f of failed) if (f.identity) failState(state, f.identity);
  const present = Object.keys(state.files).filter((id) => !id.includes('#')).length;
  const unseen = failed.filter((f) => !f.identity).length;
  // Every file failed (the ones seen now and the ones that could not even be looked at).
  if (failed.length > 0 && failed.length - unseen >= present) {
    if (failed.length === 1) throw new EvidenceInputError(failed[0]!.file, failed[0]!.error);
    throw new EvidenceInputError(failed[0]!.file, `no log file could be read: ${failed.map((f) => `${f.file}: ${f.error}`).join('; ')}`);
  }
  return {
    type: 'facts',
    facts: m.records.map((r) => ({ key: accessDayKey(r), data: r })),
    merge: mergeAccessDay,
    checkpoints: { [CHECKPOINT_NAME]: JSON.stringify(state) },
    ...(failed.length ? { failedFiles: failed.map((f) => ({ file: f.file, error: f.error })) } : {}),
  };
}

export const accessLogCollector: Collector<'access-log', 'access-day'> = {
  sourceKind: 'access-log',
  recordKind: 'access-day',
  async collect(source, ctx) {
    const partials: AccessLogPartial[] = [];
    for (const shard of await plan(source, ctx, 1)) partials.push(await collectAccessLogShard(source, shard, ctx));
    return accessLogOutput(partials);
  },
  async shards(source, ctx) {
    return plan(source, ctx, source.shards);
  },
  async collectShard(source, shard, ctx) {
    return collectAccessLogShard(source, shard as AccessLogShard, ctx);
  },
  async mergeShards(_source, partials, _ctx) {
    return accessLogOutput(partials as AccessLogPartial[]);
  },
};
