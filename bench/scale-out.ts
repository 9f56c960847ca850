/**
 * Scale-out benchmark (not a test): one sharded access-log source of ≥ 1,000,000 lines collected
 * through BullMQ by 1 and then by 2 worker processes, each against a private redis-server and a
 * fresh evidence store. Prints both wall times, the speed-up and whether the evidence is identical.
 *
 *   npx tsx bench/scale-out.ts [--lines N] [--shards N] [--users N] [--format combined|ecs-json]
 *
 * Wall time runs from the enqueue to the last job done (plan → shard children → merge → write);
 * worker start-up is outside it (workers are long-lived in production).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.ts';
import { SqliteStore } from '../src/evidence/sqlite-store.ts';
import { QueueEvents } from 'bullmq';
import { BullmqDriver } from '../src/jobs/bullmq/driver.ts';
import { runWorker } from '../src/jobs/bullmq/worker.ts';
import type { JobDeps } from '../src/jobs/run-collection.ts';
import { silentLogger } from '../src/log.ts';
import { numberArg } from './args.ts';

const self = fileURLToPath(import.meta.url);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

type Format = 'combined' | 'ecs-json';

/**
 * A deterministic log: `users` accounts over 28 days, 1 in 9 events a failure. `combined` is an
 * nginx access log (401 = failure); `ecs-json` is Filebeat's authentication events (JSON lines).
 */
async function writeLog(file: string, lines: number, users: number, format: Format): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  let chunk = '';
  for (let i = 0; i < lines; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const s = i % 86_400;
    const hh = String(Math.floor(s / 3600)).padStart(2, '0');
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    const user = `user${(i * 7919) % users}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const failed = i % 9 === 0;
    chunk += format === 'combined'
      ? `${ip} - ${user} [${day}/${MONTHS[9]}/2026:${hh}:${mm}:${ss} +0900] "GET /app/page/${i % 1000} HTTP/1.1" ${failed ? 401 : 200} ${1000 + (i % 5000)} "https://intra.example.co.jp/" "Mozilla/5.0 (X11; Linux x86_64)"\n`
      : `{"@timestamp":"2026-10-${day}T${hh}:${mm}:${ss}.000Z","event":{"category":["authentication","session"],"outcome":"${failed ? 'failure' : 'success'}","action":"ssh_login"},"user":{"name":"${user}"},"source":{"ip":"${ip}","port":${40000 + (i % 20000)}},"host":{"name":"srv${i % 4}"}}\n`;
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await new Promise<void>((r) => out.once('finish', () => r()));
  return bytes;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function startRedis(dir: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, proc };
}

function depsFor(dir: string, db: string): JobDeps {
  const file = join(dir, 'isms.yaml');
  return { config: parseConfig(readFileSync(file, 'utf8'), file, {}), store: new SqliteStore(join(dir, db)), log: silentLogger };
}

/** Worker process mode: `scale-out.ts --worker <dir> <db> <redisUrl> <prefix>`. */
async function worker(): Promise<void> {
  const [dir, db, redisUrl, prefix] = process.argv.slice(process.argv.indexOf('--worker') + 1) as [string, string, string, string];
  const deps = depsFor(dir, db);
  let base = process.cpuUsage();
  deps.log = {
    ...silentLogger,
    info: (_o, msg) => {
      if (msg !== 'worker ready') return;
      base = process.cpuUsage();
      process.stdout.write('ready\n');
    },
  };
  await runWorker(deps, { redisUrl, prefix, concurrency: 1, lockDuration: 120_000 });
  const used = process.cpuUsage(base);
  process.stdout.write(`cpu ${(used.user + used.system) / 1000}\n`);
  await deps.store.close();
  process.exit(0);
}

interface BenchWorker {
  proc: ChildProcess;
  /** CPU time (ms) the worker used between ready and exit, once it has exited. */
  cpu: Promise<number>;
}

function spawnWorker(args: string[]): Promise<BenchWorker> {
  const proc = spawn(process.execPath, ['--import', 'tsx', self, '--worker', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const cpu = new Promise<number>((resolve) => proc.once('exit', () => resolve(Number(/cpu ([\d.]+)/.exec(out)?.[1] ?? NaN))));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready')) resolve({ proc, cpu });
    });
    proc.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
}

async function digest(store: SqliteStore): Promise<{ hash: string; facts: number; successes: number; failures: number }> {
  const rows: string[] = [];
  let successes = 0;
  let failures = 0;
  for await (const f of store.readFacts('access-day', new Date('2100-01-01'))) {
    const { where: _where, ...data } = f.data;
    rows.push(`${f.key}\t${JSON.stringify(data)}`);
    successes += f.data.successes;
    failures += f.data.failures;
  }
  rows.sort();
  return { hash: createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16), facts: rows.length, successes, failures };
}

let t0 = 0;

async function runWith(workers: number, dir: string, redisUrl: string): Promise<{ ms: number; cpu: number[]; d: Awaited<ReturnType<typeof digest>> }> {
  const db = `evidence-${workers}.sqlite`;
  const prefix = `bench-${workers}-${process.pid}`;
  const procs = await Promise.all(Array.from({ length: workers }, () => spawnWorker([dir, db, redisUrl, prefix])));
  const deps = depsFor(dir, db);
  const driver = new BullmqDriver(deps, {}, { redisUrl, prefix });
  await driver.start();
  // BENCH_TIMELINE=1: print when each job starts and ends (where the time goes).
  const timeline = process.env.BENCH_TIMELINE ? ['collect', 'shard'].map((q) => new QueueEvents(q, { connection: { url: redisUrl }, prefix })) : [];
  for (const events of timeline) {
    await events.waitUntilReady();
    for (const e of ['active', 'completed'] as const) events.on(e, ({ jobId }: { jobId: string }) => process.stdout.write(`  ${(performance.now() - t0).toFixed(0).padStart(6)} ms  ${e.padEnd(9)} ${jobId}\n`));
  }
  t0 = performance.now();
  await driver.enqueueCollect('web', { observedAt: new Date('2026-11-01T00:00:00Z') });
  await driver.drain(20);
  const ms = performance.now() - t0;
  await Promise.all(timeline.map((events) => events.close()));
  await driver.stop();
  for (const w of procs) w.proc.kill('SIGTERM');
  const cpu = await Promise.all(procs.map((w) => w.cpu));
  const store = deps.store as SqliteStore;
  const d = await digest(store);
  const [run] = await store.runs({ source: 'web', limit: 1 });
  if (run?.result !== 'success') throw new Error(`collection failed: ${run?.error ?? 'no run recorded'}`);
  await store.close();
  return { ms, cpu, d };
}

async function benchFormat(format: Format, defaultLines: number): Promise<boolean> {
  const lines = numberArg('lines', defaultLines);
  const shards = numberArg('shards', 8);
  const users = numberArg('users', 300);
  const dir = mkdtempSync(join(tmpdir(), 'isms-scale-out-'));
  const redis = await startRedis(dir);
  try {
    const t = performance.now();
    const bytes = await writeLog(join(dir, 'access.log'), lines, users, format);
    writeFileSync(join(dir, 'isms.yaml'), [
      'organisation: { name: Bench, timeZone: Asia/Tokyo, internalDomains: [example.co.jp] }',
      'sources:',
      `  - { id: web, kind: access-log, format: ${format}, paths: [access.log], shards: ${shards} }`,
    ].join('\n'));
    process.stdout.write(`machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} (other processes share the cores: the speed-up is only meaningful on an idle machine)\n`);
    process.stdout.write(`input: ${format}, ${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(0)} MB, ${users} users, ${shards} shards (written in ${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
    const one = await runWith(1, dir, redis.url);
    const cpuText = (cpu: number[]) => cpu.map((c) => `${(c / 1000).toFixed(2)} s`).join(' + ');
    process.stdout.write(`1 worker : ${(one.ms / 1000).toFixed(2)} s  (${Math.round(lines / (one.ms / 1000)).toLocaleString('en')} lines/s; worker CPU ${cpuText(one.cpu)})\n`);
    const two = await runWith(2, dir, redis.url);
    process.stdout.write(`2 workers: ${(two.ms / 1000).toFixed(2)} s  (${Math.round(lines / (two.ms / 1000)).toLocaleString('en')} lines/s; worker CPU ${cpuText(two.cpu)})\n`);
    process.stdout.write(`speed-up : ${(one.ms / two.ms).toFixed(2)}× (load average now ${loadavg()[0]!.toFixed(1)})\n`);
    // How evenly the work split, and how much CPU the workers actually got: on a shared machine the
    // wall-clock speed-up is capped by the cores other processes leave free.
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    process.stdout.write(`split    : 2-worker CPU shares ${two.cpu.map((c) => `${Math.round((100 * c) / sum(two.cpu))}%`).join(' / ')}; cores used: 1 worker ${(sum(one.cpu) / one.ms).toFixed(2)}, 2 workers ${(sum(two.cpu) / two.ms).toFixed(2)}\n`);
    const same = one.d.hash === two.d.hash;
    process.stdout.write(`evidence : ${one.d.facts} account-days, ${one.d.successes + one.d.failures} events (${one.d.failures} failures); identical: ${same ? 'yes' : 'NO'} (${one.d.hash} / ${two.d.hash})\n`);
    if (one.d.successes + one.d.failures !== lines) process.stdout.write(`WARNING: ${lines - one.d.successes - one.d.failures} lines not counted\n`);
    return same;
  } finally {
    redis.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Both formats unless `--format` picks one: the byte-scanning nginx parser (memory-bound, so two
 * processes on two cores gain less) and the JSON-lines ECS parser (CPU-bound).
 */
export async function main(): Promise<void> {
  const fi = process.argv.indexOf('--format');
  const only = fi >= 0 ? process.argv[fi + 1] : undefined;
  const plan: [Format, number][] = [['combined', 4_000_000], ['ecs-json', 2_000_000]];
  let ok = true;
  for (const [format, lines] of plan) {
    if (only && only !== format) continue;
    ok = (await benchFormat(format, lines)) && ok;
    process.stdout.write('\n');
  }
  if (!ok) process.exitCode = 1;
}

if (process.argv.includes('--worker')) await worker();
else if (process.argv[1] === self) await main();
