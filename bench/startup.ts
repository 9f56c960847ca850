/**
 * Start-up of the command line (issue 11: `--help` and `validate` ≤ 0.5 s): wall time of whole
 * processes, the compiled CLI (bin/isms-kpi.js → dist/) beside `node -e 0` (Node's own floor) on
 * the same machine, and the tsx development entry point for comparison. Each command runs
 * several times, interleaved, and the median is printed (with the fastest and slowest).
 *
 *   npx tsx bench/startup.ts [--runs 15]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberArg } from './args.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'isms-kpi.js');
const MAIN_TS = join(REPO, 'src', 'cli', 'main.ts');
const EXAMPLE = join(REPO, 'config', 'example.yaml');

interface Case {
  name: string;
  args: string[];
  runs: number;
}

function once(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function main(): void {
  if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const runs = numberArg('runs', 15);
  const cases: Case[] = [
    { name: 'node -e 0 (the floor)', args: ['-e', '0'], runs },
    { name: 'isms-kpi --help', args: [BIN, '--help'], runs },
    { name: 'isms-kpi --version', args: [BIN, '--version'], runs },
    { name: 'isms-kpi validate -c config/example.yaml', args: [BIN, 'validate', '-c', EXAMPLE], runs },
    // What every command paid before the CLI was compiled at install (development only now).
    { name: 'tsx src/cli/main.ts --help (development)', args: ['--import', 'tsx', MAIN_TS, '--help'], runs: Math.min(runs, 5) },
  ];
  for (const c of cases) once(c.args); // warm the page cache
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const c of cases) if (i < c.runs) times.get(c.name)!.push(once(c.args));
  }
  console.log(`\n== startup: wall time of a whole process, median of ${runs} interleaved runs (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}) ==`);
  const floor = median(times.get(cases[0]!.name)!);
  console.log(`${'command'.padEnd(44)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}  above node -e 0`);
  for (const c of cases) {
    const t = times.get(c.name)!;
    const m = median(t);
    const row = `${c.name.padEnd(44)} ${`${(m / 1000).toFixed(3)} s`.padStart(8)} ${`${(Math.min(...t) / 1000).toFixed(3)} s`.padStart(8)} ${`${(Math.max(...t) / 1000).toFixed(3)} s`.padStart(8)}`;
    console.log(`${row}  ${c === cases[0] ? '' : `+${((m - floor) / 1000).toFixed(3)} s`}${c.runs < runs ? ` (${c.runs} runs)` : ''}`);
  }
  console.log('goal: --help and validate ≤ 0.5 s');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
