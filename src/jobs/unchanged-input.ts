/**
 * An unchanged export is not parsed again. For a snapshot kind whose records depend only on
 * its file and the config (descriptor `recordsFromFileOnly`), each successful collection keeps a
 * checkpoint: the input's fingerprint (the file's bytes, the source's config, the organisation
 * and identity config, the release) and the digest of the records it gave. The next collection
 * hashes the file; when the fingerprint is the same and the source's newest observation still
 * has that digest, the store repeats that observation at the new instant and nothing is parsed.
 *
 * The checkpoint is written after the snapshot, not with it: a collection that dies between the
 * two only parses the file again next time. A stale checkpoint cannot mislead: the digest it
 * names must be the newest observation's, and equal digests mean equal records.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Config } from '../config/types.ts';
import type { SourceConfig } from '../config/source-kinds.ts';
import { sourceKind } from '../collectors/registry.ts';
import { canonicalJson } from '../evidence/versioning.ts';
import type { Rejection } from '../evidence/store.ts';

export const INPUT_CHECKPOINT = 'unchanged-input';

const RELEASE = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** What a checkpoint remembers of the collection that parsed the input. */
export interface InputMemo {
  fingerprint: string;
  digest: string;
  accepted: number;
  rejected: number;
  rejections: Rejection[];
}

/**
 * The input's fingerprint, or undefined when the source cannot be recognised this way (its kind
 * reads more than a file, an API format, a folder or a glob, a file that cannot be read).
 */
export async function inputFingerprint(config: Pick<Config, 'baseDir' | 'organisation' | 'identity'>, source: SourceConfig): Promise<string | undefined> {
  if (!sourceKind(source.kind).recordsFromFileOnly) return undefined;
  const file = (source as { path?: unknown }).path;
  if (typeof file !== 'string') return undefined;
  const full = path.resolve(config.baseDir, file);
  try {
    if (!(await stat(full)).isFile()) return undefined;
    const hash = createHash('sha256');
    hash.update(canonicalJson({ release: RELEASE, source, organisation: config.organisation, identity: config.identity }));
    hash.update('\n');
    for await (const chunk of createReadStream(full)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return undefined; // the collector reports what is wrong with the file
  }
}

export function parseMemo(value: string | undefined): InputMemo | undefined {
  if (!value) return undefined;
  try {
    const m = JSON.parse(value) as Partial<InputMemo>;
    if (typeof m.fingerprint !== 'string' || typeof m.digest !== 'string' || typeof m.accepted !== 'number' || typeof m.rejected !== 'number' || !Array.isArray(m.rejections)) return undefined;
    return m as InputMemo;
  } catch {
    return undefined;
  }
}
