/**
 * "A partial list must not read as deleted accounts", on both stores (SQLite and a real
 * PostgreSQL): a collection whose page 3 is refused, after a full one, leaves the full one as
 * the current state — no account reads as removed — and names the page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCollection } from '../../../src/jobs/run-collection.ts';
import { STORE_FACTORIES, type StoreHandle } from '../../evidence/helpers/stores.ts';
import { apiContext } from './context.ts';
import { startOkta } from './doubles/okta.ts';
import type { Double } from './doubles/server.ts';

const USERS = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'idp', 'okta-real', 'list-users.json'), 'utf8')) as Record<string, unknown>[];
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const T1 = new Date('2026-11-18T00:00:00Z');
const T2 = new Date('2026-11-19T00:00:00Z');

for (const factory of STORE_FACTORIES) {
  describe(`okta-api into the ${factory.name} store`, () => {
    let h: StoreHandle | undefined;
    const doubles: Double[] = [];
    afterEach(async () => {
      await Promise.all(doubles.splice(0).map((d) => d.close()));
      await h?.cleanup();
    });

    it('a run refused at page 3 after a full run: the full run stands, nothing reads as removed', async () => {
      h = await factory.create();
      const full = await startOkta({ users: USERS, token: 't0k3n-value' });
      const broken = await startOkta({ users: USERS, token: 't0k3n-value', failPage: { page: 3, status: 400, times: 1 } });
      doubles.push(full, broken);
      const deps = (url: string) => ({ config: apiContext({ sources: [{ id: 'okta', kind: 'idp', format: 'okta-api', baseUrl: url, tokenEnv: 'T', pageSize: 50 }], secrets: { T: 't0k3n-value' } }).config, store: h!.store, log: quiet });
      expect(await runCollection(deps(full.url), 'okta', { observedAt: T1 })).toMatchObject({ result: 'success', accepted: 161 });
      const err = (await runCollection(deps(broken.url), 'okta', { observedAt: T2 }).catch((e: unknown) => e)) as Error;
      expect(err.message).toContain('page 3 of /api/v1/users (100 users read before it)');
      expect(await h.store.observations('okta')).toEqual([T1.toISOString()]);
      let present = 0;
      let removed = 0;
      for await (const v of h.store.readSnapshot('account', T2, ['okta'])) {
        if (v.current) present++;
        if (v.versions.some((x) => x.data === null)) removed++;
      }
      expect({ present, removed }).toEqual({ present: 161, removed: 0 });
    });
  });
}
