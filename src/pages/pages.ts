/**
 * The three pages `run` serves — the objective register, one page per objective, collection
 * health — as data (for JSON) and as HTML, from what the server knows: the config, the latest
 * results, the trend points and the store's run records.
 */
import { objectiveSummary } from '../kpi/summary.ts';
import type { EvidenceStore, RunRecord } from '../evidence/store.ts';
import { messages, type Language } from '../i18n/catalogue.ts';
import { trendInstants } from '../kpi/fiscal-periods.ts';
import type { FailingSubject, KpiResult } from '../kpi/types.ts';
import { pointOf, type TrendPoint, Trends } from '../trends/trends.ts';
import { failingTable, type FailingTable, type TableQuery } from './failing-table.ts';
import { formatInstant } from './format.ts';
import { freshnessOf, objectiveChart, objectiveView, sourceRows, sourceStates, statusCounts, type ConfigLike, type ObjectiveView, type SourceRow, type SourceState } from './model.ts';
import { renderPage, type LayoutData } from './render.ts';

export interface PageContext {
  config: ConfigLike;
  store: EvidenceStore;
  trends: Trends;
  /** The instant pages are as of (now; fixed with `run --at`). */
  now: () => Date;
  /** The latest evaluation; undefined before the first. */
  results: () => readonly KpiResult[] | undefined;
  /**
   * The latest evaluation with its failing subjects, when `results` comes without them (under
   * BullMQ they stay in the store): evaluated again at the same instant by the caller.
   */
  detailed?: () => Promise<readonly KpiResult[] | undefined>;
}

async function withSubjects(ctx: PageContext): Promise<readonly KpiResult[] | undefined> {
  return ctx.detailed ? ctx.detailed() : ctx.results();
}

/** Trend points for the pages: month ends from the cache, the latest point from the live result. */
async function pageSeries(ctx: PageContext, at: Date, ids?: readonly string[]): Promise<Map<string, TrendPoint[]>> {
  const instants = trendInstants(at, ctx.config.organisation);
  const results = ctx.results();
  const live = new Map((results ?? []).map((r) => [r.objective, r]));
  const last = instants[instants.length - 1]!;
  const monthEnds = results && last.getTime() === at.getTime() ? instants.slice(0, -1) : instants;
  const series = await ctx.trends.series(monthEnds, ids);
  for (const [id, points] of series) {
    const r = live.get(id);
    if (r && (points.length === 0 || Date.parse(r.evaluatedAt) > Date.parse(points[points.length - 1]!.at))) points.push(pointOf(r));
  }
  return series;
}

function layout(ctx: PageContext, title: string, at: Date, nav?: LayoutData['nav']): LayoutData {
  const org = ctx.config.organisation;
  const lang = org.language;
  const l: LayoutData = { lang, org: org.name, title, asOfText: messages(lang).pages.asOf(formatInstant(at, org.timeZone), org.timeZone) };
  if (nav) l.nav = nav;
  return l;
}

export interface RegisterData {
  at: Date;
  evaluatedAt?: string;
  views: ObjectiveView[];
  results: readonly KpiResult[];
}

export async function registerData(ctx: PageContext): Promise<RegisterData> {
  const at = ctx.now();
  const { organisation: org } = ctx.config;
  const results = (await withSubjects(ctx)) ?? [];
  const byId = new Map(results.map((r) => [r.objective, r]));
  const [series, states] = await Promise.all([pageSeries(ctx, at), sourceStates(ctx.store, ctx.config, at)]);
  const views: ObjectiveView[] = [];
  for (const [i, o] of ctx.config.objectives.entries()) {
    const fresh = await freshnessOf(o, ctx.config, ctx.store, states);
    views.push(objectiveView(o, byId.get(o.id), series.get(o.id) ?? [], fresh, org.language, org.timeZone, `o${i}`));
  }
  const evaluatedAt = results.map((r) => r.evaluatedAt).sort().pop();
  return { at, ...(evaluatedAt ? { evaluatedAt } : {}), views, results };
}

export function registerHtml(ctx: PageContext, d: RegisterData): string {
  const lang = ctx.config.organisation.language;
  const t = messages(lang);
  const c = statusCounts(d.views);
  const measurementLabels = [...new Set(d.views.flatMap((v) => v.measurement.map((m) => m.label)))];
  return renderPage('register', layout(ctx, t.pages.register.title, d.at, 'register'), {
    objectives: d.views,
    evaluated: d.results.length > 0,
    summaryText: t.pages.register.summary(c.met, c.at_risk, c.missed, c.no_data),
    measurementLabels,
  });
}

/**
 * The JSON contract's fields of one objective (src/kpi/summary.ts, shared with
 * `evaluate --format json`), or their empty form before it has been evaluated.
 */
function contractFields(id: string, kpi: string, status: string, r: KpiResult | undefined) {
  if (r) return objectiveSummary(r);
  return { id, kpi, value: null, numerator: 0, denominator: 0, target: null, direction: null, status, period: null };
}

/**
 * The register as JSON: the `evaluate --format json` fields (`id`, `kpi`, `value`, …, `period`)
 * for every objective, then the register's own (title, failing count, owner, deadline, controls,
 * evidence freshness, trend).
 */
export function registerJson(d: RegisterData) {
  const byId = new Map(d.results.map((r) => [r.objective, r]));
  return {
    evaluatedAt: d.evaluatedAt ?? null,
    objectives: d.views.map((v) => {
      const r = byId.get(v.id);
      return {
        ...contractFields(v.id, v.kpi, v.status, r),
        title: v.title,
        failing: v.failing,
        owner: v.owner ?? null,
        deadline: v.deadline ?? null,
        controls: v.controls,
        freshness: v.freshness.map((f) => ({ source: f.source, observedAt: f.observedMs !== undefined ? new Date(f.observedMs).toISOString() : null })),
        trend: v.points.map((p) => ({ at: p.at, value: p.value, numerator: p.numerator, denominator: p.denominator, status: p.status })),
      };
    }),
  };
}

export interface ObjectiveData {
  at: Date;
  view: ObjectiveView;
  result?: KpiResult;
  table: FailingTable;
  notes: FailingTable;
  chartSvg: string;
}

/**
 * Tables by subject list and query: the same results read again with the same filters (a page
 * reloaded, its CSV downloaded) reuse the formatted rows. Held only as long as the results are.
 */
const tables = new WeakMap<readonly FailingSubject[], Map<string, FailingTable>>();
function tableOf(subjects: readonly FailingSubject[], query: TableQuery, lang: Language, zone: string): FailingTable {
  let byQuery = tables.get(subjects);
  if (!byQuery) tables.set(subjects, (byQuery = new Map()));
  const key = JSON.stringify([query, lang, zone]);
  let t = byQuery.get(key);
  if (!t) {
    if (byQuery.size > 100) byQuery.clear();
    byQuery.set(key, (t = failingTable(subjects, query, lang, zone)));
  }
  return t;
}

const NONE: readonly FailingSubject[] = [];

/** Undefined for an objective the config does not have. */
export async function objectiveData(ctx: PageContext, id: string, query: TableQuery, opts: { trend?: boolean } = {}): Promise<ObjectiveData | undefined> {
  const index = ctx.config.objectives.findIndex((o) => o.id === id);
  if (index < 0) return undefined;
  const o = ctx.config.objectives[index]!;
  const at = ctx.now();
  const { language: lang, timeZone: zone } = ctx.config.organisation;
  const result = (await withSubjects(ctx))?.find((r) => r.objective === id);
  const [series, states] = await Promise.all([opts.trend === false ? new Map<string, TrendPoint[]>() : pageSeries(ctx, at, [id]), sourceStates(ctx.store, ctx.config, at)]);
  const view = objectiveView(o, result, series.get(id) ?? [], await freshnessOf(o, ctx.config, ctx.store, states), lang, zone, `o${index}`);
  const d: ObjectiveData = {
    at,
    view,
    table: tableOf(result?.failing ?? NONE, query, lang, zone),
    notes: tableOf(result?.notes ?? NONE, { filters: {} }, lang, zone),
    chartSvg: objectiveChart(view, o, lang, `o${index}-t`),
  };
  if (result) d.result = result;
  return d;
}

/** `?…` keeping the table's filters, with some parameters changed. */
function tableHref(base: string, d: ObjectiveData, change: Record<string, string | undefined>, hash = '#failing'): string {
  const p = new URLSearchParams();
  const q = d.table.query;
  const cur: Record<string, string | undefined> = { ...q.filters, q: q.q || undefined, sort: q.sort || undefined, dir: q.sort ? q.dir : undefined, page: q.page > 1 ? String(q.page) : undefined, ...change };
  for (const [k, v] of Object.entries(cur)) if (v !== undefined && v !== '') p.set(k, v);
  const s = p.toString();
  return `${base}${s ? `?${s}` : ''}${hash}`;
}

export function objectiveHtml(ctx: PageContext, d: ObjectiveData): string {
  const lang = ctx.config.organisation.language;
  const t = messages(lang);
  const v = d.view;
  const sortHref: Record<string, string> = {};
  for (const c of d.table.columns) {
    const dir = d.table.query.sort === c.key && d.table.query.dir === 'asc' ? 'desc' : d.table.query.sort === c.key ? 'asc' : c.numeric ? 'desc' : 'asc';
    sortHref[c.key] = tableHref(v.href, d, { sort: c.key, dir, page: undefined });
  }
  const { page, pages } = { page: d.table.query.page, pages: d.table.pages };
  return renderPage('objective', layout(ctx, v.title, d.at), {
    o: v,
    table: d.table,
    notes: d.notes,
    chartSvg: d.chartSvg,
    caption: t.pages.objective.trendCaption(v.targetText, v.warningText),
    sortHref,
    csvHref: tableHref(`${v.href}/failing.csv`, d, { page: undefined }, ''),
    xlsxHref: tableHref(`${v.href}/failing.xlsx`, d, { page: undefined }, ''),
    prevHref: page > 1 ? tableHref(v.href, d, { page: String(page - 1) }) : undefined,
    nextHref: page < pages ? tableHref(v.href, d, { page: String(page + 1) }) : undefined,
  });
}

/**
 * One objective as JSON: the contract's fields (`id`, …), its title, the failing subjects (with
 * `reason` in English and the reason code), the notes and the trend.
 */
export function objectiveJson(d: ObjectiveData) {
  const r = d.result;
  return {
    evaluatedAt: r?.evaluatedAt ?? null,
    ...contractFields(d.view.id, d.view.kpi, d.view.status, r),
    title: d.view.title,
    failing: r?.failing ?? [],
    notes: r?.notes ?? [],
    trend: d.view.points.map((p) => ({ at: p.at, value: p.value, numerator: p.numerator, denominator: p.denominator, status: p.status })),
  };
}

export interface HealthData {
  at: Date;
  sources: SourceRow[];
  states: Map<string, SourceState>;
}

export async function healthData(ctx: PageContext): Promise<HealthData> {
  const at = ctx.now();
  const states = await sourceStates(ctx.store, ctx.config, at);
  return { at, sources: sourceRows(states, ctx.config, at), states };
}

/** Collection health for scripts: each source's schedule and its last runs as recorded. */
export function healthJson(d: HealthData) {
  const run = (r: RunRecord | undefined) =>
    r ? { startedAt: r.startedAt, finishedAt: r.finishedAt, observedAt: r.observedAt, result: r.result, accepted: r.accepted, rejected: r.rejected, rejections: r.rejections, ...(r.error ? { error: r.error } : {}) } : null;
  return {
    at: d.at.toISOString(),
    sources: [...d.states.values()].map((s) => ({ id: s.id, kind: s.kind, enabled: s.enabled, schedule: s.schedule ?? null, latest: run(s.latest), lastSuccess: run(s.lastSuccess), lastFailure: run(s.lastFailure) })),
  };
}

export function healthHtml(ctx: PageContext, d: HealthData): string {
  return renderPage('health', layout(ctx, messages(ctx.config.organisation.language).pages.health.title, d.at, 'health'), { sources: d.sources });
}

/**
 * The pages of an organisation with no evidence yet and these results: what a bare exporter
 * (a benchmark, a metrics test) serves beside /metrics.
 */
export function bareContext(store: EvidenceStore, organisation: ConfigLike['organisation'], results: () => readonly KpiResult[] | undefined, now: () => Date = () => new Date()): PageContext {
  const config = { organisation, identity: { keys: ['email' as const], aliases: {}, serviceAccounts: { loginPatterns: [], types: [] } }, sources: [], objectives: [], sourceRecordKinds: {} } as unknown as ConfigLike;
  return { config, store, trends: new Trends(store, config), now, results };
}
