/**
 * An HTTP double on 127.0.0.1, port 0 (node:http): each API's double is a handler over it.
 * Every request is logged (method, path with query, headers, body) so a test can check what
 * the collector sent — and that it never sent a secret where it should not.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Logged {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
}

export type Handler = (req: Logged) => Reply | Promise<Reply>;

export interface Double {
  url: string;
  requests: Logged[];
  /** Requests in flight at the same time, at most (for concurrency limits). */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startDouble(handle: Handler): Promise<Double> {
  const requests: Logged[] = [];
  let inFlight = 0;
  const d = { url: '', requests, maxInFlight: 0, close: async () => {} } as Double;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inFlight++;
      d.maxInFlight = Math.max(d.maxInFlight, inFlight);
      const logged: Logged = { method: req.method ?? 'GET', url: new URL(req.url ?? '/', d.url), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(logged);
      Promise.resolve()
        // A turn of the event loop, so requests sent at once overlap here.
        .then(() => new Promise((r) => setImmediate(r)))
        .then(() => handle(logged))
        .then((reply) => {
          const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          const headers: Record<string, string | string[]> = { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json', ...reply.headers };
          res.writeHead(reply.status ?? 200, headers);
          res.end(body);
        })
        .catch((e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`double failed: ${(e as Error).message}`);
        })
        .finally(() => inFlight--);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  d.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  d.close = () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return d;
}

/** The form fields of a urlencoded body. */
export function formOf(req: Logged): URLSearchParams {
  return new URLSearchParams(req.body);
}
