/**
 * Trend benchmark (not a test), issue 10: the 24 monthly points of every objective (FY2025 and
 * FY2026, evaluated at each month end), cold and from the cache, and the latency of a page
 * whose points come from the cache — beside the peer, evaluateObjectives called on the store
 * at each of the 24 instants (no shared history read, no cache), on the same evidence.
 *
 * Inputs: (a) the committed example organisation (one observation, 2026-11-19); (b) and (c) a
 * history: the example generator run as of each of the 24 month ends (same seed, 300 and
 * 10,000 people), each export collected as of its instant — 24 observations per source, every
 * month's roster and accounts changing, a harsher history than a real one.
 *
 *   npx tsx bench/trends.ts [--people 10000] [--requests 300]
 * Goals: (a)/(b) ≤ 2 s cold, (c) ≤ 30 s cold, a cached page p99 ≤ 100 ms.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/types.ts';
import { SqliteStore } from '../src/evidence/sqlite-store.ts';
import type { EvidenceStore } from '../src/evidence/store.ts';
import { buildServer } from '../src/http/server.ts';
import { runCollection } from '../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../src/kpi/evaluate.ts';
import { trendInstants } from '../src/kpi/fiscal-periods.ts';
import { silentLogger } from '../src/log.ts';
import { newestRunToken, Trends } from '../src/trends/trends.ts';
import { mb, numberArg } from './args.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The end of FY2026 (2027-03-31 23:59:59.999 JST): 24 month ends from 2025-04 on. */
const AT = new Date(Date.parse('2027-04-01T00:00:00+09:00') - 1);

function configFor(dir: string, dataDir: string, dataFolder: string): Config {
  const file = join(dir, `${dataFolder}.yaml`);
  const yaml = readFileSync(join(REPO, 'config', 'example.yaml'), 'utf8').replace(/dataDir: .*/, `dataDir: ${dataDir}`).replaceAll('example-data/', `${dataFolder}/`);
  writeFileSync(file, yaml);
  return loadConfig(file, {});
}

async function collectAll(config: Config, store: EvidenceStore, observedAt: Date): Promise<number> {
  let records = 0;
  for (const src of config.sources) {
    const path = (src as { path?: string }).path;
    if (path && !existsSync(join(config.baseDir, path))) continue; // a drill not launched in that fiscal year's files
    records += (await runCollection({ config, store, log: silentLogger }, src.id, { observedAt })).accepted;
  }
  return records;
}

async function measure(label: string, config: Config, store: EvidenceStore, requests: number): Promise<void> {
  const instants = trendInstants(AT, config.organisation);
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const trends = new Trends(store, config);
  const cold = await trends.series(instants);
  const coldMs = performance.now() - t;
  const rssCold = process.memoryUsage().rss;

  t = performance.now();
  const warm = new Trends(store, config);
  await warm.series(instants);
  const warmMs = performance.now() - t;

  // A page whose points come from the cache: the register and an objective page, served by the
  // real server (inject: no socket) as `run` builds it, one request after the other — before the
  // peer runs, whose garbage would otherwise be collected during these requests.
  const results = await evaluateObjectives(store, config, AT);
  const app = buildServer({ metrics: async () => ({ contentType: 'text/plain', body: '' }), health: async () => ({}), pages: { config, store, trends: new Trends(store, config, { generation: newestRunToken(store) }), now: () => AT, results: () => results } });
  await app.inject({ url: '/', headers: { accept: 'text/html' } });
  const lat = (url: string) => async () => {
    const xs: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      const r = await app.inject({ url, headers: { accept: 'text/html' } });
      xs.push(performance.now() - t0);
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode}`);
    }
    xs.sort((a, b) => a - b);
    return { p50: xs[Math.floor(xs.length * 0.5)]!, p99: xs[Math.floor(xs.length * 0.99)]!, max: xs[xs.length - 1]! };
  };
  const register = await lat('/')();
  const objective = await lat(`/objectives/${config.objectives[0]!.id}`)();
  await app.close();

  // The peer: evaluateObjectives on the store itself at each instant.
  t = performance.now();
  const peer = new Map<string, (number | null)[]>();
  for (const at of instants) for (const r of await evaluateObjectives(store, config, at)) (peer.get(r.objective) ?? peer.set(r.objective, []).get(r.objective)!).push(r.value);
  const peerMs = performance.now() - t;
  const same = [...cold].every(([id, points]) => JSON.stringify(points.map((p) => p.value)) === JSON.stringify(peer.get(id)));

  const points = [...cold.values()].reduce((n, p) => n + p.length, 0);
  console.log(`\n== trends: ${label} ==`);
  console.log(`points: ${points} (${config.objectives.length} objectives × ${instants.length} month ends, ${instants[0]!.toISOString()} … ${instants[instants.length - 1]!.toISOString()})`);
  console.log(`isms-kpi cold (history read once, points cached)  ${s(coldMs)}   (+${mb(rssCold - rss0)} RSS)   ${trends.stats.evaluations} evaluations`);
  console.log(`isms-kpi from the cache                            ${s(warmMs)}   (${warm.stats.cached} cached, ${warm.stats.computed} computed)`);
  console.log(`peer: evaluateObjectives on the store × ${instants.length}        ${s(peerMs)}   (same values: ${same ? 'yes' : 'NO'})`);
  console.log(`page from the cache, ${requests} requests each: register p50 ${register.p50.toFixed(1)} ms, p99 ${register.p99.toFixed(1)} ms, max ${register.max.toFixed(1)} ms; objective page p50 ${objective.p50.toFixed(1)} ms, p99 ${objective.p99.toFixed(1)} ms, max ${objective.max.toFixed(1)} ms (goal p99 ≤ 100 ms)`);
}

async function history(people: number, dir: string): Promise<{ config: Config; store: SqliteStore; records: number; ms: number }> {
  const dataDir = join(dir, `data-${people}`);
  let store: SqliteStore | undefined;
  let config: Config | undefined;
  let records = 0;
  let ms = 0;
  const start = DateTime.fromISO('2025-04-01T00:00:00', { zone: 'Asia/Tokyo' });
  for (let m = 0; m < 24; m++) {
    // Exports taken at 23:00 on each month's last day.
    const asOf = start.plus({ months: m + 1 }).minus({ hours: 1 });
    const folder = `p${people}-m${String(m).padStart(2, '0')}`;
    execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'example', 'cli.ts'), '--people', String(people), '--seed', '20261119', '--as-of', asOf.toISO()!, '--out', join(dir, folder)], { cwd: REPO, stdio: 'ignore' });
    config = configFor(dir, dataDir, folder);
    store ??= SqliteStore.inDataDir(config.dataDir);
    const t = performance.now();
    records += await collectAll(config, store, asOf.toJSDate());
    ms += performance.now() - t;
  }
  return { config: config!, store: store!, records, ms };
}

const people = numberArg('people', 10_000);
const requests = numberArg('requests', 300);
const dir = mkdtempSync(join(tmpdir(), 'isms-bench-trends-'));
console.log(`node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
try {
  // (a) The committed example, one observation.
  {
    const config = configFor(dir, join(dir, 'data-example'), 'example-data');
    execFileSync('cp', ['-r', join(REPO, 'config', 'example-data'), dir]);
    const store = SqliteStore.inDataDir(config.dataDir);
    await collectAll(config, store, new Date('2026-11-19T09:00:00+09:00'));
    await measure('the committed example organisation (300 people, one observation 2026-11-19)', config, store, requests);
    await store.close();
  }
  for (const n of [300, people]) {
    mkdirSync(dir, { recursive: true });
    const h = await history(n, dir);
    console.log(`\n(history: ${n.toLocaleString('en-US')} people, 24 monthly exports, ${h.records.toLocaleString('en-US')} records collected in ${s(h.ms)}; not measured)`);
    await measure(`a ${n.toLocaleString('en-US')}-person organisation with 24 monthly observations`, h.config, h.store, requests);
    await h.store.close();
  }
  console.log(`\npeak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
