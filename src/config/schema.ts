/**
 * The one schema of the config file, put together from its parts: the shared sections
 * (fields.ts), one config schema per source kind (src/collectors/<kind>/source.ts, listed in
 * src/collectors/all.ts) and one params schema per KPI (src/kpi/<id>.ts, listed in
 * src/kpi/definitions.ts). It validates the YAML, documents every field and emits the JSON
 * Schema for editors (`isms-kpi schema`). Every object is strict: unknown keys are errors here
 * and in the JSON Schema, so editors underline a typo as it is typed. Secrets are never in the
 * file: fields that need one name an environment variable (`…Env`).
 */
import { z } from 'zod';
import { SOURCE_KINDS } from '../collectors/all.ts';
import type { PerformanceSource } from '../evidence/performances.ts';
import type { RecordKind } from '../evidence/records.ts';
import { KPI_REGISTRY } from '../kpi/registry.ts';
import { alertingSchema, httpSchema, identitySchema, objectiveFields, organisationSchema, reportSchema, storageSchema } from './fields.ts';
import { patternProblem } from './pattern.ts';
import type { SourceConfig } from './source-kinds.ts';
import type { ObjectiveConfig, ParsedConfig } from './types.ts';

export { periodSchema, encodingSchema } from './fields.ts';
export type { IdentityConfig, ObjectiveConfig, OrganisationConfig } from './fields.ts';
export type { SourceConfig, SourceKind, SourceOf } from './source-kinds.ts';
export type { ParsedConfig } from './types.ts';

/** Every source kind's config, told apart by `kind`. */
export const sourceSchema = z.discriminatedUnion(
  'kind',
  SOURCE_KINDS.map((d) => d.config) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** Every KPI's objective, told apart by `kpi`: each with its own strict `params`. */
export const objectiveSchema = z.discriminatedUnion(
  'kpi',
  [...KPI_REGISTRY.values()].map((def) =>
    z.strictObject({
      ...objectiveFields,
      kpi: z.literal(def.id),
      /** The KPI's parameters (see its definition: graceDays, courses, slaHours, …). */
      params: (def.params as z.ZodType).prefault({}),
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

const recordKindOf = new Map<string, RecordKind>(SOURCE_KINDS.map((d) => [d.kind, d.records]));
const performancesOf = new Map<string, PerformanceSource>(SOURCE_KINDS.flatMap((d) => (d.performances ? [[d.kind, d.performances as PerformanceSource] as const] : [])));

/** The source kinds whose records are dated performances (for messages). */
export const PERFORMANCE_KINDS: readonly string[] = [...performancesOf.keys()];

export const configSchema = z
  .strictObject({
    organisation: organisationSchema,
    identity: identitySchema,
    sources: z.array(sourceSchema).default([]),
    objectives: z.array(objectiveSchema).default([]),
    storage: storageSchema,
    http: httpSchema,
    alerting: alertingSchema,
    /** Reports `run` writes on a schedule (the management-review pack, monthly or quarterly). */
    reports: z.array(reportSchema).default([]),
  })
  .superRefine((c, ctx) => {
    c.identity.serviceAccounts.loginPatterns.forEach((p, i) => {
      const problem = patternProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', path: ['identity', 'serviceAccounts', 'loginPatterns', i], message: problem });
    });
    c.objectives.forEach((o, i) => {
      const def = KPI_REGISTRY.get(o.kpi as string);
      if (o.target === undefined && def?.defaultTarget === undefined) {
        ctx.addIssue({ code: 'custom', path: ['objectives', i, 'target'], message: `expected a number (missing; ${o.kpi as string} has no default target)` });
      }
    });
  })
  .transform((c): ParsedConfig => {
    const objectives = c.objectives.map((o) => withKpiDefaults(o as Record<string, unknown>));
    const sourceRecordKinds: Record<string, RecordKind> = {};
    for (const s of c.sources as { id: string; kind: string }[]) sourceRecordKinds[s.id] = recordKindOf.get(s.kind)!;
    return { ...(c as unknown as ParsedConfig), objectives, sourceRecordKinds, sourcePerformances: sourcePerformancesOf(c.sources as { id: string; kind: string }[]) };
  });

/**
 * How each source's records count as performances of an activity (from its kind's descriptor).
 * These are functions: a config sent to another thread goes without them and gets them back here.
 */
export function sourcePerformancesOf(sources: readonly { id: string; kind: string }[]): Record<string, PerformanceSource> {
  const out: Record<string, PerformanceSource> = {};
  for (const s of sources) {
    const p = performancesOf.get(s.kind);
    if (p) out[s.id] = p;
  }
  return out;
}

export type ConfigInput = z.input<typeof configSchema>;

/** Fill an objective's target and direction from its KPI where the file gives none. */
function withKpiDefaults(o: Record<string, unknown>): ObjectiveConfig {
  const def = KPI_REGISTRY.get(o['kpi'] as string)!;
  return { ...o, target: (o['target'] as number | undefined) ?? def.defaultTarget!, direction: o['direction'] ?? def.defaultDirection } as ObjectiveConfig;
}

/** One objective, parsed as the config file's `objectives[]` are (tests and tools). */
export function parseObjective(input: unknown): ObjectiveConfig {
  return withKpiDefaults(objectiveSchema.parse(input) as Record<string, unknown>);
}

/** Sources, parsed as the config file's `sources` are (tests and tools). */
export function parseSources(input: unknown): SourceConfig[] {
  return z.array(sourceSchema).parse(input) as never;
}

/** JSON Schema of the config file, for editors (yaml-language-server). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
