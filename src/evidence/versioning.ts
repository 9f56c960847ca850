/**
 * Change-only history of snapshot sources, shared by every store.
 *
 * A snapshot source (HR roster, IdP export, …) is observed as a whole at instants t1 < t2 < ….
 * For each record key we keep only the versions where its state changed: `(at, data)` or
 * `(at, null)` = absent from that observation on. The state of a key at T is its newest version
 * with at ≤ T. An export loaded out of order (`collect --observed-at` for a backfill) is
 * inserted in its place: the next observation keeps seeing what it saw.
 */
import { createHash } from 'node:crypto';
import type { Keyed, RecordKind } from './records.ts';

/** One export read whole: each key's canonical JSON, the keys in order, and the export's digest. */
export interface ReadExport {
  incoming: Map<string, string>;
  sortedKeys: string[];
  /** SHA-256 over the sorted keys and their JSON: equal exports have equal digests. */
  digest: string;
}

export async function readExport<K extends RecordKind>(records: Iterable<Keyed<K>> | AsyncIterable<Keyed<K>>): Promise<ReadExport> {
  const incoming = new Map<string, string>();
  for await (const r of records as AsyncIterable<Keyed<K>>) {
    incoming.set(r.key, canonicalJson(r.data)); // a key repeated in one export: the last row wins
  }
  // One update per ~1 MB, not four per record: crossing into the hash is what costs.
  const hash = createHash('sha256');
  let chunk = '';
  const sortedKeys = [...incoming.keys()].sort();
  for (const k of sortedKeys) {
    chunk += `${k}\u0000${incoming.get(k)!}\n`;
    if (chunk.length > 1 << 20) {
      hash.update(chunk);
      chunk = '';
    }
  }
  return { incoming, sortedKeys, digest: hash.update(chunk).digest('hex') };
}

/**
 * The evidence stamp of a read as of T (EvidenceStore.evidenceStamp), from the source's
 * observations ≤ T (instant and digest, oldest first), its facts observed ≤ T (how many, the
 * newest instant) and its merge revision. Both stores compute it alike.
 */
export function evidenceStampOf(observations: Iterable<readonly [number, string]>, facts: number, lastFact: number | null, mergeRevision: number, newestRun: string | null): string {
  const h = createHash('sha256');
  for (const [at, digest] of observations) h.update(`o${at}:${digest}\n`);
  // The newest run that wrote evidence as of then: a log source read in the period with nothing
  // in it turns a KPI's no_data into a count of 0 without adding a fact.
  h.update(`f${facts}:${lastFact ?? ''}:${mergeRevision}:${newestRun ?? ''}`);
  return h.digest('hex').slice(0, 32);
}

/** A stored version: `data` is the record's canonical JSON, or null when absent. */
export interface StoredVersion {
  at: number;
  data: string | null;
}

export interface VersionEdit {
  key: string;
  insert: StoredVersion[];
  /** `at` values of versions to delete. */
  remove: number[];
}

function stateBefore(versions: readonly StoredVersion[], t: number): string | null {
  let s: string | null = null;
  for (const v of versions) {
    if (v.at < t) s = v.data;
    else break;
  }
  return s;
}

/**
 * The edits that put one observation at `t` into a key's history.
 * @param versions the key's versions, oldest first
 * @param incoming the key's canonical JSON in the new observation, or null when absent from it
 * @param nextObservation the source's first observation instant after t, if any
 */
export function editForObservation(
  key: string,
  versions: readonly StoredVersion[],
  t: number,
  incoming: string | null,
  nextObservation: number | undefined,
): VersionEdit | undefined {
  const remove: number[] = [];
  const insert: StoredVersion[] = [];
  // A re-collection of the same instant replaces what that instant said.
  const others = versions.filter((v) => {
    if (v.at === t) {
      remove.push(t);
      return false;
    }
    return true;
  });
  const prev = stateBefore(others, t);
  if (incoming !== prev) insert.push({ at: t, data: incoming });

  if (nextObservation !== undefined) {
    const atNext = others.find((v) => v.at === nextObservation);
    // What the next observation saw: its own version, or else the state carried from before t.
    const seenNext = atNext ? atNext.data : prev;
    if (atNext && atNext.data === incoming) {
      remove.push(nextObservation); // no longer a change
    } else if (!atNext && incoming !== prev) {
      insert.push({ at: nextObservation, data: seenNext }); // keep what it saw
    }
  }
  // Drop removals that the inserts immediately recreate identically.
  const removeSet = new Set(remove);
  const realInsert = insert.filter((i) => {
    const old = versions.find((v) => v.at === i.at);
    if (old && old.data === i.data && removeSet.has(i.at)) {
      removeSet.delete(i.at);
      return false;
    }
    return true;
  });
  if (realInsert.length === 0 && removeSet.size === 0) return undefined;
  return { key, insert: realInsert, remove: [...removeSet] };
}

/**
 * Canonical JSON: keys in sorted order at every level and undefined members dropped, so equal
 * records compare equal as strings whatever order a collector built them in.
 */
export function canonicalJson(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && isFlat(value as Record<string, unknown>)) {
    // Records are flat (scalars and arrays of scalars). A copy built by a function made once per
    // key set, with its keys in sorted order, stringifies natively on V8's fast path: about
    // twice as fast as JSON.stringify with an allow-list, four times walking by hand.
    return stringifierOf(value as Record<string, unknown>)(value as Record<string, unknown>);
  }
  return walk(value);
}

type Stringifier = (o: Record<string, unknown>) => string;
const stringifiers = new Map<string, Stringifier>();

function stringifierOf(o: Record<string, unknown>): Stringifier {
  const keys = Object.keys(o);
  // With the count, two lists of NUL-free keys never share a signature ({} and {"": …}); a list
  // holding a NUL in a key has more NULs in its signature than any NUL-free list of its count,
  // and is never cached.
  const signature = `${keys.length}:${keys.join('\u0000')}`;
  let out = stringifiers.get(signature);
  if (!out) {
    const sorted = [...keys].sort();
    if (keys.some((k) => k.includes('\u0000'))) return (x) => JSON.stringify(x, sorted);
    if (stringifiers.size > 1000) stringifiers.clear();
    // Integer-like keys would be reordered by the engine, and a quoted "__proto__" in a literal
    // sets the prototype: such key sets keep the allow-list. The others are quoted with
    // JSON.stringify, which gives a valid JavaScript string literal for any key.
    if (sorted.some((k) => k === '__proto__' || /^(0|[1-9][0-9]*)$/.test(k))) {
      out = (x) => JSON.stringify(x, sorted);
    } else {
      const copy = new Function('o', `return {${sorted.map((k) => `${JSON.stringify(k)}: o[${JSON.stringify(k)}]`).join(',')}};`) as (o: Record<string, unknown>) => unknown;
      out = (x) => JSON.stringify(copy(x));
    }
    stringifiers.set(signature, out);
  }
  return out;
}

function isFlat(o: Record<string, unknown>): boolean {
  for (const k in o) {
    const v = o[k];
    if (v !== null && typeof v === 'object') {
      if (!Array.isArray(v)) return false;
      for (const x of v) if (x !== null && typeof x === 'object') return false;
    }
  }
  return true;
}

function walk(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : walk(v))).join(',')}]`;
  const o = value as Record<string, unknown>;
  let out = '';
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    if (v === undefined) continue;
    out += `${out ? ',' : ''}${JSON.stringify(k)}:${walk(v)}`;
  }
  return `{${out}}`;
}
