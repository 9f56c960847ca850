/**
 * Benchmark (not a test): every bundle-based KPI over a synthetic organisation of N people and
 * N accounts (default 100,000). Run: `npx tsx bench/kpi-engine.ts [N]`. Prints figures only.
 */
import { configSchema } from '../src/config/schema.ts';
import type { AccountRecord, CompletionRecord, IncidentRecord, PersonRecord, PhishingRecord, Versioned } from '../src/evidence/records.ts';
import type { EvidenceBundle } from '../src/kpi/bundle.ts';
import { IdentityIndex } from '../src/kpi/identity.ts';
import { KPI_REGISTRY } from '../src/kpi/registry.ts';
import type { KpiContext } from '../src/kpi/types.ts';

const N = Number(process.argv[2] ?? 100_000);
/** Optional: only this objective id (stale, training, click, report, mfa, pw, inc), for profiling. */
const only = process.argv[3];
const config = configSchema.parse({
  organisation: { name: 'Bench', timeZone: 'Asia/Tokyo', fiscalYearStartMonth: 4, internalDomains: ['example.co.jp'], defaultLoginDomain: 'example.co.jp' },
  identity: { serviceAccounts: { loginPatterns: ['^svc-'] } },
  objectives: [
    { id: 'stale', title: 's', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period: 'quarter', params: { includeDormant: true, dormantDays: 90 } },
    { id: 'training', title: 't', kpi: 'training-completion-rate', target: 1, direction: 'at_least', period: 'year', params: { courses: ['Security Basics'] } },
    { id: 'click', title: 'c', kpi: 'phishing-click-rate', target: 0.1, direction: 'at_most', period: 'quarter' },
    { id: 'report', title: 'r', kpi: 'phishing-report-rate', target: 0.5, direction: 'at_least', period: 'quarter' },
    { id: 'mfa', title: 'm', kpi: 'mfa-coverage', target: 1, direction: 'at_least', period: 'quarter' },
    { id: 'pw', title: 'p', kpi: 'password-age-compliance', target: 1, direction: 'at_least', period: 'quarter', params: { maxAgeDays: 365 } },
    { id: 'inc', title: 'i', kpi: 'incident-report-sla-rate', target: 0.9, direction: 'at_least', period: 'quarter' },
  ],
});

// Deterministic pseudo-random numbers (no Math.random: figures must be comparable run to run).
let seed = 42;
const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const at = new Date('2026-05-20T03:00:00Z');
const T = at.getTime();
const D = 86_400_000;
const first = '2025-01-01T00:00:00Z';

const people: Versioned<PersonRecord>[] = [];
const accounts: Versioned<AccountRecord>[] = [];
const completions: CompletionRecord[] = [];
const phishing: PhishingRecord[] = [];
const incidents: IncidentRecord[] = [];
const access = new Map<string, string>();
for (let i = 0; i < N; i++) {
  const email = `user${i}@example.co.jp`;
  const left = rnd() < 0.05;
  const p: PersonRecord = { employeeId: `E${i}`, email, department: `D${i % 20}`, hireDate: day(T - rnd() * 3000 * D), ...(left ? { leaveDate: day(T - rnd() * 200 * D) } : {}) };
  people.push({ source: 'hr', key: p.employeeId!, current: p, versions: [{ at: first, data: p }] });
  const login = i % 3 === 0 ? `user${i}` : email;
  const a: AccountRecord = {
    accountId: `a${i}`, login, email, enabled: true, rawStatus: 'ACTIVE', mfaEnrolled: rnd() < 0.9,
    lastLoginAt: new Date(T - rnd() * 120 * D).toISOString(), passwordChangedAt: new Date(T - rnd() * 400 * D).toISOString(),
  };
  const versions: Versioned<AccountRecord>['versions'] = [{ at: first, data: a }];
  if (left && rnd() < 0.7) versions.push({ at: new Date(T - rnd() * 100 * D).toISOString(), data: { ...a, enabled: false, rawStatus: 'SUSPENDED' } });
  accounts.push({ source: 'okta', key: a.accountId, current: versions[versions.length - 1]!.data, versions });
  if (rnd() < 0.8) completions.push({ person: i % 2 ? email : `E${i}`, course: 'Security Basics', completedAt: new Date(T - rnd() * 300 * D).toISOString() });
  phishing.push({ campaign: `c${i % 4}`, email, launchedAt: new Date(T - (i % 4) * 10 * D).toISOString(), status: 'Email Sent', delivered: rnd() < 0.98, clicked: rnd() < 0.1, submitted: false, reported: rnd() < 0.3 });
  if (i % 3 === 0) access.set(`user${i}@example.co.jp`, new Date(T - rnd() * 30 * D).toISOString());
  if (i % 100 === 0) incidents.push({ incidentId: `I${i}`, detectedAt: new Date(T - rnd() * 40 * D).toISOString(), reportedAt: new Date(T - rnd() * 30 * D).toISOString() });
}
for (let i = 0; i < N / 100; i++) {
  const a: AccountRecord = { accountId: `orph${i}`, login: i % 2 ? `svc-${i}` : `ghost${i}@example.co.jp`, enabled: true, rawStatus: 'ACTIVE' };
  accounts.push({ source: 'okta', key: a.accountId, current: a, versions: [{ at: first, data: a }] });
}
const bundle: EvidenceBundle = { people, accounts, completions, phishing, incidents, accessLastSuccess: access, history: {}, current: {} };

const heap0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
const c0 = process.cpuUsage();
const idx = new IdentityIndex(people, config.identity, config.organisation);
const cpu0 = process.cpuUsage(c0);
console.log(`identity index: ${idx.people.length} people in ${(performance.now() - t0).toFixed(0)} ms wall, ${((cpu0.user + cpu0.system) / 1000).toFixed(0)} ms cpu`);

for (const pass of ['cold', 'warm']) {
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  for (const objective of config.objectives) {
    if (only && objective.id !== only) continue;
    const ctx: KpiContext = { objective, organisation: config.organisation, identity: config.identity, at };
    const s = performance.now();
    const c = process.cpuUsage();
    const r = KPI_REGISTRY.get(objective.kpi)!.evaluate!(bundle, ctx);
    const cpu = process.cpuUsage(c);
    console.log(`${pass} ${objective.kpi.padEnd(30)} ${(performance.now() - s).toFixed(0).padStart(5)} ms wall ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(5)} ms cpu  ${r.numerator}/${r.denominator} ${r.status} (${r.failing.length} failing)`);
  }
  const total = performance.now() - t1;
  const cpu1 = process.cpuUsage(c1);
  console.log(`${pass}: all KPIs, ${N} people and ${accounts.length} accounts: ${total.toFixed(0)} ms wall, ${((cpu1.user + cpu1.system) / 1000).toFixed(0)} ms cpu; heap +${((process.memoryUsage().heapUsed - heap0) / 1e6).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
}
