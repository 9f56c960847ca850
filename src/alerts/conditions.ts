/**
 * The in-app notifier's view of the alert conditions: the same ones the generated Prometheus
 * rules express, applied to the latest KPI results, the recorded value history and the sources'
 * last successful collection. Pure: everything, including the instant, comes in.
 */
import { DateTime } from 'luxon';
import type { Config } from '../config/types.ts';
import type { ObjectiveConfig } from '../config/types.ts';
import type { KpiResult } from '../kpi/types.ts';
import { durationSeconds, formatDuration } from './duration.ts';
import { evidenceUrl, objectiveAlertSettings, staleAfterSeconds, type Severity } from './rules.ts';
import { ALERT_NAMES, formatValue, isRatioKpi, objectiveSummary, staleSummary, targetText, type AlertKind } from './texts.ts';

/** One recorded KPI value. */
export interface Sample {
  /** Unix milliseconds. */
  t: number;
  v: number;
}

/** A condition that holds now. */
export interface Condition {
  /** Stable identity: `<alertname>/<objective or source>`. */
  key: string;
  kind: AlertKind;
  alertname: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** `for` of this alert, seconds. */
  forSeconds: number;
  /** The number the condition is about (value, change, forecast, age in seconds), when there is one. */
  value?: number;
}

export interface ConditionInput {
  config: Config;
  results: readonly KpiResult[];
  /** Recorded values per objective, oldest first (this evaluation's not yet included). */
  history: Readonly<Record<string, readonly Sample[]>>;
  /** ISO time of each source's last successful collection. */
  lastSuccess: Readonly<Record<string, string>>;
  /** When the notifier first ran: a source that never succeeded counts as stale from here. */
  since: Date;
  now: Date;
}

/** The value `windowSeconds` ago: the newest sample at or before that instant. */
export function valueAt(samples: readonly Sample[], t: number): number | undefined {
  let found: number | undefined;
  for (const s of samples) {
    if (s.t <= t) found = s.v;
    else break;
  }
  return found;
}

/** Least-squares line through the samples, evaluated at `t`; undefined with fewer than two distinct instants. */
export function predictLinear(samples: readonly Sample[], t: number): number | undefined {
  if (samples.length < 2) return undefined;
  const t0 = samples[0]!.t;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const s of samples) {
    const x = (s.t - t0) / 1000;
    sx += x; sy += s.v; sxx += x * x; sxy += x * s.v;
  }
  const n = samples.length;
  const den = n * sxx - sx * sx;
  if (den === 0) return undefined;
  const slope = (n * sxy - sx * sy) / den;
  const intercept = (sy - slope * sx) / n;
  return intercept + slope * ((t - t0) / 1000);
}

/** End of the deadline day in the organisation's zone, as the metric exports it. */
export function deadlineMillis(deadline: string, timeZone: string): number {
  return DateTime.fromISO(deadline, { zone: timeZone }).plus({ days: 1 }).startOf('day').toMillis();
}

function objectiveConditions(input: ConditionInput, o: ObjectiveConfig, r: KpiResult | undefined): Condition[] {
  const { config, now } = input;
  const lang = config.organisation.language;
  const s = objectiveAlertSettings(config, o);
  const ratio = isRatioKpi(o.kpi);
  const text = {
    title: o.title, direction: o.direction, target: targetText(o.direction, o.target, ratio),
    driftAmount: formatValue(s.driftAmount, ratio), driftWindow: s.driftWindow, deadline: o.deadline,
  };
  const forSeconds = durationSeconds(s.for);
  const make = (kind: Exclude<AlertKind, 'evidence_stale'>, severity: Severity, value?: number): Condition => ({
    key: `${ALERT_NAMES[kind]}/${o.id}`,
    kind,
    alertname: ALERT_NAMES[kind],
    labels: {
      alertname: ALERT_NAMES[kind],
      objective: o.id,
      kpi: o.kpi,
      ...(o.owner !== undefined ? { owner: o.owner } : {}),
      ...(o.controls.length > 0 ? { controls: o.controls.join(',') } : {}),
      severity,
    },
    annotations: {
      title: o.title,
      summary: objectiveSummary(lang, kind, text),
      ...(r?.value != null ? { value: formatValue(r.value, ratio) } : {}),
      evidence_url: evidenceUrl(config, o.id),
    },
    forSeconds,
    ...(value !== undefined ? { value } : {}),
  });

  if (!r || r.status === 'no_data' || r.value === null) return [make('no_data', s.severity.other)];
  const out: Condition[] = [];
  if (r.status === 'missed') out.push(make('missed', s.severity.missed, r.value));
  if (r.status === 'at_risk') out.push(make('at_risk', s.severity.other, r.value));

  const atLeast = o.direction === 'at_least';
  const history = input.history[o.id] ?? [];
  const windowMs = durationSeconds(s.driftWindow) * 1000;
  const before = valueAt(history, now.getTime() - windowMs);
  if (before !== undefined) {
    const change = r.value - before;
    if (atLeast ? change < -s.driftAmount : change > s.driftAmount) out.push(make('drift', s.severity.other, change));
  }
  if (o.deadline !== undefined) {
    const deadline = deadlineMillis(o.deadline, config.organisation.timeZone);
    const inWindow = [...history.filter((x) => x.t > now.getTime() - windowMs), { t: now.getTime(), v: r.value }];
    const forecast = predictLinear(inWindow, deadline);
    if (deadline > now.getTime() && forecast !== undefined && (atLeast ? forecast < o.target : forecast > o.target)) {
      out.push(make('deadline_forecast', s.severity.other, forecast));
    }
  }
  return out;
}

/** Every condition that holds at `input.now`. */
export function evaluateConditions(input: ConditionInput): Condition[] {
  const { config, now } = input;
  const byObjective = new Map(input.results.map((r) => [r.objective, r]));
  const out = config.objectives.flatMap((o) => objectiveConditions(input, o, byObjective.get(o.id)));
  for (const source of config.sources) {
    if (!source.enabled) continue;
    const limit = staleAfterSeconds(source, config.organisation.timeZone);
    const last = input.lastSuccess[source.id];
    const since = last !== undefined ? Date.parse(last) : input.since.getTime();
    const age = (now.getTime() - since) / 1000;
    if (age <= limit) continue;
    out.push({
      key: `${ALERT_NAMES.evidence_stale}/${source.id}`,
      kind: 'evidence_stale',
      alertname: ALERT_NAMES.evidence_stale,
      labels: { alertname: ALERT_NAMES.evidence_stale, source: source.id, severity: 'warning' },
      annotations: { summary: staleSummary(config.organisation.language, source.id, formatDuration(limit)), ...(last ? { last_success: last } : {}) },
      forSeconds: durationSeconds(config.alerting.for),
      value: age,
    });
  }
  return out;
}
