/**
 * evaluateObjectives over both stores (SQLite, and a real PostgreSQL: the same answers): evidence as of T only, scope.sources, shared
 * loading, the objectives option. Expected values by hand (JST; ken's last day 2026-04-10, so
 * his accounts are stale from 2026-04-10T15:00Z with a deadline of 2026-04-11T15:00Z).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { STORE_FACTORIES, type StoreHandle } from '../evidence/helpers/stores.ts';
import type { AccountRecord, IncidentRecord, Keyed, PersonRecord, RecordKind } from '../../src/evidence/records.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';
import { evaluateObjectives, evaluationOrder, sourcesFor } from '../../src/kpi/evaluate.ts';
import { KPI_REGISTRY } from '../../src/kpi/registry.ts';
import { acct, disabled } from './helpers.ts';

const config = configSchema.parse({
  organisation: { name: 'Example KK', timeZone: 'Asia/Tokyo', fiscalYearStartMonth: 4, internalDomains: ['example.co.jp'], defaultLoginDomain: 'example.co.jp' },
  sources: [
    { id: 'hr', kind: 'hr-roster', path: 'hr.csv' },
    { id: 'okta', kind: 'idp', format: 'okta-json', path: 'okta.json' },
    { id: 'google', kind: 'idp', format: 'google-csv', path: 'google.csv' },
    { id: 'register', kind: 'incidents', path: 'incidents.csv' },
    { id: 'web', kind: 'access-log', format: 'combined', paths: ['access.log'] },
  ],
  objectives: [
    { id: 'leavers', title: '退職者アカウント削除率', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period: 'quarter' },
    { id: 'mfa-all', title: 'MFA', kpi: 'mfa-coverage', target: 1, direction: 'at_least', period: 'quarter' },
    { id: 'mfa-google', title: 'MFA (Google)', kpi: 'mfa-coverage', target: 1, direction: 'at_least', period: 'quarter', scope: { sources: ['google'] } },
    { id: 'incidents', title: 'インシデント報告', kpi: 'incident-report-sla-rate', target: 0.9, direction: 'at_least', period: 'quarter' },
    { id: 'dormant', title: 'Dormant', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period: 'quarter', params: { includeDormant: true, dormantDays: 30 } },
  ],
});

for (const factory of STORE_FACTORIES) {
describe(factory.name, () => {
  let store: EvidenceStore;
  let handle: StoreHandle;
  async function snap<K extends RecordKind>(source: string, kind: K, at: string, records: Keyed<K>[]): Promise<void> {
    await store.writeSnapshot({ source, kind, observedAt: new Date(at), records });
  }
  const person = (data: PersonRecord): Keyed<'person'> => ({ key: data.employeeId!, data });
  const account = (data: AccountRecord): Keyed<'account'> => ({ key: data.accountId, data });
  const incident = (data: IncidentRecord): Keyed<'incident'> => ({ key: data.incidentId, data });

  beforeEach(async () => {
    handle = await factory.create();
    store = handle.store;
    await snap('hr', 'person', '2026-04-01T00:00:00Z', [
      person({ employeeId: 'E1', email: 'ken.ito@example.co.jp', leaveDate: '2026-04-10' }),
      person({ employeeId: 'E2', email: 'hana.sato@example.co.jp' }),
    ]);
    const kenOkta = acct('ken.ito@example.co.jp', { accountId: 'o-ken', mfaEnrolled: true });
    const hanaOkta = acct('hana.sato', { accountId: 'o-hana', mfaEnrolled: true, lastLoginAt: '2026-01-01T00:00:00Z' });
    await snap('okta', 'account', '2026-04-01T00:00:00Z', [account(kenOkta), account(hanaOkta)]);
    await snap('okta', 'account', '2026-04-14T00:00:00Z', [account({ ...disabled('ken.ito@example.co.jp'), accountId: 'o-ken', mfaEnrolled: true }), account(hanaOkta)]);
    await snap('google', 'account', '2026-04-01T00:00:00Z', [account(acct('ken.ito@example.co.jp', { accountId: 'g-ken', mfaEnrolled: false }))]);
    await snap('register', 'incident', '2026-04-19T00:00:00Z', [
      { ...incident({ incidentId: 'I1', detectedAt: '2026-04-02T00:00:00Z', reportedAt: '2026-04-02T05:00:00Z' }) },
      { ...incident({ incidentId: 'I2', detectedAt: '2026-04-05T00:00:00Z', reportedAt: '2026-04-07T00:00:00Z' }) },
    ]);
    await store.writeFacts({
      source: 'web',
      kind: 'access-day',
      observedAt: new Date('2026-04-16T00:00:00Z'),
      facts: [{ key: 'hana.sato|2026-04-15', data: { account: 'EXAMPLE\\hana.sato', day: '2026-04-15', successes: 3, failures: 0, lastSuccessAt: '2026-04-15T00:00:00Z' } }],
    });
  });
  afterEach(async () => {
    await handle.cleanup();
  });

  describe(`evaluateObjectives (${factory.name} store)`, () => {
    it('gives the answer one would have got then: before the disabling was observed', async () => {
      const [r] = await evaluateObjectives(store, config, new Date('2026-04-13T00:00:00Z'), { objectives: ['leavers'] });
      expect([r!.numerator, r!.denominator, r!.status]).toEqual([0, 2, 'missed']);
      const okta = r!.failing.find((f) => f.details['source'] === 'okta');
      // Still enabled at T: 1 d 9 h past the deadline → 2 days.
      expect(okta?.details).toMatchObject({ disabledAt: null, daysOverdue: 2 });
    });

    it('and after: disabled late, as first observed on 14 Apr (2 d 9 h → 3 days)', async () => {
      const [r] = await evaluateObjectives(store, config, new Date('2026-04-20T00:00:00Z'), { objectives: ['leavers'] });
      expect([r!.numerator, r!.denominator]).toEqual([0, 2]);
      const okta = r!.failing.find((f) => f.details['source'] === 'okta');
      expect(okta?.details).toMatchObject({ disabledAt: '2026-04-14T09:00:00.000+09:00', daysOverdue: 3 });
    });

    it('honours scope.sources for the scoped kind only', async () => {
      const results = await evaluateObjectives(store, config, new Date('2026-04-20T00:00:00Z'), { objectives: ['mfa-all', 'mfa-google'] });
      const byId = Object.fromEntries(results.map((r) => [r.objective, [r.numerator, r.denominator]]));
      // All: hana (okta, enrolled) and ken (google, not enrolled); ken's okta account is disabled.
      expect(byId).toEqual({ 'mfa-all': [1, 2], 'mfa-google': [0, 1] });
      expect(sourcesFor('account', ['google'], config)).toEqual(['google']);
      expect(sourcesFor('person', ['google'], config)).toBeUndefined();
    });

    it('reads snapshot kinds as of T: the incident register observed after T is unseen', async () => {
      const before = await evaluateObjectives(store, config, new Date('2026-04-18T00:00:00Z'), { objectives: ['incidents'] });
      expect([before[0]!.denominator, before[0]!.status]).toEqual([0, 'no_data']);
      const after = await evaluateObjectives(store, config, new Date('2026-04-20T00:00:00Z'), { objectives: ['incidents'] });
      expect([after[0]!.numerator, after[0]!.denominator]).toEqual([1, 2]);
    });

    it('uses access-log successes (observed ≤ T) for dormancy, matched through DOMAIN\\ and the default domain', async () => {
      // 15 Apr 12:00Z: the access-log fact (observed 16 Apr) is unseen; hana's last IdP login
      // 1 Jan → dormant since 31 Jan, still enabled → failing; plus ken's two accounts.
      const early = await evaluateObjectives(store, config, new Date('2026-04-15T12:00:00Z'), { objectives: ['dormant'] });
      expect(early[0]!.failing.map((f) => f.id).sort()).toEqual(['hana.sato', 'ken.ito@example.co.jp', 'ken.ito@example.co.jp']);
      const late = await evaluateObjectives(store, config, new Date('2026-04-20T00:00:00Z'), { objectives: ['dormant'] });
      expect(late[0]!.failing.map((f) => f.id)).toEqual(['ken.ito@example.co.jp', 'ken.ito@example.co.jp']);
    });

    it('evaluates every objective in config order by default', async () => {
      const results = await evaluateObjectives(store, config, new Date('2026-04-20T00:00:00Z'));
      expect(results.map((r) => r.objective)).toEqual(['leavers', 'mfa-all', 'mfa-google', 'incidents', 'dormant']);
      expect(results.every((r) => r.evaluatedAt === '2026-04-20T00:00:00.000Z')).toBe(true);
    });

    it('reads each source once per evaluation, however the objectives scope it', async () => {
      const reads: string[] = [];
      const counting: EvidenceStore = Object.create(store) as EvidenceStore;
      counting.readSnapshotBatches = (kind, at, sources) => {
        reads.push(`${kind}|${(sources ?? ['*']).join(',')}`);
        return store.readSnapshotBatches(kind, at, sources);
      };
      // leavers and mfa-all read every IdP source, mfa-google only google, dormant all again.
      const results = await evaluateObjectives(counting, config, new Date('2026-04-20T00:00:00Z'));
      expect(reads.sort()).toEqual(['account|google', 'account|okta', 'incident|register', 'person|hr']);
      const alone = await evaluateObjectives(store, config, new Date('2026-04-20T00:00:00Z'), { objectives: ['mfa-google'] });
      expect(results[2]).toEqual(alone[0]);
    });

    it('rejects an unknown objective id', async () => {
      await expect(evaluateObjectives(store, config, new Date(), { objectives: ['nope'] })).rejects.toThrow(/unknown objective/);
    });
  });
});
}

describe('evaluationOrder', () => {
  it('runs objectives sharing evidence one after the other, so it is released sooner', () => {
    // 0 and 2 read the okta accounts, 1 only incidents: 2 comes before 1.
    expect(evaluationOrder([['account|okta', 'person|hr'], ['incident|reg'], ['account|okta']])).toEqual([0, 2, 1]);
  });

  it('keeps config order when nothing is shared, and starts with the first objective', () => {
    expect(evaluationOrder([['incident|reg'], ['person|hr'], ['account|okta']])).toEqual([0, 1, 2]);
    expect(evaluationOrder([['incident|reg'], ['person|hr'], ['person|hr']])).toEqual([0, 1, 2]);
  });

  it('prefers the objective sharing the most of what is still loaded (ties in config order)', () => {
    // After 0, person|hr and account|okta stay loaded: 2 shares both, 1 only one.
    expect(evaluationOrder([['person|hr', 'account|okta'], ['person|hr', 'completion|lms'], ['account|okta', 'person|hr'], []])).toEqual([0, 2, 1, 3]);
  });

  it('gives every objective exactly once; no objectives, no order', () => {
    expect(evaluationOrder([])).toEqual([]);
    expect(evaluationOrder([[], [], []])).toEqual([0, 1, 2]);
  });
});

describe('registry', () => {
  it('holds every KPI of this issue', () => {
    for (const id of ['stale-account-deletion-rate', 'training-completion-rate', 'phishing-click-rate', 'phishing-report-rate', 'mfa-coverage', 'password-age-compliance', 'incident-report-sla-rate'] as const) {
      expect(KPI_REGISTRY.get(id)?.id).toBe(id);
    }
  });
});
