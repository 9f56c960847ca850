/**
 * Generates the Prometheus rule file for the configured objectives and sources (`isms-kpi rules`).
 * Pure: the config in, YAML text out. Every alert is per objective or per source, so each one
 * carries its own target, drift window, `for`, severity, owner and Annex A controls as labels,
 * and a summary in the organisation's language.
 */
import { stringify } from 'yaml';
import type { Config } from '../config/types.ts';
import type { ObjectiveConfig, SourceConfig } from '../config/types.ts';
import { durationSeconds, formatDuration } from './duration.ts';
import { scheduleIntervalSeconds } from './schedule.ts';
import { ALERT_NAMES, formatValue, isRatioKpi, objectiveSummary, staleSummary, targetText, type Language } from './texts.ts';

/** Recording rules the dashboards and alerts share (documented in config/README-monitoring.md). */
export const RECORDING_RULES = {
  /** Distance from the target on the good side (positive = better than target), direction-aware. */
  margin: 'isms:objective_kpi_margin',
  /** 3 met, 2 at_risk, 1 missed, 0 no_data: one number per objective for colour mappings. */
  statusCode: 'isms:objective_status_code',
  /** Seconds since the source last collected successfully. */
  freshness: 'isms:collector_freshness_seconds',
  /** Collection runs per hour by source and result. */
  runsRate: 'isms:collector_runs:rate1h',
  /** Rejected input records per hour by source. */
  rejectedRate: 'isms:collector_records_rejected:rate1h',
} as const;

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}
export interface RuleFile {
  groups: RuleGroup[];
}

export type Severity = 'critical' | 'warning' | 'info';

/** The values every alert of one objective is built from, config defaults applied. */
export interface ObjectiveAlertSettings {
  severity: { missed: Severity; other: Severity };
  for: string;
  driftAmount: number;
  driftWindow: string;
}

/** Defaults: missed is critical unless the objective says otherwise; the rest one step milder. */
export function objectiveAlertSettings(config: Pick<Config, 'alerting'>, o: ObjectiveConfig): ObjectiveAlertSettings {
  const sev = o.alerts.severity;
  const drift = o.alerts.drift ?? config.alerting.drift;
  durationSeconds(drift.window, `objectives.${o.id}.alerts.drift.window`);
  const forText = o.alerts.for ?? config.alerting.for;
  durationSeconds(forText, `objectives.${o.id}.alerts.for`);
  return {
    severity: { missed: sev ?? 'critical', other: sev === 'info' ? 'info' : 'warning' },
    for: forText,
    driftAmount: drift.amount,
    driftWindow: drift.window,
  };
}

/** Where a person finds the records behind an objective. */
export function evidenceUrl(config: Pick<Config, 'http'>, objectiveId: string): string {
  const base = (config.http.externalUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/+$/, '');
  return `${base}/objectives/${encodeURIComponent(objectiveId)}/evidence`;
}

/**
 * Prometheus expands Go templates in alert labels and annotations, so text from the config (a
 * title, an owner) that happens to contain `{{` or `}}` is emitted as a template printing it.
 */
export function templateLiteral(text: string): string {
  return text.replace(/\{\{|\}\}/g, (m) => `{{ "${m}" }}`);
}

/** PromQL string literal. */
function q(value: string): string {
  return JSON.stringify(value);
}

function valueTemplate(expr: string, isRatio: boolean): string {
  const fmt = isRatio ? 'humanizePercentage' : 'printf "%.2f"';
  return `{{ with query ${q(expr)} }}{{ . | first | value | ${fmt} }}{{ else }}-{{ end }}`;
}

function dollarValue(isRatio: boolean): string {
  return isRatio ? '{{ $value | humanizePercentage }}' : '{{ printf "%.2f" $value }}';
}

function objectiveRules(config: Config, o: ObjectiveConfig): AlertingRule[] {
  const lang: Language = config.organisation.language;
  const s = objectiveAlertSettings(config, o);
  const ratio = isRatioKpi(o.kpi);
  const sel = `objective=${q(o.id)}`;
  const value = `isms_objective_kpi_value{${sel}}`;
  const atLeast = o.direction === 'at_least';
  const text = {
    title: templateLiteral(o.title),
    direction: o.direction,
    target: targetText(o.direction, o.target, ratio),
    driftAmount: formatValue(s.driftAmount, ratio),
    driftWindow: s.driftWindow,
    deadline: o.deadline,
  };
  const labels = (severity: Severity): Record<string, string> => ({
    objective: o.id,
    kpi: o.kpi,
    ...(o.owner !== undefined ? { owner: templateLiteral(o.owner) } : {}),
    ...(o.controls.length > 0 ? { controls: o.controls.join(',') } : {}),
    severity,
  });
  const current = lang === 'ja' ? '現在値' : 'Current value';
  const annotations = (summary: string, description: string): Record<string, string> => ({
    title: templateLiteral(o.title),
    summary,
    description,
    evidence_url: evidenceUrl(config, o.id),
  });
  const currentLine = `${current}: ${valueTemplate(value, ratio)}`;

  const rules: AlertingRule[] = [
    {
      alert: ALERT_NAMES.missed,
      expr: `isms_objective_status{${sel},status="missed"} == 1`,
      for: s.for,
      labels: labels(s.severity.missed),
      annotations: annotations(objectiveSummary(lang, 'missed', text), currentLine),
    },
    {
      alert: ALERT_NAMES.at_risk,
      expr: `isms_objective_status{${sel},status="at_risk"} == 1`,
      for: s.for,
      labels: labels(s.severity.other),
      annotations: annotations(objectiveSummary(lang, 'at_risk', text), currentLine),
    },
    {
      alert: ALERT_NAMES.drift,
      // Moved the wrong way by more than the amount; strict, so a move of exactly the amount is tolerated.
      expr: atLeast
        ? `${value} - ${value} offset ${s.driftWindow} < -${s.driftAmount}`
        : `${value} - ${value} offset ${s.driftWindow} > ${s.driftAmount}`,
      for: s.for,
      labels: labels(s.severity.other),
      annotations: annotations(
        objectiveSummary(lang, 'drift', text),
        `${lang === 'ja' ? `${s.driftWindow}間の変化` : `Change over ${s.driftWindow}`}: ${dollarValue(ratio)}; ${currentLine}`,
      ),
    },
  ];
  if (o.deadline !== undefined) {
    const deadline = `isms_objective_deadline_timestamp_seconds{${sel}}`;
    rules.push({
      alert: ALERT_NAMES.deadline_forecast,
      // Straight-line fit over the drift window, extrapolated to the deadline; only while the deadline is ahead.
      expr:
        `predict_linear(${value}[${s.driftWindow}], scalar(${deadline}) - time()) ${atLeast ? '<' : '>'} ${o.target}` +
        ` and on(objective) ${deadline} > time()`,
      for: s.for,
      labels: labels(s.severity.other),
      annotations: annotations(
        objectiveSummary(lang, 'deadline_forecast', text),
        `${lang === 'ja' ? '期限時点の予測値' : 'Forecast at the deadline'}: ${dollarValue(ratio)}; ${currentLine}`,
      ),
    });
  }
  rules.push({
    alert: ALERT_NAMES.no_data,
    // no_data is an empty population; absent means the objective was never evaluated or the exporter is gone.
    expr: `isms_objective_status{${sel},status="no_data"} == 1 or absent(isms_objective_status{${sel}})`,
    for: s.for,
    labels: labels(s.severity.other),
    annotations: annotations(
      objectiveSummary(lang, 'no_data', text),
      lang === 'ja' ? '母集団が空か、評価されていません。ソースの設定と収集を確認してください。' : 'The population is empty or the objective was not evaluated; check the sources and their collection.',
    ),
  });
  return rules;
}

/** The staleness limit of a source: twice the longest gap of its schedule. */
export function staleAfterSeconds(source: SourceConfig, timeZone: string): number {
  return 2 * scheduleIntervalSeconds(source.schedule, source.timeZone ?? timeZone, `sources.${source.id}.schedule`);
}

function sourceRules(config: Config, source: SourceConfig): AlertingRule[] {
  const lang: Language = config.organisation.language;
  const limit = staleAfterSeconds(source, config.organisation.timeZone);
  const metric = `isms_collector_last_success_timestamp_seconds{source=${q(source.id)}}`;
  const labels = { source: source.id, severity: 'warning' };
  const annotations = {
    summary: staleSummary(lang, source.id, formatDuration(limit)),
    description: lang === 'ja'
      ? `最後の成功: {{ with query ${q(metric)} }}{{ . | first | value | humanizeTimestamp }}{{ else }}なし{{ end }}`
      : `Last success: {{ with query ${q(metric)} }}{{ . | first | value | humanizeTimestamp }}{{ else }}never{{ end }}`,
  };
  // absent: the source never succeeded (the exporter loads the last success from the store at start-up).
  return [{ alert: ALERT_NAMES.evidence_stale, expr: `time() - ${metric} > ${limit} or absent(${metric})`, for: config.alerting.for, labels, annotations }];
}

/** The rule file as an object (for tests and for callers that merge it into their own). */
export function buildRules(config: Config): RuleFile {
  const recording: RecordingRule[] = [
    {
      record: RECORDING_RULES.margin,
      expr:
        '(isms_objective_kpi_value - on(objective, kpi) group_left() isms_objective_target{direction="at_least"})' +
        ' or (isms_objective_target{direction="at_most"} - on(objective, kpi) group_right() isms_objective_kpi_value)',
    },
    {
      record: RECORDING_RULES.statusCode,
      expr:
        'sum by (objective) (isms_objective_status{status="met"}) * 3' +
        ' + sum by (objective) (isms_objective_status{status="at_risk"}) * 2' +
        ' + sum by (objective) (isms_objective_status{status="missed"})',
    },
    { record: RECORDING_RULES.freshness, expr: 'time() - isms_collector_last_success_timestamp_seconds' },
    { record: RECORDING_RULES.runsRate, expr: 'sum by (source, result) (rate(isms_collector_runs_total[1h])) * 3600' },
    { record: RECORDING_RULES.rejectedRate, expr: 'sum by (source) (rate(isms_collector_records_total{outcome="rejected"}[1h])) * 3600' },
  ];
  const groups: RuleGroup[] = [{ name: 'isms-kpi.recording', rules: recording }];
  const objectiveAlerts = config.objectives.flatMap((o) => objectiveRules(config, o));
  if (objectiveAlerts.length > 0) groups.push({ name: 'isms-kpi.objectives', rules: objectiveAlerts });
  const sourceAlerts = config.sources.filter((s) => s.enabled).flatMap((s) => sourceRules(config, s));
  if (sourceAlerts.length > 0) groups.push({ name: 'isms-kpi.evidence', rules: sourceAlerts });
  return { groups };
}

const HEADER = '# Generated by `isms-kpi rules` from the objectives and sources in the config. Do not edit: regenerate.\n';

/** The Prometheus rule file, as YAML text. */
export function generateRules(config: Config): string {
  return HEADER + stringify(buildRules(config), { lineWidth: 0 });
}
