/**
 * One objective in depth, picked with the `objective` variable: value, status, margin, numerator
 * and denominator, their trends, and the drift over the configured window.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import type { Config } from '../config/types.ts';
import { RECORDING_RULES } from '../alerts/rules.ts';
import { COUNT_KPIS } from '../alerts/texts.ts';
import { COLOURS, DATASOURCE, datasourceVariable, lastValue, prom, statusCodeMappings, thresholds } from './panels.ts';
import { dashboardTexts } from './texts.ts';

export const OBJECTIVE_UID = 'isms-objective';

const SEL = 'objective="$objective"';
/** Ratio KPIs and count KPIs need different units; one query each, only one returns data. */
const RATIO = `${SEL},kpi!~"${[...COUNT_KPIS].join('|')}"`;
const COUNT = `${SEL},kpi=~"${[...COUNT_KPIS].join('|')}"`;

/** A stat or time series of `metric` in percent for ratio KPIs and plain numbers for counts. */
function byKpiUnit<P extends StatPanel | TimeseriesPanel>(panel: P, metric: (sel: string) => string, legend?: string): P {
  panel
    .withTarget(prom(metric(RATIO), { refId: 'A', legend }))
    .withTarget(prom(metric(COUNT), { refId: 'B', legend }))
    .overrideByQuery('A', [{ id: 'unit', value: 'percentunit' }])
    .overrideByQuery('B', [{ id: 'unit', value: 'none' }]);
  return panel;
}

export function objectiveDashboard(config: Config): dashboard.Dashboard {
  const t = dashboardTexts(config.organisation.language);
  const window = config.alerting.drift.window;
  const stat = (title: string) =>
    new StatPanel().title(title).reduceOptions(lastValue()).graphMode(common.BigValueGraphMode.None).height(5).span(4);
  const b = new dashboard.DashboardBuilder(t.objectiveTitle)
    .uid(OBJECTIVE_UID)
    .tags(['isms-kpi', 'generated'])
    .timezone(config.organisation.timeZone)
    .time({ from: 'now-30d', to: 'now' })
    .refresh('5m')
    .withVariable(datasourceVariable(t.datasource))
    .withVariable(
      new dashboard.QueryVariableBuilder('objective')
        .label(t.objective)
        .datasource(DATASOURCE)
        .query('label_values(isms_objective_target, objective)')
        .definition('label_values(isms_objective_target, objective)')
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc),
    );

  b.withRow(new dashboard.RowBuilder('$objective'));
  b.withPanel(byKpiUnit(stat(t.value).colorMode(common.BigValueColorMode.Value), (s) => `isms_objective_kpi_value{${s}}`));
  b.withPanel(byKpiUnit(stat(t.target), (s) => `isms_objective_target{${s}}`));
  b.withPanel(
    stat(t.status)
      .withTarget(prom(`${RECORDING_RULES.statusCode}{${SEL}}`))
      .mappings(statusCodeMappings(t.statusNames))
      .colorMode(common.BigValueColorMode.Background),
  );
  b.withPanel(
    byKpiUnit(stat(t.margin), (s) => `${RECORDING_RULES.margin}{${s}}`)
      .thresholds(thresholds([{ value: null, color: COLOURS.missed }, { value: 0, color: COLOURS.met }]))
      .colorMode(common.BigValueColorMode.Value),
  );
  b.withPanel(stat(t.numerator).withTarget(prom(`isms_objective_kpi_numerator{${SEL}}`)).unit('none'));
  b.withPanel(stat(t.denominator).withTarget(prom(`isms_objective_kpi_denominator{${SEL}}`)).unit('none'));

  b.withPanel(
    byKpiUnit(new TimeseriesPanel().title(t.trend), (s) => `isms_objective_kpi_value{${s}}`, t.value)
      .withTarget(prom(`isms_objective_target{${SEL}}`, { refId: 'C', legend: t.target }))
      .overrideByName(t.target, [
        { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
        { id: 'color', value: { mode: 'fixed', fixedColor: COLOURS.met } },
      ])
      .min(0)
      .height(9)
      .span(12),
  );
  b.withPanel(
    new TimeseriesPanel()
      .title(t.numDen)
      .withTarget(prom(`isms_objective_kpi_numerator{${SEL}}`, { refId: 'A', legend: t.numerator }))
      .withTarget(prom(`isms_objective_kpi_denominator{${SEL}}`, { refId: 'B', legend: t.denominator }))
      .unit('none')
      .min(0)
      .height(9)
      .span(12),
  );
  b.withPanel(
    byKpiUnit(new TimeseriesPanel().title(t.drift(window)), (s) => `isms_objective_kpi_value{${s}} - isms_objective_kpi_value{${s}} offset ${window}`, t.drift(window))
      .height(9)
      .span(12),
  );
  b.withPanel(
    byKpiUnit(new TimeseriesPanel().title(t.margin), (s) => `${RECORDING_RULES.margin}{${s}}`, t.margin)
      .thresholds(thresholds([{ value: null, color: COLOURS.missed }, { value: 0, color: COLOURS.met }]))
      .height(9)
      .span(12),
  );
  return b.build();
}
