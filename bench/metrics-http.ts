/**
 * /metrics under many scrapers (issue 12 item 13), not a test: the HTTP server of `isms-kpi run`
 * (buildServer + listen) in its own process, loaded by autocannon from this process on loopback
 * with 100 and then 1,000 concurrent connections, for
 *   - the render per scrape (`metrics.render()`, what /metrics did before), and
 *   - the cached exposition (`metrics.exposition()`, what `run` serves now),
 * with the same metrics: 12 objectives (5 statuses each), 10 sources with runs and a duration
 * histogram, queue depths, Node's process metrics. While loaded, the server does what `run` does:
 * a new evaluation every 2 s and queue depths every 5 s, so the cached rows pay their re-renders.
 *
 *   npx tsx bench/metrics-http.ts [--seconds 10]
 *
 * Prints requests/s, latency p50/p99 (ms), errors and timeouts for each mode and concurrency.
 */
import { bareContext } from '../src/pages/pages.ts';
import { createMemoryStore } from '../src/evidence/memory-store.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { parseObjective } from '../src/config/schema.ts';
import { buildServer, listen } from '../src/http/server.ts';
import type { KpiResult } from '../src/kpi/types.ts';
import { IsmsMetrics } from '../src/metrics/isms-metrics.ts';
import { numberArg } from './args.ts';

const self = fileURLToPath(import.meta.url);
const KPIS = ['stale-account-deletion-rate', 'training-completion-rate', 'phishing-click-rate', 'mfa-coverage', 'incident-report-sla-rate', 'leaver-activity-count'];

/** Server mode: `metrics-http.ts --server render|cached`; prints the port, serves until killed. */
async function server(mode: string): Promise<void> {
  const objectives = Array.from({ length: 12 }, (_, i) =>
    parseObjective({ id: `objective-${i}`, title: `Objective ${i}`, kpi: KPIS[i % KPIS.length], target: 0.95, direction: 'at_least', period: 'quarter', deadline: '2027-03-31' }));
  const sources = Array.from({ length: 10 }, (_, i) => `source-${i}`);
  const m = new IsmsMetrics({ objectives, sourceIds: sources, timeZone: 'Asia/Tokyo' });
  let evaluation = 0;
  const evaluate = () => {
    evaluation++;
    const at = new Date(Date.UTC(2026, 10, 20) + evaluation * 60_000).toISOString();
    m.setResults(objectives.map((o, i): KpiResult => {
      const denominator = 100 + i;
      const numerator = (evaluation * 7 + i * 13) % denominator;
      return {
        objective: o.id, kpi: o.kpi, value: numerator / denominator, numerator, denominator, target: o.target, direction: o.direction,
        status: numerator / denominator >= o.target ? 'met' : 'missed', period: { from: '2026-10-01T00:00:00+09:00', to: at }, evaluatedAt: at, failing: [],
      };
    }));
  };
  evaluate();
  for (const [i, source] of sources.entries()) {
    for (let k = 0; k < 5; k++) {
      m.observeRun({ source, kind: 'account', startedAt: '', finishedAt: new Date(Date.UTC(2026, 10, 20, k)).toISOString(), observedAt: '', result: k === 4 && i % 3 === 0 ? 'failure' : 'success', accepted: 1000 + i, rejected: i, rejections: [] }, 0.2 * (k + 1) * (i + 1));
    }
  }
  let depth = 0;
  const queues = () => m.setQueueCounts(['collect', 'shard', 'evaluate'].flatMap((queue) => ['waiting', 'active', 'delayed', 'failed'].map((state) => ({ queue, state, count: (depth + queue.length + state.length) % 7 }))));
  queues();
  setInterval(evaluate, 2000);
  setInterval(() => {
    depth++;
    queues();
  }, 5000);
  const pages = bareContext(createMemoryStore(), { name: 'Bench', timeZone: 'UTC', fiscalYearStartMonth: 1, internalDomains: ['example.co.jp'], language: 'en' }, () => undefined);
  const srv = buildServer({ metrics: mode === 'render' ? () => m.render() : () => m.exposition(), health: async () => ({}), pages });
  const { port } = await listen(srv, '127.0.0.1', 0);
  process.stdout.write(`port ${port}\n`);
}

async function startServer(mode: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', self, '--server', mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}/metrics` });
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

interface Row {
  mode: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

async function load(url: string, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, timeout: 60, pipelining: 1 });
}

export async function main(): Promise<void> {
  const seconds = numberArg('seconds', 10);
  console.log(`\n== /metrics under load: ${seconds} s per row, autocannon on loopback; cores ${availableParallelism()}, load avg ${loadavg().map((l) => l.toFixed(1)).join(' ')} ==`);
  const rows: Row[] = [];
  const sizes: Record<string, number> = {};
  for (const [mode, label] of [['render', 'render per scrape (before)'], ['cached', 'cached exposition (now)']] as const) {
    const { proc, url } = await startServer(mode);
    try {
      const first = await fetch(url);
      const body = await first.text();
      sizes[label] = Buffer.byteLength(body);
      if (first.status !== 200 || !body.includes('isms_objective_kpi_value{')) throw new Error(`${mode}: unexpected /metrics answer ${first.status}`);
      // Warm-up (JIT, connection set-up), not counted.
      await load(url, 10, 2);
      for (const connections of [100, 1000]) {
        const r = await load(url, connections, seconds);
        rows.push({
          mode: label, connections, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total,
          errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx,
        });
      }
    } finally {
      proc.kill('SIGTERM');
    }
  }
  const header = ['mode', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors', 'timeouts', 'non-2xx'];
  const body = rows.map((r) => [r.mode, String(r.connections), r.rps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.requests), String(r.errors), String(r.timeouts), String(r.non2xx)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log('');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(fmt(b));
  console.log(`\nexposition size: ${Object.entries(sizes).map(([k, v]) => `${k} ${v.toLocaleString('en-US')} bytes`).join('; ')}`);
  console.log('Goal (issue 12 item 13): >= 5,000 req/s and p99 <= 50 ms at 100 clients. Server and load generator share the machine\'s cores.');
}

if (process.argv.includes('--server')) await server(process.argv[process.argv.indexOf('--server') + 1] ?? 'cached');
else if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) await main();
