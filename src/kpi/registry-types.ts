/**
 * A KPI is one definition (`defineKpi`) in its own file: its id, the schema of its `params`
 * (types, ranges, defaults; strict, so a misspelt param is a config error), its unit, default
 * target and direction, the evidence it reads, its texts per language, and the pure function.
 * Registering it is one line in definitions.ts; the config schema, evaluation, the CLI, alerts,
 * dashboards and pages read everything else from here.
 */
import type { z } from 'zod';
import type { Performance } from '../evidence/performances.ts';
import type { RecordKind } from '../evidence/records.ts';
import type { FactRow } from '../evidence/store.ts';
import type { Texts } from '../i18n/language.ts';
import type { EvidenceBundle } from './bundle.ts';
import type { Direction, KpiContext, KpiResult } from './types.ts';

/**
 * Facts of one kind observed ≤ T, from the objective's sources only: what a streaming KPI
 * reads instead of holding every fact in memory (mail, raw access activity).
 */
export interface FactStream {
  readFacts<K extends RecordKind>(kind: K): AsyncIterable<FactRow<K>>;
  /**
   * The dated records of one source, as performances of a recurring activity (the source's
   * kind says how, in its descriptor's `performances`; see src/evidence/performances.ts): its
   * facts, or its snapshot records present at T. Empty for a source that offers none.
   */
  performances?(sourceId: string): AsyncIterable<Performance>;
}

/** A source an objective's params name (`from: <source id>`), checked when the config is loaded. */
export interface SourceReference {
  /** Where in `params` it is written, e.g. ['activities', 0, 'from']. */
  path: (string | number)[];
  source: string;
  /** `performances`: the source's kind must offer dated records (a descriptor's `performances`). */
  needs?: 'performances';
}

/**
 * How a KPI reads one kind of evidence, as of T:
 * - `history`: snapshot records with their versions (when was this account first seen disabled);
 * - `current`: snapshot records present at T, without history;
 * - `facts`: accumulated facts, streamed by the KPI itself through {@link FactStream};
 * - `last-success`: per account, the last successful authentication ≤ T (from access-day facts).
 */
export interface EvidenceRead {
  kind: RecordKind;
  as: 'history' | 'current' | 'facts' | 'last-success';
}

/** The texts a person reads about a KPI. */
export interface KpiTexts {
  /** The KPI in words, for the register (`Leaver and stale accounts removed`). */
  name: string;
  /** What is counted, in one or two sentences (for the objective page and the report). */
  definition: string;
}

export interface KpiDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  /** The schema of `params`: a strict zod object whose fields all have defaults or are optional. */
  params: z.ZodType<P>;
  /** `ratio` (0..1, shown as a percentage) or `count`. */
  unit: 'ratio' | 'count';
  /**
   * KPIS.md's default target and direction, used when an objective gives none. Without a
   * default target (KPIS.md says "as configured"), the objective must give one.
   */
  defaultTarget?: number;
  defaultDirection: Direction;
  /** The evidence to load (or stream); a function can make it depend on the objective. */
  reads: readonly EvidenceRead[] | ((ctx: KpiContext) => readonly EvidenceRead[]);
  texts: Texts<KpiTexts>;
  /** Sources the objective's params name, so that a wrong id is a config error with its line. */
  sourceRefs?: (params: P) => readonly SourceReference[];
  /** The KPI as a pure function of the evidence. */
  evaluate?: (bundle: EvidenceBundle, ctx: KpiContext) => KpiResult;
  /** The KPI for evidence too large to load: the bundle holds the loaded reads, `facts` streams the rest. */
  evaluateStream?: (bundle: EvidenceBundle, facts: FactStream, ctx: KpiContext) => Promise<KpiResult>;
}

/** Define a KPI (see {@link KpiDefinition}). */
export function defineKpi<P extends Record<string, unknown>>(def: KpiDefinition<P>): KpiDefinition {
  if (!def.evaluate && !def.evaluateStream) throw new Error(`KPI ${def.id} has neither evaluate nor evaluateStream`);
  return def as unknown as KpiDefinition;
}

export function readsOf(def: KpiDefinition, ctx: KpiContext): readonly EvidenceRead[] {
  return typeof def.reads === 'function' ? def.reads(ctx) : def.reads;
}
