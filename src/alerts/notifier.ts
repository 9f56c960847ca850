/**
 * The in-app notifier, for installations without Alertmanager: after each evaluation it applies
 * the alert conditions, advances the alert lifecycle (kept in a JSON state file in the data
 * directory, so pending/firing survive a restart), and delivers new, repeated and resolved
 * alerts to the configured webhooks in the background — a slow or failing webhook never holds
 * up collection. Failed deliveries are counted (`onDelivery`), logged and retried at the next
 * evaluation.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/types.ts';
import type { KpiResult } from '../kpi/types.ts';
import { evaluateConditions } from './conditions.ts';
import { DEFAULT_RETRY, postWithRetry, type FetchLike, type RetryPolicy } from './deliver.ts';
import { durationSeconds } from './duration.ts';
import { announcementPayload, payloadFor, targetUrl, type ReportAnnouncement, type WebhookFormat } from './payloads.ts';
import { objectiveAlertSettings } from './rules.ts';
import { formatValue, isRatioKpi } from './texts.ts';
import { emptyState, markUndelivered, recordHistory, step, type Notification, type NotifierState } from './state.ts';

/** What a delivery attempt came to; the metrics layer counts these (`isms_notifications_total`). */
export interface DeliveryResult {
  webhook: string;
  format: WebhookFormat;
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
  /** Alerts in the payload. */
  alerts: number;
}

export interface NotifierLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface NotifierOptions {
  config: Config;
  /** @defaultValue `<dataDir>/notifier-state.json` */
  statePath?: string;
  clock?: () => Date;
  fetch?: FetchLike;
  log?: NotifierLogger;
  onDelivery?: (r: DeliveryResult) => void;
  retry?: Partial<RetryPolicy>;
}

export interface EvaluationInput {
  results: readonly KpiResult[];
  /** ISO time of each source's last successful collection (EvidenceStore.lastSuccess()). */
  lastSuccess?: Readonly<Record<string, string>>;
}

const silent: NotifierLogger = { info() {}, warn() {}, error() {} };

export function defaultStatePath(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'notifier-state.json');
}

export class Notifier {
  private state: NotifierState;
  private inflight: Promise<void> = Promise.resolve();
  private readonly clock: () => Date;
  private readonly fetchFn: FetchLike;
  private readonly log: NotifierLogger;
  private readonly retry: RetryPolicy;
  private readonly statePath: string;
  private readonly repeatSeconds: number;
  private readonly keepMs: number;

  constructor(private readonly opts: NotifierOptions) {
    const { config } = opts;
    this.clock = opts.clock ?? (() => new Date());
    this.fetchFn = opts.fetch ?? (fetch as unknown as FetchLike);
    this.log = opts.log ?? silent;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.statePath = opts.statePath ?? defaultStatePath(config);
    this.repeatSeconds = durationSeconds(config.alerting.repeatInterval, 'alerting.repeatInterval');
    // History long enough for the longest drift window (which is also the forecast's fit window).
    const windows = config.objectives.map((o) => durationSeconds(objectiveAlertSettings(config, o).driftWindow));
    this.keepMs = Math.max(durationSeconds(config.alerting.drift.window), ...windows) * 1000;
    this.state = this.load();
  }

  private load(): NotifierState {
    let text: string;
    try {
      text = readFileSync(this.statePath, 'utf8');
    } catch {
      return emptyState(this.clock());
    }
    try {
      const s = JSON.parse(text) as NotifierState;
      if (s.version !== 1 || typeof s.alerts !== 'object' || typeof s.history !== 'object') throw new Error('unknown state format');
      return s;
    } catch (e) {
      // Keep the unreadable file for a human; start afresh rather than never alerting again.
      const aside = `${this.statePath}.corrupt-${this.clock().getTime()}`;
      try { renameSync(this.statePath, aside); } catch { /* already gone */ }
      this.log.error({ err: (e as Error).message, file: aside }, 'notifier state unreadable; starting with an empty state');
      return emptyState(this.clock());
    }
  }

  private save(): void {
    mkdirSync(dirname(this.statePath), { recursive: true });
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.state)}\n`);
    renameSync(tmp, this.statePath);
  }

  /** The alert states, for the objective register and tests. */
  alerts(): NotifierState['alerts'] {
    return this.state.alerts;
  }

  /**
   * Applies the conditions to the newest results, saves the state and starts delivering in the
   * background; returns the notifications started (await `flush()` to see them delivered).
   */
  evaluate(input: EvaluationInput): Notification[] {
    const { config } = this.opts;
    const now = this.clock();
    const conditions = evaluateConditions({
      config,
      results: input.results,
      history: this.state.history,
      lastSuccess: input.lastSuccess ?? {},
      since: new Date(this.state.since),
      now,
    });
    const webhookIds = config.alerting.webhooks.map((w) => w.id);
    const { state, notifications } = step(this.state, conditions, now, webhookIds, this.repeatSeconds);
    const values = new Map<string, number>();
    for (const r of input.results) if (r.value !== null) values.set(r.objective, r.value);
    // A resolution reports the value that resolved it, not the last one that fired.
    for (const n of notifications) {
      const objective = n.alert.labels.objective;
      const v = objective !== undefined ? values.get(objective) : undefined;
      if (n.reason === 'resolved' && v !== undefined) {
        const kpi = n.alert.labels.kpi ?? '';
        n.alert.annotations = { ...n.alert.annotations, value: formatValue(v, isRatioKpi(kpi)) };
      }
    }
    state.history = recordHistory(state.history, values, now, this.keepMs, this.keepMs / 100);
    this.state = state;
    this.save();
    if (notifications.length > 0 && webhookIds.length > 0) {
      this.inflight = this.inflight.then(() => this.deliver(notifications, now)).catch((e: unknown) => {
        this.log.error({ err: (e as Error).message }, 'notification delivery failed unexpectedly');
      });
    }
    return notifications;
  }

  /**
   * Announce a written report to every webhook that takes messages (not Alertmanager's alert
   * API), in the background like alerts; failures are counted and logged, not retried later.
   */
  announce(a: ReportAnnouncement): void {
    const { config } = this.opts;
    const ctx = { organisation: config.organisation.name, language: config.organisation.language, now: this.clock() };
    this.inflight = this.inflight
      .then(() =>
        Promise.all(config.alerting.webhooks.map(async (w) => {
          const body = announcementPayload(w.format, a, ctx);
          if (body === undefined) return;
          const url = config.env.secrets[w.urlEnv];
          const outcome = url ? await postWithRetry(this.fetchFn, url, body, this.retry) : { ok: false, attempts: 0, error: `environment variable ${w.urlEnv} is not set` };
          if (outcome.ok) this.log.info({ webhook: w.id, report: a.report, period: a.period }, 'report announced');
          else this.log.warn({ webhook: w.id, report: a.report, status: outcome.status, err: outcome.error }, 'report announcement failed');
          this.opts.onDelivery?.({ webhook: w.id, format: w.format, alerts: 0, ...outcome });
        })),
      )
      .then(() => undefined)
      .catch((e: unknown) => this.log.error({ err: (e as Error).message }, 'report announcement failed unexpectedly'));
  }

  /** Resolves when every delivery started so far has finished (success or counted failure). */
  flush(): Promise<void> {
    return this.inflight;
  }

  private async deliver(notifications: readonly Notification[], now: Date): Promise<void> {
    const { config } = this.opts;
    const ctx = {
      organisation: config.organisation.name,
      language: config.organisation.language,
      now,
      alertmanagerHoldSeconds: 2 * this.repeatSeconds,
      generatorUrl: (config.http.externalUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/+$/, '') + '/objectives',
    };
    await Promise.all(config.alerting.webhooks.map(async (w) => {
      const mine = notifications.filter((n) => n.webhooks.includes(w.id));
      if (mine.length === 0) return;
      const url = config.env.secrets[w.urlEnv];
      const outcome = url
        ? await postWithRetry(this.fetchFn, targetUrl(w.format, url), payloadFor(w.format, mine, ctx), this.retry)
        : { ok: false, attempts: 0, error: `environment variable ${w.urlEnv} is not set` };
      const result: DeliveryResult = { webhook: w.id, format: w.format, alerts: mine.length, ...outcome };
      // The URL carries a secret: log the webhook's id only.
      if (result.ok) this.log.info({ webhook: w.id, alerts: mine.length, attempts: result.attempts }, 'alerts delivered');
      else {
        this.log.warn({ webhook: w.id, alerts: mine.length, attempts: result.attempts, status: result.status, err: result.error }, 'alert delivery failed; retrying at the next evaluation');
        for (const n of mine) markUndelivered(this.state, n.alert.key, w.id);
      }
      this.opts.onDelivery?.(result);
    }));
    this.save();
  }
}
