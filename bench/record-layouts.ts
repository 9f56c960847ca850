/**
 * Record layouts (issue 16): is a typed, one-column-per-field layout cheaper than the JSON text
 * the store keeps? The 100,000-person organisation's Okta accounts (the largest export) are
 * collected through the real path, then written and read back both ways on the same rows:
 *
 * - JSON: (source, key, at, data TEXT), as the store does, then JSON.parse of each row;
 * - typed columns: (source, key, at, one column per field), then an object built per row from
 *   its non-null columns (booleans kept as 0/1, arrays as JSON text: cheaper than the real thing).
 *
 * Both in one transaction, 100 rows a statement, CPU seconds, three rounds.
 *
 *   npx tsx bench/record-layouts.ts [--people N] [--inputs DIR]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config/load.ts';
import { SqliteStore, sqliteFileIn } from '../src/evidence/sqlite-store.ts';
import { runCollection } from '../src/jobs/run-collection.ts';
import { silentLogger } from '../src/log.ts';
import { numberArg, stringArg } from './args.ts';
import { cpuSince, printTable } from './measure.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const ROWS_PER_STATEMENT = 100;

function cpu(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  return cpuSince(c0);
}

export async function main(): Promise<void> {
  const people = numberArg('people', 100_000);
  const inputs = stringArg('inputs', '');
  const dir = mkdtempSync(join(tmpdir(), 'isms-bench-layouts-'));
  try {
    const asOf = '2026-11-19T09:00:00+09:00';
    const data = inputs || join(dir, 'example-data');
    if (!inputs) execFileSync(process.execPath, ['--import', 'tsx', join(REPO, 'src', 'example', 'cli.ts'), '--people', String(people), '--seed', '7', '--as-of', asOf, '--out', data], { cwd: REPO, stdio: 'ignore' });
    const yaml = readFileSync(join(REPO, 'config', 'example.yaml'), 'utf8').replace(/dataDir: .*/, `dataDir: ${join(dir, 'data')}`).replaceAll('path: example-data/', `path: ${data}/`);
    writeFileSync(join(dir, 'example.yaml'), yaml);
    const loaded = loadConfig(join(dir, 'example.yaml'));
    const config = { ...loaded, sources: loaded.sources.filter((s) => s.id === 'okta') };
    const store = SqliteStore.inDataDir(config.dataDir);
    await runCollection({ config, store, log: silentLogger }, 'okta', { observedAt: new Date(asOf) });
    await store.close();

    const src = new Database(sqliteFileIn(config.dataDir), { readonly: true });
    const rows = src.prepare("SELECT key, data FROM versions WHERE source = 'okta' ORDER BY key").raw(true).all() as [string, string][];
    src.close();
    const records = rows.map(([, json]) => JSON.parse(json) as Record<string, unknown>);
    const fields = [...new Set(records.flatMap((r) => Object.keys(r)))].sort();
    const chars = rows.reduce((n, [, json]) => n + json.length, 0);
    console.log(`\n== record layouts: ${rows.length.toLocaleString('en-US')} Okta accounts (${(chars / 1e6).toFixed(0)} M characters of JSON), ${fields.length} fields ==`);

    const body: string[][] = [];
    for (let round = 1; round <= 3; round++) {
      const file = join(dir, `layouts-${round}.sqlite`);
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -65536');
      db.exec('CREATE TABLE j (source TEXT, key TEXT, at INTEGER, data TEXT, PRIMARY KEY (source, key, at)) WITHOUT ROWID');
      db.exec(`CREATE TABLE c (source TEXT, key TEXT, at INTEGER, ${fields.map((f) => `"${f}"`).join(', ')}, PRIMARY KEY (source, key, at)) WITHOUT ROWID`);
      const width = 3 + fields.length;
      const insJson = db.prepare(`INSERT INTO j VALUES ${Array(ROWS_PER_STATEMENT).fill('(?, ?, ?, ?)').join(', ')}`);
      const insCols = db.prepare(`INSERT INTO c VALUES ${Array(ROWS_PER_STATEMENT).fill(`(${Array(width).fill('?').join(', ')})`).join(', ')}`);
      const column = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : Array.isArray(v) ? JSON.stringify(v) : v);
      const whole = Math.floor(rows.length / ROWS_PER_STATEMENT) * ROWS_PER_STATEMENT; // the rest is left out of both

      const writeJson = cpu(() =>
        db.transaction(() => {
          let p: unknown[] = [];
          for (let i = 0; i < whole; i++) {
            p.push('okta', rows[i]![0], 1, rows[i]![1]);
            if (p.length === ROWS_PER_STATEMENT * 4) (insJson.run(p), (p = []));
          }
        })(),
      );
      const writeCols = cpu(() =>
        db.transaction(() => {
          let p: unknown[] = [];
          for (let i = 0; i < whole; i++) {
            p.push('okta', rows[i]![0], 1);
            for (const f of fields) p.push(column(records[i]![f]));
            if (p.length === ROWS_PER_STATEMENT * width) (insCols.run(p), (p = []));
          }
        })(),
      );
      let seen = 0;
      const readJson = cpu(() => {
        for (const r of db.prepare('SELECT key, at, data FROM j ORDER BY key, at').raw(true).iterate() as Iterable<[string, number, string]>) if (JSON.parse(r[2]) !== null) seen++;
      });
      const readCols = cpu(() => {
        for (const r of db.prepare('SELECT * FROM c ORDER BY key, at').raw(true).iterate() as Iterable<unknown[]>) {
          const o: Record<string, unknown> = {};
          for (let i = 0; i < fields.length; i++) {
            const v = r[i + 3];
            if (v !== null) o[fields[i]!] = v;
          }
          if (o) seen++;
        }
      });
      db.close();
      rmSync(file, { force: true });
      if (seen !== 2 * whole) throw new Error(`read ${seen} rows, expected ${2 * whole}`);
      body.push([String(round), writeJson.toFixed(3), writeCols.toFixed(3), readJson.toFixed(3), readCols.toFixed(3)]);
    }
    printTable(['round', 'write JSON s', 'write columns s', 'read + JSON.parse s', 'read columns + object s'], body, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
