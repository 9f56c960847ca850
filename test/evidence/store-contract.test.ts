/**
 * The evidence store contract, run on both stores: SQLite (a file) and a real PostgreSQL
 * (test/setup/postgres.ts). Every expectation is worked out from the semantics in store.ts and
 * versioning.ts, never from either store's output; and a last block checks that the two stores
 * give identical reads and stamps after the same writes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLOW_CHECKPOINT } from '../../src/jobs/bullmq/processor.ts';
import type { AccessDayRecord, AccountRecord, MailRecord, Versioned } from '../../src/evidence/records.ts';
import type { EvidenceStore, FactRow } from '../../src/evidence/store.ts';
import { STORE_FACTORIES, postgresFactory, sqliteFactory, type StoreHandle } from './helpers/stores.ts';

const acct = (login: string, enabled: boolean): AccountRecord => ({ accountId: login, login, enabled, rawStatus: enabled ? 'ACTIVE' : 'SUSPENDED' });
const T1 = new Date('2026-01-01T00:00:00Z');
const T2 = new Date('2026-02-01T00:00:00Z');
const T3 = new Date('2026-03-01T00:00:00Z');
const day = (account: string, d: string, successes: number, failures = 0): AccessDayRecord => ({ account, day: d, successes, failures });
const add = (a: AccessDayRecord, b: AccessDayRecord): AccessDayRecord => ({ ...a, successes: a.successes + b.successes, failures: a.failures + b.failures });

async function snap(store: EvidenceStore, at: Date, accounts: AccountRecord[], source = 'idp') {
  const { digest: _digest, ...changes } = await snapWithDigest(store, at, accounts, source);
  return changes;
}
function snapWithDigest(store: EvidenceStore, at: Date, accounts: AccountRecord[], source = 'idp') {
  return store.writeSnapshot({ source, kind: 'account', observedAt: at, records: accounts.map((a) => ({ key: a.accountId, data: a })) });
}
async function read(store: EvidenceStore, at: Date, sources?: string[]): Promise<Map<string, Versioned<AccountRecord>>> {
  const out = new Map<string, Versioned<AccountRecord>>();
  for await (const v of store.readSnapshot('account', at, sources)) out.set(`${v.source === 'idp' ? '' : `${v.source}/`}${v.key}`, v);
  return out;
}
async function facts(store: EvidenceStore, at: Date, sources?: string[]): Promise<FactRow<'access-day'>[]> {
  const out: FactRow<'access-day'>[] = [];
  for await (const f of store.readFacts('access-day', at, sources)) out.push(f);
  return out;
}

for (const factory of STORE_FACTORIES) {
  describe(`evidence store contract: ${factory.name}`, () => {
    let h: StoreHandle;
    let store: EvidenceStore;
    beforeEach(async () => {
      h = await factory.create();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('snapshot history', () => {
      it('keeps only changes, and re-collecting the same export changes nothing', async () => {
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
        expect(await store.observations('idp')).toEqual([T1, T2, T3].map((t) => t.toISOString()));
      });

      it('keeps keys and values with backslashes, tabs, line breaks and other scripts exactly', async () => {
        // Keys as an IdP or a CSV could give them; values holding the characters COPY and array
        // literals must escape. Read back, each key and record is the one written.
        const odd = ['a\\b', 'tab\there', 'line\nbreak', 'cr\rx', '"quoted"', "it's", '鈴木　和也', 'emoji 😀', 'N', '\\N', 'back\\slash\\'];
        const records = odd.map((k, i) => ({ ...acct(k, i % 2 === 0), rawStatus: `status ${k} \\ \t end` }));
        expect(await snap(store, T1, records)).toEqual({ added: odd.length, changed: 0, removed: 0, unchanged: 0 });
        const at1 = await read(store, T1);
        expect([...at1.keys()].sort()).toEqual([...odd].sort());
        for (const r of records) expect(at1.get(r.accountId)!.current).toEqual(r);
        // And again unchanged: the digest of what was stored is the digest of what is read.
        expect(await snap(store, T2, records)).toEqual({ added: 0, changed: 0, removed: 0, unchanged: odd.length });
      });

      it('puts a backfilled export in its place without changing what later observations saw', async () => {
        await snap(store, T1, [acct('a', true)]);
        await snap(store, T3, [acct('a', true)]);
        // Backfill: at T2 the account was suspended (re-enabled again by T3).
        expect(await snap(store, T2, [acct('a', false)])).toEqual({ added: 0, changed: 1, removed: 0, unchanged: 0 });
        const h3 = (await read(store, T3)).get('a')!;
        expect(h3.versions.map((v) => [v.at, v.data?.enabled])).toEqual([
          [T1.toISOString(), true],
          [T2.toISOString(), false],
          [T3.toISOString(), true],
        ]);
        // Loading the T2 export again, now identical to its neighbours, removes the extra versions.
        await snap(store, T2, [acct('a', true)]);
        expect((await read(store, T3)).get('a')!.versions.map((v) => v.at)).toEqual([T1.toISOString()]);
      });

      it('a record first seen in a backfill before its first observation', async () => {
        await snap(store, T2, [acct('a', true)]);
        await snap(store, T1, [acct('a', true), acct('z', true)]);
        const at2 = await read(store, T2);
        // z was in the T1 export only: absent from T2 on.
        expect(at2.get('z')!.current).toBeNull();
        expect(at2.get('z')!.versions.map((v) => [v.at, v.data === null])).toEqual([[T1.toISOString(), false], [T2.toISOString(), true]]);
        expect(at2.get('a')!.versions.map((v) => v.at)).toEqual([T1.toISOString()]);
        expect(await read(store, new Date('2025-12-31T00:00:00Z'))).toEqual(new Map());
      });

      it('a snapshot whose records fail half-way stores nothing: the previous observation stands', async () => {
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

      it('reads each source in key order (byte order), only the sources asked for, and lists the sources of a kind', async () => {
        // By hand, in UTF-8 byte order: "10" < "9" < "B" < "_x" < "a" < "é" < "日".
        const keys = ['a', 'B', '日', '_x', '10', '9', 'é'];
        await snap(store, T1, keys.map((k) => acct(k, true)), 'okta');
        await snap(store, T1, [acct('x', true)], 'google');
        await store.writeSnapshot({ source: 'hr', kind: 'person', observedAt: T1, records: [{ key: 'E1', data: { employeeId: 'E1' } }] });
        const order: string[] = [];
        for await (const v of store.readSnapshot('account', T1, ['okta'])) order.push(v.key);
        expect(order).toEqual(['10', '9', 'B', '_x', 'a', 'é', '日']);
        expect([...(await read(store, T1))].map(([k]) => k)).toEqual(['google/x', ...order.map((k) => `okta/${k}`)]);
        expect(await store.snapshotSources('account')).toEqual(['google', 'okta']);
        expect(await store.snapshotSources('person')).toEqual(['hr']);
        expect(await store.snapshotSources('incident')).toEqual([]);
      });

      it('reads thousands of records back in batches, each key once with its whole history', async () => {
        const n = 12_345; // more than two read batches of 5,000
        const many = (enabled: (i: number) => boolean) => Array.from({ length: n }, (_, i) => acct(`u${String(i).padStart(5, '0')}`, enabled(i)));
        expect(await snap(store, T1, many(() => true))).toEqual({ added: n, changed: 0, removed: 0, unchanged: 0 });
        // Every third account disabled at T2: ceil(12345 / 3) = 4,115 changed.
        expect(await snap(store, T2, many((i) => i % 3 !== 0))).toEqual({ added: 0, changed: 4115, removed: 0, unchanged: n - 4115 });
        let records = 0;
        let batches = 0;
        let twoVersions = 0;
        for await (const batch of store.readSnapshotBatches('account', T2)) {
          batches++;
          for (const v of batch) {
            records++;
            if (v.versions.length === 2) twoVersions++;
          }
        }
        expect(records).toBe(n);
        expect(twoVersions).toBe(4115);
        expect(batches).toBeGreaterThanOrEqual(2);
      });
    });

    describe('facts', () => {
      it('insert-or-ignore, merge, checkpoints in one transaction; survive reopening', async () => {
        const d = { ...day('ken', '2026-01-01', 2, 1), lastSuccessAt: '2026-01-01T10:00:00+09:00' };
        expect(await store.writeFacts({ source: 'web', kind: 'access-day', observedAt: T1, facts: [{ key: 'ken|2026-01-01', data: d }], merge: add, checkpoints: { 'file:1': '100' } })).toEqual({ inserted: 1, merged: 0, ignored: 0 });
        expect(await store.writeFacts({ source: 'web', kind: 'access-day', observedAt: T2, facts: [{ key: 'ken|2026-01-01', data: d }], merge: add, checkpoints: { 'file:1': '200' } })).toEqual({ inserted: 0, merged: 1, ignored: 0 });
        await store.close();
        const s = h.reopen();
        const rows = await facts(s, T2);
        // 2 + 2 successes, 1 + 1 failures; observed when first written (T1).
        expect(rows.map((r) => [r.key, r.data.successes, r.data.failures, r.observedAt])).toEqual([['ken|2026-01-01', 4, 2, T1.toISOString()]]);
        expect(await s.getCheckpoint('web', 'file:1')).toBe('200');
        // Without a merge function a repeated key is ignored (a mail already stored).
        expect(await s.writeFacts({ source: 'web', kind: 'access-day', observedAt: T3, facts: [{ key: 'ken|2026-01-01', data: d }] })).toEqual({ inserted: 0, merged: 0, ignored: 1 });
        expect((await facts(s, T3))[0]!.data.successes).toBe(4);
      });

      it('a key repeated within one merged write merges into what the write holds', async () => {
        const out = await store.writeFacts({
          source: 'web', kind: 'access-day', observedAt: T1, merge: add,
          facts: [{ key: 'k', data: day('u', 'd', 1) }, { key: 'k', data: day('u', 'd', 2) }, { key: 'j', data: day('v', 'd', 5) }],
        });
        // k: inserted by the first, merged by the second (1 + 2); j inserted.
        expect(out).toEqual({ inserted: 2, merged: 1, ignored: 0 });
        expect((await facts(store, T1)).map((r) => [r.key, r.data.successes])).toEqual([['j', 5], ['k', 3]]);
      });

      it('a merged write that fails half-way stores neither its facts nor its checkpoints (the flow marker with them)', async () => {
        await store.writeFacts({ source: 'web', kind: 'access-day', observedAt: T1, facts: [{ key: 'k', data: day('u', 'd', 1) }], merge: add, checkpoints: { offset: '10' } });
        async function* failing() {
          yield { key: 'k', data: day('u', 'd', 5) };
          throw new Error('partials lost');
        }
        await expect(store.writeFacts({ source: 'web', kind: 'access-day', observedAt: T2, facts: failing(), merge: add, checkpoints: { offset: '20', [FLOW_CHECKPOINT]: 'merge:web:1' } })).rejects.toThrow('partials lost');
        expect(await store.getCheckpoint('web', 'offset')).toBe('10');
        expect(await store.getCheckpoint('web', FLOW_CHECKPOINT)).toBeUndefined();
        expect((await facts(store, T2)).map((r) => r.data.successes)).toEqual([1]);
        // The retried merge commits facts and marker together; a retry that sees the marker skips.
        await store.writeFacts({ source: 'web', kind: 'access-day', observedAt: T2, facts: [{ key: 'k', data: day('u', 'd', 5) }], merge: add, checkpoints: { offset: '20', [FLOW_CHECKPOINT]: 'merge:web:1' } });
        expect(await store.getCheckpoint('web', FLOW_CHECKPOINT)).toBe('merge:web:1');
        expect((await facts(store, T2)).map((r) => r.data.successes)).toEqual([6]);
      });

      it('streamed insert-or-ignore: a run that dies half-way keeps whole batches but not the checkpoint, and its re-run adds each fact once', async () => {
        const mail = (i: number): { key: string; data: MailRecord } => ({
          key: `<m${i}@example.com>`,
          data: { messageId: `<m${i}@example.com>`, date: '2026-01-01T00:00:00Z', sender: 'a@example.com', senderDomain: 'example.com', externalRecipientDomains: ['x.org'], protected: false, attachments: [] },
        });
        const n = 12_000;
        async function* dying() {
          for (let i = 0; i < n; i++) {
            if (i === 7000) throw new Error('disk gone');
            yield mail(i);
          }
        }
        await expect(store.writeFacts({ source: 'mail', kind: 'mail', observedAt: T1, facts: dying(), checkpoints: { offset: 'end' } })).rejects.toThrow('disk gone');
        expect(await store.getCheckpoint('mail', 'offset')).toBeUndefined();
        let stored = 0;
        for await (const _ of store.readFacts('mail', T1)) stored++;
        // Whatever whole batches were committed before the failure (never a partial batch, never more than read).
        expect(stored).toBeLessThan(7000);
        const out = await store.writeFacts({ source: 'mail', kind: 'mail', observedAt: T1, facts: Array.from({ length: n }, (_, i) => mail(i)), checkpoints: { offset: 'end' } });
        expect(out).toEqual({ inserted: n - stored, merged: 0, ignored: stored });
        expect(await store.getCheckpoint('mail', 'offset')).toBe('end');
        let total = 0;
        for await (const _ of store.readFacts('mail', T1)) total++;
        expect(total).toBe(n);
      });

      it('reads facts observed at or before T only, in (observed, source, key) order, optionally of some sources', async () => {
        await store.writeFacts({ source: 'web', kind: 'access-day', observedAt: T2, facts: [{ key: 'b', data: day('b', 'd', 1) }, { key: 'a', data: day('a', 'd', 1) }] });
        await store.writeFacts({ source: 'ssh', kind: 'access-day', observedAt: T1, facts: [{ key: 'z', data: day('z', 'd', 1) }] });
        await store.writeFacts({ source: 'ssh', kind: 'access-day', observedAt: T3, facts: [{ key: 'late', data: day('l', 'd', 1) }] });
        expect((await facts(store, T2)).map((r) => `${r.source}/${r.key}`)).toEqual(['ssh/z', 'web/a', 'web/b']);
        expect((await facts(store, T3, ['ssh'])).map((r) => `${r.source}/${r.key}`)).toEqual(['ssh/z', 'ssh/late']);
        expect(await facts(store, new Date(T1.getTime() - 1))).toEqual([]);
      });

      it('two merges of one source at once from two processes add up: neither count is lost', async () => {
        const other = h.reopen();
        const writes = [];
        for (let i = 0; i < 10; i++) {
          const s = i % 2 === 0 ? store : other;
          writes.push(s.writeFacts({ source: 'web', kind: 'access-day', observedAt: T1, facts: [{ key: 'k', data: day('u', 'd', 1) }], merge: add }));
        }
        await Promise.all(writes);
        // Ten merges of one success each.
        expect((await facts(store, T1)).map((r) => r.data.successes)).toEqual([10]);
      });
    });

    describe('repeating an unchanged observation', () => {
      const T4 = new Date('2026-04-01T00:00:00Z');
      it('equal exports have equal digests, whatever the order of their records', async () => {
        const first = await snapWithDigest(store, T1, [acct('a', true), acct('b', true)]);
        const second = await snapWithDigest(store, T2, [acct('b', true), acct('a', true)]);
        const third = await snapWithDigest(store, T3, [acct('b', false), acct('a', true)]);
        expect(second.digest).toBe(first.digest);
        expect(third.digest).not.toBe(first.digest);
      });

      it('repeats the newest observation at a later instant: the same records, one more observation', async () => {
        const { digest } = await snapWithDigest(store, T1, [acct('a', true), acct('b', false)]);
        expect(await store.repeatObservation({ source: 'idp', kind: 'account', observedAt: T2, digest })).toBe(2);
        expect(await store.observations('idp')).toEqual([T1.toISOString(), T2.toISOString()]);
        const at2 = await read(store, T2);
        expect([...at2.keys()].sort()).toEqual(['a', 'b']);
        expect(at2.get('b')!.current!.enabled).toBe(false);
        expect(at2.get('a')!.versions.map((v) => v.at)).toEqual([T1.toISOString()]); // no new version
        // The next real export compares with the repeated observation as with any other.
        expect(await snap(store, T3, [acct('a', true)])).toEqual({ added: 0, changed: 0, removed: 1, unchanged: 1 });
      });

      it('refuses (writes nothing) when the newest observation has another digest, or a later one exists', async () => {
        const a = await snapWithDigest(store, T1, [acct('a', true)]);
        await snap(store, T3, [acct('a', false)]);
        // The newest (T3) is not what the digest describes.
        expect(await store.repeatObservation({ source: 'idp', kind: 'account', observedAt: T4, digest: a.digest })).toBeUndefined();
        // T2 lies before T3: a backfill is always parsed.
        expect(await store.repeatObservation({ source: 'idp', kind: 'account', observedAt: T2, digest: a.digest })).toBeUndefined();
        // Unknown source.
        expect(await store.repeatObservation({ source: 'other', kind: 'account', observedAt: T4, digest: a.digest })).toBeUndefined();
        expect(await store.observations('idp')).toEqual([T1.toISOString(), T3.toISOString()]);
        expect(await store.observations('other')).toEqual([]);
      });

      it('keeps a checkpoint set on its own', async () => {
        await store.setCheckpoint('idp', 'unchanged-input', 'x');
        await store.setCheckpoint('idp', 'unchanged-input', 'y');
        expect(await store.getCheckpoint('idp', 'unchanged-input')).toBe('y');
        expect(await store.getCheckpoint('other', 'unchanged-input')).toBeUndefined();
      });
    });

    describe('runs, checkpoints, stamps and the cache', () => {
      it('runs, newest first, and last success per source', async () => {
        const base = { kind: 'account' as const, startedAt: T1.toISOString(), observedAt: T1.toISOString(), accepted: 1, rejected: 0, rejections: [] };
        await store.recordRun({ ...base, source: 'idp', finishedAt: '2026-01-01T00:00:01.000Z', result: 'success' });
        await store.recordRun({ ...base, source: 'idp', finishedAt: '2026-01-02T00:00:01.000Z', result: 'failure', error: 'boom' });
        await store.recordRun({ ...base, source: 'hr', finishedAt: '2026-01-03T00:00:01.000Z', result: 'success' });
        expect(await store.lastSuccess()).toEqual({ idp: '2026-01-01T00:00:01.000Z', hr: '2026-01-03T00:00:01.000Z' });
        expect((await store.runs({ source: 'idp' })).map((r) => r.result)).toEqual(['failure', 'success']);
        expect((await store.runs({ limit: 2 })).map((r) => r.source)).toEqual(['hr', 'idp']);
        expect((await store.runs())[1]).toEqual({ ...base, source: 'idp', finishedAt: '2026-01-02T00:00:01.000Z', result: 'failure', error: 'boom' });
      });

      it('tells the check the previous observation\'s size and this export\'s, and a throw stores nothing', async () => {
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
        expect([...(await read(store, T2)).values()].filter((v) => v.current).length).toBe(4);
        expect(await store.observations('idp')).toEqual([T1.toISOString()]);
      });

      it('changes a source\'s stamp only when a read as of that instant could change', async () => {
        await snap(store, T1, [acct('a', true)]);
        const s1 = await store.evidenceStamp('idp', T2);
        await snap(store, T3, [acct('a', false)]); // after T2: a read as of T2 is unchanged
        expect(await store.evidenceStamp('idp', T2)).toBe(s1);
        await snap(store, new Date('2026-01-15T00:00:00Z'), [acct('a', false)]); // a backfill before T2
        expect(await store.evidenceStamp('idp', T2)).not.toBe(s1);

        await store.writeFacts({ source: 'log', kind: 'access-day', observedAt: T1, facts: [{ key: 'ken|2026-01-01', data: day('ken', '2026-01-01', 1) }], merge: add });
        const f1 = await store.evidenceStamp('log', T2);
        await store.writeFacts({ source: 'log', kind: 'access-day', observedAt: T3, facts: [{ key: 'ken|2026-01-02', data: day('ken', '2026-01-02', 1) }], merge: add });
        expect(await store.evidenceStamp('log', T2)).toBe(f1); // a new fact observed after T2
        await store.writeFacts({ source: 'log', kind: 'access-day', observedAt: T3, facts: [{ key: 'ken|2026-01-01', data: day('ken', '2026-01-01', 2) }], merge: add });
        expect(await store.evidenceStamp('log', T2)).not.toBe(f1); // merged into a fact read as of T2

        // A device log read with nothing in it adds no fact, but says "none up to then": the
        // newest run that wrote evidence, observed by T2, is part of the stamp.
        const run = { kind: 'device-day' as const, startedAt: T1.toISOString(), accepted: 0, rejected: 0, rejections: [] };
        const d0 = await store.evidenceStamp('usb', T2);
        await store.recordRun({ ...run, source: 'usb', observedAt: T1.toISOString(), finishedAt: T1.toISOString(), result: 'failure', error: 'unreadable' });
        await store.recordRun({ ...run, source: 'usb', observedAt: T3.toISOString(), finishedAt: T3.toISOString(), result: 'success' });
        expect(await store.evidenceStamp('usb', T2)).toBe(d0); // a failed run, and one after T2
        await store.recordRun({ ...run, source: 'usb', observedAt: T1.toISOString(), finishedAt: T3.toISOString(), result: 'success' });
        const d1 = await store.evidenceStamp('usb', T2);
        expect(d1).not.toBe(d0);
        await store.recordRun({ ...run, source: 'usb', observedAt: '2026-01-20T00:00:00.000Z', finishedAt: T3.toISOString(), result: 'partial' });
        expect(await store.evidenceStamp('usb', T2)).not.toBe(d1); // a newer one, still ≤ T2
        expect(await store.newestRunObservedAt('usb', T2)).toBe('2026-01-20T00:00:00.000Z');
        expect(await store.newestRunObservedAt('usb', new Date('2025-12-31T00:00:00Z'))).toBeUndefined();
      });

      it('keeps cached values by namespace and key, across reopening', async () => {
        expect(await store.cacheGet('trend', 'k')).toBeUndefined();
        await store.cachePut('trend', 'k', '{"v":1}');
        await store.cachePut('trend', 'k', '{"v":2}');
        await store.cachePut('other', 'k', 'x');
        await store.close();
        const s = h.reopen();
        expect(await s.cacheGet('trend', 'k')).toBe('{"v":2}');
        expect(await s.cacheGet('other', 'k')).toBe('x');
        expect(await s.getCheckpoint('none', 'x')).toBeUndefined();
      });
    });
  });
}

describe('both stores give identical reads and stamps after the same writes', () => {
  let a: StoreHandle;
  let b: StoreHandle;
  beforeEach(async () => {
    a = await sqliteFactory.create();
    b = await postgresFactory.create();
  });
  afterEach(async () => {
    await a.cleanup();
    await b.cleanup();
  });

  it('snapshots with backfills, merged and ignored facts, runs', async () => {
    for (const h of [a, b]) {
      const s = h.store;
      await snap(s, T1, [acct('a', true), acct('b', true), acct('Z', true)]);
      await snap(s, T3, [acct('a', false), acct('c', true)]);
      await snap(s, T2, [acct('a', true), acct('b', false)]);
      await s.writeFacts({ source: 'web', kind: 'access-day', observedAt: T1, facts: [{ key: 'u|1', data: day('u', '1', 1) }], merge: add, checkpoints: { o: '1' } });
      await s.writeFacts({ source: 'web', kind: 'access-day', observedAt: T2, facts: [{ key: 'u|1', data: day('u', '1', 2) }, { key: 'v|2', data: day('v', '2', 1) }], merge: add, checkpoints: { o: '2' } });
    }
    for (const at of [T1, T2, T3, new Date('2030-01-01T00:00:00Z')]) {
      expect(await read(b.store, at)).toEqual(await read(a.store, at));
      expect(await facts(b.store, at)).toEqual(await facts(a.store, at));
      for (const source of ['idp', 'web']) expect(await b.store.evidenceStamp(source, at)).toBe(await a.store.evidenceStamp(source, at));
    }
  });
});
