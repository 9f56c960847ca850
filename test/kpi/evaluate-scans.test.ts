/**
 * The new source kinds and KPIs through the whole path: config → collect (runCollection, real
 * in-memory SQLite store) → evaluateObjectives, including `from:` reading a source's own dated
 * records. Values by hand below. T = 2026-11-20 12:00 JST; the quarter starts 10-01 00:00 JST.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { runCollection } from '../../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';
import type { KpiResult } from '../../src/kpi/types.ts';
import { trivyReport } from '../collectors/vulnerability-scan/build.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const T = new Date('2026-11-20T12:00:00+09:00');
const PAST = new Date('2026-01-01T00:00:00Z');

const CONFIG = `
organisation: { name: x, timeZone: Asia/Tokyo, fiscalYearStartMonth: 4, internalDomains: [example.co.jp] }
sources:
  - { id: trivy, kind: vulnerability-scan, paths: [reports] }
  - { id: assets, kind: asset-inventory, path: assets.csv }
  - { id: register, kind: activity-register, path: register.csv }
  - { id: incidents, kind: incidents, path: incidents.csv }
  - { id: hr, kind: hr-roster, path: hr.csv }
objectives:
  - { id: sla, title: sla, kpi: vulnerability-remediation-sla-rate, period: quarter }
  - { id: open, title: open, kpi: open-vulnerability-count, period: quarter, params: { pastDeadlineOnly: true } }
  - { id: coverage, title: coverage, kpi: scan-coverage-rate, period: quarter }
  - id: scans
    title: scans
    kpi: activity-cadence-rate
    period: quarter
    params: { activities: [{ name: monthly scan, cadence: monthly, from: trivy }] }
  - id: logs
    title: logs
    kpi: activity-cadence-rate
    period: quarter
    params: { activities: [{ name: 月次ログレビュー, cadence: monthly }] }
  - { id: missent, title: missent, kpi: incident-count, period: year, params: { categories: [誤送信] } }
`;

let dir: string;
let store: EvidenceStore;
let results: KpiResult[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scans-e2e-'));
  mkdirSync(join(dir, 'reports'));
  const put = (rel: string, text: string) => {
    writeFileSync(join(dir, rel), text);
    utimesSync(join(dir, rel), PAST, PAST);
  };
  // app: 10-01 12:00 JST CVE-X · 10-10 12:00 clean · 11-01 12:00 CVE-Y (all critical).
  put('reports/a1.json', trivyReport('ghcr.io/acme/app:1', '2026-10-01T03:00:00Z', [{ id: 'CVE-X', pkg: 'openssl', severity: 'CRITICAL' }]));
  put('reports/a2.json', trivyReport('ghcr.io/acme/app:2', '2026-10-10T03:00:00Z', []));
  put('reports/a3.json', trivyReport('ghcr.io/acme/app:3', '2026-11-01T03:00:00Z', [{ id: 'CVE-Y', pkg: 'glibc', severity: 'CRITICAL', fixed: '2.36-9+deb12u9' }]));
  put('assets.csv', 'asset id,hostnames,owner\nAPP,ghcr.io/acme/app,ken.ito@example.co.jp\nprinter,,\n');
  put('register.csv', 'activity,performed at,performer\n月次ログレビュー,2026-10-05 10:00,佐藤\n');
  put('incidents.csv', 'id,detected at,category\nI1,2026-05-01 10:00,誤送信\nI2,2026-06-01 10:00,紛失\nI3,2026-07-01 10:00,ｺﾞｿｳｼﾝ\n');
  put('hr.csv', 'employee id,email\nE1,a@example.co.jp\n');
  const config = parseConfig(CONFIG, join(dir, 'config.yaml'));
  store = createMemoryStore();
  for (const s of config.sources) {
    const run = await runCollection({ config, store, log: quiet }, s.id, { observedAt: new Date('2026-11-20T00:00:00Z') });
    expect({ source: s.id, rejected: run.rejected }).toEqual({ source: s.id, rejected: 0 });
  }
  results = await evaluateObjectives(store, config, T);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (id: string) => results.find((r) => r.objective === id)!;

describe('the new KPIs end to end', () => {
  it('sla: CVE-X (deadline 10-16 12:00) fixed 10-10 on time; CVE-Y (deadline 11-16 12:00) open at T → 1/2', () => {
    expect([get('sla').numerator, get('sla').denominator]).toEqual([1, 2]);
    expect(get('sla').failing.map((f) => f.id)).toEqual(['ghcr.io/acme/app: CVE-Y (glibc)']);
  });
  it('open, past deadline only: CVE-Y → 1', () => {
    expect([get('open').value, get('open').status]).toEqual([1, 'missed']);
  });
  it('coverage: APP (host name ghcr.io/acme/app) scanned 11-01, printer never → 1/2', () => {
    expect([get('coverage').numerator, get('coverage').denominator]).toEqual([1, 2]);
    expect(get('coverage').failing.map((f) => f.id)).toEqual(['printer']);
  });
  it('from: the scan source — October has scans (10-01, 10-10) → 1/1; November runs (listed apart)', () => {
    expect([get('scans').numerator, get('scans').denominator]).toEqual([1, 1]);
    expect(get('scans').notes?.map((n) => n.id)).toEqual(['monthly scan 2026-11-01/2026-11-30']);
  });
  it('the register: October\'s review 10-05 → 1/1', () => {
    expect([get('logs').numerator, get('logs').denominator]).toEqual([1, 1]);
  });
  it('incident-count 誤送信 in the fiscal year: I1 only (ｺﾞｿｳｼﾝ is another word, not a width variant of 誤送信)', () => {
    expect(get('missent').value).toBe(1);
  });
});

describe('from: is checked when the config is loaded', () => {
  const cfg = (from: string) =>
    `organisation: { name: x, internalDomains: [example.co.jp] }\nsources:\n  - { id: trivy, kind: vulnerability-scan, paths: [r] }\n  - { id: hr, kind: hr-roster, path: hr.csv }\nobjectives:\n  - id: o\n    title: o\n    kpi: activity-cadence-rate\n    period: quarter\n    params:\n      activities:\n        - { name: scan, cadence: quarterly, from: ${from} }\n`;
  it('an unknown source id, with its line and a suggestion', () => {
    expect(() => parseConfig(cfg('trivvy'), '/x/c.yaml')).toThrow(ConfigError);
    expect(() => parseConfig(cfg('trivvy'), '/x/c.yaml')).toThrow(/c\.yaml:12:\d+: objectives\[0\]\.params\.activities\[0\]\.from: no source with id "trivvy" \(did you mean "trivy"\?\)/);
  });
  it('a source whose records are not dated performances', () => {
    expect(() => parseConfig(cfg('hr'), '/x/c.yaml')).toThrow(/source "hr" \(hr-roster\) has no dated records to count as performances \(kinds that have: vulnerability-scan, activity-register, access-review\)/);
  });
});
