/**
 * The portable archive (lines, checks, a round trip SQLite → PostgreSQL → SQLite with identical
 * reads) and retention (which versions pruning removes, by hand, and that reads and KPIs at or
 * after the cutoff stay the same on both stores).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { archiveLines, linesOf, readArchive, rowLine } from '../../src/evidence/archive.ts';
import type { ArchiveRow, MaintainedStore } from '../../src/evidence/maintenance.ts';
import type { AccountRecord, PersonRecord } from '../../src/evidence/records.ts';
import { parseRetention, prunableVersions, windowStart } from '../../src/evidence/retention.ts';
import { evaluateObjectives } from '../../src/kpi/evaluate.ts';
import { objectiveLookbackDays, pruneCutoff } from '../../src/kpi/lookback.ts';
import { STORE_FACTORIES, postgresFactory, sqliteFactory, type StoreHandle } from './helpers/stores.ts';

const iter = <T>(xs: T[]) => (async function* () { yield* xs; })();
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
async function archiveOf(store: MaintainedStore): Promise<string[]> {
  return collect(archiveLines({ store: store.storeKind, schemaVersion: 0, exportedAt: 'x' }, store.exportRows()));
}
const parse = (lines: string[], where = 'a.jsonl') => collect(readArchive(linesOf(iter(lines.map((l) => `${l}\n`))), where));

describe('archive lines', () => {
  it('embed record data as JSON and give back the same text', async () => {
    const data = JSON.stringify({ attachments: [{ name: '見積書.zip', encrypted: true, size: 10 }], messageId: '<a"b@x>', date: '2026-01-01' });
    const rows: ArchiveRow[] = [
      // Stored text is JSON.stringify's (canonicalJson uses it): line separators, control characters, -0.5.
      { t: 'version', source: 's', kind: 'account', key: 'k\u0000"', at: 5, data: JSON.stringify({ a: '\u2028x\u0001', b: -0.5, c: [1e21, 'é'] }) },
      { t: 'version', source: 's', kind: 'account', key: 'k', at: 6, data: null },
      { t: 'fact', source: 'm', kind: 'mail', key: '<a@x>', at: 7, data },
      { t: 'run', source: 's', result: 'success', finishedAt: 'z', body: '{"source":"s","accepted":3}' },
      { t: 'observation', source: 's', kind: 'account', at: 5, hash: 'h', records: null },
    ];
    expect(rowLine(rows[2]!)).toBe(`{"t":"fact","source":"m","kind":"mail","key":"<a@x>","at":7,"data":${data}}`);
    const lines = await collect(archiveLines({ store: 'sqlite', schemaVersion: 3, exportedAt: 'x' }, iter(rows)));
    expect(lines).toHaveLength(7);
    expect(await parse(lines)).toEqual(rows);
  });

  it('refuse what is not a whole archive, naming the line', async () => {
    const lines = await collect(archiveLines({ store: 'sqlite', schemaVersion: 3, exportedAt: 'x' }, iter<ArchiveRow>([{ t: 'checkpoint', source: 's', name: 'n', value: 'v' }])));
    await expect(parse(lines.slice(0, 2))).rejects.toThrow('a.jsonl: no end line: the archive is cut short (after line 2); nothing was imported');
    await expect(parse(['{"format":"other"}'])).rejects.toThrow('a.jsonl:1: not an isms-kpi evidence archive');
    await expect(parse([lines[0]!, '{"t":"checkpoint","source":"s","name":1,"value":"v"}'])).rejects.toThrow('a.jsonl:2: checkpoint.name: expected string');
    await expect(parse([lines[0]!, '{"t":"version"'])).rejects.toThrow(/^a\.jsonl:2: not JSON/);
    await expect(parse([lines[0]!, lines[2]!])).rejects.toThrow('a.jsonl:2: the end line counts 1 checkpoint rows, the archive holds 0');
  });
});

const acct = (id: string, over: Partial<AccountRecord> = {}): AccountRecord => ({ accountId: id, login: `${id}@example.co.jp`, email: `${id}@example.co.jp`, enabled: true, rawStatus: 'ACTIVE', ...over });
const DAY = 86_400_000;
const base = Date.parse('2020-01-01T00:00:00Z');

/** Four years of monthly IdP exports: ken's last login moves each month; he leaves in 2023. */
async function history(s: MaintainedStore): Promise<void> {
  await s.writeSnapshot({ source: 'hr', kind: 'person', observedAt: new Date(base), records: [
    { key: 'E1', data: { employeeId: 'E1', email: 'ken@example.co.jp', leaveDate: '2023-06-30' } satisfies PersonRecord },
    { key: 'E2', data: { employeeId: 'E2', email: 'hana@example.co.jp' } satisfies PersonRecord },
  ] });
  for (let m = 0; m < 48; m++) {
    const at = new Date(Date.UTC(2020, m, 1));
    const kenEnabled = at < new Date('2023-07-15T00:00:00Z');
    const records = [
      { key: 'ken', data: acct('ken', { enabled: kenEnabled, rawStatus: kenEnabled ? 'ACTIVE' : 'SUSPENDED', lastLoginAt: kenEnabled ? new Date(at.getTime() - DAY).toISOString() : '2023-06-30T09:00:00.000Z' }) },
      { key: 'hana', data: acct('hana', { mfaEnrolled: m >= 30 }) },
      ...(m < 12 ? [{ key: 'old', data: acct('old') }] : []),
    ];
    await s.writeSnapshot({ source: 'okta', kind: 'account', observedAt: at, records });
  }
  await s.writeFacts({ source: 'web', kind: 'access-day', observedAt: new Date(Date.UTC(2021, 0, 2)), facts: [{ key: 'ken|2021-01-01', data: { account: 'ken', day: '2021-01-01', successes: 1, failures: 0 } }] });
  await s.writeFacts({ source: 'web', kind: 'access-day', observedAt: new Date(Date.UTC(2023, 0, 2)), facts: [{ key: 'ken|2023-01-01', data: { account: 'ken', day: '2023-01-01', successes: 1, failures: 0 } }] });
}

describe('archive round trip between the stores', () => {
  let a: StoreHandle;
  let b: StoreHandle;
  let c: StoreHandle;
  beforeEach(async () => {
    [a, b, c] = [await sqliteFactory.create(), await postgresFactory.create(), await sqliteFactory.create()];
  });
  afterEach(async () => {
    for (const h of [a, b, c]) await h.cleanup();
  });

  it('SQLite → PostgreSQL → SQLite gives the same rows, reads and stamps', async () => {
    await history(a.store);
    await a.store.recordRun({ source: 'okta', kind: 'account', startedAt: 'x', finishedAt: '2023-12-01T00:00:00.000Z', observedAt: 'x', result: 'success', accepted: 3, rejected: 0, rejections: [] });
    await a.store.writeFacts({ source: 'web', kind: 'access-day', observedAt: new Date(Date.UTC(2023, 0, 3)), facts: [{ key: 'ken|2023-01-01', data: { account: 'ken', day: '2023-01-01', successes: 2, failures: 0 } }], merge: (x, y) => ({ ...x, successes: x.successes + y.successes }), checkpoints: { offset: '9' } });
    await a.store.cachePut('trend', 'k', 'v');
    const first = await archiveOf(a.store);
    await b.store.importRows(readArchive(linesOf(iter(first.map((l) => `${l}\n`))), 'first'));
    const second = await archiveOf(b.store);
    // The same rows in the same order; only the header names the other store.
    expect(second.slice(1)).toEqual(first.slice(1));
    await c.store.importRows(readArchive(linesOf(iter(second.map((l) => `${l}\n`))), 'second'));
    expect((await archiveOf(c.store)).slice(1)).toEqual(first.slice(1));
    for (const t of ['2021-06-01', '2023-08-01', '2030-01-01'].map((d) => new Date(d))) {
      expect(await collect(b.store.readSnapshot('account', t))).toEqual(await collect(a.store.readSnapshot('account', t)));
      expect(await collect(b.store.readFacts('access-day', t))).toEqual(await collect(a.store.readFacts('access-day', t)));
      expect(await b.store.evidenceStamp('okta', t)).toBe(await a.store.evidenceStamp('okta', t));
      expect(await b.store.evidenceStamp('web', t)).toBe(await a.store.evidenceStamp('web', t));
    }
    expect(await b.store.runs()).toEqual(await a.store.runs());
    expect(await b.store.getCheckpoint('web', 'offset')).toBe('9');
    await expect(b.store.importRows(iter([]))).rejects.toThrow('it already holds evidence');
  });
});

describe('retention', () => {
  it('prunes the intermediate versions before the cutoff only (by hand)', () => {
    const v = (at: number, data: string | null = 'x') => ({ at, data });
    // Versions at 1..5, cutoff 4: keep the first (1) and the state at the cutoff (4); 2 and 3 go.
    expect(prunableVersions([v(1), v(2), v(3), v(4), v(5)], 4)).toEqual([2, 3]);
    // Absent from 3 on: keep 1 (first), 2 (last data at or before the cutoff), 3 (the state at 4).
    expect(prunableVersions([v(1), v(2, 'y'), v(3, null)], 4)).toEqual([]);
    expect(prunableVersions([v(1), v(2), v(3), v(4, null)], 9)).toEqual([2]);
    expect(prunableVersions([v(5), v(6)], 4)).toEqual([]);
    expect(prunableVersions([v(1)], 4)).toEqual([]);
  });

  it('reads durations, and looks back over the longest period plus its days', () => {
    expect(parseRetention('7y')).toEqual({ amount: 7, unit: 'years' });
    expect(parseRetention('18m')).toEqual({ amount: 18, unit: 'months' });
    expect(parseRetention('7 weeks')).toBeUndefined();
    expect(windowStart({ amount: 7, unit: 'years' }, new Date('2033-01-15T00:00:00Z')).toISOString()).toBe('2026-01-15T00:00:00.000Z');
    // quarter (≤ 92 days) + graceDays 1 + dormantDays 90 = 183; year 366 + slaHours 24 (1 day) = 367.
    expect(objectiveLookbackDays({ period: 'quarter', params: { graceDays: 1, dormantDays: 90, includeDormant: true } })).toBe(183);
    expect(objectiveLookbackDays({ period: 'year', params: { slaHours: 24 } })).toBe(367);
    expect(objectiveLookbackDays({ period: 'rolling 30 days', params: {} })).toBe(30);
    // At least a year back, whatever the objectives.
    expect(pruneCutoff(new Date('2026-01-15T00:00:00Z'), [{ period: 'month', params: {} }]).toISOString()).toBe('2025-01-14T00:00:00.000Z');
  });

  const config = configSchema.parse({
    organisation: { name: 'x', timeZone: 'UTC', internalDomains: ['example.co.jp'] },
    sources: [{ id: 'hr', kind: 'hr-roster', path: 'h.csv' }, { id: 'okta', kind: 'idp', format: 'okta-json', path: 'o.json' }, { id: 'web', kind: 'access-log', format: 'combined', paths: ['a.log'] }],
    objectives: [
      { id: 'leavers', title: 'l', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period: 'quarter', params: { graceDays: 1, includeDormant: true, dormantDays: 90 } },
      { id: 'mfa', title: 'm', kpi: 'mfa-coverage', target: 1, direction: 'at_least', period: 'month' },
    ],
  });

  for (const factory of STORE_FACTORIES) {
    it(`${factory.name}: pruning keeps every read and KPI at or after the cutoff, and removes the rest`, async () => {
      const h = await factory.create();
      try {
        await history(h.store);
        const cutoff = new Date('2022-01-01T00:00:00Z');
        const instants = ['2022-01-01', '2022-06-15', '2023-07-01', '2023-08-20', '2023-12-31'].map((d) => new Date(`${d}T00:00:00Z`));
        // What a read at T ≥ the cutoff shows of each record: its state, its first sighting, and
        // every change from the cutoff on (the changes before it are what pruning removes).
        const view = async (t: Date) => (await collect(h.store.readSnapshot('account', t))).map((v) => ({
          key: v.key, current: v.current, first: v.versions[0], since: v.versions.filter((x) => Date.parse(x.at) >= cutoff.getTime()),
          lastData: [...v.versions].reverse().find((x) => x.data !== null && Date.parse(x.at) <= cutoff.getTime()),
        }));
        const before = [];
        for (const t of instants) before.push([await view(t), await collect(h.store.readSnapshot('person', t)), await evaluateObjectives(h.store, config, t)]);
        const r = await h.store.prune(cutoff);
        // By hand: ken changed every month (lastLoginAt) from 2020-01 to 2023-07: 24 versions before
        // 2022-01-01 (2020-01 … 2021-12), of which the first (2020-01) and the newest ≤ the cutoff (2021-12 is
        // before it; 2022-01 is at it) stay: 2022-01 is at the cutoff, so the newest ≤ cutoff is 2022-01 and
        // 2020-02 … 2021-12 = 23 go. hana: 2020-01 (mfa false) and 2022-07 (mfa true): nothing goes. old:
        // 2020-01 and its absence from 2021-01: nothing goes. 23 versions; the observations 2020-02 … 2021-12
        // that no kept version belongs to: 23 minus 2021-01 (old's absence) = 22; the 2021 fact; no runs.
        expect(r).toMatchObject({ cutoff: cutoff.toISOString(), versions: 23, observations: 22, facts: 1, runs: 0 });
        for (const [i, t] of instants.entries()) {
          expect(await view(t)).toEqual(before[i]![0]);
          expect(await collect(h.store.readSnapshot('person', t))).toEqual(before[i]![1]);
          expect(await evaluateObjectives(h.store, config, t)).toEqual(before[i]![2]);
        }
        expect((await h.store.check()).integrity).toEqual(['ok']);
      } finally {
        await h.cleanup();
      }
    });
  }
});
