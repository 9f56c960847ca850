/**
 * `npm run example:generate -- [--people N] [--seed S] [--as-of ISO] [--out DIR]`
 * Without options it regenerates the committed demo data in config/example-data/.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { DEMO, generateOrganisation } from './generator.ts';

const program = new Command()
  .name('example:generate')
  .description('Write the example organisation\'s exports (HR, Okta, Google Workspace, Moodle, GoPhish, incidents, mail journal)')
  .option('--people <n>', 'rows of the HR roster (≥ 60)', String(DEMO.people))
  .option('--seed <n>', 'PRNG seed', String(DEMO.seed))
  .option('--as-of <iso>', 'instant the exports are taken', DEMO.asOf)
  .option('--out <dir>', 'output directory', 'config/example-data')
  .parse();

const o = program.opts<{ people: string; seed: string; asOf: string; out: string }>();
const people = Number(o.people);
const seed = Number(o.seed);
if (!Number.isInteger(people) || people < 60 || !Number.isInteger(seed)) {
  process.stderr.write('--people must be an integer ≥ 60 and --seed an integer\n');
  process.exit(2);
}
const started = performance.now();
const { bytes, organisation } = generateOrganisation({ people, seed, asOf: o.asOf, outDir: resolve(o.out) });
const ms = performance.now() - started;
for (const [file, n] of Object.entries(bytes)) process.stdout.write(`${file.padEnd(32)} ${String(n).padStart(12)} bytes\n`);
process.stdout.write(`${organisation.people.length} people, ${organisation.accounts.length} accounts in ${ms.toFixed(0)} ms → ${resolve(o.out)}\n`);
