/**
 * Evaluation on a worker thread, for `run`: the KPI functions are synchronous and the SQLite
 * reads too, so an evaluation of a large organisation would hold the event loop for seconds —
 * /healthz, /metrics and SIGTERM unanswered meanwhile. On its own thread (with its own store
 * connection: SQLite in WAL mode lets it read while the main thread writes) the main thread stays
 * free, and shutting down simply terminates the thread (evaluation only reads).
 *
 * One thread, started on first use and kept; requests are answered in order. A thread that dies
 * fails its pending requests and is started again on the next one.
 */
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/types.ts';
import { IsmsError, StoreError, TransientError } from '../errors.ts';
import type { KpiResult } from '../kpi/types.ts';

export interface EvaluationThreadData {
  /** The loaded config (plain data: it is copied to the thread). */
  config: unknown;
  /** The SQLite evidence file the thread opens for reading. */
  storeFile: string;
}

export interface EvaluationRequest {
  id: number;
  /** The instant to evaluate, ISO-8601. */
  at: string;
}

export type EvaluationReply = { id: number; results: KpiResult[] } | { id: number; error: { name: string; message: string; code?: string } };

/** The error of a failed evaluation as the caller's layer knows it (for retry decisions). */
function rebuilt(e: { name: string; message: string; code?: string }): Error {
  if (e.code === 'STORE') return new StoreError(e.message);
  if (e.code === 'TRANSIENT') return new TransientError(e.message);
  if (e.code) return new IsmsError(e.code, e.message);
  const out = new Error(e.message);
  out.name = e.name;
  return out;
}

export class EvaluationThread {
  private worker: Worker | undefined;
  private seq = 0;
  private closed = false;
  private readonly pending = new Map<number, { resolve: (r: KpiResult[]) => void; reject: (e: Error) => void }>();

  constructor(private readonly data: { config: Config; storeFile: string }) {}

  private start(): Worker {
    // The thread needs the TypeScript loader whichever way this process got it (`--import tsx`
    // or bin/isms-kpi.js registering it), so it registers tsx itself before importing the entry.
    const entry = new URL('./evaluate-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })` +
      '.catch((e) => { console.error(e); process.exit(70); });';
    const workerData: EvaluationThreadData = { config: JSON.parse(JSON.stringify(this.data.config)) as unknown, storeFile: this.data.storeFile };
    const w = new Worker(boot, { eval: true, workerData });
    w.on('message', (reply: EvaluationReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ('results' in reply) p.resolve(reply.results);
      else p.reject(rebuilt(reply.error));
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', (err) => fail(err));
    w.on('exit', (code) => fail(new TransientError(this.closed ? 'evaluation stopped: shutting down' : `the evaluation thread exited (code ${code})`)));
    // An idle thread must not keep the process alive.
    w.unref();
    return w;
  }

  /** Evaluate every objective as of `at`, on the thread. */
  evaluate(at: Date): Promise<KpiResult[]> {
    if (this.closed) return Promise.reject(new TransientError('evaluation stopped: shutting down'));
    this.worker ??= this.start();
    const id = ++this.seq;
    return new Promise<KpiResult[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, at: at.toISOString() } satisfies EvaluationRequest);
    });
  }

  /** Stop the thread at once; a running evaluation fails with "shutting down". */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
