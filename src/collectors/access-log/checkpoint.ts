/**
 * Where to resume each log file, decided purely from the last checkpoint and what the files look
 * like now. A file is known by its identity (device + inode), and checked by a hash of its first
 * bytes (an inode can be reused by a new file) and its size (copytruncate makes it shrink).
 *
 * - rename + create: the old inode, now `access.log.1`, resumes at its offset (its tail is
 *   read); the new `access.log` is a new identity, read from 0;
 * - copytruncate: the same inode is smaller than the offset, so it is read from 0; the copy
 *   (`access.log.1`, a new inode) starts with the bytes already read, so it resumes at the old
 *   offset;
 * - gzip rotation: `access.log.2.gz` is a new inode whose decompressed head matches a file read
 *   before (now gone): its first `offset` bytes are skipped; a `.gz` already read is never read
 *   again.
 * The same content rule covers the last two cases: a new identity whose head matches an entry
 * that is no longer being continued takes over that entry's offset.
 */
import { createHash } from 'node:crypto';

/** Bytes hashed to recognise a file's content. */
export const HEAD_BYTES = 256;
/** Entries of files gone from disk are kept this long, to recognise them compressed. */
export const ORPHAN_TTL_MS = 35 * 86_400_000;

/** One file as last read. */
export interface FileEntry {
  path: string;
  /** Bytes read (decompressed bytes for gzip). */
  offset: number;
  /** Lines read (for line numbers in rejections). */
  lines: number;
  headLen: number;
  headHash: string;
  gz?: boolean;
  /** The last read of this `.gz` failed (corrupt): it is read again until it reads or goes. */
  failed?: boolean;
  /** When the file was found gone or replaced (ISO); dropped after ORPHAN_TTL_MS. */
  orphanedAt?: string;
}

/** The checkpoint of one source, stored as JSON under the name `files`. */
export interface CheckpointState {
  v: 1;
  /** By identity `dev:ino` (orphans: `dev:ino#offset`). */
  files: Record<string, FileEntry>;
}

export const CHECKPOINT_NAME = 'files';

/** A file as found now. */
export interface SeenFile {
  path: string;
  identity: string;
  gz: boolean;
  size: number;
  mtimeMs: number;
  /** Its first ≤ HEAD_BYTES bytes (decompressed for gzip). */
  head: Buffer;
}

/** What to read of one file this run. */
export interface FilePlan {
  path: string;
  identity: string;
  gz: boolean;
  mtimeMs: number;
  /** Byte (decompressed, for gzip) to start at. */
  start: number;
  /** Line number of the line before `start` (0 at the beginning). */
  startLine: number;
  headLen: number;
  headHash: string;
}

export function hashHead(head: Uint8Array, len: number): string {
  return createHash('sha256').update(head.subarray(0, len)).digest('base64url').slice(0, 22);
}

export function parseCheckpoint(text: string | undefined): CheckpointState {
  if (!text) return { v: 1, files: {} };
  try {
    const s = JSON.parse(text) as CheckpointState;
    if (s && s.v === 1 && s.files && typeof s.files === 'object') return s;
  } catch {
    // A damaged checkpoint: start over rather than fail every run (re-reading is visible in counts).
  }
  return { v: 1, files: {} };
}

function headMatches(e: FileEntry, head: Buffer): boolean {
  return e.headLen <= head.length && hashHead(head, e.headLen) === e.headHash;
}

/**
 * Decide what to read. Returns the plans (files with nothing new are left out) and the state to
 * commit once they have been read, with `offset`/`lines` of each planned file still to be set by
 * the reader (see `completeState`).
 */
export function planFiles(prev: CheckpointState, seen: readonly SeenFile[], observedAt: Date): { plans: FilePlan[]; state: CheckpointState } {
  const now = observedAt.toISOString();
  const files: Record<string, FileEntry> = {};
  const plans: FilePlan[] = [];
  const seenIds = new Set(seen.map((f) => f.identity));
  const orphans = new Map<string, FileEntry>();

  // Entries whose file is gone stay as candidates for a compressed or copied successor.
  for (const [id, e] of Object.entries(prev.files)) {
    const baseId = id.split('#')[0] ?? id;
    if (id === baseId && seenIds.has(id)) continue;
    if (e.gz) continue; // a compressed file that is gone needs no memory
    const since = e.orphanedAt ?? now;
    if (observedAt.getTime() - Date.parse(since) > ORPHAN_TTL_MS) continue;
    orphans.set(id === baseId ? `${id}#${e.offset}` : id, { ...e, orphanedAt: since });
  }

  const head = (f: SeenFile) => ({ headLen: Math.min(f.head.length, HEAD_BYTES), headHash: hashHead(f.head, Math.min(f.head.length, HEAD_BYTES)) });
  const unknown: SeenFile[] = [];
  for (const f of seen) {
    const e = prev.files[f.identity];
    if (!e) {
      unknown.push(f);
      continue;
    }
    if (f.gz && e.gz && !e.failed) {
      files[f.identity] = { ...e, path: f.path }; // read once, never again
      continue;
    }
    if (f.gz && e.gz) {
      // Its last read failed: read it again from where it was to start (a taken-over offset stays).
      const { failed: _failed, ...rest } = e;
      files[f.identity] = { ...rest, path: f.path };
      plans.push({ path: f.path, identity: f.identity, gz: true, mtimeMs: f.mtimeMs, start: e.offset, startLine: e.lines, headLen: e.headLen, headHash: e.headHash });
      continue;
    }
    if (!f.gz && !e.gz && f.size >= e.offset && headMatches(e, f.head)) {
      files[f.identity] = { ...e, path: f.path, ...head(f) };
      if (f.size > e.offset) plans.push({ path: f.path, identity: f.identity, gz: false, mtimeMs: f.mtimeMs, start: e.offset, startLine: e.lines, ...head(f) });
      continue;
    }
    // Truncated or replaced: what was read may live on in a copy or a .gz.
    if (!e.gz) orphans.set(`${f.identity}#${e.offset}`, { ...e, orphanedAt: now });
    unknown.push(f);
  }

  for (const f of unknown) {
    let start = 0;
    let startLine = 0;
    for (const [id, o] of orphans) {
      if (o.headLen > 0 && o.offset > 0 && headMatches(o, f.head)) {
        start = o.offset;
        startLine = o.lines;
        orphans.delete(id);
        break;
      }
    }
    const h = head(f);
    if (f.gz) {
      files[f.identity] = { path: f.path, offset: start, lines: startLine, gz: true, ...h };
      plans.push({ path: f.path, identity: f.identity, gz: true, mtimeMs: f.mtimeMs, start, startLine, ...h });
    } else {
      files[f.identity] = { path: f.path, offset: start, lines: startLine, ...h };
      if (f.size > start) plans.push({ path: f.path, identity: f.identity, gz: false, mtimeMs: f.mtimeMs, start, startLine, ...h });
    }
  }
  for (const [id, o] of orphans) files[id] = o;
  return { plans, state: { v: 1, files } };
}

/**
 * A planned file that could not be read: its entry keeps its offset (nothing of it is counted),
 * and a `.gz` is marked so that the next run plans it again rather than taking it as read.
 */
export function failState(state: CheckpointState, identity: string): void {
  const e = state.files[identity];
  if (e?.gz) e.failed = true;
}

/** Record what was read of a planned file: its new end offset and the lines read. */
export function completeState(state: CheckpointState, identity: string, end: number, linesRead: number): void {
  const e = state.files[identity];
  if (!e) return;
  e.offset = Math.max(e.offset, end);
  e.lines += linesRead;
}
