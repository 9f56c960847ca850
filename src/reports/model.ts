/**
 * The management-review pack for one period (ISO/IEC 27001:2022 9.3.2 c), as far as the
 * evidence can tell): every objective evaluated at the period's end (or at `at`, for a period
 * still running), compared with the previous period's end, its monthly trend, its failing
 * subjects by department and reason, and the evidence behind it with the digest that lets
 * `report --verify` tell whether that evidence has changed since.
 *
 * Everything is a function of (config, evidence, period, instant): no clock, no random ids, so
 * generating it again gives the same bytes.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/types.ts';
import type { EvidenceStore, RunRecord } from '../evidence/store.ts';
import { canonicalJson } from '../evidence/versioning.ts';
import { messages, type Language } from '../i18n/catalogue.ts';
import { evaluateObjectives } from '../kpi/evaluate.ts';
import { previousPeriod, trendInstants, type NamedPeriod } from '../kpi/fiscal-periods.ts';
import { objectiveSources } from '../kpi/objective-sources.ts';
import { kpiUnit } from '../kpi/registry.ts';
import type { Direction, KpiResult, Status } from '../kpi/types.ts';
import { failingTable, type Column, type Row } from '../pages/failing-table.ts';
import { formatDay, formatInstant, formatKpiValue } from '../pages/format.ts';
import { freshnessOf, objectiveChart, objectiveView, sourceStates, statusCounts, type ObjectiveView } from '../pages/model.ts';
import { Trends, type TrendPoint } from '../trends/trends.ts';

export type ReportConfig = Pick<Config, 'organisation' | 'identity' | 'sources' | 'objectives' | 'sourceRecordKinds'>;

export type TrendWord = 'improving' | 'stable' | 'worsening' | 'none';

export interface Provenance {
  /** `FY2026`, `2026-Q2`, … */
  period: string;
  /** The evaluation instant (ISO, UTC). */
  at: string;
  /** SHA-256 of the objectives' configuration as evaluated. */
  configSha256: string;
  /** SHA-256 over the evidence stamps below. */
  evidenceSha256: string;
  /** Each source read, with its evidence stamp as of `at`. */
  sources: Record<string, string>;
  /** SHA-256 of the report's HTML (PDF and XLSX are rendered from, or beside, this HTML). */
  htmlSha256?: string;
  version: string;
}

export interface ReportObjective {
  view: ObjectiveView;
  result: KpiResult;
  chartSvg: string;
  previous: { name: string; value: number | null; valueText: string };
  trend: TrendWord;
  trendText: string;
  byDepartment: { name: string; count: number }[];
  byReason: { name: string; count: number }[];
  worst: { columns: Column[]; rows: Row[] };
  evidence: { source: string; observed: string; accepted: number | null; rejected: number | null; samples: string[] }[];
}

export interface ReportModel {
  lang: Language;
  zone: string;
  org: string;
  period: NamedPeriod;
  periodText: string;
  at: Date;
  atText: string;
  inProgress: boolean;
  counts: Record<Status, number>;
  objectives: ReportObjective[];
  provenance: Provenance;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The instant a report of `period` is evaluated at: its last millisecond, or `now` if earlier. */
export function reportInstant(period: NamedPeriod, now: Date): Date {
  return new Date(Math.min(period.endMs - 1, now.getTime()));
}

/** The trend from the previous period's end to this one's (the rule is written in the report). */
export function trendOf(current: number | null, previous: number | null, direction: Direction, unit: 'ratio' | 'count'): TrendWord {
  if (current === null || previous === null) return 'none';
  const d = current - previous;
  if (unit === 'ratio' ? Math.abs(d) < 0.01 : d === 0) return 'stable';
  return (direction === 'at_least' ? d > 0 : d < 0) ? 'improving' : 'worsening';
}

export function configSha256(config: Pick<Config, 'objectives'>): string {
  return sha256(canonicalJson(config.objectives));
}

/** The evidence stamps (as of `at`) of every source the objectives read, and their digest. */
export async function evidenceDigest(store: EvidenceStore, config: ReportConfig, at: Date): Promise<{ sources: Record<string, string>; sha256: string }> {
  const ids = new Set<string>();
  for (const o of config.objectives) for (const s of await objectiveSources(o, config, (k) => store.snapshotSources(k))) ids.add(s);
  const sources: Record<string, string> = {};
  for (const id of [...ids].sort()) sources[id] = await store.evidenceStamp(id, at);
  return { sources, sha256: digestOf(sources) };
}

export function digestOf(sources: Readonly<Record<string, string>>): string {
  return sha256(Object.keys(sources).sort().map((k) => `${k}=${sources[k]}\n`).join(''));
}

function counted(values: readonly string[]): { name: string; count: number }[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

const WORST = 10;

export async function buildReport(store: EvidenceStore, config: ReportConfig, period: NamedPeriod, at: Date, version: string): Promise<ReportModel> {
  const { language: lang, timeZone: zone, name: org } = config.organisation;
  const t = messages(lang);
  const prev = previousPeriod(period, config.organisation);
  const prevAt = new Date(prev.endMs - 1);
  const results = await evaluateObjectives(store, config, at);
  const instants = trendInstants(at, config.organisation);
  const all = [...new Set([...instants.map((d) => d.getTime()), prevAt.getTime()])].sort((a, b) => a - b).map((ms) => new Date(ms));
  const series = await new Trends(store, config).series(all);
  const states = await sourceStates(store, config, at);
  const periodName = (p: NamedPeriod) => t.report.periodName(p.kind, p.fiscalYear, p.index, p.name);

  const objectives: ReportObjective[] = [];
  for (const [i, o] of config.objectives.entries()) {
    const result = results[i]!;
    const points = series.get(o.id) ?? [];
    const shown: TrendPoint[] = points.filter((p) => instants.some((d) => d.toISOString() === p.at));
    const prevPoint = points.find((p) => p.at === prevAt.toISOString());
    const freshness = await freshnessOf(o, config, store, states);
    const view = objectiveView(o, result, shown, freshness, lang, zone, `r${i}`);
    const table = failingTable(result.failing, { filters: {} }, lang, zone);
    const has = (k: string) => table.columns.some((c) => c.key === k);
    const preferred = ['department', 'owner', 'daysOverdue'].filter(has);
    const extra = table.columns.filter((c) => !['id', 'reason', 'type'].includes(c.key) && !preferred.includes(c.key)).map((c) => c.key);
    const keep = new Set(['id', 'reason', ...preferred, ...extra].slice(0, 6));
    const trend = trendOf(result.value, prevPoint?.value ?? null, o.direction, kpiUnit(o.kpi));
    objectives.push({
      view,
      result,
      chartSvg: objectiveChart(view, o, lang, `r${i}-t`, { width: 680, height: 240 }),
      previous: { name: periodName(prev), value: prevPoint?.value ?? null, valueText: formatKpiValue(o.kpi, prevPoint?.value ?? null) },
      trend,
      trendText: t.report.trendWords[trend],
      byDepartment: has('department') ? counted(table.allRows.map((r) => (r.raw['department'] !== undefined && r.cells['department'] !== t.pages.empty ? r.cells['department']! : t.report.noDepartment))) : [],
      byReason: counted(table.allRows.map((r) => r.reasonGroup)),
      worst: { columns: table.columns.filter((c) => keep.has(c.key)), rows: table.allRows.slice(0, WORST) },
      evidence: freshness.map((f) => {
        const run: RunRecord | undefined = states.get(f.source)?.latest;
        return {
          source: f.source,
          observed: f.observed ?? t.pages.health.never,
          accepted: run?.accepted ?? null,
          rejected: run?.rejected ?? null,
          samples: (run?.rejections ?? []).slice(0, 5).map((r) => `${r.file}:${r.line}${r.field ? ` ${r.field}` : ''}: ${r.reason}`),
        };
      }),
    });
  }

  const digest = await evidenceDigest(store, config, at);
  return {
    lang,
    zone,
    org,
    period,
    periodText: t.report.periodSpan(periodName(period), formatDay(period.fromMs, zone), formatDay(period.endMs - 1, zone)),
    at,
    atText: formatInstant(at, zone),
    inProgress: at.getTime() < period.endMs - 1,
    counts: statusCounts(objectives.map((o) => o.view)),
    objectives,
    provenance: { period: period.name, at: at.toISOString(), configSha256: configSha256(config), evidenceSha256: digest.sha256, sources: digest.sources, version },
  };
}
