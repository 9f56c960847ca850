/**
 * leaver-activity-count (KPIS.md): successful authentications in the period by an account at or
 * after its owner's stale-since. Organisation in Asia/Tokyo (+09:00); every expectation below is
 * worked out by hand from the rows and the definition.
 */
import { describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../evidence/helpers/stores.ts';
import { configSchema, parseObjective } from '../../src/config/schema.ts';
import type { AccessDayRecord, AccountRecord, PersonRecord, Versioned } from '../../src/evidence/records.ts';
import { emptyBundle, type EvidenceBundle } from '../../src/kpi/bundle.ts';
import { canonicalLogin } from '../../src/kpi/identity.ts';
import {
  accessLastSuccessByLogin, leaverActivityCount, leaverActivityCountKpi, type AccessDayRow,
} from '../../src/kpi/leaver-activity-count.ts';
import type { KpiContext } from '../../src/kpi/types.ts';

const cfg = configSchema.parse({
  organisation: { name: 'Example', timeZone: 'Asia/Tokyo', internalDomains: ['example.co.jp'], defaultLoginDomain: 'example.co.jp' },
  identity: { aliases: { cnakamura: 'carol@example.co.jp' } },
});

function ctx(period: string, at: string): KpiContext {
  const objective = parseObjective({ id: 'no-leaver-logins', title: 'No access after leaving', kpi: 'leaver-activity-count', target: 0, direction: 'at_most', period });
  return { objective, organisation: cfg.organisation, identity: cfg.identity, at: new Date(at) };
}

function person(id: string, email: string, leaveDate?: string): Versioned<PersonRecord> {
  const data: PersonRecord = { employeeId: id, email, ...(leaveDate ? { leaveDate } : {}) };
  return { source: 'hr', key: id, current: data, versions: [{ at: '2026-01-01T00:00:00.000Z', data }] };
}

function account(login: string, email: string): Versioned<AccountRecord> {
  const data: AccountRecord = { accountId: `id-${login}`, login, email, enabled: true, rawStatus: 'ACTIVE' };
  return { source: 'okta', key: data.accountId, current: data, versions: [{ at: '2026-01-01T00:00:00.000Z', data }] };
}

function row(account: string, day: string, successes: number, lastSuccessAt?: string, extra: Partial<AccessDayRecord> & { source?: string } = {}): AccessDayRow {
  const { source = 'web', ...rest } = extra;
  return {
    source,
    data: { account, day, successes, failures: 0, ...(lastSuccessAt ? { lastSuccessAt } : {}), where: `/var/log/${source}.log`, ...rest },
  };
}

function bundle(): EvidenceBundle {
  return {
    ...emptyBundle(),
    people: [
      person('E001', 'ken.ito@example.co.jp', '2026-03-10'), // stale since 2026-03-11 00:00 +09:00
      person('E002', 'aya@example.co.jp'), // active
      person('E003', 'bob@example.co.jp', '2026-01-31'), // stale before the period
      person('E004', 'carol@example.co.jp', '2026-03-15'),
      person('E005', 'dan@example.co.jp', '2026-03-05'),
      person('E006', 'eve@example.co.jp', '2026-03-01'),
    ],
    accounts: [account('dtanaka', 'dan@example.co.jp')],
  };
}

describe('leaver-activity-count', () => {
  const T = '2026-03-20T12:00:00+09:00';

  it('counts successes from the stale-since day on, within the calendar period', () => {
    const rows = [
      row('ken.ito', '2026-03-10', 5, '2026-03-10T03:00:00.000Z'), // last working day: not counted
      row('ken.ito', '2026-03-11', 2, '2026-03-11T01:00:00.000Z'), // stale-since day: 2
      row('ken.ito@example.co.jp', '2026-03-12', 1, '2026-03-12T00:00:00.000Z', { failures: 3, source: 'ssh' }), // 1
      row('ken.ito', '2026-03-13', 0, undefined, { failures: 4, lastFailureAt: '2026-03-13T00:00:00.000Z' }), // failures only
      row('aya', '2026-03-15', 3, '2026-03-15T00:00:00.000Z'), // active person
      row('bob', '2026-02-20', 1, '2026-02-20T00:00:00.000Z'), // before the period
      row('bob', '2026-03-01', 2, '2026-02-28T16:00:00.000Z'), // first day of the period: 2
      row('EXAMPLE\\cnakamura', '2026-03-16', 1, '2026-03-16T00:30:00.000Z'), // alias → carol: 1
      row('dtanaka', '2026-03-06', 4, '2026-03-06T09:00:00.000Z'), // IdP login of dan: 4
      row('ghost', '2026-03-07', 9, '2026-03-07T00:00:00.000Z'), // nobody
      row('ken.ito', '2026-03-21', 7, '2026-03-21T00:00:00.000Z'), // after T
    ];
    const r = leaverActivityCount(bundle(), rows, ctx('month', T));
    expect(r.value).toBe(10);
    expect(r.numerator).toBe(10);
    // log accounts with activity in March up to T: ken.ito, ken.ito@…, aya, bob, cnakamura, dtanaka, ghost
    expect(r.denominator).toBe(7);
    expect(r.status).toBe('missed');
    expect(r.period.from).toBe('2026-03-01T00:00:00.000+09:00');
    expect(r.failing.map((f) => [f.id, f.details['count'], f.details['owner'], f.details['lastEvent']])).toEqual([
      ['EXAMPLE\\cnakamura', 1, 'carol@example.co.jp', '2026-03-16T09:30:00.000+09:00'],
      ['ken.ito@example.co.jp', 1, 'ken.ito@example.co.jp', '2026-03-12T09:00:00.000+09:00'],
      ['ken.ito', 2, 'ken.ito@example.co.jp', '2026-03-11T10:00:00.000+09:00'],
      ['dtanaka', 4, 'dan@example.co.jp', '2026-03-06T18:00:00.000+09:00'],
      ['bob', 2, 'bob@example.co.jp', '2026-03-01T01:00:00.000+09:00'],
    ]);
    expect(r.failing[2]!.details).toMatchObject({ staleSince: '2026-03-11T00:00:00.000+09:00', source: 'web', where: '/var/log/web.log', partialDay: false });
    expect(r.failing[1]!.details).toMatchObject({ source: 'ssh', where: '/var/log/ssh.log' });
  });

  it('counts a day cut by a rolling period start as 1 when its last success is after the start', () => {
    // rolling 7 days at T: from 2026-03-13 12:00 +09:00
    const rows = [
      row('eve', '2026-03-13', 5, '2026-03-13T05:00:00.000Z'), // 14:00 +09:00: after the start → 1
      row('eve@example.co.jp', '2026-03-13', 5, '2026-03-13T01:00:00.000Z'), // 10:00 +09:00: before → 0
      row('eve', '2026-03-14', 3, '2026-03-14T05:00:00.000Z'), // whole day → 3
    ];
    const r = leaverActivityCount(bundle(), rows, ctx('rolling 7 days', T));
    expect(r.value).toBe(4);
    expect(r.failing).toHaveLength(1);
    expect(r.failing[0]!.details).toMatchObject({ count: 4, partialDay: true });
  });

  it('is met at 0 when leavers are quiet, and no_data without any access-log evidence', () => {
    const quiet = leaverActivityCount(bundle(), [row('aya', '2026-03-15', 3, '2026-03-15T00:00:00.000Z')], ctx('month', T));
    expect([quiet.value, quiet.denominator, quiet.status]).toEqual([0, 1, 'met']);
    const none = leaverActivityCount(bundle(), [], ctx('month', T));
    expect([none.value, none.status]).toEqual([null, 'no_data']);
  });

  it('streams the facts through evaluateStream', async () => {
    const rows = [row('ken.ito', '2026-03-11', 2, '2026-03-11T01:00:00.000Z')];
    const facts = {
      async *readFacts() {
        for (const r of rows) yield { ...r, key: `${r.data.day} ${r.data.account}`, observedAt: '2026-03-12T00:00:00.000Z' };
      },
    };
    const r = await leaverActivityCountKpi.evaluateStream!(bundle(), facts as never, ctx('month', T));
    expect(r.value).toBe(2);
  });
});

describe('accessLastSuccessByLogin', () => {
  it('keeps the latest success per canonical login', () => {
    const canonical = (l: string) => canonicalLogin(l, cfg.identity, cfg.organisation);
    const m = accessLastSuccessByLogin(
      [
        row('ken.ito', '2026-03-01', 1, '2026-03-01T00:00:00.000Z'),
        row('KEN.ITO@example.co.jp', '2026-03-05', 2, '2026-03-05T00:00:00+09:00'),
        row('ken.ito', '2026-03-04', 1, '2026-03-04T23:00:00.000Z'),
        row('EXAMPLE\\aya', '2026-03-02', 1, '2026-03-02T00:00:00.000Z'),
        row('aya', '2026-03-09', 0, undefined, { failures: 2, lastFailureAt: '2026-03-09T00:00:00.000Z' }),
      ],
      canonical,
    );
    // 2026-03-04T23:00Z is later than 2026-03-05T00:00+09:00 (= 2026-03-04T15:00Z)
    expect(Object.fromEntries(m)).toEqual({ 'ken.ito@example.co.jp': '2026-03-04T23:00:00.000Z', 'aya@example.co.jp': '2026-03-02T00:00:00.000Z' });
  });

  it('leaves out successes after the evaluation instant', () => {
    const canonical = (l: string) => canonicalLogin(l, cfg.identity, cfg.organisation);
    const rows = [row('ken.ito', '2026-03-01', 1, '2026-03-01T00:00:00.000Z'), row('ken.ito', '2026-03-04', 1, '2026-03-04T23:00:00.000Z')];
    expect(accessLastSuccessByLogin(rows, canonical, Date.parse('2026-03-04T12:00:00Z')).get('ken.ito@example.co.jp')).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('leaver-activity-count end to end', () => {
  for (const factory of STORE_FACTORIES) it(`collects an access log through the job runner and evaluates the objective from the ${factory.name} store`, async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runCollection } = await import('../../src/jobs/run-collection.ts');
    const { evaluateObjectives } = await import('../../src/kpi/evaluate.ts');
    const dir = await mkdtemp(join(tmpdir(), 'leaver-e2e-'));
    const handle = await factory.create();
    const store = handle.store;
    try {
      await writeFile(join(dir, 'access.log'), [
        '192.0.2.1 - ken.ito [10/Mar/2026:18:00:00 +0900] "GET / HTTP/1.1" 200 1 "-" "-"', // last working day
        '192.0.2.1 - ken.ito [11/Mar/2026:08:59:00 +0900] "GET / HTTP/1.1" 200 1 "-" "-"', // after leaving
        '192.0.2.1 - ken.ito [11/Mar/2026:09:00:00 +0900] "POST /login HTTP/1.1" 302 1 "-" "-"', // after leaving
        '192.0.2.1 - ken.ito [11/Mar/2026:09:01:00 +0900] "GET /admin HTTP/1.1" 401 1 "-" "-"', // a failure
        '192.0.2.2 - aya [11/Mar/2026:09:00:00 +0900] "GET / HTTP/1.1" 200 1 "-" "-"',
        'not a log line',
      ].join('\n') + '\n');
      const parsed = configSchema.parse({
        organisation: { name: 'Example', timeZone: 'Asia/Tokyo', internalDomains: ['example.co.jp'], defaultLoginDomain: 'example.co.jp' },
        sources: [{ id: 'web', kind: 'access-log', format: 'combined', paths: ['access.log'] }],
        objectives: [{ id: 'no-leaver-logins', title: 'No access after leaving', kpi: 'leaver-activity-count', target: 0, direction: 'at_most', period: 'month' }],
      });
      const config = { ...parsed, file: join(dir, 'isms-kpi.yaml'), baseDir: dir, dataDir: dir, env: { secrets: {} } };
      await store.writeSnapshot({
        source: 'hr', kind: 'person', observedAt: new Date('2026-03-01T00:00:00Z'),
        records: [
          { key: 'E001', data: { employeeId: 'E001', email: 'ken.ito@example.co.jp', leaveDate: '2026-03-10' } },
          { key: 'E002', data: { employeeId: 'E002', email: 'aya@example.co.jp' } },
        ],
      });
      const quiet = { info() {}, warn() {}, error() {}, debug() {} };
      const run = await runCollection({ config, store, log: quiet }, 'web', { observedAt: new Date('2026-03-12T00:00:00Z') });
      // account-days: ken.ito 10 Mar, ken.ito 11 Mar, aya 11 Mar; one line rejected
      expect([run.result, run.accepted, run.rejected]).toEqual(['success', 3, 1]);
      const [r] = await evaluateObjectives(store, config, new Date('2026-03-20T03:00:00Z'));
      expect([r!.value, r!.status, r!.denominator]).toEqual([2, 'missed', 2]);
      expect(r!.failing.map((f) => [f.id, f.details['owner'], f.details['lastEvent'], f.details['where']])).toEqual([
        ['ken.ito', 'ken.ito@example.co.jp', '2026-03-11T09:00:00.000+09:00', join(dir, 'access.log')],
      ]);
      // evaluated before the collection was observed, nothing is known yet
      const [early] = await evaluateObjectives(store, config, new Date('2026-03-11T12:00:00Z'));
      expect(early!.status).toBe('no_data');
    } finally {
      await handle.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
