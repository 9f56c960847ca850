/**
 * Alert lifecycle of the in-app notifier, Prometheus-style: a condition is `pending` until it has
 * held for its `for`, then `firing` (notified, and again every repeat interval), then `resolved`
 * (notified once) when it stops holding. Pure: state and instant in, new state and the
 * notifications to send out.
 */
import type { Condition, Sample } from './conditions.ts';

export type AlertStatus = 'pending' | 'firing' | 'resolved';

export interface AlertState {
  key: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value?: number;
  /** ISO: since when the condition holds. */
  activeSince: string;
  firedAt?: string;
  resolvedAt?: string;
  lastNotifiedAt?: string;
  /** Webhook ids whose last delivery for this alert failed; retried at the next evaluation. */
  undelivered?: string[];
}

export interface NotifierState {
  version: 1;
  /** ISO: when the notifier first ran. */
  since: string;
  alerts: Record<string, AlertState>;
  /** Recorded KPI values per objective, for drift and forecast. */
  history: Record<string, Sample[]>;
}

export function emptyState(now: Date): NotifierState {
  return { version: 1, since: now.toISOString(), alerts: {}, history: {} };
}

/** A notification to send: the alert as it is now (firing or resolved), to the given webhooks. */
export interface Notification {
  alert: AlertState;
  /** Webhook ids; all configured ones unless this is a retry of failed deliveries. */
  webhooks: string[];
  reason: 'firing' | 'repeat' | 'resolved' | 'retry';
}

export interface StepResult {
  state: NotifierState;
  notifications: Notification[];
}

/**
 * Advances every alert to `now` given the conditions that hold. `webhookIds` are the configured
 * webhooks; `repeatSeconds` the repeat interval of firing alerts.
 */
export function step(prev: NotifierState, conditions: readonly Condition[], now: Date, webhookIds: readonly string[], repeatSeconds: number): StepResult {
  const nowIso = now.toISOString();
  const t = now.getTime();
  const alerts: Record<string, AlertState> = {};
  const notifications: Notification[] = [];
  const notify = (a: AlertState, reason: Notification['reason'], webhooks: readonly string[] = webhookIds) => {
    a.lastNotifiedAt = nowIso;
    a.undelivered = undefined;
    notifications.push({ alert: a, webhooks: [...webhooks], reason });
  };
  const holding = new Map(conditions.map((c) => [c.key, c]));

  for (const c of conditions) {
    const old = prev.alerts[c.key];
    const a: AlertState = old && old.status !== 'resolved'
      ? { ...old, labels: c.labels, annotations: c.annotations, value: c.value }
      : { key: c.key, status: 'pending', labels: c.labels, annotations: c.annotations, value: c.value, activeSince: nowIso };
    if (a.value === undefined) delete a.value;
    alerts[c.key] = a;
    if (a.status === 'pending' && t - Date.parse(a.activeSince) >= c.forSeconds * 1000) {
      a.status = 'firing';
      a.firedAt = nowIso;
      notify(a, 'firing');
    } else if (a.status === 'firing') {
      if (t - Date.parse(a.lastNotifiedAt ?? a.firedAt ?? a.activeSince) >= repeatSeconds * 1000) notify(a, 'repeat');
      else if (a.undelivered?.length) notify(a, 'retry', a.undelivered);
    }
  }
  for (const old of Object.values(prev.alerts)) {
    if (holding.has(old.key)) continue;
    // A pending alert that stops holding never fired: it goes without a word.
    if (old.status === 'firing') {
      const a: AlertState = { ...old, status: 'resolved', resolvedAt: nowIso };
      alerts[old.key] = a;
      notify(a, 'resolved');
    } else if (old.status === 'resolved' && old.undelivered?.length) {
      const a: AlertState = { ...old };
      alerts[old.key] = a;
      notify(a, 'retry', old.undelivered);
    }
  }
  return { state: { ...prev, alerts }, notifications };
}

/** Marks failed deliveries so the next step retries them (after the state is saved, nothing is lost). */
export function markUndelivered(state: NotifierState, key: string, webhookId: string): void {
  const a = state.alerts[key];
  if (!a) return;
  a.undelivered = [...new Set([...(a.undelivered ?? []), webhookId])];
}

/**
 * Appends this evaluation's values and forgets samples older than `keepMs`. An unchanged value is
 * recorded at most every `minGapMs`, so a run that evaluates every minute for a week keeps a few
 * hundred samples per objective, not ten thousand (the history is a step function either way).
 */
export function recordHistory(
  history: Readonly<Record<string, readonly Sample[]>>,
  values: ReadonlyMap<string, number>,
  now: Date,
  keepMs: number,
  minGapMs = 0,
): Record<string, Sample[]> {
  const t = now.getTime();
  const out: Record<string, Sample[]> = {};
  for (const [id, samples] of Object.entries(history)) {
    // Keep the newest sample before the horizon too: it is the value *at* the horizon.
    const older = samples.filter((s) => s.t < t - keepMs);
    const kept = samples.filter((s) => s.t >= t - keepMs && s.t < t);
    out[id] = older.length > 0 ? [older[older.length - 1]!, ...kept] : kept;
  }
  for (const [id, v] of values) {
    const list = (out[id] ??= []);
    const last = list[list.length - 1];
    if (last && last.v === v && t - last.t < minGapMs) continue;
    list.push({ t, v });
  }
  return out;
}
