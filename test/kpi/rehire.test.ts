/**
 * Re-hires end to end (issue 12, item 1): an HR roster CSV collected by the real collector into
 * a store, IdP accounts, LMS completions and access-day aggregates beside it, then every KPI that
 * reads employment. KPIS.md: rows sharing an identity key are one person with several
 * employments; a person is active while any employment covers T ("a person is active through
 * their leave date"), a leaver from the start of the day after the last departure.
 *
 * Organisation Asia/Tokyo (+09:00, no DST), fiscal year from April: at T = 2026-11-20 12:00 JST
 * the quarter is Q3, from 2026-10-01 00:00 JST. graceDays 1, newHireGraceDays 30.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { mergeAccessDay } from '../../src/collectors/access-log/aggregate.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import type { AccessDayRecord, AccountRecord, Keyed } from '../../src/evidence/records.ts';
import type { EvidenceStore, RunRecord } from '../../src/evidence/store.ts';
import { runCollection } from '../../src/jobs/run-collection.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';
import type { KpiResult } from '../../src/kpi/types.ts';

const T = new Date('2026-11-20T12:00:00+09:00');

// One employment per line; the cases (each a person a@ … h@):
//  a: left 2026-02-01, re-hired 2026-03-01 under the same id, active
//  b: re-hired 2025-10-01 under the same id, then left again 2026-10-15
//  c: overlapping rows: 2020-04-01..2026-08-31 and, entered before that row was closed, from 2026-06-01
//  d: re-hired under the same email with a new employee id (E4 left 2025-12-31, E9 from 2026-02-01)
//  e: the same employment written twice (the second row is the one rejected)
//  f: an ordinary leaver (2026-10-31), for contrast
//  h: left 2026-10-05, re-hired 2026-11-01 (19 days before T: inside the new-hire grace)
//  the re-hire row of `a` comes first in the file: keys must not depend on row order
const ROSTER = [
  'employee id,email,department,status,hire date,leave date',
  'E1,a@example.co.jp,Sales,active,2026-03-01,',
  'E1,a@example.co.jp,Sales,left,2020-04-01,2026-02-01',
  'E2,b@example.co.jp,IT,left,2019-04-01,2025-03-31',
  'E2,b@example.co.jp,IT,left,2025-10-01,2026-10-15',
  'E3,c@example.co.jp,HR,left,2020-04-01,2026-08-31',
  'E3,c@example.co.jp,HR,active,2026-06-01,',
  'E4,d@example.co.jp,Ops,left,2018-04-01,2025-12-31',
  'E9,d@example.co.jp,Ops,active,2026-02-01,',
  'E5,e@example.co.jp,Ops,active,2021-04-01,',
  'E5,e@example.co.jp,Ops,active,2021-04-01,',
  'E6,f@example.co.jp,Ops,left,2022-04-01,2026-10-31',
  'E7,h@example.co.jp,IT,left,2018-04-01,2026-10-05',
  'E7,h@example.co.jp,IT,active,2026-11-01,',
].join('\n');

let dir: string;
let config: Config;
let store: EvidenceStore;
let hrRun: RunRecord;

function setup(): void {
  dir = mkdtempSync(join(tmpdir(), 'rehire-'));
  writeFileSync(join(dir, 'hr.csv'), `${ROSTER}\n`);
  const yaml = `
organisation: { name: Example KK, timeZone: Asia/Tokyo, fiscalYearStartMonth: 4, internalDomains: [example.co.jp], defaultLoginDomain: example.co.jp }
sources:
  - { id: hr, kind: hr-roster, path: hr.csv }
  - { id: okta, kind: idp, format: okta-json, path: okta.json }
  - { id: lms, kind: lms, format: generic-csv, path: lms.csv }
  - { id: web, kind: access-log, format: combined, paths: [access.log] }
objectives:
  - { id: leavers, title: Leavers, kpi: stale-account-deletion-rate, target: 1, direction: at_least, period: quarter }
  - { id: training, title: Training, kpi: training-completion-rate, target: 1, direction: at_least, period: quarter }
  - { id: activity, title: Activity, kpi: leaver-activity-count, target: 0, direction: at_most, period: quarter }
`;
  config = parseConfig(yaml, join(dir, 'isms.yaml'));
}

const account = (login: string): Keyed<'account'> => {
  const data: AccountRecord = { accountId: `o-${login}`, login: `${login}@example.co.jp`, email: `${login}@example.co.jp`, enabled: true, rawStatus: 'ACTIVE' };
  return { key: data.accountId, data };
};

/** One success at `at` (JST) on its day, in the aggregate's shape (hour counts from the day's start). */
function login(account: string, at: string): Keyed<'access-day'> {
  const ms = Date.parse(at);
  const day = new Date(ms + 9 * 3600_000).toISOString().slice(0, 10);
  const hour = Math.floor((ms - Date.parse(`${day}T00:00:00+09:00`)) / 3600_000);
  const iso = new Date(ms).toISOString();
  const data: AccessDayRecord = {
    account, day, successes: 1, failures: 0, firstSuccessAt: iso, lastSuccessAt: iso,
    successesByHour: [...new Array<number>(hour).fill(0), 1],
  };
  return { key: `${day} ${account}`, data };
}

beforeEach(async () => {
  setup();
  store = createMemoryStore();
  hrRun = await runCollection({ config, store, log: { info() {}, warn() {}, error() {}, debug() {} } }, 'hr', { observedAt: new Date('2026-11-19T09:00:00+09:00') });
  await store.writeSnapshot({ source: 'okta', kind: 'account', observedAt: new Date('2026-09-01T00:00:00Z'), records: ['a', 'b', 'c', 'd', 'e', 'f', 'h'].map(account) });
  await store.writeSnapshot({
    source: 'lms', kind: 'completion', observedAt: new Date('2026-11-19T00:00:00Z'),
    records: [{ key: 'a|sec', data: { person: 'a@example.co.jp', course: 'Security 2026', completedAt: '2026-10-05T10:00:00+09:00' } }],
  });
  await store.writeFacts({
    source: 'web', kind: 'access-day', observedAt: new Date('2026-11-19T00:00:00Z'), merge: mergeAccessDay,
    facts: [
      login('a', '2026-11-10T10:00:00+09:00'), // employed again: not leaver activity
      login('b', '2026-11-10T10:00:00+09:00'), // left 2026-10-15: counts
      login('h', '2026-10-20T10:00:00+09:00'), // between h's departure (10-05) and re-hire (11-01): counts
      login('h', '2026-11-10T10:00:00+09:00'), // employed again: not
    ],
  });
});
afterEach(async () => {
  await store.close();
});

async function evaluate(): Promise<Record<string, KpiResult>> {
  const results = await evaluateObjectives(store, config, T);
  return Object.fromEntries(results.map((r) => [r.objective, r]));
}

describe('re-hires: rows sharing a key are one person with several employments', () => {
  it('the collector keeps every employment and rejects only the row that repeats one', () => {
    // 13 rows, E5's second row rejected: 12 records.
    expect(hrRun.accepted).toBe(12);
    expect(hrRun.rejections).toEqual([
      { file: join(dir, 'hr.csv'), line: 11, reason: 'the same employment as line 10 (same person key and hire date)', value: 'E5' },
    ]);
  });

  it('stale-account-deletion-rate: only b and f, who are gone at T, are in the population', async () => {
    const r = (await evaluate())['leavers']!;
    // b: stale from 2026-10-16 00:00, deadline 10-17 00:00; still enabled at T (11-20 12:00):
    //    34.5 days overdue → 35. f: stale 11-01, deadline 11-02 00:00 → 18.5 → 19.
    // a, c, d, e, h are employed at T: no overdue account.
    expect([r.numerator, r.denominator, r.status]).toEqual([0, 2, 'missed']);
    expect(r.failing.map((f) => [f.id, f.details['daysOverdue'], f.details['staleSince']]).sort()).toEqual([
      ['b@example.co.jp', 35, '2026-10-16T00:00:00.000+09:00'],
      ['f@example.co.jp', 19, '2026-11-01T00:00:00.000+09:00'],
    ]);
  });

  it('training-completion-rate: the re-hired are active; h is inside the new-hire grace', async () => {
    const r = (await evaluate())['training']!;
    // Active at T and hired ≥ 30 days before: a (re-hired 03-01), c (covering row from 06-01),
    // d (E9 from 02-01), e. h's covering employment began 11-01 (19 days). b and f have left.
    // Completed: a only. 1 / 4.
    expect([r.numerator, r.denominator]).toEqual([1, 4]);
    expect(r.failing.map((f) => f.id).sort()).toEqual(['c@example.co.jp', 'd@example.co.jp', 'e@example.co.jp']);
  });

  it('leaver-activity-count: logins between a departure and the re-hire count, logins while employed do not', async () => {
    const r = (await evaluate())['activity']!;
    // b on 11-10 (after leaving 10-15) and h on 10-20 (between 10-05 and 11-01): 2.
    // Population: log accounts with an authentication in Q3 up to T: a, b, h → 3.
    expect([r.value, r.denominator]).toEqual([2, 3]);
    expect(r.failing.map((f) => [f.id, f.details['count'], f.details['staleSince']]).sort()).toEqual([
      ['b', 1, '2026-10-16T00:00:00.000+09:00'],
      ['h', 1, '2026-10-06T00:00:00.000+09:00'],
    ]);
  });

  it('re-collecting the same roster in another row order changes nothing in the history', async () => {
    const lines = ROSTER.split('\n');
    writeFileSync(join(dir, 'hr.csv'), `${[lines[0], ...lines.slice(1).reverse()].join('\n')}\n`);
    const run = await runCollection({ config, store, log: { info() {}, warn() {}, error() {}, debug() {} } }, 'hr', { observedAt: new Date('2026-11-19T10:00:00+09:00') });
    // Reversed, the repeat of E5 is the row now further up… its twin further down is rejected.
    expect(run.changes).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 12 });
  });
});
