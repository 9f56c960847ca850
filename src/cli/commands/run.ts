/**
 * `isms-kpi run`: scheduler + workers + HTTP in one process. Collects every source once at start
 * (so a newcomer sees numbers at once), then on the sources' cron schedules; evaluates after each
 * collection; prints the objective table when it changes; serves /metrics, /healthz and the pages
 * (register, objectives, collection health); writes the scheduled reports.
 *
 * Evaluations run on a worker thread (evaluate-thread.ts) when the store is a SQLite file, so
 * /healthz, /metrics, the pages and SIGTERM are answered at once however long an evaluation takes.
 */
import { Notifier } from '../../alerts/notifier.ts';
import { SqliteStore } from '../../evidence/sqlite-store.ts';
import { createDriver } from '../../jobs/bullmq/create-driver.ts';
import { EvaluationThread } from '../../jobs/evaluate-thread.ts';
import { evaluateObjectives } from '../../kpi/evaluate.ts';
import type { JobDriver, JobEvents } from '../../jobs/driver.ts';
import type { KpiResult } from '../../kpi/types.ts';
import { buildServer, isLoopback, listen } from '../../http/server.ts';
import { loadWebConfig } from '../../http/web-config.ts';
import { UsageError } from '../../errors.ts';
import { messages } from '../../i18n/catalogue.ts';
import { trendInstants } from '../../kpi/fiscal-periods.ts';
import { ReportScheduler } from '../../reports/schedule.ts';
import { CampaignStarter } from '../../access-review/auto-start.ts';
import { newestRunToken, Trends } from '../../trends/trends.ts';
import { createApp, type App } from '../app.ts';
import { formatEvaluation } from '../format.ts';
import { parseInstant } from '../time.ts';
import { localSecond, viewFor } from '../view.ts';
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
  // Signals are caught from the very start: a Ctrl-C while the first collection runs still
  // drains instead of killing the process half-way through a write.
  const signals = catchSignals();
  const app = createApp({ configFile: opts.config, logLevel: opts.logLevel ?? 'info' });
  const { config, metrics, store, log } = app;
  const say = messages(config.organisation.language).cli.run;
  const view = viewFor(config);
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
    const instants = trendInstants(clock(), config.organisation).slice(0, -1);
    // On the evaluation thread when there is one: computing 24 points must not hold the event loop.
    warming = (thread ? thread.warmTrends(instants, () => trends.series(instants)) : trends.series(instants))
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
      const text = formatEvaluation('table', now, results, config.objectives, view);
      if (text !== lastTable) {
        lastTable = text;
        process.stdout.write(`\n${localSecond(now.getTime(), zone)}  ${config.organisation.name}\n${text}`);
      }
    },
  };
  metrics.setLastSuccess(await store.lastSuccess());
  const inThisThread = (at: Date) => evaluateObjectives(store, config, at);
  const thread = store instanceof SqliteStore && store.file !== ':memory:' ? new EvaluationThread({ config, storeFile: store.file }, inThisThread) : undefined;
  const deps = thread ? { ...app.deps, evaluate: (at: Date) => thread.evaluate(at) } : app.deps;
  const driver = await makeDriver({ ...app, deps }, events);
  // Results arrive without their failing subjects when evaluated elsewhere (BullMQ workers, the
  // evaluation thread keeps them): the pages evaluate again at the same instant, once per evaluation.
  let detailedFor: { at: string; results: Promise<KpiResult[]> } | undefined;
  const detailed = async (): Promise<readonly KpiResult[] | undefined> => {
    if (!latest) return undefined;
    const at = latest.map((r) => r.evaluatedAt).sort().pop()!;
    if (detailedFor?.at !== at) detailedFor = { at, results: (thread ? thread.evaluate(new Date(at)) : evaluateObjectives(store, config, new Date(at))) };
    return detailedFor.results;
  };
  const server = buildServer({
    metrics: () => metrics.exposition(),
    health: async () => ({ driver: driver.name, evaluated: latest !== undefined }),
    pages: { config, store, trends, now: clock, results: () => latest, ...(driver.name === 'bullmq' ? { detailed } : {}) },
    auth: config.env.metricsToken !== undefined ? { token: config.env.metricsToken } : {},
    ...(web ? { web } : {}),
    log,
  });
  const bound = await listen(server, host, port);
  const url = `${web?.tls ? 'https' : 'http'}://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`;
  log.info({ host: bound.host, port: bound.port, driver: driver.name, tls: web?.tls !== undefined }, 'serving /metrics, /healthz and the pages');
  process.stderr.write(`isms-kpi: ${say.serving(`${url}/`, driver.name)}${fixedAt ? ` (clock frozen at ${localSecond(fixedAt.getTime(), zone)})` : ''}\n`);
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
  // Access reviews with autoStart: each period's campaign, once the identity sources are in.
  const campaigns = new CampaignStarter({ store, config, log });
  if (!fixedAt) campaigns.start();

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
    // An evaluation only reads: stop it now rather than wait for it (the drivers then see its
    // job fail and hand nothing to finish).
    const stopped = driver.stop({ timeoutMs });
    await thread?.close();
    await stopped;
    await reports.stop();
    await campaigns.stop();
    await notifier.flush();
    await server.close();
    await warming;
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
