/**
 * Is the evidence fresh? Per-source freshness against its staleness limit (the same one the
 * IsmsEvidenceStale alert uses), runs, rejected records, duration and queue depth.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import type { Config } from '../config/types.ts';
import { RECORDING_RULES, staleAfterSeconds } from '../alerts/rules.ts';
import { COLOURS, datasourceVariable, lastValue, prom, thresholds } from './panels.ts';
import { dashboardTexts } from './texts.ts';

export const COLLECTORS_UID = 'isms-collectors';

export function collectorsDashboard(config: Config): dashboard.Dashboard {
  const t = dashboardTexts(config.organisation.language);
  const sources = config.sources.filter((s) => s.enabled);
  const b = new dashboard.DashboardBuilder(t.collectorsTitle)
    .uid(COLLECTORS_UID)
    .tags(['isms-kpi', 'generated'])
    .timezone(config.organisation.timeZone)
    .time({ from: 'now-7d', to: 'now' })
    .refresh('1m')
    .withVariable(datasourceVariable(t.datasource));

  b.withRow(new dashboard.RowBuilder(t.freshness));
  const width = sources.length >= 6 ? 4 : sources.length === 0 ? 24 : Math.floor(24 / sources.length);
  for (const s of sources) {
    const limit = staleAfterSeconds(s, config.organisation.timeZone);
    b.withPanel(
      new StatPanel()
        .title(t.freshnessOf(s.id))
        .withTarget(prom(`${RECORDING_RULES.freshness}{source=${JSON.stringify(s.id)}}`, { legend: s.id }))
        .unit('s')
        .reduceOptions(lastValue())
        .graphMode(common.BigValueGraphMode.None)
        .colorMode(common.BigValueColorMode.Background)
        // Orange after one schedule interval without success, red at the alert's limit (two).
        .thresholds(thresholds([{ value: null, color: COLOURS.met }, { value: limit / 2, color: COLOURS.at_risk }, { value: limit, color: COLOURS.missed }]))
        .noValue('—')
        .height(5)
        .span(width),
    );
  }

  b.withRow(new dashboard.RowBuilder(t.runs));
  const series = (title: string, expr: string, legend: string, unit: string) =>
    new TimeseriesPanel().title(title).withTarget(prom(expr, { legend })).unit(unit).min(0).height(8).span(12);
  b.withPanel(series(t.runs, RECORDING_RULES.runsRate, '{{source}} {{result}}', 'none'));
  b.withPanel(series(t.rejected, RECORDING_RULES.rejectedRate, '{{source}}', 'none'));
  b.withPanel(
    series(t.duration, 'histogram_quantile(0.9, sum by (source, le) (rate(isms_collector_run_duration_seconds_bucket[1h])))', '{{source}}', 's'),
  );
  b.withPanel(series(t.queue, 'sum by (queue, state) (isms_queue_jobs)', '{{queue}} {{state}}', 'none'));
  b.withPanel(
    new TablePanel()
      .title(t.records)
      .withTarget(prom('sum by (source, outcome) (isms_collector_records_total)', { table: true }))
      .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } })
      .height(8)
      .span(24),
  );
  return b.build();
}
