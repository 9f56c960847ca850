import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessDayRecord, AccountRecord, Versioned } from '../../src/evidence/records.ts';
import { SqliteStore } from '../../src/evidence/sqlite-store.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../src/evidence/store.ts';

const acct = (login: string, enabled: boolean): AccountRecord => ({ accountId: login, login, enabled, rawStatus: enabled ? 'ACTIVE' : 'SUSPENDED' });
const T1 = new Date('2026-01-01T00:00:00Z');
const T2 = new Date('2026-02-01T00:00:00Z');
const T3 = new Date('2026-03-01T00:00:00Z');

async function snap(store: EvidenceStore, at: Date, accounts: AccountRecord[]) {
  return store.writeSnapshot({ source: 'idp', kind: 'account', observedAt: at, records: accounts.map((a) => ({ key: a.accountId, data: a })) });
}
async function read(store: EvidenceStore, at: Date): Promise<Map<string, Versioned<AccountRecord>>> {
  const out = new Map<string, Versioned<AccountRecord>>();
  for await (const v of store.readSnapshot('account', at)) out.set(v.key, v);
  return out;
}

describe('snapshot history', () => {
  let store: EvidenceStore;
  afterEach(async () => store.close());

  it('keeps only changes, and re-collecting the same export changes nothing', async () => {
    store = createMemoryStore();
    expect(await snap(store, T1, [acct('a', true), acct('b', true)])).toEqual({ added: 2, changed: 0, removed: 0, unchanged: 0 });
    expect(await snap(store, T1, [acct('a', true), acct('b', true)])).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 2 });
    expect(await snap(store, T2, [acct('a', true), acct('b', true)])).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 2 });
    // b disabled at T3, a deleted (absent) at T3.
    expect(await snap(store, T3, [acct('b', false)])).toEqual({ added: 0, changed: 1, removed: 1, unchanged: 0 });
    const at3 = await read(store, T3);
    expect(at3.get('a')!.current).toBeNull();
    expect(at3.get('a')!.versions.map((v) => v.at)).toEqual([T1.toISOString(), T3.toISOString()]);
    expect(at3.get('b')!.current!.enabled).toBe(false);
    // Evaluating the past gives the past: at T2 both are enabled.
    const at2 = await read(store, T2);
    expect(at2.get('a')!.current!.enabled).toBe(true);
    expect(at2.get('b')!.versions).toHaveLength(1);
  });

  it('puts a backfilled export in its place without changing what later observations saw', async () => {
    store = createMemoryStore();
    await snap(store, T1, [acct('a', true)]);
    await snap(store, T3, [acct('a', true)]);
    // Backfill: at T2 the account was suspended (re-enabled again by T3).
    await snap(store, T2, [acct('a', false)]);
    const h = (await read(store, T3)).get('a')!;
    expect(h.versions.map((v) => [v.at, v.data?.enabled])).toEqual([
      [T1.toISOString(), true],
      [T2.toISOString(), false],
      [T3.toISOString(), true],
    ]);
    // Loading the T2 export again, now identical to its neighbours, removes the extra versions.
    await snap(store, T2, [acct('a', true)]);
    expect((await read(store, T3)).get('a')!.versions.map((v) => v.at)).toEqual([T1.toISOString()]);
  });

  it('a record first seen in a backfill before its first observation', async () => {
    store = createMemoryStore();
    await snap(store, T2, [acct('a', true)]);
    await snap(store, T1, [acct('a', true), acct('z', true)]);
    const at2 = await read(store, T2);
    // z was in the T1 export only: absent from T2 on.
    expect(at2.get('z')!.current).toBeNull();
    expect(at2.get('a')!.versions.map((v) => v.at)).toEqual([T1.toISOString()]);
    expect(await read(store, new Date('2025-12-31T00:00:00Z'))).toEqual(new Map());
  });

  it('a snapshot whose records fail half-way stores nothing: the previous observation stands', async () => {
    store = createMemoryStore();
    await snap(store, T1, [acct('a', true), acct('b', true)]);
    async function* failing() {
      yield { key: 'a', data: acct('a', false) };
      throw new Error('export cut short');
    }
    await expect(store.writeSnapshot({ source: 'idp', kind: 'account', observedAt: T2, records: failing() })).rejects.toThrow('export cut short');
    expect(await store.observations('idp')).toEqual([T1.toISOString()]);
    const at2 = await read(store, T2);
    expect([...at2.values()].map((v) => [v.key, v.current!.enabled, v.versions.length])).toEqual([
      ['a', true, 1],
      ['b', true, 1],
    ]);
  });

  it('facts: insert-or-ignore, merge, checkpoints in one transaction; survives reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isms-store-'));
    try {
      let s = SqliteStore.inDataDir(dir);
      const day: AccessDayRecord = { account: 'ken', day: '2026-01-01', successes: 2, failures: 1, lastSuccessAt: '2026-01-01T10:00:00+09:00' };
      const merge = (a: AccessDayRecord, b: AccessDayRecord): AccessDayRecord => ({ ...a, successes: a.successes + b.successes, failures: a.failures + b.failures });
      expect(await s.writeFacts({ source: 'web', kind: 'access-day', observedAt: T1, facts: [{ key: 'ken|2026-01-01', data: day }], merge, checkpoints: { 'file:1': '100' } })).toEqual({ inserted: 1, merged: 0, ignored: 0 });
      await s.writeFacts({ source: 'web', kind: 'access-day', observedAt: T2, facts: [{ key: 'ken|2026-01-01', data: day }], merge, checkpoints: { 'file:1': '200' } });
      await s.close();
      s = SqliteStore.inDataDir(dir);
      const rows = [];
      for await (const r of s.readFacts('access-day', T2)) rows.push(r);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.data).toMatchObject({ successes: 4, failures: 2 });
      expect(await s.getCheckpoint('web', 'file:1')).toBe('200');
      // Without a merge function a repeated key is ignored (a mail already stored).
      expect(await s.writeFacts({ source: 'web', kind: 'access-day', observedAt: T3, facts: [{ key: 'ken|2026-01-01', data: day }] })).toEqual({ inserted: 0, merged: 0, ignored: 1 });
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs and last success per source', async () => {
    store = createMemoryStore();
    const base = { kind: 'account' as const, startedAt: T1.toISOString(), observedAt: T1.toISOString(), accepted: 1, rejected: 0, rejections: [] };
    await store.recordRun({ ...base, source: 'idp', finishedAt: '2026-01-01T00:00:01.000Z', result: 'success' });
    await store.recordRun({ ...base, source: 'idp', finishedAt: '2026-01-02T00:00:01.000Z', result: 'failure', error: 'boom' });
    expect(await store.lastSuccess()).toEqual({ idp: '2026-01-01T00:00:01.000Z' });
    expect((await store.runs({ source: 'idp' }))[0]!.result).toBe('failure');
  });
});

describe('canonical JSON', () => {
  it('orders keys, drops undefined members, and handles nested objects', async () => {
    const { canonicalJson } = await import('../../src/evidence/versioning.ts');
    expect(canonicalJson({ b: 1, a: 'x', c: undefined, d: ['z', 'y'] })).toBe('{"a":"x","b":1,"d":["z","y"]}');
    expect(canonicalJson({ a: 'x', b: 1, d: ['z', 'y'] })).toBe(canonicalJson({ d: ['z', 'y'], b: 1, a: 'x' }));
    expect(canonicalJson({ z: { y: 2, x: [{ b: 1, a: 0 }] }, a: null })).toBe('{"a":null,"z":{"x":[{"a":0,"b":1}],"y":2}}');
  });
});

describe('snapshot check hook, evidence stamps and the derived-result cache', () => {
  let store: EvidenceStore;
  afterEach(async () => store.close());

  it('tells the check the previous observation\'s size and this export\'s, and a throw stores nothing', async () => {
    store = createMemoryStore();
    const seen: { previous: number; incoming: number }[] = [];
    const check = (c: { previous: number; incoming: number }) => {
      seen.push(c);
      if (c.incoming < c.previous / 2) throw new Error('shrunk');
    };
    const write = (at: Date, accounts: AccountRecord[]) =>
      store.writeSnapshot({ source: 'idp', kind: 'account', observedAt: at, records: accounts.map((a) => ({ key: a.accountId, data: a })), check });
    await write(T1, [acct('a', true), acct('b', true), acct('c', true), acct('d', true)]);
    await expect(write(T2, [acct('a', true)])).rejects.toThrow('shrunk');
    // By hand: the first write had no previous observation (0) and 4 records; the second, 4 and 1.
    expect(seen).toEqual([{ previous: 0, incoming: 4 }, { previous: 4, incoming: 1 }]);
    // Nothing of the refused export was stored: at T2 the four accounts are still there.
    expect([...(await read(store, T2)).values()].filter((v) => v.current).length).toBe(4);
    expect(await store.observations('idp')).toEqual([T1.toISOString()]);
  });

  it('changes a source\'s stamp only when a read as of that instant could change', async () => {
    store = createMemoryStore();
    await snap(store, T1, [acct('a', true)]);
    const s1 = await store.evidenceStamp('idp', T2);
    await snap(store, T3, [acct('a', false)]); // after T2: a read as of T2 is unchanged
    expect(await store.evidenceStamp('idp', T2)).toBe(s1);
    await snap(store, new Date('2026-01-15T00:00:00Z'), [acct('a', false)]); // a backfill before T2
    expect(await store.evidenceStamp('idp', T2)).not.toBe(s1);

    const day = (successes: number): AccessDayRecord => ({ account: 'ken', day: '2026-01-01', successes, failures: 0 });
    const merge = (a: AccessDayRecord, b: AccessDayRecord) => ({ ...a, successes: a.successes + b.successes });
    await store.writeFacts({ source: 'log', kind: 'access-day', observedAt: T1, facts: [{ key: 'ken|2026-01-01', data: day(1) }], merge });
    const f1 = await store.evidenceStamp('log', T2);
    await store.writeFacts({ source: 'log', kind: 'access-day', observedAt: T3, facts: [{ key: 'ken|2026-01-02', data: day(1) }], merge });
    expect(await store.evidenceStamp('log', T2)).toBe(f1); // a new fact observed after T2
    await store.writeFacts({ source: 'log', kind: 'access-day', observedAt: T3, facts: [{ key: 'ken|2026-01-01', data: day(2) }], merge });
    expect(await store.evidenceStamp('log', T2)).not.toBe(f1); // merged into a fact read as of T2
  });

  it('keeps cached values by namespace and key, across reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isms-cache-'));
    try {
      store = SqliteStore.inDataDir(dir);
      expect(await store.cacheGet('trend', 'k')).toBeUndefined();
      await store.cachePut('trend', 'k', '{"v":1}');
      await store.cachePut('trend', 'k', '{"v":2}');
      await store.cachePut('other', 'k', 'x');
      await store.close();
      store = SqliteStore.inDataDir(dir);
      expect(await store.cacheGet('trend', 'k')).toBe('{"v":2}');
      expect(await store.cacheGet('other', 'k')).toBe('x');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
