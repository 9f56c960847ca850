/**
 * The evidence store of a process that must not have one: a worker taking only shards, which
 * read files and hand partials to Redis, runs where the data directory is not. Any use is a
 * bug in the job layer, reported as such rather than as an empty store.
 */
import { StoreError } from '../errors.ts';
import type { EvidenceStore } from './store.ts';

export function noStore(why: string): EvidenceStore {
  return new Proxy({} as EvidenceStore, {
    get(_target, prop) {
      if (prop === 'close') return async () => {};
      if (prop === 'then' || typeof prop === 'symbol') return undefined; // not a thenable
      return () => {
        throw new StoreError(`no evidence store in this process (${why}): ${String(prop)} is not available`);
      };
    },
  });
}
