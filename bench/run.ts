/**
 * `npm run bench`: every benchmark, each in its own process (so each peak-memory figure is its
 * own), one after the other. Figures only — benchmarks are not tests and never fail a build.
 *
 *   npm run bench                 all of them
 *   npm run bench -- core mail    some of them
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

const BENCHES: Record<string, { file: string; what: string; args?: string[]; node?: string[] }> = {
  core: { file: 'bench/core.ts', what: 'issue 2: collect + evaluate 100,000 people' },
  'core-capped': { file: 'bench/core.ts', what: 'issue 16: the core benchmark with V8\'s old space capped at 256 MB (peak RSS against time)', node: ['--max-old-space-size=256'], args: ['--no-floor'] },
  'core-postgres': { file: 'bench/core.ts', what: 'issue 16: collect + evaluate 100,000 people on the PostgreSQL store', args: ['--store', 'postgres'] },
  'record-layouts': { file: 'bench/record-layouts.ts', what: 'issue 16: 100,000 Okta accounts written and read back as JSON text vs one typed column per field' },
  stores: { file: 'bench/stores.ts', what: 'issue 16: SQLite vs PostgreSQL store, the example organisation and 10,000 people, same run' },
  'kpi-engine': { file: 'bench/kpi-engine.ts', what: 'issue 2: the KPI functions alone on 100,000 people and accounts' },
  'access-logs': { file: 'bench/access-logs.ts', what: 'issue 4: 1,000,000-line access log vs mtail, goaccess, readline+regex' },
  mail: { file: 'bench/mail.ts', what: 'issue 5: 20,000 outbound messages vs mailparser simpleParser' },
  ecs: { file: 'bench/ecs.ts', what: 'issue 16: 1,000,000 ECS JSON lines (two line shapes), scanner vs readline + JSON.parse, identical evidence' },
  'device-events': { file: 'bench/device-events.ts', what: 'issue 14: removable-storage events (Windows 6416 ECS lines, Linux kernel lines) at 1M and 4M lines, vs readline + JSON.parse / readline + regex' },
  'metrics-http': { file: 'bench/metrics-http.ts', what: 'issue 12: /metrics at 100 and 1,000 concurrent scrapers, render per scrape vs cached exposition' },
  'scale-out': { file: 'bench/scale-out.ts', what: 'issue 3: a sharded source through BullMQ, 1 vs 2 worker processes' },
  'api-pull': { file: 'bench/api-pull.ts', what: 'issue 15: a 100,000-user Okta tenant through its API double, rate-limited, vs a plain fetch loop' },
  vulnerability: { file: 'bench/vulnerability.ts', what: 'issue 13: 1,000 Trivy reports of 500 findings, collected and evaluated, at 250 and 1,000 reports, vs jq and a JSON.parse loop' },
  startup: { file: 'bench/startup.ts', what: 'issue 11: CLI start-up (--help, --version, validate) beside node -e 0' },
  trends: { file: 'bench/trends.ts', what: 'issue 10: 24 monthly trend points cold and cached, and a cached page, vs evaluateObjectives at each instant' },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
for (const n of names) if (!BENCHES[n]) throw new Error(`unknown benchmark "${n}" (known: ${Object.keys(BENCHES).join(', ')})`);

console.log(`isms-kpi benchmarks — node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const name of names) {
  const b = BENCHES[name]!;
  console.log(`\n######## ${name}: ${b.what}`);
  const t = Date.now();
  const r = spawnSync(process.execPath, [...(b.node ?? []), '--import', 'tsx', b.file, ...(b.args ?? [])], { cwd: REPO, stdio: 'inherit' });
  console.log(`######## ${name}: ${r.status === 0 ? 'done' : `exited ${r.status ?? r.signal}`} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}
