/**
 * A read-only view of an evidence store for evaluating the same objectives at many instants
 * (trend points): each snapshot source's history is read once, as of the latest instant, and
 * every earlier instant is served by cutting that history at the instant — exactly what the
 * store itself returns as of it (versions ≤ T, the record absent when none is), without reading
 * SQLite again for each month. Facts still stream from the store (they can be many: mail).
 */
import type { RecordKind, RecordKinds, Versioned } from '../evidence/records.ts';
import type { EvidenceStore } from '../evidence/store.ts';

const BATCH = 5000;

export function historyView(inner: EvidenceStore, horizon: Date): EvidenceStore {
  const histories = new Map<string, Promise<Versioned<unknown>[]>>();
  const sourcesOfKind = new Map<RecordKind, Promise<string[]>>();
  const H = horizon.getTime();

  const ofKind = (kind: RecordKind): Promise<string[]> => {
    let p = sourcesOfKind.get(kind);
    if (!p) sourcesOfKind.set(kind, (p = inner.snapshotSources(kind)));
    return p;
  };
  const history = (kind: RecordKind, source: string): Promise<Versioned<unknown>[]> => {
    const k = `${kind}\u0000${source}`;
    let p = histories.get(k);
    if (!p) {
      p = (async () => {
        const out: Versioned<unknown>[] = [];
        for await (const batch of inner.readSnapshotBatches(kind, horizon, [source])) for (const v of batch) out.push(v as Versioned<unknown>);
        return out;
      })();
      histories.set(k, p);
    }
    return p;
  };

  async function* batches<K extends RecordKind>(kind: K, at: Date, sources?: readonly string[]): AsyncIterable<Versioned<RecordKinds[K]>[]> {
    const T = at.getTime();
    if (T > H) {
      yield* inner.readSnapshotBatches(kind, at, sources);
      return;
    }
    // The store's order: its sources of the kind (sorted), narrowed to the wanted ones.
    for (const source of (await ofKind(kind)).filter((s) => !sources || sources.includes(s))) {
      let batch: Versioned<RecordKinds[K]>[] = [];
      for (const v of await history(kind, source)) {
        const cut = cutAt(v, T) as Versioned<RecordKinds[K]> | undefined;
        if (!cut) continue;
        batch.push(cut);
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    }
  }

  return {
    writeSnapshot: () => Promise.reject(new Error('a history view is read-only')),
    writeFacts: () => Promise.reject(new Error('a history view is read-only')),
    repeatObservation: () => Promise.reject(new Error('a history view is read-only')),
    setCheckpoint: () => Promise.reject(new Error('a history view is read-only')),
    async *readSnapshot(kind, at, sources) {
      for await (const b of batches(kind, at, sources)) yield* b;
    },
    readSnapshotBatches: batches,
    snapshotSources: (kind) => ofKind(kind).then((s) => [...s]),
    readFacts: (kind, at, sources) => inner.readFacts(kind, at, sources),
    getCheckpoint: (source, name) => inner.getCheckpoint(source, name),
    observations: (source) => inner.observations(source),
    recordRun: () => Promise.reject(new Error('a history view is read-only')),
    runs: (opts) => inner.runs(opts),
    lastSuccess: () => inner.lastSuccess(),
    evidenceStamp: (source, at) => inner.evidenceStamp(source, at),
    newestRunObservedAt: (source, at) => inner.newestRunObservedAt(source, at),
    cacheGet: (ns, key) => inner.cacheGet(ns, key),
    cachePut: (ns, key, value) => inner.cachePut(ns, key, value),
    close: async () => {},
  };
}

/** The record as of T: its versions at or before T; undefined when it had none yet. */
export function cutAt<T>(v: Versioned<T>, T: number): Versioned<T> | undefined {
  const vs = v.versions;
  if (vs.length === 0 || Date.parse(vs[0]!.at) > T) return undefined;
  if (Date.parse(vs[vs.length - 1]!.at) <= T) return v; // nothing after T: the record as it is
  let n = 1;
  while (n < vs.length && Date.parse(vs[n]!.at) <= T) n++;
  const versions = vs.slice(0, n);
  return { source: v.source, key: v.key, current: versions[n - 1]!.data, versions };
}
