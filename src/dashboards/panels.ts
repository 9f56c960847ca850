/**
 * Small typed helpers over the Grafana Foundation SDK builders, so the three dashboards read as
 * a list of panels: every query goes to the `${datasource}` variable, thresholds follow an
 * objective's direction, and status codes map to the colours the CISO expects.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import type { Direction } from '../kpi/types.ts';

/** Every panel reads the Prometheus chosen in the dashboard's `datasource` variable. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export const COLOURS = { met: 'green', at_risk: 'orange', missed: 'red', no_data: 'text' } as const;

export interface QueryOptions {
  legend?: string;
  /** Instant query in table format (tables, stats of the current value). */
  table?: boolean;
  refId?: string;
}

export function prom(expr: string, opts: QueryOptions = {}): DataqueryBuilder {
  const q = new DataqueryBuilder().datasource(DATASOURCE).expr(expr).refId(opts.refId ?? 'A');
  if (opts.legend !== undefined) q.legendFormat(opts.legend);
  if (opts.table) q.instant().format(PromQueryFormat.Table);
  else q.range();
  return q;
}

export function thresholds(steps: { value: number | null; color: string }[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/**
 * Colour steps for an objective's value. Grafana colours a value with the highest step it
 * reaches; for `at_most`, "above target" starts just past the target, so a value exactly at the
 * target stays green as the KPI definition says (met if value ≤ target).
 */
export function objectiveThresholds(direction: Direction, target: number, warning?: number): dashboard.ThresholdsConfigBuilder {
  if (direction === 'at_least') {
    const steps: { value: number | null; color: string }[] = [{ value: null, color: COLOURS.missed }];
    if (warning !== undefined && warning < target) steps.push({ value: warning, color: COLOURS.at_risk });
    steps.push({ value: target, color: COLOURS.met });
    return thresholds(steps);
  }
  const eps = Math.max(Math.abs(target), 1) * 1e-9;
  const steps: { value: number | null; color: string }[] = [{ value: null, color: COLOURS.met }];
  if (warning !== undefined && warning > target) {
    steps.push({ value: target + eps, color: COLOURS.at_risk });
    steps.push({ value: warning + eps, color: COLOURS.missed });
  } else {
    steps.push({ value: target + eps, color: COLOURS.missed });
  }
  return thresholds(steps);
}

/** Value mapping of isms:objective_status_code (3 met, 2 at_risk, 1 missed, 0 no_data). */
export function statusCodeMappings(names: Record<'met' | 'at_risk' | 'missed' | 'no_data', string>): dashboard.ValueMapping[] {
  return [{
    type: dashboard.MappingType.ValueToText,
    options: {
      '3': { text: names.met, color: COLOURS.met, index: 0 },
      '2': { text: names.at_risk, color: COLOURS.at_risk, index: 1 },
      '1': { text: names.missed, color: COLOURS.missed, index: 2 },
      '0': { text: names.no_data, color: COLOURS.no_data, index: 3 },
    },
  }];
}

/** Unit of a KPI's value in Grafana: ratios as percentages, counts as plain numbers. */
export function valueUnit(isRatio: boolean): string {
  return isRatio ? 'percentunit' : 'none';
}

export function datasourceVariable(label: string): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource').label(label).type('prometheus');
}

/** Stats show the newest value, not an average over the time range. */
export function lastValue(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
}
