/**
 * Benchmark (not a test): evaluateObjectives end to end over the in-memory store — reading
 * N people and N accounts as of T, then every bundle KPI. Run: `npx tsx bench/kpi-evaluate.ts [N]`.
 */
import { configSchema } from '../src/config/schema.ts';
import { createMemoryStore } from '../src/evidence/memory-store.ts';
import type { Keyed } from '../src/evidence/records.ts';
import { evaluateObjectives } from '../src/kpi/evaluate.ts';

const N = Number(process.argv[2] ?? 100_000);
const config = configSchema.parse({
  organisation: { name: 'Bench', timeZone: 'Asia/Tokyo', fiscalYearStartMonth: 4, internalDomains: ['example.co.jp'], defaultLoginDomain: 'example.co.jp' },
  sources: [
    { id: 'hr', kind: 'hr-roster', path: 'hr.csv' },
    { id: 'okta', kind: 'idp', format: 'okta-json', path: 'okta.json' },
  ],
  objectives: [
    { id: 'stale', title: 's', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period: 'quarter' },
    { id: 'mfa', title: 'm', kpi: 'mfa-coverage', target: 1, direction: 'at_least', period: 'quarter' },
    { id: 'pw', title: 'p', kpi: 'password-age-compliance', target: 1, direction: 'at_least', period: 'quarter' },
    { id: 'training', title: 't', kpi: 'training-completion-rate', target: 1, direction: 'at_least', period: 'year' },
  ],
});
const store = createMemoryStore();
const D = 86_400_000;
const T = Date.parse('2026-05-20T03:00:00Z');
const people: Keyed<'person'>[] = [];
const accounts: Keyed<'account'>[] = [];
for (let i = 0; i < N; i++) {
  const email = `user${i}@example.co.jp`;
  people.push({ key: `E${i}`, data: { employeeId: `E${i}`, email, hireDate: '2020-04-01', ...(i % 20 === 0 ? { leaveDate: '2026-04-10' } : {}) } });
  accounts.push({ key: `a${i}`, data: { accountId: `a${i}`, login: email, email, enabled: true, rawStatus: 'ACTIVE', mfaEnrolled: i % 10 !== 0, passwordChangedAt: new Date(T - (i % 400) * D).toISOString() } });
}
await store.writeSnapshot({ source: 'hr', kind: 'person', observedAt: new Date('2026-04-01T00:00:00Z'), records: people });
await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: new Date('2026-04-01T00:00:00Z'), records: accounts });
await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: new Date('2026-04-12T00:00:00Z'), records: accounts.map((a, i) => (i % 40 === 0 ? { ...a, data: { ...a.data, enabled: false, rawStatus: 'SUSPENDED' } } : a)) });

for (const pass of ['cold', 'warm']) {
  const t = performance.now();
  const c = process.cpuUsage();
  const results = await evaluateObjectives(store, config, new Date(T));
  const cpu = process.cpuUsage(c);
  console.log(`${pass}: ${N} people, ${N} accounts, ${results.length} objectives: ${(performance.now() - t).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  for (const r of results) console.log(`  ${r.objective.padEnd(9)} ${r.numerator}/${r.denominator} ${r.status}`);
}
await store.close();
