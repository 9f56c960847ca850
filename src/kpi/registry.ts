/**
 * KPI id → how to load its evidence and evaluate it.
 *
 * To register a KPI, add ONE line to definitions.ts:
 *   export { leaverActivityCountKpi } from './leaver-activity-count.ts';
 * where the export is a {@link KpiDefinition} (see registry-types.ts): `needs` lists the
 * evidence kinds to load into the bundle, and either `evaluate(bundle, ctx)` (pure) or
 * `evaluateStream(bundle, facts, ctx)` for facts too large to load (mail).
 */
import type { KpiId } from '../config/schema.ts';
import * as definitions from './definitions.ts';
import type { KpiDefinition } from './registry-types.ts';

export type { FactStream, KpiDefinition } from './registry-types.ts';
export { needsOf } from './registry-types.ts';

function build(): ReadonlyMap<KpiId, KpiDefinition> {
  const map = new Map<KpiId, KpiDefinition>();
  for (const def of Object.values(definitions) as KpiDefinition[]) {
    if (map.has(def.id)) throw new Error(`KPI ${def.id} is registered twice`);
    if (!def.evaluate && !def.evaluateStream) throw new Error(`KPI ${def.id} has neither evaluate nor evaluateStream`);
    map.set(def.id, def);
  }
  return map;
}

/** Every registered KPI by id. */
export const KPI_REGISTRY: ReadonlyMap<KpiId, KpiDefinition> = build();

export function kpiDefinition(id: KpiId): KpiDefinition | undefined {
  return KPI_REGISTRY.get(id);
}
