import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import type { AccountRecord, Versioned } from '../../src/evidence/records.ts';
import { runCollection } from '../../src/jobs/run-collection.ts';
import { cutAt, historyView } from '../../src/trends/history-view.ts';
import { Trends } from '../../src/trends/trends.ts';
import { collectExample, coreOnly, EXAMPLE_CONFIG, EXPORTED, quiet, T } from './helpers.ts';
import { readFileSync } from 'node:fs';

const acc = (login: string, enabled: boolean): AccountRecord => ({ accountId: login, login, enabled, rawStatus: enabled ? 'ACTIVE' : 'SUSPENDED' });

async function readAll(store: { readSnapshotBatches: (k: 'account', at: Date, s?: readonly string[]) => AsyncIterable<Versioned<AccountRecord>[]> }, at: string, sources?: string[]) {
  const out: Versioned<AccountRecord>[] = [];
  for await (const b of store.readSnapshotBatches('account', new Date(at), sources)) out.push(...b);
  return out;
}

describe('the history view: one read of each source, cut at each instant', () => {
  it('gives exactly what the store gives as of every instant', async () => {
    const store = createMemoryStore();
    const write = (source: string, at: string, records: AccountRecord[]) =>
      store.writeSnapshot({ source, kind: 'account', observedAt: new Date(at), records: records.map((d) => ({ key: d.accountId, data: d })) });
    // a: enabled 01-31, disabled 02-28, gone 03-31, back 04-30. b: only from 03-31. c in another source.
    await write('idp', '2026-01-31T00:00:00Z', [acc('a', true)]);
    await write('idp', '2026-02-28T00:00:00Z', [acc('a', false)]);
    await write('idp', '2026-03-31T00:00:00Z', [acc('b', true)]);
    await write('idp', '2026-04-30T00:00:00Z', [acc('a', true), acc('b', true)]);
    await write('other', '2026-02-01T00:00:00Z', [acc('c', true)]);
    const view = historyView(store, new Date('2026-04-30T00:00:00Z'));
    for (const at of ['2026-01-01T00:00:00Z', '2026-01-31T00:00:00Z', '2026-02-15T00:00:00Z', '2026-03-31T00:00:00Z', '2026-04-01T00:00:00Z', '2026-04-30T00:00:00Z']) {
      expect(await readAll(view, at), at).toEqual(await readAll(store, at));
      expect(await readAll(view, at, ['other']), at).toEqual(await readAll(store, at, ['other']));
    }
    // By hand, at 03-31: a has three versions, the last one "absent"; b has one; c one.
    const at0331 = await readAll(view, '2026-03-31T00:00:00Z');
    expect(at0331.map((v) => [v.source, v.key, v.versions.length, v.current?.enabled ?? null])).toEqual([
      ['idp', 'a', 3, null],
      ['idp', 'b', 1, true],
      ['other', 'c', 1, true],
    ]);
  });

  it('cutAt: a record first seen after T is not there yet', () => {
    const v: Versioned<number> = { source: 's', key: 'k', current: 2, versions: [{ at: '2026-02-01T00:00:00.000Z', data: 1 }, { at: '2026-03-01T00:00:00.000Z', data: 2 }] };
    expect(cutAt(v, Date.parse('2026-01-31T00:00:00Z'))).toBeUndefined();
    expect(cutAt(v, Date.parse('2026-02-15T00:00:00Z'))).toEqual({ source: 's', key: 'k', current: 1, versions: [v.versions[0]] });
    expect(cutAt(v, Date.parse('2026-03-01T00:00:00Z'))).toBe(v);
  });
});

describe('trend points of the example organisation', () => {
  it('month ends before any evidence are no_data; the point at T is the hand-computed value; a second read comes from the cache', async () => {
    const { store, config } = await collectExample();
    const trends = new Trends(store, config);
    const instants = [new Date('2026-10-31T23:59:59.999+09:00'), new Date(T)];
    const series = await trends.series(instants);
    // Nothing was observed by 10-31 (the exports were taken 11-19): empty populations.
    for (const points of series.values()) expect([points[0]!.status, points[0]!.denominator, points[0]!.value]).toEqual(['no_data', 0, null]);
    // At T, example-expected.md: 12/26, 250/264, 33/445, 267/276, 10/12.
    expect([...series.values()].map((p) => `${p[1]!.numerator}/${p[1]!.denominator} ${p[1]!.status}`)).toEqual([
      '12/26 missed', '250/264 missed', '33/445 met', '267/276 missed', '10/12 at_risk',
    ]);
    expect(series.get('stale-accounts')![1]!.failing).toBe(14);
    expect(trends.stats).toEqual({ cached: 0, computed: 10, evaluations: 2 });

    const again = new Trends(store, config);
    expect(await again.series(instants)).toEqual(series);
    expect(again.stats).toEqual({ cached: 10, computed: 0, evaluations: 0 });
  });

  it('late evidence recomputes only the points that read it; a changed target only its objective; a new title nothing', async () => {
    const { store, config } = await collectExample();
    const instants = [new Date('2026-10-31T23:59:59.999+09:00'), new Date(T)];
    await new Trends(store, config).series(instants);

    // A backfilled HR export of 10-31 12:00: every objective but incident-reporting reads HR
    // (stale accounts, training, phishing departments, MFA owners), at both instants: 4 × 2.
    await runCollection({ config, store, log: quiet }, 'hr', { observedAt: new Date('2026-10-31T12:00:00+09:00') });
    const afterBackfill = new Trends(store, config);
    await afterBackfill.series(instants);
    expect(afterBackfill.stats).toEqual({ cached: 2, computed: 8, evaluations: 2 });

    const text = readFileSync(EXAMPLE_CONFIG, 'utf8');
    const changed = coreOnly(parseConfig(text.replace('    target: 0.9\n', '    target: 0.95\n').replace('title: 多要素認証適用率', 'title: MFA適用率'), EXAMPLE_CONFIG));
    const afterEdit = new Trends(store, changed);
    const series = await afterEdit.series(instants);
    // Only incident-reporting's target changed (0.9 → 0.95): its 2 points; MFA's title is not evaluated.
    expect(afterEdit.stats).toEqual({ cached: 8, computed: 2, evaluations: 2 });
    expect(series.get('incident-reporting')![1]!.target).toBe(0.95);
    // 10/12 = 0.833…: below the new target 0.95, at or above the warning 0.8 → at_risk.
    expect(series.get('incident-reporting')![1]!.status).toBe('at_risk');
  });
});
