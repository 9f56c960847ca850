/**
 * A throw-away store for tests and one-shot commands: the same SQLite implementation, in memory,
 * so a fake never drifts from the real thing.
 */
import { SqliteStore } from './sqlite-store.ts';
import type { EvidenceStore } from './store.ts';

export function createMemoryStore(): EvidenceStore {
  return new SqliteStore(':memory:');
}
