/**
 * The HTTP face of `isms-kpi run` (fastify): /metrics for Prometheus, /healthz, and the pages
 * people read — the objective register at `/`, one page per objective, collection health —
 * as HTML for a browser and JSON for scripts (`Accept: application/json`, or the `.json`
 * paths). `buildServer` is kept apart from `listen` so tests use `inject()` without a port.
 *
 * Safety: every value in a page is escaped by the templates; pages carry a Content-Security-
 * Policy without any script source but our own files, `nosniff`, and `Cache-Control: no-store`
 * (they name people and accounts); a malformed URL is a 400, never a 500; every 5xx is logged
 * (path without its query, which may hold a searched name).
 */
import type { IncomingMessage } from 'node:http';
import accepts from 'accepts';
import { evaluationSummary } from '../kpi/summary.ts';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../collectors/types.ts';
import { failingCsv, failingXlsx } from '../pages/downloads.ts';
import { tableQuery } from '../pages/failing-table.ts';
import { healthData, healthHtml, healthJson, objectiveData, objectiveHtml, objectiveJson, registerData, registerHtml, registerJson, type PageContext } from '../pages/pages.ts';
import { ASSETS } from '../pages/render.ts';
import { Authenticator, type AuthConfig } from './auth.ts';
import type { WebConfig } from './web-config.ts';

export interface ServerOptions {
  /** The exposition (a single call site: the metrics layer caches it). */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Liveness details (e.g. driver state); throwing marks the process unhealthy. */
  health(): Promise<Record<string, unknown>>;
  /** What the pages read. */
  pages: PageContext;
  /** Bearer token (ISMS_METRICS_TOKEN) and/or the web config's users; /healthz stays open. */
  auth?: AuthConfig;
  /** TLS and extra headers from the web config file. */
  web?: WebConfig;
  log?: Logger;
}

/**
 * No script at all (the pages need none: sorting and filtering are server-side), no plugins,
 * no framing. Styles may be inline because ECharts writes its SVG text styles as attributes.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

type Kind = 'html' | 'json';

/** HTML only for a client that asks for it over JSON (a browser); scripts and `*\/*` get JSON. */
function negotiate(req: FastifyRequest): Kind {
  return accepts(req.raw as IncomingMessage).type(['application/json', 'text/html']) === 'text/html' ? 'html' : 'json';
}

export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    ...(opts.web?.tls
      ? {
          https: {
            cert: opts.web.tls.cert,
            key: opts.web.tls.key,
            minVersion: opts.web.tls.minVersion,
            ...(opts.web.tls.maxVersion ? { maxVersion: opts.web.tls.maxVersion } : {}),
            ...(opts.web.tls.ca ? { ca: opts.web.tls.ca } : {}),
            requestCert: opts.web.tls.requestCert,
            rejectUnauthorized: opts.web.tls.requestCert,
          },
        }
      : {}),
    return503OnClosing: true,
    // A URL the router cannot decode (`/objectives/%E0%A4%A`) is the client's mistake: 400.
    frameworkErrors: (err, _req, reply) => {
      void (reply as unknown as FastifyReply).code(400).type('text/plain; charset=utf-8').send(`bad request: ${err.message}\n`);
    },
  }) as unknown as FastifyInstance;
  const auth = new Authenticator({ ...(opts.auth ?? {}), ...(opts.web && opts.web.users.size > 0 ? { users: opts.web.users } : {}) });
  const log = opts.log;
  const extraHeaders = opts.web?.headers ?? {};

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    for (const [k, v] of Object.entries(extraHeaders)) reply.header(k, v);
    if (req.url.startsWith('/assets/')) reply.header('cache-control', 'public, max-age=300');
    else reply.header('cache-control', 'no-store');
    if (req.routeOptions.url === '/healthz') return;
    const r = await auth.check(req.headers.authorization);
    if (!r.ok) {
      reply.header('www-authenticate', r.challenge);
      await reply.code(401).type('text/plain; charset=utf-8').send('unauthorised\n');
    }
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return payload;
  });
  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) log?.error({ err: err.message, code: err.code, method: req.method, route: req.url.split('?')[0] }, 'HTTP request failed');
    await reply.code(status).type('text/plain; charset=utf-8').send(status >= 500 ? 'internal error\n' : `${err.message}\n`);
  });
  app.setNotFoundHandler(async (_req, reply) => reply.code(404).type('text/plain; charset=utf-8').send('not found\n'));

  app.get('/healthz', async (_req, reply) => {
    try {
      return await reply.send({ status: 'ok', ...(await opts.health()) });
    } catch (e) {
      return reply.code(503).send({ status: 'unhealthy', error: (e as Error).message });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    const m = await opts.metrics();
    return reply.type(m.contentType).send(m.body);
  });

  app.get<{ Params: { name: string } }>('/assets/:name', async (req, reply) => {
    const a = ASSETS[req.params.name];
    if (!a) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    return reply.type(a.type).send(a.body);
  });

  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
  const json = (reply: FastifyReply, body: unknown, status = 200) => reply.code(status).type('application/json; charset=utf-8').send(`${JSON.stringify(body, null, 2)}\n`);

  const register = async (req: FastifyRequest, reply: FastifyReply, kind: Kind) => {
    const d = await registerData(opts.pages);
    return kind === 'html' ? html(reply, registerHtml(opts.pages, d)) : json(reply, registerJson(d));
  };
  // The evaluation's JSON contract (the same document as `evaluate --format json`), for scripts.
  const contract = (reply: FastifyReply) => {
    return json(reply, evaluationSummary(opts.pages.results() ?? []));
  };
  app.get('/', (req, reply) => register(req, reply, negotiate(req)));
  app.get('/register.json', (req, reply) => register(req, reply, 'json'));
  app.get('/objectives', (req, reply) => (negotiate(req) === 'html' ? register(req, reply, 'html') : contract(reply)));
  app.get('/objectives.json', (_req, reply) => contract(reply));

  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/objectives/:id', async (req, reply) => {
    const asJson = req.params.id.endsWith('.json');
    const id = asJson ? req.params.id.slice(0, -'.json'.length) : req.params.id;
    const kind = asJson ? 'json' : negotiate(req);
    const d = await objectiveData(opts.pages, id, tableQuery(req.query));
    if (!d) return kind === 'json' ? json(reply, { error: `no objective "${id}"` }, 404) : reply.code(404).type('text/plain; charset=utf-8').send(`no objective "${id}"\n`);
    return kind === 'html' ? html(reply, objectiveHtml(opts.pages, d)) : json(reply, objectiveJson(d));
  });

  // The evidence behind one objective, for scripts and alert links (JSON, as `evidence --format json`).
  app.get<{ Params: { id: string } }>('/objectives/:id/evidence', async (req, reply) => {
    const d = await objectiveData(opts.pages, req.params.id, { filters: {} }, { trend: false });
    if (!d || !d.result) return json(reply, { error: `no evaluated objective "${req.params.id}"` }, 404);
    return json(reply, objectiveJson(d));
  });

  app.get<{ Params: { id: string; ext: string }; Querystring: Record<string, unknown> }>('/objectives/:id/failing.:ext', async (req, reply) => {
    const { ext } = req.params;
    if (ext !== 'csv' && ext !== 'xlsx') return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    const d = await objectiveData(opts.pages, req.params.id, tableQuery(req.query), { trend: false });
    if (!d) return reply.code(404).type('text/plain; charset=utf-8').send(`no objective "${req.params.id}"\n`);
    // The file name is the objective id (lower-case ASCII by the config schema): nothing to escape.
    reply.header('content-disposition', `attachment; filename="${d.view.id}-failing.${ext}"`);
    if (ext === 'csv') return reply.type('text/csv; charset=utf-8').send(failingCsv(d.table));
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await failingXlsx(d.table, d.view.title));
  });

  const health = async (req: FastifyRequest, reply: FastifyReply, kind: Kind) => {
    const d = await healthData(opts.pages);
    return kind === 'html' ? html(reply, healthHtml(opts.pages, d)) : json(reply, healthJson(d));
  };
  app.get('/health', (req, reply) => health(req, reply, negotiate(req)));
  app.get('/health.json', (req, reply) => health(req, reply, 'json'));

  return app;
}

/** Listen and resolve with the bound address (port 0 picks a free port). */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<{ host: string; port: number }> {
  await app.listen({ host, port });
  const addr = app.server.address();
  return { host, port: typeof addr === 'object' && addr ? addr.port : port };
}

/** Whether a listen address reaches only this machine. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}
