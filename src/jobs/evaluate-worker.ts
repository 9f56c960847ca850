/**
 * The evaluation thread's side (see evaluate-thread.ts): opens its own connection to the
 * evidence store and evaluates on request, so a long evaluation never holds up the main
 * thread's event loop (HTTP, signals, timers). Requests come one at a time; each answer is the
 * results without their subject lists, then the lists in chunks, one per 'more' from the main
 * thread, then an end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sourcePerformancesOf } from '../config/schema.ts';
import type { Config } from '../config/types.ts';
import { SqliteStore } from '../evidence/sqlite-store.ts';
import { evaluateObjectives } from '../kpi/evaluate.ts';
import { Trends } from '../trends/trends.ts';
import { SUBJECTS_PER_MESSAGE, type EvaluationReply, type EvaluationRequest, type EvaluationThreadData } from './evaluate-thread.ts';

const data = workerData as EvaluationThreadData;
const received = data.config as Omit<Config, 'sourcePerformances'>;
const config: Config = { ...received, sourcePerformances: sourcePerformancesOf(received.sources) };
const store = new SqliteStore(data.storeFile);
const port = parentPort!;
const send = (reply: EvaluationReply) => port.postMessage(reply);

/** The replies still to send of the request being answered, by its id. */
const outbox = new Map<number, EvaluationReply[]>();

function next(id: number): void {
  const queue = outbox.get(id);
  const reply = queue?.shift();
  if (!reply) return;
  if (queue!.length === 0) outbox.delete(id);
  send(reply);
}

port.on('message', (req: EvaluationRequest) => {
  if (req.type === 'more') {
    next(req.id);
    return;
  }
  void (async () => {
    try {
      if (req.type === 'trends') {
        await new Trends(store, config).series(req.instants.map((i) => new Date(i)));
        send({ id: req.id, type: 'end' });
        return;
      }
      const results = await evaluateObjectives(store, config, new Date(req.at));
      const parts: EvaluationReply[] = [];
      results.forEach((r, i) => {
        for (const list of ['failing', 'notes'] as const) {
          const subjects = r[list] ?? [];
          for (let k = 0; k < subjects.length; k += SUBJECTS_PER_MESSAGE) {
            parts.push({ id: req.id, type: 'part', result: i, list, subjects: subjects.slice(k, k + SUBJECTS_PER_MESSAGE) });
          }
        }
      });
      parts.push({ id: req.id, type: 'end' });
      outbox.set(req.id, parts);
      send({ id: req.id, type: 'results', results: results.map((r) => ({ ...r, failing: [], ...(r.notes ? { notes: [] } : {}) })) });
    } catch (err) {
      const e = err as Error & { code?: unknown };
      send({ id: req.id, type: 'error', error: { name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) } });
    }
  })();
});
