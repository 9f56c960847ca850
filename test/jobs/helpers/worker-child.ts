/**
 * A worker process for the fault tests: `isms-kpi worker` as the CLI will run it (runWorker:
 * SIGTERM drains, then exit 0), with the fake collection of fake-ops.ts. Settings come from the
 * environment; progress goes to stdout as JSON lines so the test can kill it at the right moment.
 */
import { runWorker } from '../../../src/jobs/bullmq/worker.ts';
import { depsFromDir } from './deps.ts';
import { fakeOps, type FakeBehaviour } from './fake-ops.ts';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} not set`);
  return v;
};
const dir = env('JOBS_DIR');
const behaviour = JSON.parse(process.env.FAKE ?? '{}') as Omit<FakeBehaviour, 'dir' | 'onEvent'>;
const timings = JSON.parse(process.env.TIMINGS ?? '{}') as Record<string, number>;
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

const line = (level: string) => (o: object | string, msg?: string) => say({ type: 'log', level, msg: typeof o === 'string' ? o : msg, ...(typeof o === 'object' ? o : {}) });
const deps = { ...depsFromDir(dir, undefined, process.env.TEST_DATABASE_URL || undefined), log: { info: line('info'), warn: line('warn'), error: line('error'), debug() {} } };
const ops = fakeOps({ ...behaviour, dir, onEvent: (e) => say(e) });
const result = await runWorker(deps, { redisUrl: env('REDIS_URL'), prefix: env('PREFIX'), ...timings }, ops);
say({ type: 'exit', ...result });
await deps.store.close();
process.exit(0);
