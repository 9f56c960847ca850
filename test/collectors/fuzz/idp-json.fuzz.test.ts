/**
 * Property tests of the IdP JSON reading (Okta users, issue 12 last paragraph): users of any
 * shape and content between valid users never throw out of the collector (other than the one
 * EvidenceInputError for a file that is not JSON), never hang, and never change the valid users'
 * records; random and mutated files give records, rejections or that one error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { idpCollector } from '../../../src/collectors/idp/collector.ts';
import type { AccountRecord, Keyed } from '../../../src/evidence/records.ts';
import { EvidenceInputError } from '../../../src/errors.ts';
import { collectAll, sourceOf, testContext } from '../context.ts';
import { edits, hostileBytes, hostileString, mutate, FC, withinHangGuard } from './arbitraries.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'idp-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function collect(bytes: Buffer): Promise<{ records: Keyed<'account'>[]; rejected: number } | EvidenceInputError> {
  const file = `okta${n++}.json`;
  writeFileSync(path.join(dir, file), bytes);
  const t = testContext({ baseDir: dir });
  try {
    const records = await collectAll(idpCollector, sourceOf({ kind: 'idp', format: 'okta-json', path: file }), t.ctx);
    return { records, rejected: t.rejections.length };
  } catch (e) {
    if (e instanceof EvidenceInputError && e.message.startsWith(path.join(dir, file))) return e;
    throw e;
  }
}

const STATUSES = ['ACTIVE', 'STAGED', 'PROVISIONED', 'SUSPENDED', 'DEPROVISIONED', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'RECOVERY'];
const instant = fc.oneof(fc.constant(null), fc.date({ min: new Date('2015-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));

const validUser = (i: number) =>
  fc.record({
    status: fc.constantFrom(...STATUSES),
    created: instant,
    statusChanged: instant,
    lastLogin: instant,
    name: fc.stringMatching(/^[A-Za-z]{1,10}$/),
  }).map((v) => ({
    id: `00u${i}`,
    status: v.status,
    created: v.created,
    statusChanged: v.statusChanged,
    lastLogin: v.lastLogin,
    profile: { login: `${v.name.toLowerCase()}${i}@example.co.jp`, email: `${v.name.toLowerCase()}${i}@example.co.jp`, firstName: v.name, lastName: 'Test' },
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
  }));

/** A user of any shape: any JSON, or a user whose fields hold hostile values (its id never a valid one). */
const hostileUser = fc.oneof(
  fc.jsonValue(),
  fc.record({
    id: fc.oneof(hostileString(10).map((s) => `h${s}`), fc.jsonValue()),
    status: fc.oneof(fc.constantFrom(...STATUSES), fc.jsonValue()),
    created: fc.oneof(instant, hostileString(20), fc.jsonValue()),
    lastLogin: fc.oneof(instant, hostileString(20), fc.integer()),
    profile: fc.oneof(fc.record({ login: fc.oneof(hostileString(20), fc.jsonValue()), email: hostileString(20) }), fc.jsonValue()),
    credentials: fc.jsonValue(),
  }),
);

describe('IdP JSON (Okta users)', () => {
  it('hostile users between valid users leave every valid user\'s record as it is (array and envelope)', async () => {
    const valids = fc.integer({ min: 1, max: 6 }).chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => validUser(i))));
    await fc.assert(
      fc.asyncProperty(valids, fc.array(fc.tuple(fc.nat(), hostileUser), { maxLength: 5 }), fc.boolean(), async (valid, hostile, envelope) => {
        const users: unknown[] = [...valid];
        for (const [at, u] of hostile) users.splice(at % (users.length + 1), 0, u);
        const wrap = (a: unknown[]) => Buffer.from(JSON.stringify(envelope ? { value: a } : a), 'utf8');
        const alone = await collect(wrap(valid));
        const mixed = await withinHangGuard(() => collect(wrap(users)));
        if (alone instanceof EvidenceInputError || mixed instanceof EvidenceInputError) throw alone instanceof Error ? alone : mixed;
        const expected = new Map<string, AccountRecord>(alone.records.map((r) => [r.key, r.data]));
        expect(expected.size).toBe(valid.length);
        const got = new Map(mixed.records.filter((r) => expected.has(r.key)).map((r) => [r.key, r.data]));
        expect(got).toEqual(expected);
        // Every hostile user is either a record or a rejection: none is silently dropped.
        expect(mixed.records.length + mixed.rejected).toBe(users.length);
      }),
      FC,
    );
  });

  it('found by the property above: an object where a timestamp belongs is that user\'s rejection, not a TypeError', async () => {
    // String({ toString: '' }) throws "Cannot convert object to primitive value".
    const users = [
      { id: '00u0', status: 'ACTIVE', profile: { login: 'a@example.co.jp' } },
      { id: 'h1', status: 'ACTIVE', created: { toString: '' }, profile: { login: 'b@example.co.jp' } },
      { id: 'h2', status: 'ACTIVE', profile: { login: ['c@example.co.jp'] } },
    ];
    const out = await collect(Buffer.from(JSON.stringify(users)));
    if (out instanceof EvidenceInputError) throw out;
    expect(out.records.map((r) => r.key)).toEqual(['00u0']);
    const t = testContext({ baseDir: dir });
    writeFileSync(path.join(dir, 'found.json'), JSON.stringify(users));
    await collectAll(idpCollector, sourceOf({ kind: 'idp', format: 'okta-json', path: 'found.json' }), t.ctx);
    expect(t.rejections.map((r) => [r.line, r.field, r.reason])).toEqual([
      [2, 'created', 'created: expected a timestamp, found an object'],
      [3, 'profile.login', 'profile.login: expected text, found an array'],
    ]);
  });

  it('random bytes, or a valid export with random edits: records, rejections or one EvidenceInputError', async () => {
    const base = Buffer.from(JSON.stringify([{ id: '00u1', status: 'ACTIVE', created: '2020-01-01T00:00:00.000Z', profile: { login: 'a@example.co.jp' } }, { id: '00u2', status: 'SUSPENDED', lastLogin: null, profile: { login: 'b@example.co.jp', firstName: '花子' } }]));
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileBytes(300), edits(6).map((es) => mutate(base, es))), async (bytes) => {
        await withinHangGuard(() => collect(bytes));
      }),
      FC,
    );
  });
});
