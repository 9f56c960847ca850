/**
 * The HTTP face of `isms-kpi run`: /metrics for Prometheus, /healthz, and the objective register
 * (/objectives, /objectives/<id>/evidence) that alert links point to. `buildServer` is kept apart
 * from `listen` so tests can bind port 0.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { evaluationSummary } from '../kpi/summary.ts';
import type { KpiResult } from '../kpi/types.ts';

export interface HttpHandlers {
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Latest results; undefined before the first evaluation. */
  results(): readonly KpiResult[] | undefined;
  /** Liveness details (e.g. driver state); throwing marks the process unhealthy. */
  health(): Promise<Record<string, unknown>>;
  /** Required as `Authorization: Bearer <token>` on every path but /healthz, when set. */
  token?: string;
}

function authorised(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const got = Buffer.from(req.headers.authorization ?? '');
  const want = Buffer.from(`Bearer ${token}`);
  return got.length === want.length && timingSafeEqual(got, want);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body, null, 2)}\n`);

export function buildServer(h: HttpHandlers): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
      if (url.pathname === '/healthz') return json(res, 200, { status: 'ok', ...(await h.health()) });
      if (!authorised(req, h.token)) {
        res.setHeader('www-authenticate', 'Bearer');
        return send(res, 401, 'text/plain', 'unauthorised\n');
      }
      if (url.pathname === '/metrics') {
        const m = await h.metrics();
        return send(res, 200, m.contentType, m.body);
      }
      const results = h.results();
      if (url.pathname === '/objectives' || url.pathname === '/') {
        // The same document as `evaluate --format json` (README "JSON contract").
        return json(res, 200, evaluationSummary(results ?? []));
      }
      const m = /^\/objectives\/([^/]+)\/evidence$/.exec(url.pathname);
      if (m) {
        const r = results?.find((x) => x.objective === decodeURIComponent(m[1]!));
        return r ? json(res, 200, r) : json(res, 404, { error: `no evaluated objective "${m[1]}"` });
      }
      return send(res, 404, 'text/plain', 'not found\n');
    };
    route().catch((err: unknown) => {
      if (url.pathname === '/healthz') json(res, 503, { status: 'unhealthy', error: (err as Error).message });
      else send(res, 500, 'text/plain', 'internal error\n');
    });
  });
}

/** Listen and resolve with the bound address (port 0 picks a free port). */
export async function listen(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return { host, port: typeof addr === 'object' && addr ? addr.port : port };
}
