/**
 * The product's metrics, with the names DESIGN.md fixes. Objective gauges are filled from the
 * last evaluation inside `collect()` (prom-client's advice), so a scrape never computes a KPI and
 * never reads a store; label values are objective, KPI, source and queue ids only.
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
  timeZone: string;
  /** Node process metrics (default on). */
  defaultMetrics?: boolean;
}

export class IsmsMetrics {
  readonly registry = new Registry();
  private results = new Map<string, KpiResult>();
  private queueCounts: readonly QueueCount[] = [];
  private readonly lastSuccess = new Map<string, number>();

  readonly runs: Counter<'source' | 'result'>;
  readonly records: Counter<'source' | 'outcome'>;
  readonly duration: Histogram<'source'>;
  readonly notifications: Counter<'notifier' | 'result'>;

  constructor(private readonly opts: IsmsMetricsOptions) {
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
    this.notifications = new Counter({ name: 'isms_notifications_total', help: 'Alert notifications by notifier and result (delivered | failed).', labelNames: ['notifier', 'result'], registers: [r] });
    // Series exist from the start, so a source that never ran shows 0, not nothing.
    for (const source of opts.sourceIds) {
      for (const result of ['success', 'partial', 'failure']) this.runs.inc({ source, result }, 0);
      for (const outcome of ['accepted', 'rejected']) this.records.inc({ source, outcome }, 0);
    }
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: r });
  }

  /** The results of the newest evaluation (replaces earlier ones per objective). */
  setResults(results: readonly KpiResult[]): void {
    for (const x of results) this.results.set(x.objective, x);
  }

  observeRun(run: RunRecord, durationSeconds: number): void {
    this.runs.inc({ source: run.source, result: run.result });
    this.records.inc({ source: run.source, outcome: 'accepted' }, run.accepted);
    this.records.inc({ source: run.source, outcome: 'rejected' }, run.rejected);
    this.duration.observe({ source: run.source }, durationSeconds);
    // A partial run wrote evidence: it is fresh (the files it could not read show in `partial`).
    if (run.result !== 'failure') this.lastSuccess.set(run.source, Date.parse(run.finishedAt));
  }

  /** Freshness known from the store at start-up. */
  setLastSuccess(bySource: Record<string, string>): void {
    for (const [source, at] of Object.entries(bySource)) {
      const t = Date.parse(at);
      if (t > (this.lastSuccess.get(source) ?? 0)) this.lastSuccess.set(source, t);
    }
  }

  /** Queue depths, refreshed by the job driver on its own timer (never during a scrape). */
  setQueueCounts(counts: readonly QueueCount[]): void {
    this.queueCounts = counts;
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
