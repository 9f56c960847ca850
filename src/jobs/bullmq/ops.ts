/**
 * The work a job does, as one small interface. Workers call the same functions the inline driver
 * calls (run-collection.ts, evaluateObjectives: see default-ops.ts); tests may wrap them to inject
 * faults (a slow or failing collection) without changing the queue machinery under test.
 */
import type { ShardSpec } from '../../collectors/types.ts';
import type { RunRecord } from '../../evidence/store.ts';
import type { KpiResult } from '../../kpi/types.ts';
import type { JobDeps, ShardResult } from '../run-collection.ts';

export interface JobOps {
  collect(deps: JobDeps, sourceId: string, observedAt: Date, signal?: AbortSignal): Promise<RunRecord>;
  /** Shards of a source, or undefined when it is not sharded (collected in one job). */
  plan(deps: JobDeps, sourceId: string, observedAt: Date): Promise<ShardSpec[] | undefined>;
  shard(deps: JobDeps, sourceId: string, shard: ShardSpec, observedAt: Date): Promise<ShardResult>;
  finish(deps: JobDeps, sourceId: string, results: ShardResult[], observedAt: Date): Promise<RunRecord>;
  evaluate(deps: JobDeps, at: Date): Promise<KpiResult[]>;
  /** Record a failed run of a source whose failure happened outside collect/finish (a shard). */
  recordFailure(deps: JobDeps, sourceId: string, observedAt: Date, error: string): Promise<void>;
}
