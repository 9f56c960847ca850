/** Spawn worker-child.ts and follow its JSON-line output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface ChildWorker {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  /** Resolves with the first line matching `pred` (already seen or future). */
  waitFor(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const script = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

export function spawnWorker(env: { REDIS_URL: string; PREFIX: string; JOBS_DIR: string; FAKE?: object; TIMINGS?: object; TEST_DATABASE_URL?: string }): ChildWorker {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, TEST_DATABASE_URL: '', ...env, FAKE: JSON.stringify(env.FAKE ?? {}), TIMINGS: JSON.stringify(env.TIMINGS ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    let l: Record<string, unknown>;
    try {
      l = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    lines.push(l);
    for (const w of [...waiters]) if (w.pred(l)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(l);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    lines,
    exited,
    waitFor(pred, timeoutMs = 20_000) {
      const seen = lines.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child worker: timed out; output ${JSON.stringify(lines)} ${stderr}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => { clearTimeout(timer); resolve(l); } });
      });
    },
  };
}
