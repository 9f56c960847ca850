/**
 * Opens a store as a separate process would at start, at a given instant (so two children race
 * for the migration), and prints what its migration applied as one JSON line.
 * argv: sqlite FILE | postgres URL, then the epoch ms to start at.
 */
import { PostgresStore } from '../../../src/evidence/postgres-store.ts';
import { SqliteStore } from '../../../src/evidence/sqlite-store.ts';

const [kind, where, startAt] = process.argv.slice(2) as [string, string, string];
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
if (kind === 'sqlite') {
  const s = new SqliteStore(where);
  process.stdout.write(`${JSON.stringify(s.migration)}\n`);
  await s.close();
} else {
  const s = new PostgresStore(where);
  process.stdout.write(`${JSON.stringify(await s.open())}\n`);
  await s.close();
}
