/**
 * `isms-kpi run`: scheduler + workers + HTTP in one process. Collects every source once at start
 * (so a newcomer sees numbers at once), then on the sources' cron schedules; evaluates after each
 * collection; prints the objective table when it changes; serves /metrics, /healthz and the pages
 * (register, objectives, collection health); writes the scheduled reports.
 */
import { Notifier } from '../../alerts/notifier.ts';
import { createDriver } from '../../jobs/bullmq/create-driver.ts';
import type { JobDriver, JobEvents } from '../../jobs/driver.ts';
import type { KpiResult } from '../../kpi/types.ts';
import { buildServer, isLoopback, listen } from '../../http/server.ts';
import { loadWebConfig } from '../../http/web-config.ts';
import { UsageError } from '../../errors.ts';
import { evaluateObjectives } from '../../kpi/evaluate.ts';
import { trendInstants } from '../../kpi/fiscal-periods.ts';
import { formatInstant } from '../../pages/format.ts';
import { ReportScheduler } from '../../reports/schedule.ts';
import { newestRunToken, Trends } from '../../trends/trends.ts';
import { createApp, type App } from '../app.ts';
import { formatEvaluation } from '../format.ts';
import { parseInstant } from '../time.ts';
import type { GlobalOptions } from './options.ts';
import { VERSION } from './report.ts';

export interface RunOptions extends GlobalOptions {
  host?: string;
  port?: string;
  /** Skip the collection at start (evaluate what the store holds). */
  initialCollect?: boolean;
  shutdownTimeout?: string;
  concurrency?: string;
  /** The exporter-toolkit web config file (TLS, basic auth). */
  'web.config.file'?: string;
  /** Serve the pages beyond loopback without authentication (warned at every start). */
  allowUnauthenticated?: boolean;
  /** Freeze the clock: collect and evaluate as of this instant (demos, tests). */
  at?: string;
}

export type DriverFactory = (app: App, events: JobEvents) => Promise<JobDriver>;

/** Inline without REDIS_URL; with it, BullMQ with this process's own scheduler and workers. */
const defaultDriver = (concurrency: number): DriverFactory => (app, events) =>
  createDriver(app.deps, { ...events, queueCounts: (c) => app.metrics.setQueueCounts(c) }, { schedules: true, workers: true, concurrency });

export async function runCommand(opts: RunOptions, makeDriver: DriverFactory = defaultDriver(Number(opts.concurrency ?? 1))): Promise<number> {
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'info' });
  const { config, metrics, store, log } = app;
  const fixedAt = opts.at !== undefined ? parseInstant('--at', opts.at, () => new Date()) : undefined;
  if (fixedAt) app.deps.now = () => fixedAt;
  const clock = () => fixedAt ?? new Date();
  const zone = config.organisation.timeZone;
  const web = opts['web.config.file'] !== undefined ? loadWebConfig(opts['web.config.file']) : undefined;
  const host = opts.host ?? config.http.host;
  const port = opts.port !== undefined ? Number(opts.port) : config.http.port;
  const authenticated = config.env.metricsToken !== undefined || (web?.users.size ?? 0) > 0;
  if (!isLoopback(host) && !authenticated) {
    if (!opts.allowUnauthenticated) {
      await app.close();
      throw new UsageError(
        `refusing to serve the objective pages (they name people and accounts) on ${host} without authentication: give --web.config.file with basic_auth_users, set ISMS_METRICS_TOKEN, listen on 127.0.0.1, or pass --allow-unauthenticated`,
      );
    }
    log.warn({ host }, 'serving personal-data pages beyond loopback WITHOUT authentication (--allow-unauthenticated)');
    process.stderr.write(`isms-kpi: WARNING: the pages (people, accounts) are served on ${host} without authentication (--allow-unauthenticated)\n`);
  }
  if (!isLoopback(host) && (web?.users.size ?? 0) > 0 && !web?.tls) {
    process.stderr.write('isms-kpi: WARNING: basic auth without tls_server_config sends passwords in clear text\n');
  }
  let latest: KpiResult[] | undefined;
  const trends = new Trends(store, config, { generation: newestRunToken(store) });
  let warming: Promise<unknown> | undefined;
  // Trend points are computed in the background after an evaluation, so a page reads them from the cache.
  const warmTrends = () => {
    if (warming) return;
    warming = trends
      .series(trendInstants(clock(), config.organisation).slice(0, -1))
      .catch((e: unknown) => log.warn({ err: (e as Error).message }, 'trend points not computed'))
      .finally(() => (warming = undefined));
  };
  let lastTable = '';
  // The in-app notifier: alerts without an Alertmanager (webhooks from the config). Delivery runs
  // in the background and never holds up collection.
  const notifier = new Notifier({
    config,
    log,
    onDelivery: (r) => metrics.notifications.inc({ notifier: r.webhook, result: r.ok ? 'delivered' : 'failed' }),
  });
  const events: JobEvents = {
    evaluated(results) {
      latest = results;
      metrics.setResults(results);
      void store
        .lastSuccess()
        .then((lastSuccess) => notifier.evaluate({ results, lastSuccess }))
        .catch((e: unknown) => log.error({ err: (e as Error).message }, 'notifier failed'));
      warmTrends();
      const now = clock();
      const text = formatEvaluation('table', now, results, config.objectives);
      if (text !== lastTable) {
        lastTable = text;
        process.stdout.write(`\n${formatInstant(now, zone)} (${zone})  ${config.organisation.name}\n${text}`);
      }
    },
  };
  metrics.setLastSuccess(await store.lastSuccess());
  const driver = await makeDriver(app, events);
  // Under BullMQ results arrive without their failing subjects (they stay in the store): the
  // pages evaluate again at the same instant, once per evaluation.
  let detailedFor: { at: string; results: Promise<KpiResult[]> } | undefined;
  const detailed = async (): Promise<readonly KpiResult[] | undefined> => {
    if (!latest) return undefined;
    const at = latest.map((r) => r.evaluatedAt).sort().pop()!;
    if (detailedFor?.at !== at) detailedFor = { at, results: evaluateObjectives(store, config, new Date(at)) };
    return detailedFor.results;
  };
  const server = buildServer({
    metrics: () => metrics.render(),
    health: async () => ({ driver: driver.name, evaluated: latest !== undefined }),
    pages: { config, store, trends, now: clock, results: () => latest, ...(driver.name === 'bullmq' ? { detailed } : {}) },
    auth: config.env.metricsToken !== undefined ? { token: config.env.metricsToken } : {},
    ...(web ? { web } : {}),
    log,
  });
  const bound = await listen(server, host, port);
  const url = `${web?.tls ? 'https' : 'http'}://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`;
  log.info({ host: bound.host, port: bound.port, driver: driver.name, tls: web?.tls !== undefined }, 'serving /metrics, /healthz and the pages');
  process.stderr.write(`isms-kpi: objective register on ${url}/ , metrics on ${url}/metrics (driver ${driver.name}${fixedAt ? `, clock frozen at ${fixedAt.toISOString()}` : ''})\n`);
  const reports = new ReportScheduler({ store, config, version: VERSION, log, announce: (a) => notifier.announce(a) });
  if (!fixedAt) reports.start();

  // Freshness comes from the store too: with REDIS_URL, workers in other processes collect, and
  // their runs reach this process only through the evidence store.
  const refreshQueue = async () => {
    metrics.setQueueCounts(await driver.queueCounts());
    metrics.setLastSuccess(await store.lastSuccess());
  };
  const queueTimer = setInterval(() => void refreshQueue().catch((e: unknown) => log.warn({ err: (e as Error).message }, 'queue counts unavailable')), 5000);
  queueTimer.unref();

  await driver.start();
  if (opts.initialCollect !== false) {
    for (const s of config.sources) if (s.enabled) await driver.enqueueCollect(s.id);
  }
  await driver.enqueueEvaluate();

  const timeoutMs = Number(opts.shutdownTimeout ?? 30_000);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      clearInterval(queueTimer);
      void (async () => {
        await driver.stop({ timeoutMs });
        await reports.stop();
        await notifier.flush();
        await server.close();
        await warming;
        await app.close();
        resolve(0);
      })().catch((e: unknown) => {
        log.error({ err: (e as Error).message }, 'shutdown failed');
        resolve(1);
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
