/**
 * KPI id → its definition. To register a KPI, add ONE line to definitions.ts:
 *   export { leaverActivityCountKpi } from './leaver-activity-count.ts';
 * where the export is made with {@link defineKpi} (see registry-types.ts).
 */
import { didYouMean } from '../did-you-mean.ts';
import * as definitions from './definitions.ts';
import type { KpiDefinition } from './registry-types.ts';

export type { EvidenceRead, FactStream, KpiDefinition, KpiTexts, SourceReference } from './registry-types.ts';
export { defineKpi, readsOf } from './registry-types.ts';

function build(): ReadonlyMap<string, KpiDefinition> {
  const map = new Map<string, KpiDefinition>();
  // By id: a module namespace's order is not the same under every loader.
  const defs = (Object.values(definitions) as KpiDefinition[]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const def of defs) {
    if (map.has(def.id)) throw new Error(`KPI ${def.id} is registered twice`);
    map.set(def.id, def);
  }
  return map;
}

/** Every registered KPI by id, in the order of the ids. */
export const KPI_REGISTRY: ReadonlyMap<string, KpiDefinition> = build();

/** Every KPI id. */
export const KPI_IDS: readonly string[] = [...KPI_REGISTRY.keys()];

export function kpiDefinition(id: string): KpiDefinition | undefined {
  return KPI_REGISTRY.get(id);
}

/** "unknown KPI "x" (did you mean "y"?)" */
export function unknownKpiMessage(id: string): string {
  return `unknown KPI "${id}"${didYouMean(id, KPI_IDS)}`;
}

/** The KPI's unit; an id not registered is taken as a ratio. */
export function kpiUnit(id: string): 'ratio' | 'count' {
  return KPI_REGISTRY.get(id)?.unit ?? 'ratio';
}

export function isCountKpi(id: string): boolean {
  return kpiUnit(id) === 'count';
}
