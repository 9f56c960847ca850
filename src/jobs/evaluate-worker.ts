/**
 * The evaluation thread's side (see evaluate-thread.ts): opens its own connection to the
 * evidence store and evaluates on request, so a long evaluation never holds up the main
 * thread's event loop (HTTP, signals, timers). Requests come one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config/types.ts';
import { SqliteStore } from '../evidence/sqlite-store.ts';
import { evaluateObjectives } from '../kpi/evaluate.ts';
import type { EvaluationReply, EvaluationRequest, EvaluationThreadData } from './evaluate-thread.ts';

const data = workerData as EvaluationThreadData;
const config = data.config as Config;
const store = new SqliteStore(data.storeFile);

parentPort!.on('message', (req: EvaluationRequest) => {
  void (async (): Promise<EvaluationReply> => {
    try {
      return { id: req.id, results: await evaluateObjectives(store, config, new Date(req.at)) };
    } catch (err) {
      const e = err as Error & { code?: unknown };
      return { id: req.id, error: { name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } };
    }
  })().then((reply) => parentPort!.postMessage(reply));
});
