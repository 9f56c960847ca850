/**
 * Core benchmark (not a test): collection + evaluation of a generated organisation of 100,000
 * people and their accounts, through the same path `isms-kpi collect` and `evaluate` take
 * (collectors → SQLite store → KPI engine). Prints wall time per phase and peak RSS.
 * Goal (issue 2): under 5 s and 500 MB on one core.
 *
 *   npx tsx bench/core.ts [--people N] [--store sqlite|postgres] [--example]
 *
 * `--store postgres` starts a private PostgreSQL server (as the tests do) and measures the same
 * path on the PostgreSQL store; `--example` uses the committed example organisation instead of
 * generating one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.ts';
import { PostgresStore } from '../src/evidence/postgres-store.ts';
import type { MaintainedStore } from '../src/evidence/maintenance.ts';
import { SqliteStore } from '../src/evidence/sqlite-store.ts';
import { TestPostgres } from '../test/helpers/postgres.ts';
import { runCollection } from '../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../src/kpi/evaluate.ts';
import { silentLogger } from '../src/log.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function strArg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
}

export async function main(): Promise<void> {
  const people = arg('people', 100_000);
  const storeKind = strArg('store', 'sqlite');
  const example = process.argv.includes('--example');
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-core-'));
  const server = storeKind === 'postgres' ? await TestPostgres.start() : undefined;
  try {
    const asOf = '2026-11-19T09:00:00+09:00';
    // Generated in a child process, so this process's peak memory is the collection's and the
    // evaluation's alone.
    let t = performance.now();
    if (!example) execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'example', 'cli.ts'), '--people', String(people), '--seed', '7', '--as-of', asOf, '--out', join(dir, 'example-data')], { cwd: REPO, stdio: 'ignore' });
    const genMs = performance.now() - t;
    let yaml = readFileSync(join(REPO, 'config', 'example.yaml'), 'utf8').replace(/dataDir: .*/, `dataDir: ${join(dir, 'data')}`);
    if (example) yaml = yaml.replaceAll('path: example-data/', `path: ${join(REPO, 'config', 'example-data')}/`);
    writeFileSync(join(dir, 'example.yaml'), yaml);
    const config = loadConfig(join(dir, 'example.yaml'));
    const store: MaintainedStore = server ? new PostgresStore(await server.createDatabase('bench')) : SqliteStore.inDataDir(config.dataDir);
    const deps = { config, store, log: silentLogger };
    const baseRss = process.memoryUsage().rss;

    t = performance.now();
    const phases: [string, number, number][] = [];
    for (const s of config.sources) {
      const t0 = performance.now();
      const run = await runCollection(deps, s.id, { observedAt: new Date(asOf) });
      phases.push([s.id, run.accepted, performance.now() - t0]);
    }
    const collectMs = performance.now() - t;
    t = performance.now();
    const results = await evaluateObjectives(store, config, new Date('2026-11-20T12:00:00+09:00'));
    const evalMs = performance.now() - t;
    await store.close();
    const peak = process.resourceUsage().maxRSS * 1024;

    const records = phases.reduce((n, [, r]) => n + r, 0);
    const who = example ? 'the example organisation' : `${people.toLocaleString('en-US')} people`;
    console.log(`\n== core: collect + evaluate, ${who} (${records.toLocaleString('en-US')} records in ${phases.length} exports), ${storeKind} store ==`);
    console.log(`generate inputs (not measured): ${(genMs / 1000).toFixed(2)} s`);
    for (const [id, n, ms] of phases) console.log(`  collect ${id.padEnd(18)} ${String(n).padStart(8)} records  ${(ms / 1000).toFixed(2)} s`);
    console.log(`collect total   ${(collectMs / 1000).toFixed(2)} s`);
    console.log(`evaluate        ${(evalMs / 1000).toFixed(2)} s  (${results.length} objectives: ${results.map((r) => `${r.objective}=${r.numerator}/${r.denominator}`).join(', ')})`);
    console.log(`collect+evaluate ${((collectMs + evalMs) / 1000).toFixed(2)} s   (goal < 5 s)`);
    console.log(`peak RSS        ${mb(peak)} (before collection ${mb(baseRss)}; goal < 500 MB)`);
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
