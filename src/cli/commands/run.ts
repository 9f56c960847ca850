/**
 * `isms-kpi run`: scheduler + workers + HTTP in one process. Collects every source once at start
 * (so a newcomer sees numbers at once), then on the sources' cron schedules; evaluates after each
 * collection; prints the objective table when it changes; serves /metrics and /healthz.
 */
import { Notifier } from '../../alerts/notifier.ts';
import { createDriver } from '../../jobs/bullmq/create-driver.ts';
import type { JobDriver, JobEvents } from '../../jobs/driver.ts';
import type { KpiResult } from '../../kpi/types.ts';
import { buildServer, listen } from '../../http/server.ts';
import { createApp, type App } from '../app.ts';
import { formatEvaluation } from '../format.ts';
import type { GlobalOptions } from './options.ts';

export interface RunOptions extends GlobalOptions {
  host?: string;
  port?: string;
  /** Skip the collection at start (evaluate what the store holds). */
  initialCollect?: boolean;
  shutdownTimeout?: string;
  concurrency?: string;
}

export type DriverFactory = (app: App, events: JobEvents) => Promise<JobDriver>;

/** Inline without REDIS_URL; with it, BullMQ with this process's own scheduler and workers. */
const defaultDriver = (concurrency: number): DriverFactory => (app, events) =>
  createDriver(app.deps, { ...events, queueCounts: (c) => app.metrics.setQueueCounts(c) }, { schedules: true, workers: true, concurrency });

export async function runCommand(opts: RunOptions, makeDriver: DriverFactory = defaultDriver(Number(opts.concurrency ?? 1))): Promise<number> {
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'info' });
  const { config, metrics, store, log } = app;
  let latest: KpiResult[] | undefined;
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
      const text = formatEvaluation('table', new Date(), results, config.objectives);
      if (text !== lastTable) {
        lastTable = text;
        process.stdout.write(`\n${new Date().toISOString()}  ${config.organisation.name}\n${text}`);
      }
    },
  };
  metrics.setLastSuccess(await store.lastSuccess());
  const driver = await makeDriver(app, events);
  const server = buildServer({
    metrics: () => metrics.exposition(),
    results: () => latest,
    health: async () => ({ driver: driver.name, evaluated: latest !== undefined }),
    token: config.env.metricsToken,
  });
  const host = opts.host ?? config.http.host;
  const port = opts.port !== undefined ? Number(opts.port) : config.http.port;
  const bound = await listen(server, host, port);
  log.info({ host: bound.host, port: bound.port, driver: driver.name }, 'serving /metrics and /healthz');
  process.stderr.write(`isms-kpi: metrics on http://${bound.host}:${bound.port}/metrics (driver ${driver.name})\n`);

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
        await notifier.flush();
        await new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
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
