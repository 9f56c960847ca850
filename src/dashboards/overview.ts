/**
 * The CISO's page: each objective's value against its target in status colours, its trend with
 * the target line, and the objective register (owner, deadline, status) at a glance.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import type { Config } from '../config/types.ts';
import type { ObjectiveConfig } from '../config/types.ts';
import { RECORDING_RULES } from '../alerts/rules.ts';
import { isRatioKpi, targetText } from '../alerts/texts.ts';
import * as common from '@grafana/grafana-foundation-sdk/common';
import { COLOURS, datasourceVariable, lastValue, objectiveThresholds, prom, statusCodeMappings, valueUnit } from './panels.ts';
import { OBJECTIVE_UID } from './objective.ts';
import { dashboardTexts } from './texts.ts';

export const OVERVIEW_UID = 'isms-objectives';

const str = (s: string) => JSON.stringify(s);

/**
 * One constant series per objective carrying its config-only facts (title, owner, deadline,
 * controls) as labels, so the register table joins them with the live values in Grafana
 * without a metric that would put an owner's name into the exporter.
 */
export function registerInfoExpr(objectives: readonly ObjectiveConfig[]): string {
  return objectives
    .map((o) => {
      const labels: [string, string][] = [
        ['objective', o.id],
        ['title', o.title],
        ['owner', o.owner ?? ''],
        ['deadline', o.deadline ?? ''],
        ['controls', o.controls.join(', ')],
      ];
      // label_replace expands `$1` in the replacement: a literal `$` is written `$$`.
      return labels.reduce((e, [k, v]) => `label_replace(${e}, ${str(k)}, ${str(v.replaceAll('$', '$$$$'))}, "", "")`, 'vector(1)');
    })
    .join(' or ');
}

export function overviewDashboard(config: Config): dashboard.Dashboard {
  const t = dashboardTexts(config.organisation.language);
  const objectives = config.objectives;
  const b = new dashboard.DashboardBuilder(t.overviewTitle)
    .uid(OVERVIEW_UID)
    .tags(['isms-kpi', 'generated'])
    .timezone(config.organisation.timeZone)
    .time({ from: 'now-30d', to: 'now' })
    .refresh('5m')
    .withVariable(datasourceVariable(t.datasource));

  b.withRow(new dashboard.RowBuilder(t.current));
  const statWidth = objectives.length >= 4 ? 6 : objectives.length === 0 ? 24 : 24 / objectives.length;
  for (const o of objectives) {
    const ratio = isRatioKpi(o.kpi);
    b.withPanel(
      new StatPanel()
        .title(o.title)
        .description(t.targetDesc(targetText(o.direction, o.target, ratio), o.owner, o.deadline))
        .withTarget(prom(`isms_objective_kpi_value{objective=${str(o.id)}}`, { legend: o.title }))
        .unit(valueUnit(ratio))
        .decimals(ratio ? 1 : 0)
        .thresholds(objectiveThresholds(o.direction, o.target, o.warning))
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.Area)
        .reduceOptions(lastValue())
        .noValue(t.statusNames.no_data)
        .links([
          new dashboard.DashboardLinkBuilder(t.objective)
            .type(dashboard.DashboardLinkType.Link)
            .url(`/d/${OBJECTIVE_UID}?var-objective=${encodeURIComponent(o.id)}`),
        ])
        .height(5)
        .span(statWidth),
    );
  }

  b.withRow(new dashboard.RowBuilder(t.trends));
  for (const o of objectives) {
    const ratio = isRatioKpi(o.kpi);
    const sel = `objective=${str(o.id)}`;
    b.withPanel(
      new TimeseriesPanel()
        .title(o.title)
        .withTarget(prom(`isms_objective_kpi_value{${sel}}`, { legend: t.value, refId: 'A' }))
        .withTarget(prom(`isms_objective_target{${sel}}`, { legend: t.target, refId: 'B' }))
        .unit(valueUnit(ratio))
        .min(0)
        .overrideByName(t.target, [
          { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
          { id: 'color', value: { mode: 'fixed', fixedColor: COLOURS.met } },
        ])
        .height(8)
        .span(objectives.length === 1 ? 24 : objectives.length === 2 ? 12 : 8),
    );
  }

  b.withRow(new dashboard.RowBuilder(t.register));
  b.withPanel(
    new TablePanel()
      .title(t.register)
      .withTarget(prom(registerInfoExpr(objectives) || 'vector(1)', { table: true, refId: 'A' }))
      .withTarget(prom('max by (objective) (isms_objective_kpi_value)', { table: true, refId: 'B' }))
      .withTarget(prom('max by (objective) (isms_objective_target)', { table: true, refId: 'C' }))
      .withTarget(prom(`max by (objective) (${RECORDING_RULES.statusCode})`, { table: true, refId: 'D' }))
      .withTransformation({ id: 'joinByField', options: { byField: 'objective', mode: 'outer' } })
      .withTransformation({
        id: 'organize',
        options: {
          excludeByName: { 'Time 1': true, 'Time 2': true, 'Time 3': true, 'Time 4': true, Time: true, 'Value #A': true },
          indexByName: { title: 0, objective: 1, 'Value #B': 2, 'Value #C': 3, 'Value #D': 4, owner: 5, deadline: 6, controls: 7 },
          renameByName: {
            title: t.title, objective: 'id', owner: t.owner, deadline: t.deadline, controls: t.controls,
            'Value #B': t.value, 'Value #C': t.target, 'Value #D': t.status,
          },
        },
      })
      .overrideByName(t.status, [
        { id: 'mappings', value: statusCodeMappings(t.statusNames) },
        { id: 'custom.cellOptions', value: { type: 'color-background' } },
      ])
      .height(4 + 2 * Math.max(1, objectives.length))
      .span(24),
  );
  return b.build();
}
