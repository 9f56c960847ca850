/**
 * What operators do to a store, beside what collectors and KPIs do through EvidenceStore:
 * migrate its schema, check it, prune history past the retention window, and move its content
 * through a portable archive. Both stores implement it with the same meaning.
 */
import type { MigrationResult } from './migrations.ts';
import type { EvidenceStore } from './store.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** One row of a store, as the portable archive carries it. Instants are epoch milliseconds. */
export type ArchiveRow =
  | { t: 'observation'; source: string; kind: string; at: number; hash: string; records: number | null }
  /** `data`: the record's canonical JSON text, or null for "absent from then on". */
  | { t: 'version'; source: string; kind: string; key: string; at: number; data: string | null }
  | { t: 'fact'; source: string; kind: string; key: string; at: number; data: string }
  | { t: 'checkpoint'; source: string; name: string; value: string }
  /** `body`: the run record's JSON text. Runs keep their order, not their ids. */
  | { t: 'run'; source: string; result: string; finishedAt: string; body: string }
  | { t: 'merge-revision'; source: string; rev: number }
  | { t: 'cache'; namespace: string; key: string; value: string };

export type ArchiveRowType = ArchiveRow['t'];
export const ARCHIVE_ROW_TYPES: readonly ArchiveRowType[] = ['observation', 'version', 'fact', 'checkpoint', 'run', 'merge-revision', 'cache'];

export interface SourceCounts {
  source: string;
  kind: string;
  observations: number;
  versions: number;
  facts: number;
  runs: number;
  /** Newest observation (snapshot) or newest fact observation (accumulating), ISO-8601. */
  lastObservedAt?: string;
}

export interface StoreCheckReport {
  store: StoreKind;
  /** The file, or the database URL without its password. */
  location: string;
  /** True when the integrity checks found nothing and the schema is current. */
  ok: boolean;
  /** `['ok']`, or the problems found. */
  integrity: string[];
  schemaVersion: number;
  latestSchemaVersion: number;
  /** Rows per table. */
  tables: Record<string, number>;
  sources: SourceCounts[];
}

export interface PruneReport {
  /** History before this instant was pruned (the newest state at or before it is kept). */
  cutoff: string;
  versions: number;
  observations: number;
  facts: number;
  runs: number;
  cache: number;
}

export interface StoreMaintenance {
  readonly storeKind: StoreKind;
  /** The file, or the database URL without its password: safe for messages. */
  readonly location: string;
  /** Apply the missing schema steps (also done at open); reports what was applied. */
  migrate(): Promise<MigrationResult>;
  /** @param knownKinds the record kinds this build's source kinds write (others are reported). */
  check(knownKinds?: readonly string[]): Promise<StoreCheckReport>;
  /** Remove history no evaluation at or after `cutoff` reads (see retention.ts). */
  prune(cutoff: Date): Promise<PruneReport>;
  /** Every row, in a stable order, for the archive. */
  exportRows(): AsyncIterable<ArchiveRow>;
  /** Write an archive's rows into this store, which must hold no evidence yet. One transaction. */
  importRows(rows: AsyncIterable<ArchiveRow>): Promise<Record<ArchiveRowType, number>>;
  /** True when the store holds no evidence, checkpoints or runs. */
  isEmpty(): Promise<boolean>;
}

export type MaintainedStore = EvidenceStore & StoreMaintenance;

export function zeroCounts(): Record<ArchiveRowType, number> {
  return Object.fromEntries(ARCHIVE_ROW_TYPES.map((t) => [t, 0])) as Record<ArchiveRowType, number>;
}
