/**
 * Evaluation on a worker thread, for `run`: the KPI functions are synchronous and the SQLite
 * reads too, so an evaluation of a large organisation would hold the event loop for seconds —
 * /healthz, /metrics and SIGTERM unanswered meanwhile. On its own thread (with its own store
 * connection: SQLite in WAL mode lets it read while the main thread writes) the main thread stays
 * free, and shutting down simply terminates the thread (evaluation only reads).
 *
 * One thread, started on first use and kept; requests are answered in order. Results come back
 * in pieces (the failing subjects in chunks), the next one sent only when the main thread asks
 * for it after a turn of its event loop, so taking in 100,000 failing people never holds the
 * main thread either. A thread that dies fails its pending requests and is
 * started again on the next one; one that cannot start at all (no TypeScript loader) leaves
 * evaluation to `fallback`, in this thread.
 */
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/types.ts';
import { IsmsError, StoreError, TransientError } from '../errors.ts';
import type { FailingSubject, KpiResult } from '../kpi/types.ts';

export interface EvaluationThreadData {
  /** The loaded config (plain data: it is copied to the thread). */
  config: unknown;
  /** The SQLite evidence file the thread opens for reading. */
  storeFile: string;
}

export type EvaluationRequest =
  /** Evaluate at `at` (ISO-8601). */
  | { id: number; type: 'evaluate'; at: string }
  /** Send the next part: the main thread asks only once it has been back to its event loop. */
  | { id: number; type: 'more' }
  /** Compute the trend points at these instants (ISO-8601) into the store's cache; answered by 'end'. */
  | { id: number; type: 'trends'; instants: string[] };

/** Failing subjects and notes travel in chunks of this many. */
export const SUBJECTS_PER_MESSAGE = 2000;

export type EvaluationReply =
  /** The results without their failing subjects and notes (they follow as parts). */
  | { id: number; type: 'results'; results: KpiResult[] }
  | { id: number; type: 'part'; result: number; list: 'failing' | 'notes'; subjects: FailingSubject[] }
  | { id: number; type: 'end' }
  | { id: number; type: 'error'; error: { name: string; message: string; code?: string } };

/** Exit code of a thread that could not load its entry. */
export const CANNOT_START = 70;

/** The error of a failed evaluation as the caller's layer knows it (for retry decisions). */
function rebuilt(e: { name: string; message: string; code?: string }): Error {
  if (e.code === 'STORE') return new StoreError(e.message);
  if (e.code === 'TRANSIENT') return new TransientError(e.message);
  if (e.code) return new IsmsError(e.code, e.message);
  const out = new Error(e.message);
  out.name = e.name;
  return out;
}

interface Pending {
  resolve: (r: KpiResult[]) => void;
  reject: (e: Error) => void;
  results?: KpiResult[];
}

export class EvaluationThread {
  private worker: Worker | undefined;
  private seq = 0;
  private closed = false;
  private unusable = false;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly data: { config: Config; storeFile: string },
    /** Evaluation in this thread, for when no worker thread can start. */
    private readonly fallback: (at: Date) => Promise<KpiResult[]>,
  ) {}

  private start(): Worker {
    // The thread needs the TypeScript loader whichever way this process got it (`--import tsx`
    // or bin/isms-kpi.js registering it): it registers tsx itself, resolved from here (not from
    // the working directory), before importing its entry.
    // Compiled (dist/, the installed CLI) the entry is plain JavaScript and needs no loader.
    const compiled = import.meta.url.endsWith('.js');
    const entry = new URL(compiled ? './evaluate-worker.js' : './evaluate-worker.ts', import.meta.url).href;
    const load = compiled
      ? `import(${JSON.stringify(entry)})`
      : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    const boot = `${load}.catch((e) => { console.error(e); process.exit(${CANNOT_START}); });`;
    // Plain data only: the functions of the config (how sources count as performances) are
    // rebuilt on the thread from the source kinds.
    const { sourcePerformances: _fns, ...plain } = this.data.config;
    const workerData: EvaluationThreadData = { config: plain, storeFile: this.data.storeFile };
    const w = new Worker(boot, { eval: true, workerData });
    w.on('message', (reply: EvaluationReply) => this.receive(reply));
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', (err) => fail(err));
    w.on('exit', (code) => {
      if (code === CANNOT_START) this.unusable = true;
      fail(new TransientError(this.closed ? 'evaluation stopped: shutting down' : `the evaluation thread exited (code ${code})`));
    });
    // An idle thread must not keep the process alive.
    w.unref();
    return w;
  }

  private receive(reply: EvaluationReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    switch (reply.type) {
      case 'results':
        p.results = reply.results;
        this.askMore(reply.id);
        return;
      case 'part': {
        const r = p.results?.[reply.result];
        if (r) {
          const into = reply.list === 'failing' ? r.failing : (r.notes ??= []);
          for (const s of reply.subjects) into.push(s);
        }
        this.askMore(reply.id);
        return;
      }
      case 'end':
        this.pending.delete(reply.id);
        p.resolve(p.results ?? []);
        return;
      case 'error':
        this.pending.delete(reply.id);
        p.reject(rebuilt(reply.error));
    }
  }

  private askMore(id: number): void {
    setImmediate(() => this.worker?.postMessage({ id, type: 'more' } satisfies EvaluationRequest));
  }

  /** Evaluate every objective as of `at`, on the thread. */
  async evaluate(at: Date): Promise<KpiResult[]> {
    if (this.closed) throw new TransientError('evaluation stopped: shutting down');
    if (this.unusable) return this.fallback(at);
    this.worker ??= this.start();
    const id = ++this.seq;
    try {
      return await new Promise<KpiResult[]>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.worker!.postMessage({ id, type: 'evaluate', at: at.toISOString() } satisfies EvaluationRequest);
      });
    } catch (err) {
      if (this.unusable && !this.closed) return this.fallback(at);
      throw err;
    }
  }

  /**
   * Compute trend points at `instants` on the thread, into the store's cache (pages then read
   * them from there). Without a usable thread, `fallbackTrends` runs here.
   */
  async warmTrends(instants: readonly Date[], fallbackTrends: () => Promise<unknown>): Promise<void> {
    if (this.closed) return;
    if (this.unusable) {
      await fallbackTrends();
      return;
    }
    this.worker ??= this.start();
    const id = ++this.seq;
    await new Promise<KpiResult[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, type: 'trends', instants: instants.map((d) => d.toISOString()) } satisfies EvaluationRequest);
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
