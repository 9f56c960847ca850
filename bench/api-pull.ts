/**
 * API pull benchmark (not a test), issue 15: a 100,000-user Okta tenant served by the Okta
 * double in its own process, 200 users a page (500 pages), with a rate limit of 20 requests a
 * second (1,200 a minute, an Okta org's order of magnitude) that forces waits
 * (X-Rate-Limit-Remaining reaches 0 every 20 pages), collected by
 * okta-api into the SQLite store through runCollection, beside a plain fetch loop that does
 * nothing but page (and honour the same limit). Then the same without a rate limit (what the
 * collector itself can do), the same users in 4× the pages (memory must not follow the page
 * count), and a run refused at four fifths of its pages (nothing may be stored).
 *
 *   npx tsx bench/api-pull.ts [--users N] [--rate R]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const USERS = arg('users', 100_000);
const RATE = arg('rate', 20);

async function tenant(rate: number, failPage = 0): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/api-pull-double.ts', String(USERS), String(rate), String(failPage)], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim()));
    child.once('exit', (c) => reject(new Error(`the double exited ${c}`)));
  });
  return { url, child };
}

function measure(mode: 'isms' | 'peer', url: string, pageSize: number): Record<string, number | string> {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/api-pull-run.ts', mode, url, String(pageSize)], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number | string>;
}

const f = (n: unknown, d = 1) => (typeof n === 'number' ? n.toFixed(d) : String(n ?? ''));
function row(label: string, r: Record<string, number | string>): string[] {
  const users = Number(r.users ?? 0);
  // Paging: until the last page is in (the peer does nothing else); then the store's one transaction.
  const paging = Number(r.pagingSeconds ?? r.seconds);
  return [label, users.toLocaleString('en-US'), String(r.requests ?? ''), f(paging), users ? Math.round(users / paging).toLocaleString('en-US') : '', f(r.rateLimitWaitSeconds), r.pagingSeconds === undefined ? '' : f(Number(r.seconds) - paging), f(r.cpuSeconds), f(r.liveHeapMb, 0), f(r.peakRssMb, 0)];
}
function table(rows: string[][]): string {
  const head = ['run', 'users', 'requests', 'paging s', 'users/s paged', 'rate-limit wait s', 'then store s', 'cpu s', 'live heap MB', 'peak RSS MB'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ')).join('\n');
}

console.log(`api-pull: ${USERS.toLocaleString('en-US')} users, 200 a page (${Math.ceil(USERS / 200)} pages), rate limit ${RATE} requests/s; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const bound = USERS / (Math.ceil(USERS / 200) / RATE);
console.log(`the rate limit alone allows at most ~${Math.round(bound).toLocaleString('en-US')} users/s (${Math.ceil(USERS / 200)} pages at ${RATE}/s)`);

const rows: string[][] = [];
const limited = await tenant(RATE);
try {
  rows.push(row('peer: fetch loop, rate-limited', measure('peer', limited.url, 200)));
  rows.push(row('isms-kpi okta-api, rate-limited', measure('isms', limited.url, 200)));
} finally {
  limited.child.kill();
}
const free = await tenant(0);
try {
  rows.push(row('peer: fetch loop, no limit', measure('peer', free.url, 200)));
  rows.push(row('isms-kpi okta-api, no limit', measure('isms', free.url, 200)));
  rows.push(row('isms-kpi, no limit, 50 a page (4× pages)', measure('isms', free.url, 50)));
} finally {
  free.child.kill();
}
console.log(table(rows));
console.log('live heap: after a full GC once the last page is in (the store then holds every account\'s canonical record, nothing of the pages)');

const failAt = Math.ceil((Math.ceil(USERS / 200) * 4) / 5);
const failing = await tenant(0, failAt);
try {
  const r = measure('isms', failing.url, 200);
  console.log(`\npage ${failAt} of ${Math.ceil(USERS / 200)} refused: error "${String(r.error).slice(0, 160)}…"; requests ${r.requests}; observations stored ${r.observations}, accounts stored ${r.stored} (nothing may be stored)`);
} finally {
  failing.child.kill();
}
