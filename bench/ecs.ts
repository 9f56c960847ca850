/**
 * ECS JSON-lines benchmark (not a test): one generated file of Filebeat system/auth and Winlogbeat
 * Security events (issue 16 item 7), read by
 *   - isms-kpi's access-log collector, format ecs-json (plan + read + scan + aggregates),
 *   - node readline + JSON.parse of every line + the same classification (ecsField, Luxon times)
 *     into the same per-account-per-day aggregates: the way the collector read ECS before,
 *   - node readline + JSON.parse alone (no classification, nothing kept): the floor of any
 *     reader that builds each line's object,
 * each in its own process (peak RSS is that row's alone). The evidence of the first two rows (the
 * account-day records and every rejected line with its reason) is hashed and must be identical:
 * the benchmark says so and exits non-zero otherwise.
 *
 * on two inputs: a mix of Beats events as they come (about 530 bytes a line), and the compact
 * lines of bench/scale-out.ts (about 230 bytes).
 *
 *   npx tsx bench/ecs.ts [--lines 1000000] [--users 2000]
 *
 * Wall and CPU seconds are measured inside each process around the reading (start-up excluded).
 * CPU seconds (user + system) are the per-core figure on a machine shared with other work.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AccessDayAggregator } from '../src/collectors/access-log/aggregate.ts';
import { accessLogCollector } from '../src/collectors/access-log/collector.ts';
import { parseEcsLineWithJson } from '../src/collectors/access-log/ecs.ts';
import type { CollectContext } from '../src/collectors/types.ts';
import { configSchema } from '../src/config/schema.ts';
import type { Config } from '../src/config/types.ts';
import type { AccessDayRecord, Keyed } from '../src/evidence/records.ts';
import { createMemoryStore } from '../src/evidence/memory-store.ts';
import { numberArg } from './args.ts';
import { cpuSince, lastJson, printTable, readlineJsonParse, timedChild } from './measure.ts';

const self = fileURLToPath(import.meta.url);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const ZONE = 'Asia/Tokyo';

/**
 * The scale-out benchmark's ECS lines (bench/scale-out.ts, the 72,000 lines/s figure):
 * compact Filebeat authentication events, 1 in 9 a failure, 28 days.
 */
export async function writeScaleOutEcs(file: string, lines: number, users: number): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
  let bytes = 0;
  let chunk = '';
  for (let i = 0; i < lines; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const sec = i % 86_400;
    const hh = String(Math.floor(sec / 3600)).padStart(2, '0');
    const mm = String(Math.floor((sec % 3600) / 60)).padStart(2, '0');
    const ss = String(sec % 60).padStart(2, '0');
    const user = `user${(i * 7919) % users}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const failed = i % 9 === 0;
    chunk += `{"@timestamp":"2026-10-${day}T${hh}:${mm}:${ss}.000Z","event":{"category":["authentication","session"],"outcome":"${failed ? 'failure' : 'success'}","action":"ssh_login"},"user":{"name":"${user}"},"source":{"ip":"${ip}","port":${40000 + (i % 20000)}},"host":{"name":"srv${i % 4}"}}\n`;
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}

/**
 * A deterministic mix over 14 days, `users` accounts: 45 % Filebeat sshd logins (nested, as
 * Filebeat 8 writes them), 20 % Winlogbeat 4624/4625 (with the machine account as user.name),
 * 10 % flattened (`"event.outcome":…`, as some exporters write), 25 % other events (sessions,
 * processes, sudo), 1 line in 2,000 malformed.
 */
export async function writeEcs(file: string, lines: number, users: number): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
  let seed = 7;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % n);
  const start = Date.UTC(2026, 9, 1);
  const span = 14 * 86_400_000;
  let bytes = 0;
  let chunk: string[] = [];
  for (let i = 0; i < lines; i++) {
    const at = new Date(start + Math.floor((i / lines) * span) + rnd(1000)).toISOString();
    const user = `user${String(rnd(users)).padStart(4, '0')}`;
    const ip = `10.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
    const host = `srv${rnd(40)}`;
    const fail = rnd(9) === 0;
    const kind = rnd(100);
    let line: string;
    if (kind < 45) {
      line = `{"@timestamp":"${at}","agent":{"type":"filebeat","version":"8.15.0","name":"${host}"},"ecs":{"version":"8.11.0"},"host":{"hostname":"${host}","os":{"family":"debian","name":"Debian GNU/Linux"}},"log":{"file":{"path":"/var/log/auth.log"},"offset":${rnd(1e9)}},"event":{"dataset":"system.auth","module":"system","kind":"event","category":["authentication","session"],"type":["${fail ? 'authentication_failure' : 'authentication_success'}","info"],"action":"ssh_login","outcome":"${fail ? 'failure' : 'success'}"},"process":{"name":"sshd","pid":${rnd(65536)}},"source":{"ip":"${ip}","port":${1024 + rnd(60000)}},"system":{"auth":{"ssh":{"method":"publickey","event":"${fail ? 'Failed' : 'Accepted'}"}}},"user":{"name":"${user}"},"related":{"user":["${user}"],"ip":["${ip}"]}}`;
    } else if (kind < 65) {
      const code = fail ? 4625 : 4624;
      line = `{"@timestamp":"${at}","agent":{"type":"winlogbeat","version":"8.15.0"},"event":{"code":"${code}","provider":"Microsoft-Windows-Security-Auditing","kind":"event","action":"${fail ? 'logon-failed' : 'logged-in'}","category":["authentication"],"type":["start"],"outcome":"${fail ? 'failure' : 'success'}"},"winlog":{"channel":"Security","event_id":"${code}","computer_name":"${host}.corp.example.co.jp","event_data":{"SubjectUserName":"${host.toUpperCase()}$","TargetUserName":"${user}","TargetDomainName":"CORP","LogonType":"3","IpAddress":"${ip}","AuthenticationPackageName":"NTLM"}},"user":{"name":"${host.toUpperCase()}$","domain":"CORP"},"source":{"ip":"${ip}"},"host":{"name":"${host}"}}`;
    } else if (kind < 75) {
      line = `{"@timestamp":"${at}","event.dataset":"system.auth","event.category":"authentication","event.outcome":"${fail ? 'failure' : 'success'}","event.action":"ssh_login","user.name":"${user}","source.ip":"${ip}","host.name":"${host}","message":"${fail ? 'Failed' : 'Accepted'} password for ${user} from ${ip} port ${1024 + rnd(60000)} ssh2"}`;
    } else {
      const other = rnd(3);
      line = other === 0
        ? `{"@timestamp":"${at}","event":{"dataset":"system.auth","category":["session"],"type":["end"],"action":"session_closed","outcome":"success"},"process":{"name":"sshd","pid":${rnd(65536)}},"user":{"name":"${user}"},"host":{"name":"${host}"}}`
        : other === 1
          ? `{"@timestamp":"${at}","event":{"dataset":"system.auth","category":["process"],"type":["info"],"action":"sudo_command"},"process":{"name":"sudo","args":["/usr/bin/systemctl","restart","nginx"]},"user":{"name":"${user}","effective":{"name":"root"}},"host":{"name":"${host}"}}`
          : `{"@timestamp":"${at}","message":"pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)","event":{"dataset":"system.syslog"},"host":{"name":"${host}"},"tags":["beats_input_codec_plain_applied"]}`;
    }
    if (i % 2000 === 1999) line = line.slice(0, 80);
    chunk.push(line);
    if (chunk.length === 20_000) {
      const text = `${chunk.join('\n')}\n`;
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = [];
    }
  }
  const text = chunk.length > 0 ? `${chunk.join('\n')}\n` : '';
  bytes += Buffer.byteLength(text);
  out.write(text);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}

interface ChildResult {
  workSeconds: number;
  cpuSeconds: number;
  /** Hash of the evidence: account-day records (sorted) and rejected lines with their reasons. */
  evidence: string;
  note: string;
}

function evidenceHash(records: readonly AccessDayRecord[], rejects: readonly string[]): string {
  const rows = records.map((r) => JSON.stringify(r)).sort();
  return createHash('sha256').update(rows.join('\n')).update('\n--\n').update(rejects.join('\n')).digest('hex').slice(0, 16);
}

function benchConfig(dir: string): Config {
  const parsed = configSchema.parse({ organisation: { name: 'bench', timeZone: ZONE, internalDomains: ['example.co.jp'] }, storage: { dataDir: dir } });
  return { ...parsed, file: join(dir, 'bench.yaml'), baseDir: dir, dataDir: dir, env: { secrets: {} } };
}

async function childIsms(file: string): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-ecs-'));
  const rejects: string[] = [];
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const ctx: CollectContext = {
    config: benchConfig(dir), observedAt: new Date('2026-11-10T00:00:00Z'), store: createMemoryStore(), log: quiet,
    reject: (r) => void rejects.push(`${r.line}\t${r.reason}`), progress() {},
  };
  const source = { id: 'auth', kind: 'access-log' as const, format: 'ecs-json' as const, paths: [file], shards: 1, encoding: 'auto', enabled: true };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await accessLogCollector.collect(source, ctx);
  const workSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(c0);
  const records = out.type === 'facts' ? [...(out.facts as Iterable<Keyed<'access-day'>>)].map((f) => f.data) : [];
  rmSync(dir, { recursive: true, force: true });
  return { workSeconds, cpuSeconds, evidence: evidenceHash(records, rejects), note: `${records.length.toLocaleString('en-US')} account-days, ${rejects.length.toLocaleString('en-US')} rejected` };
}

/** The peer: readline, JSON.parse of every line, the reference classification, the same aggregates. */
async function childJson(file: string): Promise<ChildResult> {
  const agg = new AccessDayAggregator(ZONE);
  const rejects: string[] = [];
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1024 * 1024 }), crlfDelay: Infinity });
  for await (const line of rl) {
    n++;
    const r = parseEcsLineWithJson(line, ZONE);
    if (typeof r === 'string') rejects.push(`${n}\t${r}`);
    else if (r) agg.add(r.user, r.time, r.outcome === 'success', 1, file);
  }
  const records = agg.records();
  const workSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(c0);
  return { workSeconds, cpuSeconds, evidence: evidenceHash(records, rejects), note: `${records.length.toLocaleString('en-US')} account-days, ${rejects.length.toLocaleString('en-US')} rejected` };
}

/** The floor of object-building readers: readline and JSON.parse, nothing else. */
async function childParseOnly(file: string): Promise<ChildResult> {
  const { workSeconds, cpuSeconds, objects, bad } = await readlineJsonParse(file);
  return { workSeconds, cpuSeconds, evidence: '', note: `${objects.toLocaleString('en-US')} objects, ${bad.toLocaleString('en-US')} not JSON` };
}

function table(lines: number, bytes: number, rows: { tool: string; r: ChildResult; peakMb: number }[]): void {
  const header = ['tool', 'wall s', 'cpu s', 'k lines/cpu-s', 'MB/cpu-s', 'k lines/wall-s', 'peak RSS MB', 'note'];
  const body = rows.map(({ tool, r, peakMb }) => [
    tool, r.workSeconds.toFixed(2), r.cpuSeconds.toFixed(2), (lines / r.cpuSeconds / 1e3).toFixed(0), (bytes / r.cpuSeconds / 1e6).toFixed(0),
    (lines / r.workSeconds / 1e3).toFixed(0), peakMb.toFixed(0), r.note,
  ]);
  printTable(header, body, [0, header.length - 1]);
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const lines = numberArg('lines', 1_000_000, argv);
  const users = numberArg('users', 2_000, argv);
  const os = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-ecs-'));
  let ok = true;
  try {
    const inputs = [
      { name: 'Beats mix', what: `${users.toLocaleString('en-US')} users over 14 days: Filebeat sshd 45 %, Winlogbeat 4624/4625 20 %, flattened keys 10 %, other events 25 %, 1 in 2,000 malformed`, write: writeEcs },
      { name: 'scale-out lines', what: "bench/scale-out.ts's compact Filebeat authentication events (its 72,000 lines/s figure)", write: writeScaleOutEcs },
    ];
    for (const input of inputs) {
      const file = join(dir, 'auth.ndjson');
      const t = performance.now();
      const bytes = await input.write(file, lines, users);
      console.log(`\n== ECS JSON lines, ${input.name}: ${lines.toLocaleString('en-US')} lines (${(bytes / 1e6).toFixed(0)} MB, ${Math.round(bytes / lines)} bytes a line); ${input.what} ==`);
      console.log(`generate (not measured): ${((performance.now() - t) / 1000).toFixed(1)} s; cores: ${os.availableParallelism()}, load avg ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      const rows: { tool: string; r: ChildResult; peakMb: number }[] = [];
      for (const [mode, tool] of [['isms', 'isms-kpi collector (shapes + scanner)'], ['json', 'node readline + JSON.parse + classify'], ['parse-only', 'node readline + JSON.parse only']] as const) {
        const c = timedChild([self, '--child', mode, file], REPO);
        rows.push({ tool, r: lastJson<ChildResult>(c.stdout), peakMb: c.peakMb });
      }
      console.log('');
      table(lines, bytes, rows);
      const [isms, json] = rows;
      const same = isms!.r.evidence === json!.r.evidence;
      ok &&= same;
      console.log(`evidence (account-days + rejected lines): isms-kpi ${isms!.r.evidence}, JSON.parse ${json!.r.evidence}: identical ${same ? 'yes' : 'NO'}; per CPU second ${(json!.r.cpuSeconds / isms!.r.cpuSeconds).toFixed(1)}× readline + JSON.parse + classify`);
      rmSync(file);
    }
    console.log('\ncpu s = user + system inside the process around the reading: the per-core figure on a shared machine; wall s includes waiting for a core.');
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(argv: readonly string[]): Promise<void> {
  const mode = argv[argv.indexOf('--child') + 1];
  const file = argv[argv.indexOf('--child') + 2] ?? '';
  const res = mode === 'isms' ? await childIsms(file) : mode === 'json' ? await childJson(file) : await childParseOnly(file);
  console.log(JSON.stringify(res));
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const argv = process.argv.slice(2);
  (argv.includes('--child') ? child(argv) : main(argv)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
