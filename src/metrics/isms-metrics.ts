/**
 * The product's metrics, with the names DESIGN.md fixes. Objective gauges are filled from the
 * last evaluation inside `collect()` (prom-client's advice), so a scrape never computes a KPI and
 * never reads a store; label values are objective, KPI, source and queue ids only.
 *
 * A scrape serves `exposition()`: the text rendered once per change (an evaluation, a run, a
 * freshness or queue update, a notification) and reused by every scrape until the next change, so
 * a scrape costs the write alone. Node's process metrics (CPU, memory, event loop) change on their
 * own: the text is rendered again when it is older than `refreshMs` (5 s), so they are never more
 * than that old. Concurrent scrapes of a stale text share one render.
 */
import { DateTime } from 'luxon';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ObjectiveConfig } from '../config/types.ts';
import type { RunRecord } from '../evidence/store.ts';
import { STATUSES, type KpiResult } from '../kpi/types.ts';

export interface QueueCount {
  queue: string;
  state: string;
  count: number;
}

export interface IsmsMetricsOptions {
  objectives: readonly ObjectiveConfig[];
  sourceIds: readonly string[];
  /** Sources pulled from an API: their request and rate-limit series start at 0. */
  apiSourceIds?: readonly string[];
  timeZone: string;
  /** Node process metrics (default on). */
  defaultMetrics?: boolean;
  /** Longest a rendered exposition is served for (ms, default 5000): process metrics change on their own. */
  refreshMs?: number;
  /** Clock for the refresh (tests). */
  now?: () => number;
}

/** What /metrics answers. */
export interface Exposition {
  contentType: string;
  body: string;
}

/** The counters a caller may count on (each count invalidates the cached exposition). */
export interface CountOnly<T extends string> {
  inc(labels: Partial<Record<T, string>>, value?: number): void;
}

export class IsmsMetrics {
  readonly registry = new Registry();
  private results = new Map<string, KpiResult>();
  private queueCounts: readonly QueueCount[] = [];
  private readonly lastSuccess = new Map<string, number>();

  private readonly runs: Counter<'source' | 'result'>;
  private readonly records: Counter<'source' | 'outcome'>;
  private readonly duration: Histogram<'source'>;
  private readonly notified: Counter<'notifier' | 'result'>;
  private readonly shrinkRefused: Counter<'source'>;
  private readonly apiRequests: Counter<'source'>;
  private readonly rateLimitWait: Counter<'source'>;
  /** Alert notifications by notifier and result. */
  readonly notifications: CountOnly<'notifier' | 'result'>;

  /** Bumped by every change the exposition shows; a rendered text belongs to one version. */
  private version = 0;
  private cached: { version: number; at: number; text: Promise<Exposition> } | undefined;
  private rendering: { version: number; text: Promise<Exposition> } | undefined;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: IsmsMetricsOptions) {
    this.refreshMs = opts.refreshMs ?? 5000;
    this.now = opts.now ?? Date.now;
    const r = this.registry;
    const self = this;
    const objectiveGauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge<string>) => void) =>
      new Gauge({ name, help, labelNames, registers: [r], collect() { this.reset(); fill(this); } });

    objectiveGauge('isms_objective_kpi_value', 'Current KPI value of the objective (ratio 0..1, or a count); absent when no_data.', ['objective', 'kpi'], (g) => {
      for (const x of self.results.values()) if (x.value !== null) g.set({ objective: x.objective, kpi: x.kpi }, x.value);
    });
    objectiveGauge('isms_objective_kpi_numerator', 'Numerator of the KPI (compliant or failing subjects, per the KPI definition).', ['objective', 'kpi'], (g) => {
      for (const x of self.results.values()) g.set({ objective: x.objective, kpi: x.kpi }, x.numerator);
    });
    objectiveGauge('isms_objective_kpi_denominator', 'Denominator of the KPI (the population).', ['objective', 'kpi'], (g) => {
      for (const x of self.results.values()) g.set({ objective: x.objective, kpi: x.kpi }, x.denominator);
    });
    objectiveGauge('isms_objective_target', 'Target of the objective; direction at_least (bigger is better) or at_most.', ['objective', 'kpi', 'direction'], (g) => {
      for (const o of opts.objectives) g.set({ objective: o.id, kpi: o.kpi, direction: o.direction }, o.target);
    });
    objectiveGauge('isms_objective_status', '1 for the objective\'s current status, 0 for the others.', ['objective', 'status'], (g) => {
      for (const x of self.results.values()) for (const s of STATUSES) g.set({ objective: x.objective, status: s }, x.status === s ? 1 : 0);
    });
    objectiveGauge('isms_objective_deadline_timestamp_seconds', 'End of the objective\'s deadline day (organisation time zone), Unix seconds.', ['objective'], (g) => {
      for (const o of opts.objectives) {
        if (!o.deadline) continue;
        const end = DateTime.fromISO(o.deadline, { zone: opts.timeZone }).plus({ days: 1 }).startOf('day');
        g.set({ objective: o.id }, end.toSeconds());
      }
    });
    objectiveGauge('isms_objective_evaluated_timestamp_seconds', 'When the objective was last evaluated, Unix seconds.', ['objective'], (g) => {
      for (const x of self.results.values()) g.set({ objective: x.objective }, Date.parse(x.evaluatedAt) / 1000);
    });
    objectiveGauge('isms_collector_last_success_timestamp_seconds', 'When the source last collected successfully, Unix seconds.', ['source'], (g) => {
      for (const [source, at] of self.lastSuccess) g.set({ source }, at / 1000);
    });
    objectiveGauge('isms_queue_jobs', 'Jobs in the queue by state.', ['queue', 'state'], (g) => {
      for (const q of self.queueCounts) g.set({ queue: q.queue, state: q.state }, q.count);
    });

    this.runs = new Counter({ name: 'isms_collector_runs_total', help: 'Collection runs by result (success | partial: some input files could not be read | failure).', labelNames: ['source', 'result'], registers: [r] });
    this.records = new Counter({ name: 'isms_collector_records_total', help: 'Input records by outcome.', labelNames: ['source', 'outcome'], registers: [r] });
    this.duration = new Histogram({
      name: 'isms_collector_run_duration_seconds', help: 'Duration of collection runs.', labelNames: ['source'], registers: [r],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    });
    this.notified = new Counter({ name: 'isms_notifications_total', help: 'Alert notifications by notifier and result (delivered | failed).', labelNames: ['notifier', 'result'], registers: [r] });
    this.shrinkRefused = new Counter({
      name: 'isms_collector_shrink_refused_total',
      help: 'Snapshot exports refused because they lost more than the source\'s maxShrink of the previous observation\'s records (nothing stored).',
      labelNames: ['source'], registers: [r],
    });
    this.apiRequests = new Counter({ name: 'isms_collector_api_requests_total', help: 'HTTP requests made by API sources (retries and token requests included).', labelNames: ['source'], registers: [r] });
    this.rateLimitWait = new Counter({ name: 'isms_collector_rate_limit_wait_seconds_total', help: 'Seconds API sources waited for a rate limit to reset.', labelNames: ['source'], registers: [r] });
    // Series exist from the start, so a source that never ran shows 0, not nothing.
    for (const source of opts.sourceIds) {
      this.shrinkRefused.inc({ source }, 0);
      for (const result of ['success', 'partial', 'failure']) this.runs.inc({ source, result }, 0);
      for (const outcome of ['accepted', 'rejected']) this.records.inc({ source, outcome }, 0);
    }
    for (const source of opts.apiSourceIds ?? []) {
      this.apiRequests.inc({ source }, 0);
      this.rateLimitWait.inc({ source }, 0);
    }
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: r });
    this.notifications = {
      inc: (labels, value = 1) => {
        this.notified.inc(labels, value);
        this.changed();
      },
    };
  }

  /** Something the exposition shows has changed: the next scrape renders anew. */
  private changed(): void {
    this.version++;
  }

  /** The results of the newest evaluation (replaces earlier ones per objective). */
  setResults(results: readonly KpiResult[]): void {
    for (const x of results) this.results.set(x.objective, x);
    this.changed();
  }

  observeRun(run: RunRecord, durationSeconds: number): void {
    this.runs.inc({ source: run.source, result: run.result });
    this.records.inc({ source: run.source, outcome: 'accepted' }, run.accepted);
    this.records.inc({ source: run.source, outcome: 'rejected' }, run.rejected);
    this.duration.observe({ source: run.source }, durationSeconds);
    if (run.refusedShrink) this.shrinkRefused.inc({ source: run.source });
    if (run.api) {
      this.apiRequests.inc({ source: run.source }, run.api.requests);
      this.rateLimitWait.inc({ source: run.source }, run.api.rateLimitWaitSeconds);
    }
    // A partial run wrote evidence: it is fresh (the files it could not read show in `partial`).
    if (run.result !== 'failure') this.lastSuccess.set(run.source, Date.parse(run.finishedAt));
    this.changed();
  }

  /** Freshness known from the store at start-up. */
  setLastSuccess(bySource: Record<string, string>): void {
    for (const [source, at] of Object.entries(bySource)) {
      const t = Date.parse(at);
      if (t > (this.lastSuccess.get(source) ?? 0)) {
        this.lastSuccess.set(source, t);
        this.changed();
      }
    }
  }

  /** Queue depths, refreshed by the job driver on its own timer (never during a scrape). */
  setQueueCounts(counts: readonly QueueCount[]): void {
    if (sameCounts(this.queueCounts, counts)) return;
    this.queueCounts = counts;
    this.changed();
  }

  /**
   * The exposition to serve: the cached text while nothing changed and it is younger than
   * `refreshMs`, else a new render (shared by the scrapes that arrive while it runs).
   */
  exposition(): Promise<Exposition> {
    const c = this.cached;
    if (c !== undefined && c.version === this.version && this.now() - c.at < this.refreshMs) return c.text;
    const r = this.rendering;
    if (r !== undefined && r.version === this.version) return r.text;
    const version = this.version;
    const at = this.now();
    const text = this.render();
    const mine = { version, text };
    this.rendering = mine;
    text.then(
      () => {
        if (this.rendering === mine) this.rendering = undefined;
        if (this.cached === undefined || this.cached.version <= version) this.cached = { version, at, text };
      },
      () => {
        if (this.rendering === mine) this.rendering = undefined;
      },
    );
    return text;
  }

  /** A fresh render of every metric (what exposition() caches). */
  async render(): Promise<Exposition> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function sameCounts(a: readonly QueueCount[], b: readonly QueueCount[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.queue !== y.queue || x.state !== y.state || x.count !== y.count) return false;
  }
  return true;
}
