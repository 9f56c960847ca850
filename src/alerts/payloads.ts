/**
 * Webhook bodies for the in-app notifier: generic JSON, Slack (incoming webhook), Microsoft
 * Teams (connector MessageCard) and Alertmanager's /api/v2/alerts. Pure.
 */
import type { AlertState, Notification } from './state.ts';
import type { Language } from './texts.ts';

export type WebhookFormat = 'json' | 'slack' | 'teams' | 'alertmanager';

export interface PayloadContext {
  organisation: string;
  language: Language;
  now: Date;
  /** Firing alerts sent to Alertmanager stay active this long unless re-sent (Prometheus does the same). */
  alertmanagerHoldSeconds: number;
  /** Where the alert came from, for Alertmanager's generatorURL. */
  generatorUrl: string;
}

const state = (a: AlertState) => (a.status === 'resolved' ? 'resolved' : 'firing');

function line(lang: Language, a: AlertState): string {
  const tag = a.status === 'resolved' ? (lang === 'ja' ? '[解消]' : '[RESOLVED]') : (lang === 'ja' ? '[発生]' : '[FIRING]');
  const value = a.annotations.value !== undefined ? ` (${lang === 'ja' ? '現在値' : 'value'} ${a.annotations.value})` : '';
  return `${tag} ${a.annotations.summary ?? a.labels.alertname ?? a.key}${value}`;
}

export function genericPayload(ns: readonly Notification[], ctx: PayloadContext): unknown {
  return {
    version: '1',
    source: 'isms-kpi',
    organisation: ctx.organisation,
    status: ns.some((n) => n.alert.status === 'firing') ? 'firing' : 'resolved',
    sentAt: ctx.now.toISOString(),
    alerts: ns.map(({ alert: a, reason }) => ({
      status: state(a),
      reason,
      labels: a.labels,
      annotations: a.annotations,
      ...(a.value !== undefined ? { value: a.value } : {}),
      startsAt: a.firedAt ?? a.activeSince,
      ...(a.resolvedAt ? { endsAt: a.resolvedAt } : {}),
    })),
  };
}

export function slackPayload(ns: readonly Notification[], ctx: PayloadContext): unknown {
  const lines = ns.map(({ alert: a }) => {
    const icon = a.status === 'resolved' ? ':large_green_circle:' : a.labels.severity === 'critical' ? ':red_circle:' : ':large_orange_circle:';
    const link = a.annotations.evidence_url ? ` <${a.annotations.evidence_url}|${ctx.language === 'ja' ? '証跡' : 'evidence'}>` : '';
    return `${icon} ${line(ctx.language, a)}${link}`;
  });
  return { text: `*${ctx.organisation}* — isms-kpi\n${lines.join('\n')}` };
}

export function teamsPayload(ns: readonly Notification[], ctx: PayloadContext): unknown {
  const firing = ns.some((n) => n.alert.status === 'firing');
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: `${ctx.organisation}: isms-kpi`,
    themeColor: firing ? 'D13438' : '2EB886',
    title: `${ctx.organisation} — isms-kpi`,
    sections: ns.map(({ alert: a }) => ({
      activityTitle: line(ctx.language, a),
      facts: Object.entries(a.labels).filter(([k]) => k !== 'alertname').map(([name, value]) => ({ name, value })),
      ...(a.annotations.evidence_url ? { text: `[${ctx.language === 'ja' ? '証跡を見る' : 'Show the evidence'}](${a.annotations.evidence_url})` } : {}),
    })),
  };
}

export function alertmanagerPayload(ns: readonly Notification[], ctx: PayloadContext): unknown {
  const hold = new Date(ctx.now.getTime() + ctx.alertmanagerHoldSeconds * 1000).toISOString();
  return ns.map(({ alert: a }) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.firedAt ?? a.activeSince,
    endsAt: a.resolvedAt ?? hold,
    generatorURL: ctx.generatorUrl,
  }));
}

export function payloadFor(format: WebhookFormat, ns: readonly Notification[], ctx: PayloadContext): unknown {
  switch (format) {
    case 'json': return genericPayload(ns, ctx);
    case 'slack': return slackPayload(ns, ctx);
    case 'teams': return teamsPayload(ns, ctx);
    case 'alertmanager': return alertmanagerPayload(ns, ctx);
  }
}

/** Alertmanager takes alerts at /api/v2/alerts; a base URL gets the path appended. */
export function targetUrl(format: WebhookFormat, url: string): string {
  if (format !== 'alertmanager' || /\/api\/v2\/alerts\/?$/.test(url)) return url;
  return `${url.replace(/\/+$/, '')}/api/v2/alerts`;
}

/** A report `run` wrote on its schedule, announced to the webhooks. */
export interface ReportAnnouncement {
  report: string;
  /** `2026-10`, `2026-Q2`, … */
  period: string;
  /** The period in words, in the organisation's language. */
  periodText: string;
  /** The evaluation instant (ISO). */
  at: string;
  evidenceSha256: string;
  /** Files written (paths on the isms-kpi host). */
  files: string[];
}

/** The announcement's body per webhook format; undefined for Alertmanager (it takes alerts only). */
export function announcementPayload(format: WebhookFormat, a: ReportAnnouncement, ctx: Pick<PayloadContext, 'organisation' | 'language' | 'now'>): unknown {
  const title = ctx.language === 'ja' ? `マネジメントレビュー資料を作成しました: ${a.periodText}` : `Management review pack written: ${a.periodText}`;
  const files = a.files.join('\n');
  switch (format) {
    case 'json':
      return { version: '1', source: 'isms-kpi', kind: 'report', organisation: ctx.organisation, sentAt: ctx.now.toISOString(), report: a };
    case 'slack':
      return { text: `*${ctx.organisation}* — isms-kpi\n:page_facing_up: ${title}\n${files}` };
    case 'teams':
      return {
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        summary: `${ctx.organisation}: isms-kpi`,
        themeColor: '0550AE',
        title: `${ctx.organisation} — isms-kpi`,
        sections: [{ activityTitle: title, facts: [{ name: 'report', value: a.report }, { name: 'period', value: a.period }, ...a.files.map((f) => ({ name: 'file', value: f }))] }],
      };
    case 'alertmanager':
      return undefined;
  }
}
