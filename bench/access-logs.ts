/**
 * Access-log benchmark (not a test): a generated combined log of 1,000,000 lines (about 5,000
 * users over 7 days, 0.1 % malformed lines), read by
 *   - isms-kpi's access-log collector (plan + read + per-account-per-day aggregates),
 *   - the same followed by the write of the facts and checkpoint to the SQLite store,
 *   - a plain Node loop: readline + one regular expression per line, last-seen per user in a Map,
 *   - mtail --one_shot with a program tracking last-seen time and count per user,
 *   - goaccess on the same file (its own COMBINED format, JSON report),
 * each in its own process, so peak memory (maxRSS, via /usr/bin/time) is that tool's alone.
 * A peer that is not installed is skipped and said so; the benchmark installs nothing.
 * Then isms-kpi again on a larger file of the same users and days, to show memory does not grow
 * with lines.
 *
 *   npx tsx bench/access-logs.ts [--lines 1000000] [--large 10000000] [--users 5000]
 *
 * For the Node rows, wall and CPU seconds are measured inside the process around the reading
 * (start-up of Node and tsx excluded; the first row shows that floor); for mtail and goaccess they
 * are the whole process's. CPU seconds (user + system) are the per-core figure on a machine shared
 * with other work; wall seconds include waiting for a core.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { accessLogCollector } from '../src/collectors/access-log/collector.ts';
import type { CollectContext } from '../src/collectors/types.ts';
import { configSchema } from '../src/config/schema.ts';
import type { Config } from '../src/config/types.ts';
import type { Keyed } from '../src/evidence/records.ts';
import { createMemoryStore } from '../src/evidence/memory-store.ts';
import { SqliteStore } from '../src/evidence/sqlite-store.ts';
import { numberArg } from './args.ts';
import { cpuSince } from './measure.ts';

const self = fileURLToPath(import.meta.url);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATHS = ['/', '/login', '/app/dashboard', '/app/reports?id=42', '/api/v1/items?page=3', '/static/app.js', '/static/style.css', '/favicon.ico'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0',
  'curl/8.5.0',
];

/**
 * A deterministic combined log: `users` accounts over 7 days (so the same accounts × days at any
 * size), 80 % of requests authenticated, ~3 % of those 401, 1 line in 1,000 malformed.
 */
export async function writeLog(file: string, lines: number, users: number): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
  let seed = 42;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n);
  const start = Date.UTC(2026, 10, 1) - 9 * 3600_000;
  const spanMs = 7 * 86_400_000;
  let lastSec = -1;
  let ts = '';
  let chunk: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ms = start + Math.floor((i / lines) * spanMs);
    const sec = Math.floor(ms / 1000);
    if (sec !== lastSec) {
      // Local time in +0900, as an nginx in Tokyo writes it.
      const d = new Date(sec * 1000 + 9 * 3600_000);
      const p = (n: number) => String(n).padStart(2, '0');
      ts = `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0900`;
      lastSec = sec;
    }
    const ip = `10.${rnd(4)}.${rnd(256)}.${rnd(256)}`;
    const user = rnd(5) === 0 ? '-' : `user${String(rnd(users)).padStart(4, '0')}@example.com`;
    const r = rnd(100);
    const status = user !== '-' && r < 3 ? 401 : r < 80 ? 200 : r < 90 ? 304 : r < 95 ? 302 : r < 99 ? 404 : 500;
    let line = `${ip} - ${user} [${ts}] "GET ${PATHS[rnd(PATHS.length)]} HTTP/1.1" ${status} ${rnd(50_000)} "https://intranet.example.com/" "${AGENTS[rnd(AGENTS.length)]}"`;
    if (i % 1000 === 999) line = i % 2000 === 999 ? line.slice(0, 60) : `${ip} garbage without a time field`;
    chunk.push(line);
    if (chunk.length === 20_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

interface ChildResult {
  lines: number;
  workSeconds: number;
  /** CPU (user + system) of the work: on a shared machine, the honest per-core figure. */
  cpuSeconds: number;
  note: string;
}

function benchConfig(dir: string): Config {
  const parsed = configSchema.parse({ organisation: { name: 'bench', timeZone: 'Asia/Tokyo', internalDomains: ['example.com'] }, storage: { dataDir: dir } });
  return { ...parsed, file: join(dir, 'bench.yaml'), baseDir: dir, dataDir: dir, env: { secrets: {} } };
}

/** isms-kpi's collector over one file, optionally writing to the SQLite store. */
async function childIsms(file: string, withStore: boolean): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-al-store-'));
  const store = withStore ? SqliteStore.inDataDir(dir) : createMemoryStore();
  let rejected = 0;
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const ctx: CollectContext = {
    config: benchConfig(dir), observedAt: new Date('2026-11-10T00:00:00Z'), store, log: quiet,
    reject: () => void rejected++, progress() {},
  };
  const source = { id: 'web', kind: 'access-log' as const, format: 'combined' as const, paths: [file], shards: 1, encoding: 'auto', enabled: true };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await accessLogCollector.collect(source, ctx);
  let facts = 0;
  if (out.type === 'facts') {
    const list = [...(out.facts as Iterable<Keyed<'access-day'>>)];
    facts = list.length;
    if (withStore) await store.writeFacts({ source: 'web', kind: 'access-day', observedAt: ctx.observedAt, facts: list, merge: out.merge, checkpoints: out.checkpoints });
  }
  const workSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(c0);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { lines: 0, workSeconds, cpuSeconds, note: `${facts.toLocaleString('en-US')} account-days, ${rejected.toLocaleString('en-US')} rejected` };
}

/** The baseline: readline and one regular expression per line. */
async function childReadline(file: string): Promise<ChildResult> {
  const re = /^(.+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) /;
  const lastSeen = new Map<string, string>();
  let bad = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1024 * 1024 }), crlfDelay: Infinity });
  for await (const line of rl) {
    const m = re.exec(line);
    if (!m) {
      bad++;
      continue;
    }
    // The raw time text stands for "last seen": the cheapest possible, which favours the baseline.
    if (m[3] !== '-') lastSeen.set(m[3]!, m[4]!);
  }
  return { lines: 0, workSeconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSince(c0), note: `${lastSeen.size.toLocaleString('en-US')} users, ${bad.toLocaleString('en-US')} unmatched` };
}

interface Row {
  tool: string;
  lines: number;
  wallSeconds?: number;
  cpuSeconds?: number;
  peakMb?: number;
  note: string;
}

/** Run a command under /usr/bin/time; wall seconds and peak RSS from it. */
function timed(cmd: string, args: string[]): { wall: number; cpu: number; peakMb: number; stdout: string } {
  // cwd = the repository, so `--import tsx` resolves whoever calls main().
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %U %S %M', cmd, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const m = /__TIME__ ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${cmd} failed (${r.status}): ${(r.stderr ?? '').slice(-500)}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), peakMb: Number(m[4]) / 1024, stdout: r.stdout };
}

function installed(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function nodeChild(mode: string, file: string, lines: number, tool: string): Row {
  const t = timed(process.execPath, ['--import', 'tsx', self, '--child', mode, file]);
  const res = JSON.parse(t.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
  return { tool, lines, wallSeconds: res.workSeconds, cpuSeconds: res.cpuSeconds, peakMb: t.peakMb, note: res.note };
}

const MTAIL_PROGRAM = `# Last-seen time and request count per authenticated user of a combined access log.
gauge last_seen by user
counter requests by user
counter bad_lines

/^(?P<front>.+) (?P<ident>\\S+) (?P<user>\\S+) \\[(?P<ts>\\d\\d\\/\\w{3}\\/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4})\\] "(?P<request>[^"]*)" (?P<status>\\d{3}) / {
  $user != "-" {
    strptime($ts, "02/Jan/2006:15:04:05 -0700")
    last_seen[$user] = timestamp()
    requests[$user]++
  }
} else {
  bad_lines++
}
`;

function table(rows: Row[]): void {
  const f = (n: number | undefined, d: number) => (n === undefined ? '-' : n.toFixed(d));
  const rate = (s: number | undefined, n: number) => (s && n ? (n / s / 1e6).toFixed(2) : '-');
  const header = ['tool', 'lines', 'wall s', 'cpu s', 'M lines/cpu-s', 'M lines/wall-s', 'peak RSS MB', 'note'];
  const body = rows.map((r) => [
    r.tool, r.lines ? r.lines.toLocaleString('en-US') : '-', f(r.wallSeconds, 2), f(r.cpuSeconds, 2),
    rate(r.cpuSeconds, r.lines), rate(r.wallSeconds, r.lines), f(r.peakMb, 0), r.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const last = header.length - 1;
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === last ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b.map(String)));
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const lines = numberArg('lines', 1_000_000, argv);
  const large = numberArg('large', 10_000_000, argv);
  const users = numberArg('users', 5_000, argv);
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-al-'));
  try {
    const file = join(dir, 'access.log');
    let t = performance.now();
    await writeLog(file, lines, users);
    const size = statSync(file).size;
    console.log(`\n== access logs: ${lines.toLocaleString('en-US')} combined lines (${(size / 1e6).toFixed(0)} MB), ~${users.toLocaleString('en-US')} users over 7 days, 0.1 % malformed ==`);
    console.log(`generate (not measured): ${((performance.now() - t) / 1000).toFixed(1)} s; cores: ${(await import('node:os')).availableParallelism()}, load avg ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);

    const rows: Row[] = [];
    // What Node with the tsx loader takes before reading a single line.
    const floor = timed(process.execPath, ['--import', 'tsx', self, '--child', 'noop', file]);
    rows.push({ tool: 'node + tsx, nothing read', lines: 0, wallSeconds: floor.wall, cpuSeconds: floor.cpu, peakMb: floor.peakMb, note: 'start-up floor of the Node rows (whole process)' });
    rows.push(nodeChild('isms', file, lines, 'isms-kpi collector'));
    rows.push(nodeChild('isms-store', file, lines, 'isms-kpi + SQLite write'));
    rows.push(nodeChild('readline', file, lines, 'node readline + regex'));
    if (installed('mtail')) {
      const progs = join(dir, 'mtail');
      mkdirSync(progs);
      writeFileSync(join(progs, 'lastseen.mtail'), MTAIL_PROGRAM);
      const r = timed('mtail', ['--one_shot', '--progs', progs, '--logs', file]);
      const users = (r.stdout.match(/"user\d+@example\.com"/g) ?? []).length / 2;
      rows.push({ tool: 'mtail --one_shot', lines, wallSeconds: r.wall, cpuSeconds: r.cpu, peakMb: r.peakMb, note: `${users.toLocaleString('en-US')} users (last_seen + requests)` });
    } else rows.push({ tool: 'mtail', lines: 0, note: 'skipped: not installed' });
    if (installed('goaccess')) {
      const r = timed('goaccess', [file, '--log-format=COMBINED', '-o', join(dir, 'goaccess.json'), '--no-progress']);
      rows.push({ tool: 'goaccess (JSON report)', lines, wallSeconds: r.wall, cpuSeconds: r.cpu, peakMb: r.peakMb, note: 'full report, not only users' });
    } else rows.push({ tool: 'goaccess', lines: 0, note: 'skipped: not installed' });

    // Memory against lines: the same users and days, more lines.
    rmSync(file);
    const big = join(dir, 'access-large.log');
    t = performance.now();
    await writeLog(big, large, users);
    console.log(`larger file: ${large.toLocaleString('en-US')} lines (${(statSync(big).size / 1e6).toFixed(0)} MB), generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    rows.push(nodeChild('isms', big, large, `isms-kpi collector, ${large.toLocaleString('en-US')} lines`));
    console.log('');
    table(rows);
    console.log('\nNode rows: wall and cpu of the reading inside the process (start-up excluded: see the first row); other tools: the whole process.');
    console.log('cpu s = user + system: on a machine shared with other work it is the per-core figure; wall s includes waiting for a core.');
    console.log('Sharded collection over BullMQ workers: bench/scale-out.ts.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(argv: readonly string[]): Promise<void> {
  const mode = argv[argv.indexOf('--child') + 1];
  const file = argv[argv.indexOf('--child') + 2] ?? '';
  if (mode === 'noop') {
    await import('../src/collectors/access-log/collector.ts');
    console.log(JSON.stringify({ lines: 0, workSeconds: 0, cpuSeconds: 0, note: '' }));
    return;
  }
  const res = mode === 'readline' ? await childReadline(file) : await childIsms(file, mode === 'isms-store');
  console.log(JSON.stringify(res));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const argv = process.argv.slice(2);
  (argv.includes('--child') ? child(argv) : main(argv)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
