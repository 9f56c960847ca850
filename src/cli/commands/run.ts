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
import { messages } from '../../i18n/catalogue.ts';
import { createApp, type App } from '../app.ts';
import { formatEvaluation } from '../format.ts';
import { localSecond, viewFor } from '../view.ts';
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
  // Signals are caught from the very start: a Ctrl-C while the first collection runs still
  // drains instead of killing the process half-way through a write.
  const signals = catchSignals();
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'info' });
  const { config, metrics, store, log } = app;
  const say = messages(config.organisation.language).cli.run;
  const view = viewFor(config);
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
      const text = formatEvaluation('table', new Date(), results, config.objectives, view);
      if (text !== lastTable) {
        lastTable = text;
        process.stdout.write(`\n${localSecond(Date.now(), config.organisation.timeZone)}  ${config.organisation.name}\n${text}`);
      }
    },
  };
  metrics.setLastSuccess(await store.lastSuccess());
  const driver = await makeDriver(app, events);
  const server = buildServer({
    metrics: () => metrics.render(),
    results: () => latest,
    health: async () => ({ driver: driver.name, evaluated: latest !== undefined }),
    token: config.env.metricsToken,
  });
  const host = opts.host ?? config.http.host;
  const port = opts.port !== undefined ? Number(opts.port) : config.http.port;
  const bound = await listen(server, host, port);
  log.info({ host: bound.host, port: bound.port, driver: driver.name }, 'serving /metrics and /healthz');
  process.stderr.write(`isms-kpi: ${say.serving(`http://${bound.host}:${bound.port}/metrics`, driver.name)}\n`);

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
  const signal = await signals.first;
  log.info({ signal }, 'shutting down');
  process.stderr.write(`isms-kpi: ${say.stopping(signal === 'SIGINT' ? 'Ctrl-C' : signal, Math.round(timeoutMs / 1000))}\n`);
  signals.onAgain((again) => {
    process.stderr.write(`isms-kpi: ${say.forced(again === 'SIGINT' ? 'Ctrl-C' : again)}\n`);
    process.exit(130);
  });
  clearInterval(queueTimer);
  try {
    await driver.stop({ timeoutMs });
    await notifier.flush();
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await app.close();
    process.stderr.write(`isms-kpi: ${say.stopped}\n`);
    return 0;
  } catch (e) {
    log.error({ err: (e as Error).message }, 'shutdown failed');
    return 1;
  } finally {
    signals.release();
  }
}

/** SIGINT / SIGTERM, caught from the start of `run`: the first resolves `first`; later ones go to `onAgain`. */
function catchSignals(): { first: Promise<string>; onAgain(f: (signal: string) => void): void; release(): void } {
  let resolveFirst: (s: string) => void = () => {};
  const first = new Promise<string>((r) => (resolveFirst = r));
  let seen = false;
  let again: (signal: string) => void = () => {};
  const on = (signal: string) => () => {
    if (!seen) {
      seen = true;
      resolveFirst(signal);
    } else again(signal);
  };
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.on('SIGINT', int);
  process.on('SIGTERM', term);
  return {
    first,
    onAgain: (f) => (again = f),
    release: () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    },
  };
}
