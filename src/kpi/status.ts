/**
 * Status of a KPI value against its objective (KPIS.md). An empty population has no value and
 * is `no_data` — never silently 100 %.
 */
import type { Direction, Status } from './types.ts';

export function statusOf(value: number | null, target: number, direction: Direction, warning?: number): Status {
  if (value === null || Number.isNaN(value)) return 'no_data';
  if (direction === 'at_least') {
    if (value >= target) return 'met';
    if (warning !== undefined && value >= warning) return 'at_risk';
    return 'missed';
  }
  if (value <= target) return 'met';
  if (warning !== undefined && value <= warning) return 'at_risk';
  return 'missed';
}

/** numerator / denominator, or null when the denominator is 0. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
