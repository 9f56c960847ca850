/**
 * What the pages and the report show, computed from the config, the KPI results, the trend
 * points and the store's run records — never the other way round: nothing here feeds back
 * into evaluation. Every KPI is shown generically from its definition (name, unit, texts) and
 * its results (failing subjects with their details), so a new KPI needs no page code.
 */
import { nextRun } from '../config/cron.ts';
import type { Config, ObjectiveConfig } from '../config/types.ts';
import type { EvidenceStore, RunRecord } from '../evidence/store.ts';
import { messages, type Language } from '../i18n/catalogue.ts';
import { objectiveSources } from '../kpi/objective-sources.ts';
import { KPI_REGISTRY, kpiUnit } from '../kpi/registry.ts';
import type { KpiResult, Status } from '../kpi/types.ts';
import type { TrendPoint } from '../trends/trends.ts';
import { sparklineSvg, trendChartSvg, type ChartPoint } from './charts.ts';
import { formatInstant, formatKpiValue, periodWords, targetPhrase } from './format.ts';

export type ConfigLike = Pick<Config, 'organisation' | 'identity' | 'sources' | 'objectives' | 'sourceRecordKinds'>;

export interface SourceState {
  id: string;
  kind: string;
  enabled: boolean;
  schedule?: string;
  /** Newest run (success or failure) whose evidence instant is ≤ the page instant. */
  latest?: RunRecord;
  lastSuccess?: RunRecord;
  lastFailure?: RunRecord;
}

/** Each configured source's newest runs as of `at` (by evidence instant), from the store's audit trail. */
export async function sourceStates(store: EvidenceStore, config: ConfigLike, at: Date): Promise<Map<string, SourceState>> {
  const T = at.getTime();
  const out = new Map<string, SourceState>();
  for (const s of config.sources) {
    const runs = (await store.runs({ source: s.id, limit: 200 })).filter((r) => Date.parse(r.observedAt) <= T);
    const state: SourceState = { id: s.id, kind: s.kind, enabled: s.enabled };
    if (s.schedule) state.schedule = s.schedule;
    const latest = runs[0];
    const ok = runs.find((r) => r.result === 'success');
    const bad = runs.find((r) => r.result === 'failure');
    if (latest) state.latest = latest;
    if (ok) state.lastSuccess = ok;
    if (bad) state.lastFailure = bad;
    out.set(s.id, state);
  }
  return out;
}

export interface Freshness {
  source: string;
  /** The evidence instant of its newest successful collection, formatted; undefined if never. */
  observed?: string;
  observedMs?: number;
}

/** The evidence freshness of each source an objective reads, oldest (or never collected) first. */
export async function freshnessOf(o: ObjectiveConfig, config: ConfigLike, store: EvidenceStore, states: Map<string, SourceState>): Promise<Freshness[]> {
  const zone = config.organisation.timeZone;
  const sources = await objectiveSources(o, config, (kind) => store.snapshotSources(kind));
  return sources
    .map((id): Freshness => {
      const ok = states.get(id)?.lastSuccess;
      return ok ? { source: id, observed: formatInstant(ok.observedAt, zone), observedMs: Date.parse(ok.observedAt) } : { source: id };
    })
    .sort((a, b) => (a.observedMs ?? -Infinity) - (b.observedMs ?? -Infinity) || a.source.localeCompare(b.source));
}

export interface PointView extends TrendPoint {
  label: string;
  periodText: string;
  valueText: string;
  statusText: string;
  atText: string;
}

/** A row of the points table: one point, or a run of consecutive points without data (`2025-04 〜 2026-10`). */
export interface PointRow {
  label: string;
  valueText: string;
  numerator: number;
  denominator: number;
  status: Status;
  statusText: string;
  periodText: string;
}

export function pointRows(points: readonly PointView[]): PointRow[] {
  const rows: PointRow[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    let j = i;
    while (p.status === 'no_data' && p.denominator === 0 && j + 1 < points.length && points[j + 1]!.status === 'no_data' && points[j + 1]!.denominator === 0) j++;
    const last = points[j]!;
    rows.push(j === i ? p : { ...p, label: `${p.label} 〜 ${last.label}`, periodText: '' });
    i = j;
  }
  return rows;
}

export interface ObjectiveView {
  id: string;
  href: string;
  title: string;
  description?: string;
  kpi: string;
  kpiName: string;
  kpiDefinition: string;
  unit: 'ratio' | 'count';
  value: number | null;
  valueText: string;
  targetText: string;
  warningText?: string;
  status: Status;
  statusText: string;
  numerator: number;
  denominator: number;
  owner?: string;
  deadline?: string;
  controls: string[];
  failing: number;
  periodText?: string;
  freshness: Freshness[];
  measurement: { label: string; value: string }[];
  points: PointView[];
  pointRows: PointRow[];
  sparkline: string;
  evaluated: boolean;
}

const MEASUREMENT_KEYS = ['informationNeed', 'measure', 'formula', 'dataSource', 'collectionFrequency', 'reportingFrequency', 'owner', 'collector', 'reader'] as const;

/** A month-end point is labelled with its month, any other instant (the latest) with its day. */
function pointLabel(p: TrendPoint, zone: string): string {
  const ms = Date.parse(p.at);
  const next = formatInstant(ms + 1, zone); // the first instant of a month is `yyyy-MM-01 00:00`
  const monthEnd = next.slice(8) === '01 00:00' && (ms + 1) % 60_000 === 0;
  return monthEnd ? formatInstant(ms, zone).slice(0, 7) : formatInstant(ms, zone).slice(0, 10);
}

export function pointViews(points: readonly TrendPoint[], kpi: string, lang: Language, zone: string): PointView[] {
  const t = messages(lang);
  return points.map((p) => ({
    ...p,
    label: pointLabel(p, zone),
    valueText: formatKpiValue(kpi, p.value),
    statusText: t.common.status[p.status],
    atText: formatInstant(p.at, zone),
    periodText: `${formatInstant(p.period.from, zone)} – ${formatInstant(p.period.to, zone)}`,
  }));
}

export function objectiveView(
  o: ObjectiveConfig,
  result: KpiResult | undefined,
  points: readonly TrendPoint[],
  freshness: Freshness[],
  lang: Language,
  zone: string,
  chartId: string,
): ObjectiveView {
  const t = messages(lang);
  const def = KPI_REGISTRY.get(o.kpi);
  const unit = kpiUnit(o.kpi);
  const status: Status = result?.status ?? 'no_data';
  const views = pointViews(points, o.kpi, lang, zone);
  const chart = { id: chartId, points: views.map((p): ChartPoint => ({ label: p.label, value: p.value, status: p.status })), unit, target: o.target, direction: o.direction, targetLabel: t.pages.register.target, ...(o.warning !== undefined ? { warning: o.warning } : {}) };
  const m = o.measurement ?? {};
  const measurement = MEASUREMENT_KEYS.flatMap((k) => {
    const v = k === 'owner' ? o.owner : m[k];
    return v && (k !== 'owner' || o.measurement) ? [{ label: t.pages.measurement[k], value: v }] : [];
  });
  const view: ObjectiveView = {
    id: o.id,
    href: `/objectives/${encodeURIComponent(o.id)}`,
    title: o.title,
    kpi: o.kpi,
    kpiName: def?.texts[lang].name ?? o.kpi,
    kpiDefinition: def?.texts[lang].definition ?? '',
    unit,
    value: result?.value ?? null,
    valueText: formatKpiValue(o.kpi, result?.value ?? null),
    targetText: targetPhrase(o.kpi, o.direction, o.target, lang),
    status,
    statusText: t.common.status[status],
    numerator: result?.numerator ?? 0,
    denominator: result?.denominator ?? 0,
    controls: o.controls,
    failing: result?.failing.length ?? 0,
    freshness,
    measurement,
    points: views,
    pointRows: pointRows(views),
    sparkline: views.length > 0 ? sparklineSvg({ ...chart, id: `${chartId}-s` }) : '',
    evaluated: result !== undefined,
  };
  if (o.description) view.description = o.description;
  if (o.warning !== undefined) view.warningText = formatKpiValue(o.kpi, o.warning);
  if (o.owner) view.owner = o.owner;
  if (o.deadline) view.deadline = o.deadline;
  if (result) view.periodText = periodWords(o.period, result.period.from, result.period.to, lang, zone);
  return view;
}

/** The objective's full trend chart (objective page and report). */
export function objectiveChart(v: ObjectiveView, o: ObjectiveConfig, lang: Language, chartId: string, size?: { width: number; height: number }): string {
  if (v.points.length === 0) return '';
  return trendChartSvg({
    id: chartId,
    points: v.points.map((p) => ({ label: p.label, value: p.value, status: p.status })),
    unit: v.unit,
    target: o.target,
    direction: o.direction,
    targetLabel: messages(lang).pages.register.target,
    ...(o.warning !== undefined ? { warning: o.warning } : {}),
    ...(size ?? {}),
  });
}

export function statusCounts(views: readonly { status: Status }[]): Record<Status, number> {
  const c: Record<Status, number> = { met: 0, at_risk: 0, missed: 0, no_data: 0 };
  for (const v of views) c[v.status]++;
  return c;
}

export interface SourceRow {
  id: string;
  kind: string;
  enabled: boolean;
  schedule?: string;
  nextRun?: string;
  lastSuccess?: string;
  lastSuccessObserved?: string;
  lastFailure?: string;
  error?: string;
  accepted?: number;
  rejected?: number;
  samples: string[];
}

/** The collection-health rows: schedule, next run, last success and failure, counts, rejected samples. */
export function sourceRows(states: Map<string, SourceState>, config: ConfigLike, at: Date): SourceRow[] {
  const zone = config.organisation.timeZone;
  return config.sources.map((s) => {
    const st = states.get(s.id);
    const row: SourceRow = { id: s.id, kind: s.kind, enabled: s.enabled, samples: [] };
    if (s.schedule) {
      row.schedule = s.schedule;
      if (s.enabled) row.nextRun = formatInstant(nextRun(s.schedule, s.timeZone ?? zone, at), zone);
    }
    const latest = st?.latest;
    if (st?.lastSuccess) {
      row.lastSuccess = formatInstant(st.lastSuccess.finishedAt, zone);
      row.lastSuccessObserved = formatInstant(st.lastSuccess.observedAt, zone);
    }
    if (st?.lastFailure) {
      row.lastFailure = formatInstant(st.lastFailure.finishedAt, zone);
      if (st.lastFailure.error) row.error = st.lastFailure.error;
    }
    if (latest) {
      row.accepted = latest.accepted;
      row.rejected = latest.rejected;
      row.samples = latest.rejections.map((r) => `${r.file}:${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason}`);
    }
    return row;
  });
}
