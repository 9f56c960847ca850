/**
 * The sources an objective's evaluation reads: every source of each record kind its KPI reads,
 * narrowed by `scope.sources` as evaluation narrows them (sourcesFor). Trend caching, evidence
 * freshness and the report's evidence digest are all about these sources.
 */
import type { Config, ObjectiveConfig } from '../config/types.ts';
import type { RecordKind } from '../evidence/records.ts';
import { sourcesFor } from './evaluate.ts';
import { KPI_REGISTRY, readsOf } from './registry.ts';
import type { KpiContext } from './types.ts';

type ConfigLike = Pick<Config, 'organisation' | 'identity' | 'sources' | 'sourceRecordKinds'>;

/** The record kinds an objective's KPI reads (empty for a KPI this build does not know). */
export function kindsRead(objective: ObjectiveConfig, config: ConfigLike): RecordKind[] {
  const def = KPI_REGISTRY.get(objective.kpi);
  if (!def) return [];
  // reads() depends on the objective's params only; the instant is irrelevant to it.
  const ctx: KpiContext = { objective, organisation: config.organisation, identity: config.identity, at: new Date(0) };
  return [...new Set(readsOf(def, ctx).map((r) => r.kind))];
}

/**
 * The source ids an objective reads, sorted. Without a scope for a kind, evaluation reads every
 * source holding it in the store, so those the store names (`storeSources`) count as well as
 * the configured ones.
 */
export async function objectiveSources(objective: ObjectiveConfig, config: ConfigLike, storeSources: (kind: RecordKind) => Promise<readonly string[]>): Promise<string[]> {
  const out = new Set<string>();
  for (const kind of kindsRead(objective, config)) {
    const scoped = sourcesFor(kind, objective.scope?.sources, config);
    if (scoped) {
      for (const s of scoped) out.add(s);
      continue;
    }
    for (const s of config.sources) if (config.sourceRecordKinds[s.id] === kind) out.add(s.id);
    for (const s of await storeSources(kind)) out.add(s);
  }
  return [...out].sort();
}
