/**
 * Core benchmark (not a test): collection + evaluation of a generated organisation of 100,000
 * people and their accounts, through the same path `isms-kpi collect` and `evaluate` take
 * (collectors → SQLite store → KPI engine). Prints wall time per phase and peak RSS.
 * Goal (issue 2): under 5 s and 500 MB on one core.
 *
 *   npx tsx bench/core.ts [--people N] [--store sqlite|postgres] [--example] [--inputs DIR]
 *
 * `--store postgres` starts a private PostgreSQL server (as the tests do) and measures the same
 * path on the PostgreSQL store; `--example` uses the committed example organisation instead of
 * generating one; `--inputs DIR` reads exports generated before (`npm run example:generate --
 * --people N --seed 7 --as-of 2026-11-19T09:00:00+09:00 --out DIR`) instead of generating them.
 *
 * By default it measures the issue's workload: the eight people-sized exports (HR, two IdPs, the
 * LMS, three phishing drills, the incident register: 582,866 records at 100,000 people) and the
 * objectives reading only them. `--all` collects every source of the example register and
 * evaluates all its objectives. After the first cycle it collects the same exports again, an
 * hour later and unchanged (goal: under 1 s), and evaluates again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/types.ts';
import { PostgresStore } from '../src/evidence/postgres-store.ts';
import type { MaintainedStore } from '../src/evidence/maintenance.ts';
import { SqliteStore } from '../src/evidence/sqlite-store.ts';
import { TestPostgres } from '../test/helpers/postgres.ts';
import { runCollection } from '../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../src/kpi/evaluate.ts';
import { silentLogger } from '../src/log.ts';
import { mb, numberArg, stringArg } from './args.ts';
import { parseFloor, storeFloor } from './core-floor.ts';
import { cpuSince } from './measure.ts';
import { sqliteFileIn } from '../src/evidence/sqlite-store.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));


export async function main(): Promise<void> {
  const people = numberArg('people', 100_000);
  const storeKind = stringArg('store', 'sqlite');
  const example = process.argv.includes('--example');
  const all = process.argv.includes('--all');
  const inputs = stringArg('inputs', '');
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-core-'));
  const server = storeKind === 'postgres' ? await TestPostgres.start() : undefined;
  try {
    const asOf = '2026-11-19T09:00:00+09:00';
    // Generated in a child process, so this process's peak memory is the collection's and the
    // evaluation's alone.
    let t = performance.now();
    if (!example && !inputs) execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'example', 'cli.ts'), '--people', String(people), '--seed', '7', '--as-of', asOf, '--out', join(dir, 'example-data')], { cwd: REPO, stdio: 'ignore' });
    const genMs = performance.now() - t;
    let yaml = readFileSync(join(REPO, 'config', 'example.yaml'), 'utf8').replace(/dataDir: .*/, `dataDir: ${join(dir, 'data')}`);
    if (example) yaml = yaml.replaceAll('path: example-data/', `path: ${join(REPO, 'config', 'example-data')}/`);
    else if (inputs) yaml = yaml.replaceAll('path: example-data/', `path: ${inputs}/`);
    writeFileSync(join(dir, 'example.yaml'), yaml);
    const loaded = loadConfig(join(dir, 'example.yaml'));
    const config = all ? loaded : coreOnly(loaded);
    const store: MaintainedStore = server ? new PostgresStore(await server.createDatabase('bench')) : SqliteStore.inDataDir(config.dataDir);
    const deps = { config, store, log: silentLogger };
    const baseRss = process.memoryUsage().rss;

    t = performance.now();
    let c0 = process.cpuUsage();
    const phases: [string, number, number][] = [];
    for (const s of config.sources) {
      const t0 = performance.now();
      const run = await runCollection(deps, s.id, { observedAt: new Date(asOf) });
      phases.push([s.id, run.accepted, performance.now() - t0]);
    }
    const collectMs = performance.now() - t;
    const collectCpu = cpuSince(c0);
    const collectPeak = process.resourceUsage().maxRSS * 1024;
    t = performance.now();
    c0 = process.cpuUsage();
    const results = await evaluateObjectives(store, config, new Date('2026-11-20T12:00:00+09:00'));
    const evalMs = performance.now() - t;
    const evalCpu = cpuSince(c0);
    const peak = process.resourceUsage().maxRSS * 1024;

    // The same exports, unchanged, an hour later: each is recognised by its file's digest.
    const again = new Date(Date.parse(asOf) + 3_600_000);
    t = performance.now();
    let skipped = 0;
    for (const s of config.sources) {
      const run = await runCollection(deps, s.id, { observedAt: again });
      if (run.unchangedInput) skipped++;
    }
    const recollectMs = performance.now() - t;
    await store.close();
    // The floor (the peer): the same files and the same stored rows through the bare libraries.
    const paths = config.sources.map((s) => (s as { path?: string }).path).filter((p): p is string => typeof p === 'string').map((p) => resolve(config.baseDir, p)); // relative to the config file, as the collectors read them
    // Not under a capped heap (core-capped): the bare JSON.parse of a whole 74 MB export needs more.
    const noFloor = server !== undefined || process.argv.includes('--no-floor');
    const parse = noFloor ? undefined : parseFloor(paths);
    const floor = noFloor ? undefined : storeFloor(sqliteFileIn(config.dataDir), dir);

    const records = phases.reduce((n, [, r]) => n + r, 0);
    const who = example ? 'the example organisation' : `${people.toLocaleString('en-US')} people`;
    console.log(`\n== core: collect + evaluate, ${who} (${records.toLocaleString('en-US')} records in ${phases.length} exports), ${storeKind} store ==`);
    console.log(`generate inputs (not measured): ${(genMs / 1000).toFixed(2)} s`);
    for (const [id, n, ms] of phases) console.log(`  collect ${id.padEnd(18)} ${String(n).padStart(8)} records  ${(ms / 1000).toFixed(2)} s`);
    console.log(`collect total   ${(collectMs / 1000).toFixed(2)} s  (peak RSS so far ${mb(collectPeak)})`);
    console.log(`evaluate        ${(evalMs / 1000).toFixed(2)} s  (${results.length} objectives: ${results.map((r) => `${r.objective}=${r.numerator}/${r.denominator}`).join(', ')})`);
    console.log(`collect+evaluate ${((collectMs + evalMs) / 1000).toFixed(2)} s   (goal < 5 s)`);
    console.log(`peak RSS        ${mb(peak)} (before collection ${mb(baseRss)}; goal < 500 MB)`);
    if (parse && floor) {
      const f = parse.seconds + floor.writeSeconds + floor.readSeconds;
      console.log(`CPU seconds     collect ${collectCpu.toFixed(2)} + evaluate ${evalCpu.toFixed(2)} = ${(collectCpu + evalCpu).toFixed(2)} s (GC on the second core included)`);
      console.log(`floor (peer), CPU seconds, the same ${parse.rows.toLocaleString('en-US')} input rows and ${floor.rows.toLocaleString('en-US')} stored rows through the bare libraries:`);
      console.log(`  decode + papaparse / JSON.parse  ${parse.seconds.toFixed(2)} s`);
      console.log(`  SQLite insert + checkpoint       ${floor.writeSeconds.toFixed(2)} s`);
      console.log(`  SQLite read + JSON.parse         ${floor.readSeconds.toFixed(2)} s`);
      console.log(`  floor total                      ${f.toFixed(2)} s   (before any mapping, canonical form, digest, diff or KPI)`);
    }
    console.log(`unchanged re-collect of all ${config.sources.length} exports ${(recollectMs / 1000).toFixed(2)} s  (${skipped} recognised by digest; goal < 1 s)`);
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The issue's eight exports and the objectives that read nothing else. */
const CORE_SOURCES = new Set(['hr', 'okta', 'google-workspace', 'moodle', 'gophish-2026-03', 'gophish-2026-06', 'gophish-2026-10', 'incidents']);
const CORE_OBJECTIVES = new Set(['stale-accounts', 'security-training', 'phishing-drill', 'mfa', 'incident-reporting', 'mis-sent']);

function coreOnly(config: Config): Config {
  return { ...config, sources: config.sources.filter((s) => CORE_SOURCES.has(s.id)), objectives: config.objectives.filter((o) => CORE_OBJECTIVES.has(o.id)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
