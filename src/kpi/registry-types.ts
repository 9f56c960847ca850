/** The shape of a registered KPI (kept apart from registry.ts so KPI files can import it). */
import type { KpiId } from '../config/schema.ts';
import type { RecordKind } from '../evidence/records.ts';
import type { FactRow } from '../evidence/store.ts';
import type { EvidenceBundle } from './bundle.ts';
import type { KpiContext, KpiResult } from './types.ts';

/**
 * Facts of one kind observed ≤ T, from the objective's sources only: what a streaming KPI
 * reads instead of holding every fact in memory (mail, raw access activity).
 */
export interface FactStream {
  readFacts<K extends RecordKind>(kind: K): AsyncIterable<FactRow<K>>;
}

/** A KPI as the engine knows it. Give `evaluate` (pure), or `evaluateStream` for large facts. */
export interface KpiDefinition {
  id: KpiId;
  /**
   * Evidence to load into the bundle. `person`, `account`, `completion`, `phishing`,
   * `incident` fill their fields; `access-day` fills `accessLastSuccess`. Fact kinds that a
   * streaming KPI reads itself (e.g. `mail`) are not listed here. A function can make the
   * list depend on the objective (e.g. access logs only with `includeDormant`).
   */
  needs: readonly RecordKind[] | ((ctx: KpiContext) => readonly RecordKind[]);
  /** The KPI as a pure function of the evidence. */
  evaluate?: (bundle: EvidenceBundle, ctx: KpiContext) => KpiResult;
  /** The KPI for evidence too large to load: the bundle holds `needs`, `facts` streams the rest. */
  evaluateStream?: (bundle: EvidenceBundle, facts: FactStream, ctx: KpiContext) => Promise<KpiResult>;
}

export function needsOf(def: KpiDefinition, ctx: KpiContext): readonly RecordKind[] {
  return typeof def.needs === 'function' ? def.needs(ctx) : def.needs;
}
