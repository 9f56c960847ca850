/** Assembling a KpiResult the same way for every KPI. */
import { ratio, statusOf } from './status.ts';
import type { FailingSubject, KpiContext, KpiResult, Period } from './types.ts';

export interface Counts {
  numerator: number;
  denominator: number;
  failing: FailingSubject[];
  notes?: FailingSubject[];
  /**
   * The value when it is not numerator / denominator (a count KPI). When omitted the value is
   * the ratio, null for an empty population.
   */
  value?: number | null;
}

export function buildResult(kpi: string, ctx: KpiContext, period: Period, c: Counts): KpiResult {
  const o = ctx.objective;
  const value = c.value !== undefined ? c.value : ratio(c.numerator, c.denominator);
  const result: KpiResult = {
    objective: o.id,
    kpi,
    value,
    numerator: c.numerator,
    denominator: c.denominator,
    target: o.target,
    direction: o.direction,
    status: statusOf(value, o.target, o.direction, o.warning),
    period,
    failing: c.failing,
    evaluatedAt: ctx.at.toISOString(),
  };
  if (o.warning !== undefined) result.warning = o.warning;
  if (c.notes && c.notes.length > 0) result.notes = c.notes;
  return result;
}
