/**
 * Schema versions, shared by both stores. Each store has a small ordered list of forward steps;
 * the version table records the steps applied. At open, a store applies the missing steps under
 * a lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so two processes starting at
 * once migrate once, and refuses a store whose version is newer than its list: that store was
 * written by a later release, and this one cannot know what its tables mean.
 */
import { StoreVersionError } from '../errors.ts';

/** The table holding one row per applied step. */
export const VERSION_TABLE = 'isms_schema_version';

export interface MigrationStep<Db> {
  version: number;
  name: string;
  up(db: Db): void | Promise<void>;
}

export interface MigrationResult {
  /** Version before (0: a new store, or one written before versions existed). */
  from: number;
  to: number;
  applied: { version: number; name: string }[];
}

/** The steps to apply to a store at `current`, or the refusal of a newer store. */
export function pendingSteps<Db>(steps: readonly MigrationStep<Db>[], current: number, where: string): MigrationStep<Db>[] {
  const latest = latestVersion(steps);
  if (current > latest) {
    throw new StoreVersionError(
      `evidence store ${where} has schema version ${current}, but this isms-kpi knows versions up to ${latest}: ` +
        'it was written by a newer isms-kpi. Run that release (or a later one) against it; an older one must not write to it.',
    );
  }
  return steps.filter((s) => s.version > current);
}

export function latestVersion(steps: readonly { version: number }[]): number {
  return steps.reduce((m, s) => Math.max(m, s.version), 0);
}
