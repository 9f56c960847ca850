/**
 * Store benchmark (not a test): bench/core.ts on the SQLite store and on the PostgreSQL store,
 * one after the other in the same run, for the example organisation and a generated
 * 10,000-person organisation. Each case runs in its own process, so each peak RSS is its own.
 *
 *   npx tsx bench/stores.ts [--people N]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const i = process.argv.indexOf('--people');
const people = i >= 0 ? process.argv[i + 1]! : '10000';

for (const size of [['--example'], ['--people', people]]) {
  for (const store of ['sqlite', 'postgres']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/core.ts', '--store', store, ...size], { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) console.log(`(${store} ${size.join(' ')}: exited ${r.status ?? r.signal})`);
  }
}
