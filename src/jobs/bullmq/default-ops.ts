/** The real job operations: the same functions the inline driver runs. */
import { sourceKind } from '../../collectors/registry.ts';
import type { RunRecord } from '../../evidence/store.ts';
import { evaluateObjectives } from '../../kpi/evaluate.ts';
import { findSource, finishSharded, planShards, runCollection, runShard } from '../run-collection.ts';
import type { JobOps } from './ops.ts';

export const defaultOps: JobOps = {
  collect: (deps, sourceId, observedAt, signal) => runCollection(deps, sourceId, { observedAt, signal }),
  async plan(deps, sourceId, observedAt) {
    const shards = await planShards(deps, sourceId, observedAt);
    // One shard is a plain collection: a flow would only add two jobs of overhead.
    return shards && shards.length > 1 ? shards : undefined;
  },
  shard: (deps, sourceId, shard, observedAt) => runShard(deps, sourceId, shard, observedAt),
  finish: (deps, sourceId, results, observedAt) => finishSharded(deps, sourceId, results, observedAt),
  evaluate: (deps, at) => (deps.evaluate ? deps.evaluate(at) : evaluateObjectives(deps.store, deps.config, at)),
  async recordFailure(deps, sourceId, observedAt, error) {
    const source = findSource(deps.config, sourceId);
    const now = (deps.now ?? (() => new Date()))().toISOString();
    const run: RunRecord = {
      source: sourceId, kind: sourceKind(source.kind).records, startedAt: now, finishedAt: now,
      observedAt: observedAt.toISOString(), result: 'failure', accepted: 0, rejected: 0, rejections: [], error,
    };
    await deps.store.recordRun(run);
    deps.metrics?.observeRun(run, 0);
  },
};
