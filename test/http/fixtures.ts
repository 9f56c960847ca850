/** Page contexts for HTTP tests: the example organisation, or a small config with hostile values. */
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';
import type { KpiResult } from '../../src/kpi/types.ts';
import type { PageContext } from '../../src/pages/pages.ts';
import { Trends } from '../../src/trends/trends.ts';
import { collectExample, T } from '../trends/helpers.ts';

export async function examplePages(): Promise<{ ctx: PageContext; store: EvidenceStore; config: Config; results: KpiResult[] }> {
  const { store, config } = await collectExample();
  const at = new Date(T);
  const results = await evaluateObjectives(store, config, at);
  return { ctx: { config, store, trends: new Trends(store, config), now: () => at, results: () => results }, store, config, results };
}

export const SCRIPT = '<script>alert(1)</script>';
export const IMG = '"><img src=x onerror=alert(1)>';
export const FORMULA = '=HYPERLINK("http://evil.example/","click")';

/** An objective, a failing account and a rejected file whose names are attacks. */
export async function hostilePages(): Promise<{ ctx: PageContext; config: Config }> {
  const yaml = `
organisation: { name: 'Org ${SCRIPT}', timeZone: Asia/Tokyo, fiscalYearStartMonth: 4, internalDomains: [example.co.jp], language: en }
sources:
  - { id: okta, kind: idp, format: okta-json, path: none.json }
objectives:
  - id: hostile
    title: '${SCRIPT} ${IMG.replace(/'/g, "''")} ${FORMULA}'
    kpi: mfa-coverage
    period: month
    owner: '${IMG.replace(/'/g, "''")}'
`;
  const config = parseConfig(yaml, '/tmp/hostile.yaml');
  const store = createMemoryStore();
  await store.recordRun({
    source: 'okta', kind: 'account', startedAt: '2026-11-20T02:00:00.000Z', finishedAt: '2026-11-20T02:00:01.000Z', observedAt: '2026-11-20T02:00:00.000Z',
    result: 'success', accepted: 1, rejected: 1, rejections: [{ file: `/exports/${IMG}.json`, line: 3, field: 'profile.login', reason: `bad ${SCRIPT}` }],
  });
  const result: KpiResult = {
    objective: 'hostile', kpi: 'mfa-coverage', value: 0.5, numerator: 1, denominator: 2, target: 1, direction: 'at_least', status: 'missed',
    period: { from: '2026-11-01T00:00:00.000+09:00', to: '2026-11-20T12:00:00.000+09:00' }, evaluatedAt: '2026-11-20T03:00:00.000Z',
    failing: [{
      type: 'account', id: `${IMG}@example.co.jp`, reason: 'no MFA enrolled', reasonCode: 'mfaNotEnrolled',
      details: { source: 'okta', owner: SCRIPT, department: FORMULA, attachment: `${IMG}.pdf`, daysOverdue: 3 },
    }],
  };
  const at = new Date('2026-11-20T03:00:00.000Z');
  return { ctx: { config, store, trends: new Trends(store, config), now: () => at, results: () => [result] }, config };
}
