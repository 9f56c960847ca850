/**
 * The JSON contract of an evaluation (DESIGN.md, README "JSON contract"): what
 * `evaluate --format json` prints and HTTP `/objectives` serves, built here once so the two can
 * never drift apart. The failing subjects are not in it: `evidence <objective>` and
 * `/objectives/<id>/evidence` give them.
 */
import type { Direction, KpiResult, Status } from './types.ts';

export interface ObjectiveSummary {
  /** The objective's id from the config. */
  id: string;
  kpi: string;
  /** Ratio 0..1 or a count; null when the population is empty (`no_data`). */
  value: number | null;
  numerator: number;
  denominator: number;
  target: number;
  direction: Direction;
  status: Status;
  /** ISO-8601 instants in the organisation's zone. */
  period: { from: string; to: string };
}

export interface EvaluationSummary {
  /** The evaluation instant T (ISO-8601, UTC); null while nothing has been evaluated yet. */
  evaluatedAt: string | null;
  objectives: ObjectiveSummary[];
}

export function objectiveSummary(r: KpiResult): ObjectiveSummary {
  return {
    id: r.objective,
    kpi: r.kpi,
    value: r.value,
    numerator: r.numerator,
    denominator: r.denominator,
    target: r.target,
    direction: r.direction,
    status: r.status,
    period: { from: r.period.from, to: r.period.to },
  };
}

/** The document for results evaluated at `evaluatedAt` (default: the instant the results carry). */
export function evaluationSummary(results: readonly KpiResult[], evaluatedAt?: Date): EvaluationSummary {
  const at = evaluatedAt?.toISOString() ?? results[0]?.evaluatedAt ?? null;
  return { evaluatedAt: at === null ? null : new Date(at).toISOString(), objectives: results.map(objectiveSummary) };
}
